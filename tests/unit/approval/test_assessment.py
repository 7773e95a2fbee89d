"""The risk assessment gate: a round's decisions wait for risk's assessment of the submission that opened it.
Pure rule and the use cases over in-memory fakes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from ic_platform import catalogue
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict
from services.approval.domain.assessment import Assessment, AssessmentState, require_assessed
from services.approval.domain.model import DocumentRef, Route, Task
from services.approval.service_layer import assessment, handlers

DOCUMENT = {"type": "matter_application", "id": "a1", "no": "SQ-2026-000042"}


# ── fakes ──
@dataclass
class FakeAssessments:
    """The repository's upsert semantics on submission_event_id, in memory."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _row(self, org: str, event_id: str, document: dict[str, Any]) -> dict[str, Any]:
        return self.rows.setdefault(
            event_id,
            dict(
                submission_event_id=event_id,
                org=org,
                document_type=document["type"],
                document_id=document["id"],
                round=None,
                expected_at=None,
                assessed_at=None,
                received_at=None,
                warning_count=None,
            ),
        )

    def expect(self, org: str, event_id: str, document: dict[str, Any], round_: int) -> None:
        self._row(org, event_id, document).update(round=round_, expected_at=datetime.now(UTC))

    def record(self, org: str, event_id: str, document: dict[str, Any], assessed_at: str, count: int) -> float | None:
        row = self._row(org, event_id, document)
        if row["received_at"] is not None:
            return None
        row.update(assessed_at=datetime.fromisoformat(assessed_at), received_at=datetime.now(UTC), warning_count=count)
        return (row["received_at"] - row["expected_at"]).total_seconds() if row["expected_at"] else 0.0

    def of_round(self, document_type: str, document_id: str, round_: int) -> Assessment:
        found = [
            r
            for r in self.rows.values()
            if (r["document_type"], r["document_id"], r["round"]) == (document_type, document_id, round_)
        ]
        return Assessment.of(SimpleNamespace(**found[0]) if found else None)

    def of_rounds(self, keys: list[tuple[str, str, int]]) -> dict[tuple[str, str, int], Assessment]:
        return {k: self.of_round(*k) for k in keys}


@dataclass
class FakeWatch:
    warnings: dict[int, dict[str, Any]] = field(default_factory=dict)
    seen_at_record: list[int] = field(default_factory=list)

    def add_warning(self, org: str, payload: dict[str, Any]) -> None:
        self.warnings.setdefault(payload["warning_id"], payload)


class FakeUow:
    def __init__(self) -> None:
        self.assessments = FakeAssessments()
        self.watch = FakeWatch()


def submission(type_: str = "payment.matter_application_submitted") -> Envelope:
    return Envelope(type=type_, payload={"document": DOCUMENT}, org="demo", producer="payment")


def assessed(of: Envelope, warnings: list[dict[str, Any]] = ()) -> Envelope:
    payload = {
        "document": DOCUMENT,
        "submission": {"event_id": of.event_id, "type": of.type},
        "assessed_at": datetime.now(UTC).isoformat(),
        "rules": ["split_purchase"],
        "warnings": list(warnings),
    }
    return Envelope(type="risk.document_assessed", payload=payload, org="demo", producer="risk")


def route(round_: int = 1) -> Route:
    return SimpleNamespace(document=DocumentRef(**DOCUMENT), round=round_)


def task(round_: int = 1) -> Task:
    return Task(step_no=1, assignee="head", round=round_)


SPLIT = {"warning_id": 7, "rule": "split_purchase", "severity": "high", "message": "疑似拆分采购（化整为零）"}


# ── the rule ──
def test_a_pending_assessment_refuses_with_a_409_naming_the_document_and_round():
    pending = Assessment(AssessmentState.PENDING, str(uuid.uuid4()), datetime.now(UTC))
    with pytest.raises(Conflict) as refused:
        require_assessed(pending, DOCUMENT, 2)
    error = refused.value
    assert error.http_status == 409 and error.code == "risk_assessment_pending"
    assert "风险评估尚未完成" in error.message and "SQ-2026-000042" in error.message and "第 2 轮" in error.message
    assert error.details["round"] == 2 and error.details["retry_after_s"] > 0
    assert error.details["submission_event_id"] == pending.submission_event_id
    assert error.details["document"] == DOCUMENT


@pytest.mark.parametrize("state", [AssessmentState.ASSESSED, AssessmentState.NOT_REQUIRED])
def test_an_assessed_round_or_one_from_before_the_gate_is_decided(state):
    require_assessed(Assessment(state), DOCUMENT, 1)


