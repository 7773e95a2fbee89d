"""What every procurement use case shares: loading a document within the caller's data scope, the day in the
office's calendar, publishing the domain's recorded events through the outbox, and idempotent creation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ic_platform import scope
from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.documents import is_document_id
from ic_platform.errors import Forbidden, not_found
from ic_platform.scope import Area
from services.procurement.domain.application import DOCUMENT_TYPE, ProcurementApplication
from services.procurement.domain.events import AwardDecided
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork

LOCAL = ZoneInfo("Asia/Shanghai")  # thresholds, notices and awards are dated in the office's calendar


def today() -> date:
    return datetime.now(LOCAL).date()


def now() -> datetime:
    return datetime.now(UTC)


def readable(app: ProcurementApplication, uow: ProcurementUnitOfWork, ctx: CallContext) -> bool:
    return app.org == ctx.org and scope.visible(
        ctx.viewer,
        Area.PROCUREMENT,
        app.unit,
        initiator=app.applicant,
        on_desk=lambda: uow.desk.holds(ctx.viewer, DOCUMENT_TYPE, app.id),
    )


def application_owner(uow: ProcurementUnitOfWork, ctx: CallContext, app_id: str) -> Owner:
    """For attachments (需求、市场调查、评审材料): the application, if the caller reads it (else 404)."""
    app = uow.applications.get(app_id) if is_document_id(app_id) else None
    if app is None or not readable(app, uow, ctx):
        raise not_found("procurement_application", app_id, "采购申请")
    return Owner(DOCUMENT_TYPE, app.id, app.unit, app.no)


def load_application(
    uow: ProcurementUnitOfWork, ctx: CallContext, app_id: str, *, for_update: bool = False
) -> ProcurementApplication:
    """The application if the caller's data scope reads it, with its method requirement as determined on its
    submission day; otherwise 404, exactly as for one that does not exist."""
    app = uow.applications.get(app_id, for_update=for_update) if is_document_id(app_id) else None
    if app is None or not readable(app, uow, ctx):
        raise not_found("procurement_application", app_id, "采购申请")
    facts = uow.applications.facts(app.id)
    if facts and facts["submitted_on"] is not None:
        app.requirement = app.determine(uow.policy.load(app.org, today()), facts["submitted_on"])
    return app


def check_runs(app: ProcurementApplication, ctx: CallContext, action: str) -> None:
    """The purchase is run (intention, quotes, tenders, awards) by its unit: the applicant, the purchaser or a
    colleague of that unit. Readers of every unit (audit, inspection, the principal) read, they do not run it."""
    viewer = ctx.viewer
    if ctx.actor in (app.applicant, app.purchaser) or (viewer is not None and viewer.unit == app.unit):
        return
    raise Forbidden(
        "procurement_not_purchasing_unit",
        f"只有采购单位的经办人员可以{action}：采购申请 {app.no} 属于 {app.unit}",
        {"unit": app.unit, "actor": ctx.actor or ""},
    )


def award_extra(app: ProcurementApplication) -> dict[str, Any]:
    """What the contract needs besides the award itself: the line, and the document whose pre-commitment its
    signing takes over (the matter application, or this application when it reserved its own line)."""
    return {
        "budget_line_id": app.funding.budget_line_id,
        "pre_commitment_holder": app.pre_commitment_holder.as_dict(),
    }


def publish(
    uow: ProcurementUnitOfWork, ctx: CallContext, events: list, app: ProcurementApplication | None = None
) -> None:
    """The domain's recorded events, in order, through the outbox; the list is emptied."""
    for event in events:
        payload = event.payload()
        if isinstance(event, AwardDecided) and app is not None:
            payload |= award_extra(app)
        if "document" in payload:
            subject = f"{payload['document']['type']}/{payload['document']['id']}"
        else:
            subject = f"supplier/{payload['supplier_id']}"
        uow.publish(ctx.event(event.name, payload, subject=subject))
    events.clear()


def idempotency_key(ctx: CallContext) -> str | None:
    return f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None


def once(
    uow: ProcurementUnitOfWork, ctx: CallContext, scope_name: str, request: dict[str, Any], make: Callable[[], dict]
) -> dict[str, Any]:
    """Inside a unit of work: the answer stored for the caller's Idempotency-Key, or `make()`'s, remembered in
    the same transaction (so a retry gets exactly that answer and changes nothing)."""
    key = idempotency_key(ctx)
    if key and (stored := uow.recall(scope_name, key, request)) is not None:
        return stored
    result = make()
    if key:
        uow.remember(scope_name, key, request, result)
    return result
