"""The risk assessment gate as use cases: a round opened by an approval request waits for risk's assessment of
that request (`risk.document_assessed`); `decide` and `record_meeting` refuse with 409 risk_assessment_pending
until it is here. The rule and why: domain/assessment.py and docs/risk-assessment.md."""

from __future__ import annotations

from typing import Any

from ic_platform import catalogue, metrics
from ic_platform.envelope import Envelope
from services.approval.domain.assessment import require_assessed
from services.approval.domain.model import Route, Task
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


def on_round_started(uow: ApprovalUnitOfWork, event: Envelope, route: Route) -> None:
    """In the transaction that opens the round. Risk assesses every approval request it hears (it hears every
    event), so a round opened by one always gets its assessment; a round opened otherwise would wait forever,
    so it is not held."""
    if event.type in catalogue.approval_requests():
        uow.assessments.expect(event.org, event.event_id, route.document.as_dict(), route.round)


def on_document_assessed(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """The warnings listed come in the same transaction as the assessment: a decision that sees the assessment
    sees its warnings, whatever order `risk.warning_raised` and this event are heard in."""
    p = event.payload
    for warning in p["warnings"]:
        uow.watch.add_warning(event.org, {**warning, "document": p["document"]})
    waited = uow.assessments.record(
        event.org, p["submission"]["event_id"], p["document"], p["assessed_at"], len(p["warnings"])
    )
    if waited is not None:
        metrics.approval_assessment_wait.labels(p["document"]["type"]).observe(max(waited, 0.0))


def check(uow: ApprovalUnitOfWork, route: Route, task: Task) -> None:
    """Before anything else of a decision is checked against the watch (the warnings to acknowledge first)."""
    assessment = uow.assessments.of_round(route.document.type, route.document.id, task.round)
    if not assessment.decidable:
        metrics.approval_decisions_held.labels(route.document.type).inc()
    require_assessed(assessment, route.document.as_dict(), task.round)


def view_of_task(uow: ApprovalUnitOfWork, document_type: str, document_id: str, round_: int) -> dict[str, Any]:
    return uow.assessments.of_round(document_type, document_id, round_).as_dict()


def annotate(uow: ApprovalUnitOfWork, items: list[dict[str, Any]]) -> None:
    """Task list items get their round's assessment (one query for the page)."""
    keys = [(i["document"]["type"], i["document"]["id"], i["round"]) for i in items]
    found = uow.assessments.of_rounds(keys)
    for item, key in zip(items, keys, strict=True):
        item["risk_assessment"] = found[key].as_dict()


EVENT_HANDLERS = {"risk.document_assessed": [on_document_assessed]}
