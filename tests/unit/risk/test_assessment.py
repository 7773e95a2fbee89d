"""Risk's assessment of each approval request: the rules judged on it run first, then one announcement,
valid against the catalogue, listing the document's warnings. Over in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ic_platform import catalogue
from ic_platform.envelope import Envelope
from services.risk.domain.rules import Rule
from services.risk.service_layer import assessment, behaviour, payments, splitting, suppliers, warnings

DOCUMENT = {"type": "matter_application", "id": "a1", "no": "SQ-2026-000042"}
WARNING = {
    "id": 7,
    "document": DOCUMENT,
    "rule": "split_purchase",
    "severity": "high",
    "message": "疑似拆分采购（化整为零）",
    "evidence": {"total": "60000.00"},
    "raised_at": "2026-11-25T08:00:00+00:00",
}


class FakeWarnings:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def for_document(self, org: str, document_type: str, document_id: str) -> list[dict[str, Any]]:
        return [w for w in self.items if (w["document"]["type"], w["document"]["id"]) == (document_type, document_id)]


class FakeAssessments:
    def __init__(self) -> None:
        self.rows: dict[str, tuple] = {}

    def add(self, org, event_id, type_, document, rules, warning_ids) -> datetime | None:  # noqa: ANN001
        if event_id in self.rows:
            return None
        self.rows[event_id] = (type_, document, rules, warning_ids)
        return datetime.now(UTC)


class FakeUow:
    def __init__(self) -> None:
        self.warnings, self.assessments, self.published = FakeWarnings(), FakeAssessments(), []

    def publish(self, envelope: Envelope) -> None:
        self.published.append(envelope)


def request(type_: str, document: dict[str, Any] = DOCUMENT) -> Envelope:
    payload = {"document": document, "unit": "dzb", "applicant": "clerk", "amount": "20000.00", "title": "办公家具"}
    return Envelope(type=type_, payload=payload, org="demo", producer=type_.split(".")[0], actor="clerk")


@pytest.fixture
def split_rule(monkeypatch):
    """The split rule replaced by one that raises the warning (what it does is tested in test_rules.py)."""
    ran = []

    def judge(event: Envelope, uow: FakeUow) -> None:
        ran.append(event.event_id)
        uow.warnings.items.append(WARNING)

    monkeypatch.setitem(
        splitting.SUBMISSION_RULES, "payment.matter_application_submitted", [(Rule.SPLIT_PURCHASE, judge)]
    )
    return ran


def test_the_rules_run_before_the_assessment_which_lists_their_warnings(split_rule):
    uow, event = FakeUow(), request("payment.matter_application_submitted")
    assessment.assess_submission(event, uow)
    assert split_rule == [event.event_id]
    [announced] = uow.published
    catalogue.validate(announced.as_dict())
    p = announced.payload
    assert announced.type == "risk.document_assessed" and announced.subject == "matter_application/a1"
    assert p["submission"] == {"event_id": event.event_id, "type": event.type} and p["rules"] == ["split_purchase"]
    assert [(w["warning_id"], w["severity"]) for w in p["warnings"]] == [(7, "high")]
    assert announced.causation_id == event.event_id and announced.correlation_id == event.correlation_id


def test_a_submission_is_announced_as_assessed_once(split_rule):
    uow, event = FakeUow(), request("payment.matter_application_submitted")
    assessment.assess_submission(event, uow)
    assessment.assess_submission(event, uow)
    assert len(uow.published) == 1


def test_a_document_type_without_rules_is_assessed_all_the_same():
    """Procurement, contracts, payments: whatever approval request the catalogue declares is assessed."""
    uow = FakeUow()
    event = request("budget.adjustment_submitted", {"type": "budget_adjustment", "id": "b9"})
    assessment.assess_submission(event, uow)
    [announced] = uow.published
    catalogue.validate(announced.as_dict())
    assert announced.payload["rules"] == [] and announced.payload["warnings"] == []


def test_every_approval_request_of_the_catalogue_is_assessed():
    assert sorted(assessment.EVENT_HANDLERS) == catalogue.approval_requests()
    assert all(h == [assessment.assess_submission] for h in assessment.EVENT_HANDLERS.values())
    for module in (warnings, splitting, payments, suppliers, behaviour):
        assert set(module.SUBMISSION_RULES) <= set(catalogue.approval_requests())
        assert not set(module.SUBMISSION_RULES) & set(module.EVENT_HANDLERS), (
            "a rule on a request runs in the assessment"
        )


def test_risk_files_its_own_events_as_it_writes_them_and_does_not_hear_them_back():
    """The assessment is filed on its dossier by the bus, in the transaction that publishes it; the inbox keeps
    no row for it (nor any other of risk's own events) and opens no transaction for it."""
    from ic_platform.inbox import Inbox, handler_name
    from services.risk.service_layer import handlers
    from services.risk.service_layer.bus import BUS

    own = [spec.type for spec in catalogue.CATALOGUE.values() if spec.producer == "risk"]
    assert own and all(BUS.own[type_] == [handlers.file_on_dossier] for type_ in own)
    inbox = Inbox("risk", None, BUS.heard, None)  # type: ignore[arg-type] - only asked, never run
    assessed = Envelope(type=assessment.ASSESSED, payload={"document": DOCUMENT}, org="demo", producer="risk")
    assert inbox.hearing(assessed) == []
    submitted = inbox.hearing(request("payment.matter_application_submitted"))
    assert handler_name(handlers.file_on_dossier) in submitted and "assessment.assess_submission" in submitted