def test_the_view_says_whether_the_round_waits():
    assert Assessment.of(None).as_dict()["status"] == "not_required"
    pending = Assessment(AssessmentState.PENDING, "e", datetime(2026, 11, 27, tzinfo=UTC)).as_dict()
    assert pending["status"] == "pending" and pending["waiting_since"] and "暂不能审批" in pending["status_label"]


# ── the use cases over fakes ──
def test_a_round_waits_until_risk_has_assessed_its_submission():
    uow, submitted = FakeUow(), submission()
    assessment.on_round_started(uow, submitted, route())
    with pytest.raises(Conflict):
        assessment.check(uow, route(), task())
    assessment.on_document_assessed(assessed(submitted), uow)
    assessment.check(uow, route(), task())
    assert uow.assessments.of_round("matter_application", "a1", 1).state is AssessmentState.ASSESSED


def test_an_assessment_heard_before_the_round_opened_counts():
    uow, submitted = FakeUow(), submission()
    assessment.on_document_assessed(assessed(submitted), uow)
    assessment.on_round_started(uow, submitted, route())
    assessment.check(uow, route(), task())


def test_the_warnings_listed_arrive_with_the_assessment():
    """Whatever order risk.warning_raised is heard in: a decision that sees the assessment sees the warning."""
    uow, submitted = FakeUow(), submission()
    assessment.on_round_started(uow, submitted, route())
    assessment.on_document_assessed(assessed(submitted, [SPLIT]), uow)
    assert uow.watch.warnings[7]["document"] == DOCUMENT and uow.watch.warnings[7]["severity"] == "high"
    assert uow.assessments.of_round("matter_application", "a1", 1).warning_count == 1


def test_a_resubmission_opens_a_round_that_needs_its_own_assessment():
    uow, first = FakeUow(), submission()
    assessment.on_round_started(uow, first, route(1))
    assessment.on_document_assessed(assessed(first), uow)
    again = submission("payment.matter_application_resubmitted")
    assessment.on_round_started(uow, again, route(2))
    assessment.check(uow, route(1), task(1))
    with pytest.raises(Conflict) as refused:
        assessment.check(uow, route(2), task(2))
    assert refused.value.details["round"] == 2
    assessment.on_document_assessed(assessed(again), uow)
    assessment.check(uow, route(2), task(2))


def test_a_redelivered_assessment_changes_nothing():
    uow, submitted = FakeUow(), submission()
    assessment.on_round_started(uow, submitted, route())
    assessment.on_document_assessed(assessed(submitted, [SPLIT]), uow)
    assessment.on_document_assessed(assessed(submitted, []), uow)
    assert uow.assessments.of_round("matter_application", "a1", 1).warning_count == 1


def test_a_round_opened_by_an_event_risk_does_not_assess_is_not_held():
    uow = FakeUow()
    assessment.on_round_started(uow, submission("payment.something_else_happened"), route())
    assessment.check(uow, route(), task())


def test_every_event_approval_opens_a_round_from_is_one_risk_assesses():
    """The rule that keeps nothing blocked forever: approval opens rounds only from approval requests, and risk
    assesses each approval request in the catalogue (its handler table is built from the same list)."""
    from services.risk.service_layer import assessment as risk_assessment

    opened_from = set(handlers.SUBMITTED) | set(handlers.RESUBMITTED)
    assert opened_from <= set(catalogue.approval_requests())
    assert set(risk_assessment.EVENT_HANDLERS) == set(catalogue.approval_requests())
    assert "approval" in catalogue.spec_for("risk.document_assessed").subscribers


def test_the_decision_hook_holds_a_decision_and_a_meetings_record_before_anything_else():
    """`watch.on_decision` is what both `decide` and `record_meeting` call once the domain accepted the decider:
    the gate comes first there (this fake has nothing else, so any later check would fail differently)."""
    from ic_platform.context import CallContext
    from services.approval.service_layer import watch

    uow, submitted = FakeUow(), submission()
    assessment.on_round_started(uow, submitted, route())
    result = SimpleNamespace(task=task())
    for cmd in (SimpleNamespace(decision="reject"), SimpleNamespace(decision="approve")):
        with pytest.raises(Conflict) as held:
            watch.on_decision(uow, CallContext(org="demo", actor="head"), route(), result, cmd)
        assert held.value.code == "risk_assessment_pending"
