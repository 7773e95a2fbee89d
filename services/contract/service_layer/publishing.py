"""The contract domain's recorded facts, published through the outbox as `contract.*`. Two of them put a
document into approval, so they carry the approval request's fields (ic_platform.catalogue.fragments)."""

from __future__ import annotations

from typing import Any

from ic_platform.context import CallContext
from ic_platform.money import money_str
from services.contract.domain.amendments import Amendment
from services.contract.domain.contract import Contract
from services.contract.domain.events import AmendmentSubmitted, ContractSubmitted, Event


def parties(c: Contract) -> dict[str, str]:
    """Only the positions someone holds (an award names no supplier registrar yet)."""
    return {role: who for role, who in c.parties.items() if who}


def publish_events(uow: Any, ctx: CallContext, c: Contract, amendment: Amendment | None = None) -> None:
    """Publish what the contract recorded since it was loaded, then forget it."""
    for event in c.events:
        uow.publish(ctx.event(event_type(event), payload(event, ctx, c, amendment), subject=c.document.subject))
    c.events.clear()


def event_type(event: Event) -> str:
    """A submission after a return or withdrawal opens a new round of the existing route: approval hears it as
    a resubmission (a second `contract.submitted` would find the route already drawn and be ignored)."""
    if isinstance(event, ContractSubmitted) and event.round > 1:
        return "contract.resubmitted"
    return event.name


def payload(event: Event, ctx: CallContext, c: Contract, amendment: Amendment | None) -> dict[str, Any]:
    if isinstance(event, ContractSubmitted):
        return {
            "document": c.document.as_dict(),
            "unit": c.unit,
            "applicant": c.drafter,
            "amount": money_str(c.amount),
            "title": c.title,
            "major_matter": event.routing["major_matter"],
            "parties": parties(c),
            "supplier_id": c.supplier.id,
            "routing": event.routing,
            "round": event.round,
            "budget_line_id": c.basis.budget_line_id,
            **ctx.client(),
        }
    if isinstance(event, AmendmentSubmitted):
        data = event.payload()
        return {
            "document": data["amendment"],
            "unit": c.unit,
            "applicant": ctx.actor or c.drafter,
            "amount": money_str(abs(event.delta)),  # approval routes a change on its size
            "title": f"{c.title}（变更 {amendment.no if amendment else ''}）",
            "major_matter": event.routing["major_matter"],
            "parties": parties(c),
            "contract": data["document"],
            "reason": data["reason"],
            "previous_amount": data["previous_amount"],
            "new_amount": data["amount"],
            "delta": data["delta"],
            "end_date": data["end_date"],
            "scope": data["scope"],
            "cumulative_increase": data["cumulative_increase"],
            "increase_limit": data["increase_limit"],
            "via_procurement": data["via_procurement"],
            **ctx.client(),
        }
    data = event.payload()
    if "parties" in data:
        data["parties"] = parties(c)
    return data
