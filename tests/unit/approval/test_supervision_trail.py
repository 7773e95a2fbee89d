"""Approval's part in working risk warnings: the acknowledgement announced with the decision, and risk's later
moves of a warning appended to the document's trail with who, when and why."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from ic_platform import catalogue
from ic_platform.envelope import Envelope
from services.approval.service_layer import supervision
from tests.unit.risk.supervision_samples import SUPERVISION_PAYLOADS


class _Trail:
    def __init__(self) -> None:
        self.drafts = []

    def append(self, draft) -> None:  # noqa: ANN001
        self.drafts.append(draft)


def _worked(type_: str):  # noqa: ANN202
    event = Envelope(type=type_, payload=SUPERVISION_PAYLOADS[type_], org="xinqiao", producer="risk")
    catalogue.validate(event.as_dict())
    uow = SimpleNamespace(trail=_Trail())
    supervision.on_warning_worked(event, uow)
    [draft] = uow.trail.drafts
    return draft


def test_a_dismissal_is_trailed_with_its_reason_and_time():
    draft = _worked("risk.warning_dismissed")
    assert (draft.action, draft.actor, draft.document_type) == ("risk_dismissed", "inspector", "matter_application")
    assert "三批为不同楼层的独立需求" in draft.comment and "#7" in draft.comment
    assert draft.occurred_at == datetime.fromisoformat("2026-11-21T02:00:00+00:00")


def test_a_confirmation_names_the_finding_the_unit_and_the_due_date():
    draft = _worked("risk.warning_confirmed")
    assert draft.action == "risk_confirmed" and "dzb" in draft.comment and "2026-12-31" in draft.comment


def test_a_closed_rectification_says_whether_on_time():
    draft = _worked("risk.rectification_closed")
    assert draft.action == "rectification_closed" and "按期" in draft.comment and draft.actor == "inspector"


def test_approval_hears_exactly_the_moves_it_trails():
    subscribed = {s.type for s in catalogue.CATALOGUE.values() if "approval" in s.subscribers and s.producer == "risk"}
    assert set(supervision.EVENT_HANDLERS) == subscribed - {"risk.warning_raised", "risk.document_assessed"}
