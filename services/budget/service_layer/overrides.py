"""Over-budget override use cases (超预算审批), and the hook the ledger's reserve calls when a line refuses.

How an approved override lets a document exceed a block-mode line without breaking the line's CHECK
(`budget_line_block_no_overspend`): the CHECK reads `amount + overrun_allowance − consumed ≥ 0`. Using the
override raises the line's `overrun_allowance` by exactly the shortfall of this move, in the move's own
transaction, under the line's row lock, and marks the override used; so the database still refuses any
overspend that no approved override covers. Does not import the ledger's handlers (they import this)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any, Protocol

from ic_platform.config import settings
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, Forbidden, InvalidInput, not_found
from ic_platform.money import money_str
from services.budget.domain import overrides as ovr
from services.budget.domain.errors import line_not_found, line_of_other_unit
from services.budget.domain.model import BudgetLine, ControlMode, DocumentRef, FundsDecision
from services.budget.service_layer import control_commands as cc
from services.budget.service_layer import scoping
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

REQUEST_SCOPE = "request_override"


def ttl() -> timedelta:
    return timedelta(days=settings().budget_override_ttl_days)


def view(o: ovr.Override) -> dict[str, Any]:
    return {
        "id": o.id,
        "no": o.no,
        "budget_line_id": o.budget_line_id,
        "for_document": o.document.as_dict(),
        "amount": money_str(o.amount),
        "reason": o.reason,
        "initiator": o.initiator,
        "unit": o.unit,
        "status": o.status.value,
        "status_label": ovr.STATUS_LABELS[o.status],
        "status_reason": o.status_reason,
        "expires_at": o.expires_at.isoformat() if o.expires_at else None,
        "used_amount": money_str(o.used_amount) if o.used_amount is not None else None,
        "used_step": o.used_step,
        "document": o.own_document.as_dict(),
        "label": o.label,
    }


# The spending documents whose owning service answers whether one exists (SpendingLookup); the others have no
# service yet, so nothing could be checked about them.
CHECKED_TYPES = ("matter_application",)


class SpendingLookup(Protocol):
    def __call__(self, document_type: str, document_id: str) -> dict[str, Any] | None: ...


def check_document(cmd: cc.RequestOverride, spending: SpendingLookup) -> DocumentRef:
    """The override must name an existing spending document of the requester's own unit, on the line it is
    for (else anyone could file approval tasks about any id): asked of the document's owner, in the caller's
    data scope. Returns the document as its owner names it."""
    asked = cmd.document
    if asked.type not in CHECKED_TYPES:
        raise _field("document.type", f"超预算审批只能针对事前申请（matter_application），不能针对「{asked.type}」")
    found = spending(asked.type, asked.id)
    if found is None:
        raise _field("document.id", f"单据 {asked.id} 不存在或不在您的数据权限范围内")
    if cmd.unit and found.get("unit") != cmd.unit:
        raise _field("document.id", f"单据 {found.get('no') or asked.id} 不是本单位的单据，不能为其申请超预算")
    if found.get("budget_line_id") != cmd.budget_line_id:
        raise _field(
            "budget_line_id",
            f"单据 {found.get('no') or asked.id} 使用的预算指标是 {found.get('budget_line_id')}，"
            f"不是 {cmd.budget_line_id}",
        )
    return DocumentRef(asked.type, asked.id, found.get("no") or asked.no)


def _field(field: str, reason: str) -> InvalidInput:
    return InvalidInput(
        "invalid_input", f"输入有误：{field}: {reason}", {"fields": [{"field": field, "reason": reason}]}
    )


def request_override(
    cmd: cc.RequestOverride, uow: BudgetUnitOfWork, ctx: CallContext, spending: SpendingLookup
) -> dict[str, Any]:
    """File the request; it goes through approval (definition budget_override)."""
    if not ctx.actor:
        raise Forbidden("actor_required", "需要登录用户才能申请超预算审批")
    request, key = cmd.model_dump(mode="json"), ctx.scoped_key
    document = check_document(cmd, spending)  # before any lock: it asks another service
    with uow:
        if key and (stored := uow.recall(REQUEST_SCOPE, key, request)) is not None:
            return stored
        line = uow.lines.get(cmd.budget_line_id)
        if line is None or line.org != ctx.org:
            raise line_not_found(cmd.budget_line_id)
        if cmd.unit and line.unit != cmd.unit:
            raise line_of_other_unit(line.id, cmd.unit)
        if line.closed:
            raise Conflict(
                "budget_override_refused",
                f"预算指标 {line.id} 所属年度已结账，不能申请超预算",
                {"rule": "fiscal_year_closed", "budget_line_id": line.id},
            )
        if line.control_mode is ControlMode.WARN:
            raise Conflict(
                "budget_override_refused",
                f"预算指标 {line.id} 为预警控制，超出时只提示不拦截，无需超预算审批",
                {"rule": "warn_mode_needs_no_override", "budget_line_id": line.id},
            )
        repo = uow.overrides
        o = repo.add(
            ovr.Override(
                id=str(uuid.uuid4()),
                no=repo.next_no(line.fiscal_year),
                org=ctx.org,
                budget_line_id=line.id,
                document=document,
                amount=cmd.amount,
                reason=cmd.reason,
                initiator=ctx.actor,
                unit=line.unit,
            )
        )
        uow.publish(
            ctx.event(
                "budget.override_requested",
                {
                    "document": o.own_document.as_dict(),
                    "unit": o.unit,
                    "applicant": o.initiator,
                    "amount": money_str(o.amount),
                    "title": f"超预算审批：{line.id}（{document.no or document.id}）",
                    "budget_line_id": line.id,
                    "for_document": document.as_dict(),
                    "reason": o.reason,
                    **ctx.client(),
                },
                subject=o.own_document.subject,
            )
        )
        result = view(o)
        if key:
            uow.remember(REQUEST_SCOPE, key, request, result)
        uow.commit()
    return result


def get_override(cmd: cc.OverrideId, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        o = _get(uow, cmd.override_id)
        readable = (
            o is not None
            and o.org == ctx.org
            and scoping.document_readable(uow, ctx, "budget_override", o.id, o.unit, o.initiator)
        )
    if not readable:
        raise not_found("budget_override", cmd.override_id, "超预算审批单")
    return view(o)


def on_completed(event: Envelope, uow: BudgetUnitOfWork) -> None:
    o = _of_event(event, uow)
    if o.status is not ovr.Status.SUBMITTED:
        return  # decided before
    repo = uow.overrides
    approved = event.payload["outcome"] == "approved"
    if approved:
        o.approve(uow.clock.now(), ttl())
    else:
        o.move_to(ovr.Status.REJECTED, event.payload.get("reason"))
    repo.save(o)
    payload = {
        "document": o.own_document.as_dict(),
        "outcome": event.payload["outcome"],
        "budget_line_id": o.budget_line_id,
        "for_document": o.document.as_dict(),
        "amount": money_str(o.amount),
    }
    if o.expires_at:
        payload["expires_at"] = o.expires_at.isoformat()
    uow.publish(
        CallContext.from_envelope(event).event("budget.override_decided", payload, subject=o.own_document.subject)
    )


def on_returned(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """A returned override request is not resubmitted (nothing about it needs correcting that a new request
    would not say better): it stays returned and never applies."""
    o = _of_event(event, uow)
    if o.status is ovr.Status.SUBMITTED:
        o.move_to(ovr.Status.RETURNED, event.payload.get("reason"))
        uow.overrides.save(o)


def on_withdrawn(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """Taken back by its initiator (撤回), in approval or returned: it never applies."""
    o = _of_event(event, uow)
    if o.status in (ovr.Status.SUBMITTED, ovr.Status.RETURNED):
        o.move_to(ovr.Status.WITHDRAWN, event.payload.get("reason") or "申请人已撤回")
        uow.overrides.save(o)


# ── the hook in the ledger's reserve and check_funds ──
def apply(
    uow: BudgetUnitOfWork,
    ctx: CallContext,
    line: BudgetLine,
    decision: FundsDecision,
    document: DocumentRef,
    step: str,
    override_id: str,
) -> FundsDecision:
    """Called, under the line's lock and after this move was recorded, when the line refused it. Uses the
    override if it serves this document on this line and covers the shortfall; else the refusal stands,
    with the reason the override did not apply."""
    repo = uow.overrides
    o = _get(uow, override_id, for_update=True)
    at = uow.clock.now()
    why = "超预算审批单不存在" if o is None or o.org != ctx.org else o.why_not(line.id, document, at)
    granted = None if why else o.grant(decision)
    if granted is None:
        return replace(decision, warning=why or f"{o.label} 批准的超支上限 {money_str(o.amount)} 元不足以覆盖本次超支")
    overrun = decision.requested - decision.available
    repo.raise_allowance(line.id, overrun)
    line.overrun_allowance += overrun
    o.use(overrun, step, at)
    repo.save(o)
    repo.mark_move(line.id, document, step, o.no)
    uow.publish(
        ctx.event(
            "budget.override_used",
            {
                "document": o.own_document.as_dict(),
                "budget_line_id": line.id,
                "for_document": document.as_dict(),
                "step": step,
                "overrun": money_str(overrun),
                "amount": money_str(o.amount),
            },
            subject=o.own_document.subject,
        )
    )
    return granted


def preview(
    uow: BudgetUnitOfWork, line: BudgetLine, decision: FundsDecision, document: DocumentRef | None, override_id: str
) -> FundsDecision:
    """check_funds' answer with the override considered, nothing used or changed."""
    o = _get(uow, override_id)
    if o is None or o.org != line.org:
        return replace(decision, warning="超预算审批单不存在")
    why = o.why_not(line.id, document or o.document, uow.clock.now())
    granted = None if why else o.grant(decision)
    return granted or replace(decision, warning=why or f"{o.label} 批准的超支上限不足以覆盖本次超支")


def _get(uow: BudgetUnitOfWork, override_id: str, for_update: bool = False) -> ovr.Override | None:
    try:
        uuid.UUID(override_id)
    except ValueError:
        return None
    return uow.overrides.get(override_id, for_update=for_update)


def _of_event(event: Envelope, uow: BudgetUnitOfWork) -> ovr.Override:
    o = _get(uow, event.payload["document"]["id"], for_update=True)
    if o is None:
        raise LookupError(f"budget override {event.payload['document']['id']} not found")
    return o
