"""Posting (记账): vouchers from the events heard (an acceptance accrues, an executed payment pays), reversing
vouchers made by the accountant, and closing a month (结账).

Every posting is one transaction: the period's row is locked and its counter taken (gapless numbers in commit
order), the voucher and its lines are inserted (the database refuses them into a closed period and refuses any
later UPDATE or DELETE), the payable moves, `accounting.voucher_posted` goes to the outbox. An event is applied
once (the inbox), and a voucher exists once per kind and source (a unique constraint)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import not_found
from ic_platform.money import money_str, parse_money
from ic_platform.scope import Area
from services.accounting.domain import chart, periods
from services.accounting.domain.errors import forbidden, refused
from services.accounting.domain.voucher import (
    ZERO,
    Kind,
    Line,
    Source,
    Voucher,
    accrual_lines,
    accrual_to_book,
    check_reversible,
    payment_lines,
    reversal_lines,
)
from services.accounting.service_layer import commands
from services.accounting.service_layer.unit_of_work import AccountingUnitOfWork

SYSTEM = "system:accounting"
ACCOUNTANTS = frozenset({"accountant"})
# Who reads the books: the accountant, finance, audit, inspection and the principal (data scope: accounting).
READERS = frozenset({"accountant", "finance_reviewer", "auditor", "inspector", "principal"})
REVERSE_SCOPE = "reverse_voucher"
_ID_NAMESPACE = uuid.UUID("6d0f5a7e-2b1c-4e8a-9c3d-7f4e2a1b0c95")


def today() -> date:
    return datetime.now(UTC).date()


def require_accountant(ctx: CallContext, action: str) -> None:
    if ctx.viewer is None or not ctx.viewer.has_any(*ACCOUNTANTS):
        raise forbidden("accountant_only", action)


def require_reader(ctx: CallContext) -> None:
    if ctx.viewer is None or not ctx.viewer.has_any(*READERS):
        raise forbidden("accounting_reader_only")


# ── the one way into the journal ──
def post(uow: AccountingUnitOfWork, ctx: CallContext, v: Voucher, posted_by: str, event_id: str | None) -> Voucher:
    """Number the voucher in the first open month from its date on and insert it (in the caller's transaction)."""
    closed = uow.journal.closed_periods(v.org)
    while True:
        day = periods.posting_date(v.business_date, closed)
        period = periods.period_of(day)
        if uow.journal.lock_period(v.org, period)["status"] != "closed":
            break
        closed.add(period)  # closed since we looked: the next open one
    v.voucher_date = day
    v.number(period, uow.journal.next_seq(v.org, period))
    uow.journal.add(v, posted_by, event_id)
    uow.publish(ctx.event("accounting.voucher_posted", payload(v), subject=f"voucher/{v.id}"))
    return v


def payload(v: Voucher) -> dict[str, Any]:
    return {
        "voucher_id": v.id,
        "no": v.no,
        "period": v.period,
        "kind": v.kind.value,
        "source": v.source.as_dict(),
        "unit": v.unit,
        "budget_line_id": v.budget_line_id,
        "amount": money_str(v.amount),
        "lines": [line.as_dict() for line in v.lines],
    }


def _voucher_id(kind: Kind, source: Source) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{kind.value}:{source.type}:{source.id}"))


# ── heard from contract and payment ──
def on_acceptance_recorded(event: Envelope, uow: AccountingUnitOfWork) -> None:
    """An accepted milestone not yet paid: accrue (Dr 业务活动费用 / Cr 应付账款) what is still unpaid of it. A
    failed acceptance, or one naming no amount, posts nothing."""
    p = event.payload
    if p["result"] == "failed" or p.get("amount") is None:
        return
    source = Source("acceptance", p["acceptance_id"], p.get("contract_no") or "")
    if uow.journal.exists(event.org, Kind.ACCRUAL, source):
        return
    milestone = p.get("milestone_no") or 0
    owed = uow.journal.payable(event.org, p["contract_id"], milestone)
    amount = accrual_to_book(parse_money(p["amount"]), owed["paid"])
    if amount <= 0:
        return  # paid before the acceptance was heard: the payment recognised the expense
    accepted_on = date.fromisoformat(p["accepted_on"])
    v = Voucher(
        id=_voucher_id(Kind.ACCRUAL, source),
        org=event.org,
        kind=Kind.ACCRUAL,
        source=source,
        unit=p["unit"],
        voucher_date=accepted_on,
        business_date=accepted_on,
        amount=amount,
        lines=accrual_lines(amount),
        summary=f"确认应付：合同 {p.get('contract_no') or p['contract_id']} 付款节点 {milestone or '—'} 验收通过",
        budget_line_id=p.get("budget_line_id"),
        fiscal_year=accepted_on.year,
        contract_id=p["contract_id"],
        milestone_no=milestone,
    )
    post(uow, CallContext.from_envelope(event), v, event.actor or SYSTEM, event.event_id)
    uow.journal.add_to_payable(event.org, p["contract_id"], milestone, accrued=amount)


def on_payment_executed(event: Envelope, uow: AccountingUnitOfWork) -> None:
    """An executed payment: financial Dr 应付账款 (what its milestone accrued and is unsettled) / 业务活动费用
    (the rest), Cr 零余额账户用款额度; budgetary Dr 行政支出 or 事业支出 (by the unit's kind), Cr 资金结存."""
    p = event.payload
    source = Source("payment_request", p["payment_id"], p.get("no") or "")
    if uow.journal.exists(event.org, Kind.PAYMENT, source):
        return
    amount = parse_money(p["amount"])
    contract_id, milestone = p.get("contract_id"), p.get("milestone_no") or 0
    outstanding = ZERO
    if contract_id:
        owed = uow.journal.payable(event.org, contract_id, milestone)
        outstanding = owed["accrued"] - owed["settled"]
    lines = payment_lines(amount, outstanding, chart.unit_kind(p["unit"]))
    settles = _payable_debits(lines)
    executed_on = date.fromisoformat(p["executed_on"])
    payee = (p.get("payee") or {}).get("name") or ""
    v = Voucher(
        id=_voucher_id(Kind.PAYMENT, source),
        org=event.org,
        kind=Kind.PAYMENT,
        source=source,
        unit=p["unit"],
        voucher_date=executed_on,
        business_date=executed_on,
        amount=amount,
        lines=lines,
        summary=f"支付：{p.get('no') or p['payment_id']} 付 {payee}".strip(),
        budget_line_id=p["budget_line_id"],
        fiscal_year=int(p.get("fiscal_year") or executed_on.year),
        contract_id=contract_id,
        milestone_no=milestone if contract_id else None,
    )
    post(uow, CallContext.from_envelope(event), v, event.actor or SYSTEM, event.event_id)
    if contract_id:
        uow.journal.add_to_payable(event.org, contract_id, milestone, paid=amount, settled=settles)


def _payable_debits(lines: tuple[Line, ...]) -> Decimal:
    return sum((x.debit for x in lines if x.account_code == chart.ACCOUNTS_PAYABLE), ZERO)


def _payable_credits(lines: tuple[Line, ...]) -> Decimal:
    return sum((x.credit for x in lines if x.account_code == chart.ACCOUNTS_PAYABLE), ZERO)


EVENT_HANDLERS = {
    "contract.acceptance_recorded": [on_acceptance_recorded],
    "payment.payment_executed": [on_payment_executed],
}


# ── the accountant's corrections and month end ──
def reverse_voucher(cmd: commands.ReverseVoucher, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """冲销: a voucher with the original's lines swapped, dated today (or the first open month after), naming
    the original; the original stays as it was. What it moved on its milestone's payable is undone."""
    from services.accounting.service_layer.views import voucher_view

    require_accountant(ctx, "冲销凭证")
    request = cmd.model_dump(mode="json")
    key = ctx.scoped_key
    with uow:
        if key and (stored := uow.recall(REVERSE_SCOPE, key, request)) is not None:
            return stored
        original = readable_voucher(uow, ctx, cmd.voucher_id)
        check_reversible(Kind(original["kind"]), original["reversed_by"], original["no"])
        lines = reversal_lines(tuple(original["lines"]))
        source = Source("voucher", str(original["id"]), original["no"])
        v = Voucher(
            id=_voucher_id(Kind.REVERSAL, source),
            org=ctx.org,
            kind=Kind.REVERSAL,
            source=source,
            unit=original["unit"],
            voucher_date=today(),
            business_date=today(),
            amount=original["amount"],
            lines=lines,
            summary=f"冲销 {original['no']}：{cmd.reason}",
            budget_line_id=original["budget_line_id"],
            fiscal_year=original["fiscal_year"],
            reverses=str(original["id"]),
            contract_id=original["contract_id"],
            milestone_no=original["milestone_no"],
        )
        if original["contract_id"]:  # locked before the period, in the order the event handlers lock them
            uow.journal.payable(ctx.org, original["contract_id"], original["milestone_no"] or 0)
        post(uow, ctx, v, ctx.actor or "", None)
        if original["contract_id"]:
            undone = tuple(original["lines"])
            paid = original["amount"] if original["kind"] == Kind.PAYMENT.value else ZERO
            uow.journal.add_to_payable(
                ctx.org,
                original["contract_id"],
                original["milestone_no"] or 0,
                accrued=-_payable_credits(undone),
                paid=-paid,
                settled=-_payable_debits(undone),
            )
        result = voucher_view(uow.journal.get(ctx.org, v.id))
        if key:
            uow.remember(REVERSE_SCOPE, key, request, result)
        uow.commit()
    return result


def close_period(cmd: commands.ClosePeriod, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """结账: the month takes no more vouchers (events dated in it post into the next open month). In order:
    an earlier open month with vouchers is closed first; a month not yet begun cannot be closed."""
    require_accountant(ctx, "结账")
    with uow:
        closed = uow.journal.closed_periods(ctx.org)
        row = uow.journal.lock_period(ctx.org, cmd.period)
        if row["status"] == "closed":
            closed.add(cmd.period)
        if cmd.period > periods.period_of(today()):
            raise refused("period_not_begun", f"{cmd.period} 尚未开始", period=cmd.period)
        periods.check_can_close(cmd.period, closed, uow.journal.earliest_open_with_vouchers(ctx.org))
        uow.journal.close(ctx.org, cmd.period, ctx.actor or "")
        uow.publish(
            ctx.event(
                "accounting.period_closed",
                {"period": cmd.period, "vouchers": row["last_seq"], "closed_by": ctx.actor or ""},
            )
        )
        uow.commit()
    return {"period": cmd.period, "status": "closed", "vouchers": row["last_seq"], "closed_by": ctx.actor}


def readable_voucher(uow: AccountingUnitOfWork, ctx: CallContext, voucher_id: str) -> dict[str, Any]:
    """The voucher if the caller reads it (a reader of the books, its unit in their scope); else 404."""
    require_reader(ctx)
    try:
        found = uow.journal.get(ctx.org, str(uuid.UUID(voucher_id)))
    except ValueError:
        found = None
    if found is None or not scope.visible(ctx.viewer, Area.ACCOUNTING, found["unit"]):
        raise not_found("voucher", voucher_id, "记账凭证")
    return found
