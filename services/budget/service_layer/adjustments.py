"""Budget adjustment use cases (预算调整：调剂/追加). The document lives in the budget database, so submitting
it, holding its money and publishing it into approval are one transaction; the money moves through the
ledger's own `_move` (idempotent on (line, document, step), under the line's row lock)."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from ic_platform.config import settings
from ic_platform.context import CallContext
from ic_platform.documents import derived_id, is_document_id
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, Forbidden, InvalidInput, not_found
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.retry import retry_transaction
from services.budget.domain import adjustments as adj
from services.budget.domain.errors import line_not_found, line_of_other_unit
from services.budget.domain.model import BudgetLine, Held, MoveKind
from services.budget.service_layer import control_commands as cc
from services.budget.service_layer import handlers as ledger
from services.budget.service_layer import scoping
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

SUBMIT_SCOPE = "submit_adjustment"
HOLD_STEP, APPLY_STEP, RELEASE_STEP = "submit", "apply", "release"
_ID_NAMESPACE = uuid.UUID("0b6d1c8e-5f59-4b53-a3a5-2f5d8f1f6a21")


def cross_kind_rules() -> adj.CrossKindRules:
    return _rules(settings().budget_cross_kind_transfers)


@functools.cache
def _rules(text: str | None) -> adj.CrossKindRules:
    return adj.CrossKindRules.parse(text)


def view(a: adj.Adjustment) -> dict[str, Any]:
    return {
        "id": a.id,
        "no": a.no,
        "kind": a.kind.value,
        "kind_label": adj.KIND_LABELS[a.kind],
        "fiscal_year": a.fiscal_year,
        "from_budget_line_id": a.from_line_id,
        "to_budget_line_id": a.to_line_id,
        "amount": money_str(a.amount),
        "fund_source": a.fund_source,
        "reason": a.reason,
        "initiator": a.initiator,
        "unit": a.unit,
        "status": a.status.value,
        "status_label": adj.STATUS_LABELS[a.status],
        "status_reason": a.status_reason,
        "amounts": a.amounts,
        "document": a.document.as_dict(),
        "created_at": a.created_at.isoformat() if a.created_at else None,
    }


@retry_transaction
def submit_adjustment(cmd: cc.SubmitAdjustment, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Check the rules, hold a transfer's money on the from-line, and send the adjustment into approval."""
    if not ctx.actor:
        raise Forbidden("actor_required", "需要登录用户才能提交预算调整")
    request = cmd.model_dump(mode="json")
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    with uow:
        if key and (stored := uow.recall(SUBMIT_SCOPE, key, request)) is not None:
            return stored
        transfer = cmd.kind == adj.Kind.TRANSFER
        if transfer and not cmd.from_budget_line_id:
            raise _missing("from_budget_line_id", "预算调剂必须指定调出指标")
        ids = sorted({cmd.to_budget_line_id, *([cmd.from_budget_line_id] if transfer else [])})
        lines = {i: _line_of(uow, ctx, i) for i in ids}  # locked in id order
        target = lines[cmd.to_budget_line_id]
        source = lines[cmd.from_budget_line_id] if transfer else None
        owner = source or target
        if cmd.unit and owner.unit != cmd.unit:
            raise line_of_other_unit(owner.id, cmd.unit)
        if transfer:
            adj.check_transfer(source, target, cmd.amount, cross_kind_rules())
        else:
            adj.check_supplementary(target, cmd.amount, cmd.fund_source)
        repo = uow.adjustments
        a = repo.add(
            adj.Adjustment(
                id=derived_id(_ID_NAMESPACE, key),
                no=repo.next_no(target.fiscal_year),
                org=ctx.org,
                kind=adj.Kind(cmd.kind),
                fiscal_year=target.fiscal_year,
                to_line_id=target.id,
                from_line_id=source.id if source else None,
                amount=cmd.amount,
                reason=cmd.reason,
                fund_source=cmd.fund_source if not transfer else None,
                initiator=ctx.actor,
                unit=owner.unit,
                status=adj.Status.SUBMITTED,
            )
        )
        if source is not None:
            _hold(uow, ctx, a, source, HOLD_STEP)
        uow.publish(
            ctx.event(
                "budget.adjustment_submitted",
                {**_approval_request(a, source, target), **ctx.client()},
                subject=a.document.subject,
            )
        )
        result = view(a)
        if key:
            uow.remember(SUBMIT_SCOPE, key, request, result)
        uow.commit()
    return result


