"""Procurement application (采购申请) use cases and what procurement hears from approval.

An application funded by an approved matter application reserves nothing: the matter application's
pre-commitment is taken over (budget's `commit(from_document=<matter application>)` at the contract's
signing moves it, see services/budget/LEDGER.md), and one matter application funds one live application.
An application on its own budget line reserves its amount like a matter application does, in three steps each
safe to repeat: stored as `reserving`; the budget asked (idempotent on the document); `submitted` and
published. A `reserving` row left by a crash is finished by `redrive_reserving`."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from ic_platform import scope
from ic_platform.commands import invalid_fields
from ic_platform.context import CallContext
from ic_platform.documents import DocumentRef, derived_id
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, DomainError, Forbidden
from ic_platform.money import LIMIT, money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.procurement.domain.application import (
    DOCUMENT_TYPE,
    Item,
    MatterFacts,
    ProcurementApplication,
    Status,
    budget_amount,
)
from services.procurement.domain.kinds import METHOD_LABELS
from services.procurement.service_layer import commands, sourcing, suppliers
from services.procurement.service_layer.common import (
    LOCAL,
    idempotency_key,
    load_application,
    publish,
    today,
)
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork
from services.procurement.service_layer.views import view

SUBMIT_SCOPE = "procurement.submit_application"
# Ids derived from (applicant, idempotency key): a retried request finds the document it created before.
_ID_NAMESPACE = uuid.UUID("0b7c7f0e-8f3e-4a57-a3a4-6a1d2f0c9e11")
REDRIVE_AFTER = timedelta(seconds=30)


class Budget(Protocol):
    def reserve(self, **kwargs: Any) -> dict[str, Any]: ...
    def release_document(self, **kwargs: Any) -> dict[str, Any]: ...


class Payment(Protocol):
    def get_matter_application(self, application_id: str) -> dict[str, Any]: ...


class ContractRegister(Protocol):
    def matter_contract(self, **kwargs: Any) -> dict[str, Any]: ...


def items_of(inputs: list[commands.ItemInput]) -> tuple[Item, ...]:
    """The items, each and all together within what an amount column holds (a 422 naming the field, not a 500)."""
    items = tuple(
        Item(i.name, i.category, i.quantity, i.unit_price, i.unit, i.catalogue_code, i.specification) for i in inputs
    )
    for n, item in enumerate(items):
        if item.amount >= LIMIT:
            raise invalid_fields([{"field": f"items[{n}].quantity", "reason": "数量 × 单价超出金额上限"}])
    if budget_amount(items) >= LIMIT:
        raise invalid_fields([{"field": "items", "reason": "采购预算合计超出金额上限"}])
    return items


# ── submission ──
def _matter_facts(matter_id: str, payment: Payment) -> MatterFacts:
    """The matter application as payment tells it to the caller (their data scope applies there too)."""
    m = payment.get_matter_application(application_id=matter_id)
    return MatterFacts(
        DocumentRef("matter_application", m["id"], m["no"]),
        m["status"],
        m["unit"],
        m["budget_line_id"],
        Decimal(m["amount"]),
        m.get("expense_claim_no"),
    )


def matter_funding(cmd: commands.MatterFunding, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The live procurement application a matter application funds, if any (its number only: the caller read
    the matter application itself from payment, under its own data scope)."""
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查询事前申请的采购情况")
    with uow:
        no = uow.applications.live_for_matter(cmd.matter_application_id)
    return {"matter_application_id": cmd.matter_application_id, "procurement_application_no": no}


def _refuse_if_contracted(matter: MatterFacts, contract: ContractRegister) -> None:
    """One matter application's money goes by one road: a matter application that already carries a live direct
    contract (合同 without procurement, below the direct-contract amount) cannot also fund a procurement."""
    if matter.claimed_by:  # its money is being reimbursed (事后报销): it buys nothing more
        raise Conflict(
            "matter_application_claimed",
            f"已报销的事前申请不得再用于采购：事前申请 {matter.document.no} 已有报销单 {matter.claimed_by}",
            {
                "rule": "matter_application_claimed",
                "matter_application_id": matter.document.id,
                "expense_claim_no": matter.claimed_by,
            },
        )
    contracted = contract.matter_contract(matter_application_id=matter.document.id).get("contract_no")
    if contracted:
        raise Conflict(
            "matter_application_already_contracted",
            f"已直接订立合同的事前申请不得再用于采购：事前申请 {matter.document.no} 已订立合同 {contracted}",
            {
                "rule": "matter_application_already_contracted",
                "matter_application_id": matter.document.id,
                "contract_no": contracted,
            },
        )


