"""采购方式变更: changing an approved application's method goes through approval of its own. The request is a
document for approval (`procurement_method_change`, its own id, so that a later change gets a new route); while
it is pending, sourcing and awards are refused (the domain's `method_change_pending`); approval's decision
changes the method, or keeps it. After a failed tender (流标) the rules allow the methods of 87号令 第43条."""

from __future__ import annotations

import uuid
from typing import Any

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.money import money_str
from services.procurement.domain.application import ProcurementApplication
from services.procurement.domain.events import wire
from services.procurement.service_layer import commands
from services.procurement.service_layer.common import check_runs, load_application, once, publish, today
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork
from services.procurement.service_layer.views import view

DOCUMENT_TYPE = "procurement_method_change"
REQUESTED = "procurement.method_change_requested"


def request_method_change(
    cmd: commands.RequestMethodChange, uow: ProcurementUnitOfWork, ctx: CallContext
) -> dict[str, Any]:
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "申请变更采购方式")
            current = app.method
            app.request_method_change(cmd.method, cmd.reason, today(), tender_failed=uow.tenders.any_failed(app.id))
            app.events.clear()  # told to approval below, as a document of its own
            change_id = str(uuid.uuid4())
            uow.applications.save(app, method_change={**wire(app.method_change), "id": change_id})
            uow.publish(
                ctx.event(
                    REQUESTED,
                    _request(app, change_id, current.value, ctx),
                    subject=f"{DOCUMENT_TYPE}/{change_id}",
                )
            )
            return {**view(app), "method_change": {"id": change_id, **wire(app.method_change)}}

        result = once(uow, ctx, "procurement.method_change", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def _request(app: ProcurementApplication, change_id: str, current: str, ctx: CallContext) -> dict[str, Any]:
    change = app.method_change
    return {
        "document": {"type": DOCUMENT_TYPE, "id": change_id, "no": f"{app.no}-BG"},
        "unit": app.unit,
        "applicant": ctx.actor,
        "amount": money_str(app.amount),
        "title": f"采购方式变更：{app.title}",
        "major_matter": app.major_matter,
        "application": app.document.as_dict(),
        "current": current,
        "requested": change.requested.value,
        "reason": change.reason,
        "tender_failed": change.tender_failed,
        **ctx.client(),
    }


def _decide(event: Envelope, uow: ProcurementUnitOfWork, approved: bool) -> None:
    document = event.payload["document"]
    if document["type"] != DOCUMENT_TYPE:
        return
    app_id = uow.applications.by_method_change(document["id"])
    if app_id is None:
        return  # decided before: a redelivered event
    app = uow.applications.get(app_id, for_update=True)
    app.method_change_decided(approved)
    uow.applications.save(app)
    publish(uow, CallContext.from_envelope(event), app.events)


def on_approval_completed(event: Envelope, uow: ProcurementUnitOfWork) -> None:
    _decide(event, uow, event.payload["outcome"] == "approved")


def on_approval_ended(event: Envelope, uow: ProcurementUnitOfWork) -> None:
    """Returned or withdrawn: the request ends unapproved (the method stays); a corrected one is a new request."""
    _decide(event, uow, False)