@retry_transaction
def resubmit_adjustment(cmd: cc.ResubmitAdjustment, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The initiator sends a returned or withdrawn adjustment back into approval (a new round); the reason may
    be reworded, the lines and the amount may not. A returned one still holds its money; a withdrawn one holds
    it again first (refused if the from-line no longer has it available)."""
    with uow:
        a = _adjustment(uow, ctx, cmd.adjustment_id, for_update=True)
        a.check_initiator(ctx.actor, "重新提交")
        if a.status not in adj.RESUBMITTABLE:
            raise _not_returned(a)
        source = ledger._locked_line(uow, a.from_line_id) if a.from_line_id else None
        if a.status is adj.Status.WITHDRAWN and source is not None:
            adj.check_open(source, "调出")
            adj.check_available(source, a.amount)
            _hold(uow, ctx, a, source, _next_step(uow, a, HOLD_STEP, MoveKind.PRE_COMMIT))
        if cmd.reason:
            a.reason = cmd.reason
        a.move_to(adj.Status.SUBMITTED)
        uow.adjustments.save(a)
        uow.publish(
            ctx.event(
                "budget.adjustment_resubmitted",
                {**_approval_request(a, source, uow.lines.get(a.to_line_id)), **ctx.client()},
                subject=a.document.subject,
            )
        )
        uow.commit()
    return view(a)


def get_adjustment(cmd: cc.AdjustmentId, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """One adjustment, if the caller's data scope reads it; otherwise 404, as if it did not exist."""
    with uow:
        a = _adjustment(uow, ctx, cmd.adjustment_id)
        if not scoping.document_readable(uow, ctx, "budget_adjustment", a.id, a.unit, a.initiator):
            raise not_found("budget_adjustment", cmd.adjustment_id, "预算调整单")
        return view(a)


def list_adjustments(cmd: cc.ListAdjustments, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, items = uow.adjustments.page(
            org=ctx.org,
            initiator=ctx.actor if cmd.mine else None,
            scope=scoping.of(ctx),
            status=cmd.status,
            fiscal_year=cmd.fiscal_year,
            limit=limit,
            offset=offset,
        )
    return paged([view(a) for a in items], total, cmd.page, limit)


# ── approval's answers ──
def on_completed(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """Approved: apply the adjustment, both lines locked in id order, in one transaction. Rejected: release
    the hold. A redelivery finds the adjustment decided and does nothing."""
    ctx = CallContext.from_envelope(event)
    a = _adjustment_of(event, uow)
    if a.status in (adj.Status.APPROVED, adj.Status.REJECTED):
        return
    if event.payload["outcome"] != "approved":
        _release_hold(uow, ctx, a, event.payload.get("reason") or "预算调整未获批准")
        a.move_to(adj.Status.REJECTED, event.payload.get("reason"))
        uow.adjustments.save(a)
        uow.publish(
            ctx.event(
                "budget.adjustment_rejected",
                {"document": a.document.as_dict(), "reason": event.payload.get("reason") or "审批未通过"},
                subject=a.document.subject,
            )
        )
        return
    ids = sorted({a.to_line_id, *([a.from_line_id] if a.from_line_id else [])})
    lines = {i: ledger._locked_line(uow, i) for i in ids}
    before = {i: line.amount for i, line in lines.items()}
    years = uow.years
    if a.from_line_id:
        source = lines[a.from_line_id]
        held = Held.from_sums(uow.moves.held(source.id, a.document)).pre_committed
        if held and ledger._move(uow, ctx, source, a.document, APPLY_STEP, MoveKind.RELEASE, held):
            ledger._publish_give_back(
                uow,
                ctx,
                MoveKind.RELEASE,
                source,
                a.document,
                held,
                f"预算调剂 {a.no} 已批准，调出 {money_str(a.amount)} 元",
            )
        years.add_amount(source.id, -a.amount)
    years.add_amount(a.to_line_id, a.amount)
    after = {i: before[i] + (a.amount if i == a.to_line_id else -a.amount) for i in ids}
    a.amounts = adj.amounts_record(before, after)
    a.move_to(adj.Status.APPROVED)
    uow.adjustments.save(a)
    uow.publish(
        ctx.event(
            "budget.adjusted",
            {
                "document": a.document.as_dict(),
                "kind": a.kind.value,
                "fiscal_year": a.fiscal_year,
                "from_budget_line_id": a.from_line_id,
                "to_budget_line_id": a.to_line_id,
                "amount": money_str(a.amount),
                "lines": a.amounts,
            },
            subject=a.document.subject,
        )
    )


def on_withdrawn(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """Taken back by its initiator (撤回), in approval or returned: the hold is released; it may be resubmitted."""
    a = _adjustment_of(event, uow)
    if a.status in (adj.Status.SUBMITTED, adj.Status.RETURNED):
        reason = event.payload.get("reason") or "发起人撤回"
        _release_hold(uow, CallContext.from_envelope(event), a, f"发起人撤回预算调整：{reason}")
        a.move_to(adj.Status.WITHDRAWN, reason)
        uow.adjustments.save(a)


def on_returned(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """Sent back to the initiator to correct: the hold is kept."""
    a = _adjustment_of(event, uow)
    if a.status is adj.Status.SUBMITTED:
        a.move_to(adj.Status.RETURNED, event.payload.get("reason"))
        uow.adjustments.save(a)


def _adjustment_of(event: Envelope, uow: BudgetUnitOfWork) -> adj.Adjustment:
    document = event.payload["document"]
    a = uow.adjustments.get(document["id"], for_update=True) if is_document_id(document["id"]) else None
    if a is None:
        raise LookupError(f"budget adjustment {document['id']} not found")  # retried, then parked for ops
    return a


def _hold(uow: BudgetUnitOfWork, ctx: CallContext, a: adj.Adjustment, source: BudgetLine, step: str) -> None:
    """Hold a transfer's money on its from-line (locked by the caller) as the adjustment's pre-commitment."""
    consumed_before = source.consumed
    if ledger._move(uow, ctx, source, a.document, step, MoveKind.PRE_COMMIT, a.amount):
        uow.publish(
            ctx.event(
                "budget.pre_committed",
                {
                    "budget_line_id": source.id,
                    "document": a.document.as_dict(),
                    "amount": money_str(a.amount),
                    "available": money_str(source.available),
                },
                subject=a.document.subject,
            )
        )
        ledger._warn_on_thresholds(uow, ctx, source, consumed_before)


def _release_hold(uow: BudgetUnitOfWork, ctx: CallContext, a: adj.Adjustment, reason: str) -> None:
    if not a.from_line_id:
        return
    source = ledger._locked_line(uow, a.from_line_id)
    held = Held.from_sums(uow.moves.held(source.id, a.document)).pre_committed
    step = _next_step(uow, a, RELEASE_STEP, MoveKind.RELEASE)
    if held and ledger._move(uow, ctx, source, a.document, step, MoveKind.RELEASE, held):
        ledger._publish_give_back(uow, ctx, MoveKind.RELEASE, source, a.document, held, reason)


def _next_step(uow: BudgetUnitOfWork, a: adj.Adjustment, base: str, kind: MoveKind) -> str:
    """Each hold and each release of an adjustment is its own ledger step (withdrawn and resubmitted, it holds
    again): the first keeps the plain name, as before withdrawals released; later ones are numbered. The
    document's status, changed in the same transaction, is what makes a redelivered event do nothing."""
    done = sum(1 for m in uow.moves.for_document(a.document) if m.kind is kind and m.step.split(":")[0] == base)
    return base if done == 0 else f"{base}:{done + 1}"


def _approval_request(a: adj.Adjustment, source: BudgetLine | None, target: BudgetLine) -> dict[str, Any]:
    """What approval routes by (the approval_request fields) and what people read on the task."""
    cross_unit = source is not None and source.unit != target.unit
    payload = {
        "document": a.document.as_dict(),
        "unit": a.unit,
        "applicant": a.initiator,
        "amount": money_str(a.amount),
        "title": a.title,
        "major_matter": cross_unit,
        "kind": a.kind.value,
        "fiscal_year": a.fiscal_year,
        "to_budget_line_id": a.to_line_id,
        "reason": a.reason,
        "cross_unit": cross_unit,
    }
    if a.from_line_id:
        payload["from_budget_line_id"] = a.from_line_id
    if a.fund_source:
        payload["fund_source"] = a.fund_source
    return payload


def _line_of(uow: BudgetUnitOfWork, ctx: CallContext, line_id: str) -> BudgetLine:
    line = ledger._locked_line(uow, line_id)
    if line.org != ctx.org:
        raise line_not_found(line_id)
    return line


def _adjustment(
    uow: BudgetUnitOfWork, ctx: CallContext, adjustment_id: str, for_update: bool = False
) -> adj.Adjustment:
    found = is_document_id(adjustment_id)
    a = uow.adjustments.get(adjustment_id, for_update=for_update) if found else None
    if a is None or a.org != ctx.org:
        raise not_found("budget_adjustment", adjustment_id, "预算调整单")
    return a


def _not_returned(a: adj.Adjustment) -> Exception:
    return Conflict(
        "budget_adjustment_not_returned",
        f"预算调整单 {a.no} 当前为「{adj.STATUS_LABELS[a.status]}」，只有已退回或已撤回的调整单可以重新提交",
        {"status": a.status.value},
    )


def _missing(field: str, reason: str) -> Exception:
    return InvalidInput(
        "invalid_input", f"输入有误：{field}: {reason}", {"fields": [{"field": field, "reason": reason}]}
    )