def submit_application(
    cmd: commands.SubmitApplication,
    uow: ProcurementUnitOfWork,
    ctx: CallContext,
    budget: Budget,
    payment: Payment,
    contract: ContractRegister,
) -> dict[str, Any]:
    request = cmd.model_dump(mode="json")
    key = idempotency_key(ctx)
    app_id = derived_id(_ID_NAMESPACE, key)
    matter = _matter_facts(cmd.matter_application_id, payment) if cmd.matter_application_id else None
    if matter is not None:
        _refuse_if_contracted(matter, contract)
    on = today()
    with uow:
        if key and (stored := uow.recall(SUBMIT_SCOPE, key, request)) is not None:
            return stored
        if matter is not None and (other := uow.applications.live_for_matter(matter.document.id)):
            raise Conflict(
                "matter_application_already_funds",
                f"一项事前申请只能对应一项采购申请：事前申请 {matter.document.no} 已用于采购申请 {other}",
                {"matter_application_id": matter.document.id, "procurement_application_no": other},
            )
        app = ProcurementApplication.draft(
            app_id,
            uow.applications.next_no(on.year),
            ctx.org,
            cmd.unit,
            ctx.actor,
            cmd.title,
            items_of(cmd.items),
            cmd.method,
            matter=matter,
            budget_line_id=None if matter else cmd.budget_line_id,
            form=cmd.form,
            justification=cmd.justification,
            purchaser=cmd.purchaser,
            major_matter=cmd.major_matter,
        )
        app.submit(uow.policy.load(ctx.org, on), on)
        if not uow.applications.add(app):
            # The key's first request stored it and stopped before its answer (a crash, or the budget said no):
            # carry on from where it stands rather than submit it twice.
            stored = load_application(uow, ctx, app_id)
            uow.commit()
            if stored.status is not Status.RESERVING:
                return view(stored)
            return _reserve_and_submit(stored, uow, ctx, budget, remember=(key, request))
        uow.applications.save(app, submitted_on=on)
        if app.status is Status.SUBMITTED:  # nothing to reserve: straight into approval
            publish(uow, ctx, _with_client(app.events, ctx))
            result = view(app)
            if key:
                uow.remember(SUBMIT_SCOPE, key, request, result)
            uow.commit()
            return result
        app.events.clear()  # published once the budget has reserved the amount
        uow.commit()
    return _reserve_and_submit(app, uow, ctx, budget, remember=(key, request) if key else None)


def _with_client(events: list, ctx: CallContext) -> list:
    """The submission carries where it came from (approval's trail records it)."""
    return [_Submitted(e, ctx) if e.name == "procurement.application_submitted" else e for e in events]


class _Submitted:
    def __init__(self, event: Any, ctx: CallContext):
        self.name, self._event, self._ctx = event.name, event, ctx

    def payload(self) -> dict[str, Any]:
        return {**self._event.payload(), **self._ctx.client()}


