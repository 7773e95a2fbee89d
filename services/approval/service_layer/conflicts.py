"""Incompatible positions at the point of decision (see domain/conflicts.py): the parties a document names are
kept from its submission events; a decision by someone holding an incompatible position is refused, the rule
named and counted in `ic_segregation_of_duties_violations_total`."""

from __future__ import annotations

from ic_platform import metrics
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from services.approval.domain.conflicts import conflict_of, refusal
from services.approval.domain.model import Route
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

PRODUCER = "approval"


def record_parties(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """The parties a submission (or resubmission) names, kept for the check at decision time. A resubmission
    that names none keeps those of the first submission."""
    p = event.payload
    if "parties" in p:
        uow.watch.set_parties(event.org, p["document"]["type"], p["document"]["id"], p["parties"])


def check(uow: ApprovalUnitOfWork, ctx: CallContext, route: Route) -> None:
    document = route.document
    parties = uow.watch.parties(document.type, document.id)
    if not parties:
        return
    conflict = conflict_of(ctx.actor, document.type, parties)
    if conflict is not None:
        metrics.sod_violations.labels(PRODUCER, f"incompatible_roles:{conflict.rule}").inc()
        raise refusal(conflict, ctx.actor, document.no)