def _reserve_and_submit(
    app: ProcurementApplication,
    uow: ProcurementUnitOfWork,
    ctx: CallContext,
    budget: Budget,
    remember: tuple[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    try:
        funds = budget.reserve(
            budget_line_id=app.funding.budget_line_id,
            amount=money_str(app.amount),
            document=app.document.as_dict(),
            step="submit",
            unit=app.unit,
        )
    except DomainError as refusal:
        with uow:
            current = uow.applications.get(app.id, for_update=True)
            if current.status is Status.RESERVING:
                current.budget_refused(refusal.message)
                uow.applications.save(current)
            uow.commit()
        raise
    with uow:
        current = uow.applications.get(app.id, for_update=True)
        facts = uow.applications.facts(app.id)
        current.requirement = current.determine(uow.policy.load(current.org, today()), facts["submitted_on"])
        if current.status is Status.RESERVING:
            current.reserved()
            uow.applications.save(current)
            # The submission recorded when the application was stored, told now that the money is reserved.
            publish(uow, ctx, _with_client([current._submitted()], ctx))
        result = {**view(current), "funds": funds}
        if remember:
            uow.remember(SUBMIT_SCOPE, remember[0], remember[1], result)
        uow.commit()
    return result


RESUBMIT_EVENT = "procurement.application_resubmitted"


def resubmit_application(
    cmd: commands.ResubmitApplication, uow: ProcurementUnitOfWork, ctx: CallContext
) -> dict[str, Any]:
    """The applicant sends a returned (or withdrawn) application into a new approval round. Items and money do
    not change (its reservation, or the matter application's pre-commitment, stays as it was); the method is
    determined again by the policy in force today, and the method and its reasons may be corrected."""
    on = today()
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)
        if cmd.method is not None:
            app.method = cmd.method
        if cmd.justification is not None:
            app.justification = cmd.justification
        app.resubmit(ctx.actor, uow.policy.load(app.org, on), on)
        uow.applications.save(app, submitted_on=on)
        # Approval keeps one route per document: a new round comes as a resubmission, not a second submission.
        publish(uow, ctx, [_Resubmitted(e, ctx) for e in app.events])
        uow.commit()
    return view(app)


class _Resubmitted(_Submitted):
    def __init__(self, event: Any, ctx: CallContext):
        super().__init__(event, ctx)
        if event.name == "procurement.application_submitted":
            self.name = RESUBMIT_EVENT


def redrive_reserving(uow: ProcurementUnitOfWork, budget: Budget) -> int:
    """Finish submissions interrupted between our commit and the budget's answer."""
    with uow:
        stuck = uow.applications.claim_stuck_reserving(REDRIVE_AFTER)
        uow.commit()
    for app_id in stuck:
        with uow:
            app = uow.applications.get(app_id)
        try:
            _reserve_and_submit(app, uow, CallContext(org=app.org, actor=app.applicant), budget)
        except DomainError:
            pass  # recorded as refused
    return len(stuck)


def preview_method(cmd: commands.PreviewMethod, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The method the rules require for these items on that day (nothing stored)."""
    from services.procurement.domain.application import Funding, check_items

    items = items_of(cmd.items)
    check_items(items)
    on = cmd.on or today()
    with uow:
        policy = uow.policy.load(ctx.org, on)
    probe = ProcurementApplication(
        "preview", "", ctx.org, "", ctx.actor or "", "", items, Funding("", None, None, budget_amount(items)), None
    )
    requirement = probe.determine(policy, on)
    return {
        **requirement.as_dict(),
        "explanation": requirement.explain(),
        "default_label": METHOD_LABELS[requirement.default],
        "market_research_from": money_str(policy.market_research_from),
        "min_quotes": policy.min_quotes,
    }


# ── reading ──
def get_application(app_id: str, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        app = load_application(uow, ctx, app_id)
        award = uow.awards.get(app.award_id) if app.award_id else None
        contracted = uow.awards.contract_of(app.award_id) if app.award_id else None
        return {
            **view(app),
            "quotes": uow.applications.quotes(app.id),
            "tenders": uow.tenders.of_application(app.id),
            "award": sourcing.award_view(award[1], app) if award else None,
            # 已签订合同: the contract signed on the award (heard from contract.signed), or null
            "contract": contracted["contract"] if contracted else None,
            "contracted_on": contracted["contracted_on"] if contracted else None,
        }


def list_applications(cmd: commands.ListApplications, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看采购申请")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, apps = uow.applications.page(
            org=ctx.org,
            applicant=ctx.actor if cmd.mine else None,
            scope=scope.scope_of(ctx.viewer, Area.PROCUREMENT),
            status=cmd.status,
            method=cmd.method,
            limit=limit,
            offset=offset,
        )
    return paged([view(a) for a in apps], total, cmd.page, limit)


def cancel_application(
    cmd: commands.CancelApplication, uow: ProcurementUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    """作废 by the applicant before an award; its own reservation is given back (a matter application's
    pre-commitment stays with the matter application)."""
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)
        release = app.cancel(ctx.actor, cmd.reason)
        uow.applications.save(app)
        publish(uow, ctx, app.events)
        uow.commit()
    if release > 0:
        budget.release_document(document=app.document.as_dict(), reason=f"采购申请作废：{cmd.reason}", step="cancel")
    return view(app)


# ── what approval says ──
def _application_in(event: Envelope, uow: ProcurementUnitOfWork) -> ProcurementApplication | None:
    document = event.payload["document"]
    if document["type"] != DOCUMENT_TYPE:
        return None
    app = uow.applications.get(document["id"], for_update=True)
    if app is None:
        raise LookupError(f"procurement application {document['id']} not found")
    return app


def on_approval_completed(event: Envelope, uow: ProcurementUnitOfWork) -> None:
    """Approved: sourcing may start. Rejected: the budget gives back the application's own reservation when it
    hears the same event (budget's on_approval_completed); nothing is asked of it here."""
    app = _application_in(event, uow)
    if app is None or app.status is not Status.SUBMITTED:
        return  # another document, or heard before
    ctx = CallContext.from_envelope(event)
    if event.payload["outcome"] == "approved":
        app.approve()
        day = datetime.fromisoformat(event.occurred_at).astimezone(LOCAL).date()
        uow.applications.save(app, approved_on=day)
    else:
        app.reject(event.payload.get("reason") or "审批未通过")
        uow.applications.save(app)
    publish(uow, ctx, app.events)


def on_approval_returned(event: Envelope, uow: ProcurementUnitOfWork) -> None:
    app = _application_in(event, uow)
    if app is None or app.status is not Status.SUBMITTED:
        return
    app.return_(event.payload["reason"])
    uow.applications.save(app)


def on_approval_withdrawn(event: Envelope, uow: ProcurementUnitOfWork) -> None:
    app = _application_in(event, uow)
    if app is None or app.status is not Status.SUBMITTED:
        return
    app.withdraw(event.payload.get("reason") or "申请人已撤回")
    uow.applications.save(app)


def on_contract_signed(event: Envelope, uow: ProcurementUnitOfWork) -> None:
    """The purchase is contracted: the contract signed on our award is kept with it (shown on the application).
    A contract on a matter application (no procurement) names no award; an award we never made is not ours."""
    award_id = event.payload.get("award_id")
    if award_id:  # marks only an award of ours (the update finds no other): no read first
        signed_on = date.fromisoformat(event.payload["signed_on"])
        uow.awards.mark_contracted(award_id, event.payload["document"], signed_on)


# Registered with the method changes' handlers and the desk's in bus.py.
EVENT_HANDLERS = {
    "approval.completed": [on_approval_completed],
    "approval.returned": [on_approval_returned],
    "approval.withdrawn": [on_approval_withdrawn],
    "contract.signed": [on_contract_signed],
}

__all__ = ["EVENT_HANDLERS", "sourcing", "suppliers", "view"]
