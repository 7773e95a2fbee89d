"""Reading the books: vouchers, the trial balance (科目余额表, and its Excel), the general ledger of an account
(总账, paged, with its running balance), and the reconciliation of budgetary expenditure with the budget
ledger's actual per line (the budget answers `actuals`)."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any, Protocol

from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.accounting.adapters import excel
from services.accounting.domain import balances, chart
from services.accounting.domain.chart import Basis
from services.accounting.domain.errors import invalid
from services.accounting.service_layer import commands
from services.accounting.service_layer.posting import readable_voucher, require_reader
from services.accounting.service_layer.unit_of_work import AccountingUnitOfWork
from services.accounting.service_layer.views import voucher_view


class Budget(Protocol):
    def actuals(self, **kwargs: Any) -> dict[str, Any]: ...


def _units(ctx: CallContext, unit: str | None) -> frozenset[str] | None:
    require_reader(ctx)
    return scope.scope_of(ctx.viewer, Area.ACCOUNTING).units_within(unit)


def get_voucher(cmd: commands.VoucherId, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        return voucher_view(readable_voucher(uow, ctx, cmd.voucher_id))


def list_vouchers(cmd: commands.ListVouchers, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    units = _units(ctx, cmd.unit)
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, rows = uow.journal.page(ctx.org, units, cmd.period, cmd.kind, limit, offset)
    return paged([voucher_view(r) for r in rows], total, cmd.page, limit)


def list_periods(uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    require_reader(ctx)
    with uow:
        rows = uow.journal.periods(ctx.org)
    return {
        "items": [
            {
                "period": r["period"],
                "status": r["status"],
                "vouchers": r["last_seq"],
                "closed_at": r["closed_at"].isoformat() if r["closed_at"] else None,
                "closed_by": r["closed_by"],
            }
            for r in rows
        ]
    }


def trial_balance(cmd: commands.TrialBalance, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    units = _units(ctx, cmd.unit)
    with uow:
        rows = balances.trial_balance_rows(uow.journal.trial_balance(ctx.org, cmd.period, units))
    by_basis = {}
    for basis in Basis:
        total = balances.totals(rows, basis)
        by_basis[basis.value] = {
            "label": chart.BASIS_LABELS[basis],
            **{k: money_str(v) for k, v in total.items()},
            "balanced": balances.balanced(total),
        }
    return {
        "period": cmd.period,
        "unit": cmd.unit,
        "items": [r.as_dict() for r in rows],
        "totals": by_basis,
        "balanced": all(t["balanced"] for t in by_basis.values()),
    }


def trial_balance_xlsx(cmd: commands.TrialBalance, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    report = trial_balance(cmd, uow, ctx)
    content = excel.trial_balance_workbook(report)
    return {
        "filename": f"科目余额表-{cmd.period}.xlsx",
        "rows": len(report["items"]),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def ledger(cmd: commands.Ledger, uow: AccountingUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """总账 of one account over a range of periods: its opening balance, each line with the running balance on
    the account's normal side, the range's turnovers and closing balance."""
    if cmd.account_code not in chart.CHART:
        raise invalid("account_unknown", "account_code", cmd.account_code, account_code=cmd.account_code)
    if cmd.period_from > cmd.period_to:
        raise invalid("period_invalid", "period_from", f"起始期间 {cmd.period_from} 晚于截止期间 {cmd.period_to}")
    account = chart.account(cmd.account_code)
    sign = 1 if account.normal_side is chart.Side.DEBIT else -1
    units = _units(ctx, cmd.unit)
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, before, rows, sums = uow.journal.ledger(
            ctx.org, cmd.account_code, cmd.period_from, cmd.period_to, units, limit, offset
        )
    opening = sign * (before["range_opening_debit"] - before["range_opening_credit"])
    running = sign * (before["debit"] - before["credit"])
    items = []
    for r in rows:
        running += sign * (r["debit"] - r["credit"])
        items.append(
            {
                "period": r["period"],
                "voucher_id": str(r["voucher_id"]),
                "voucher_no": r["no"],
                "voucher_date": r["voucher_date"].isoformat(),
                "kind": r["kind"],
                "summary": r["summary"],
                "unit": r["unit"],
                "budget_line_id": r["budget_line_id"],
                "debit": money_str(r["debit"]),
                "credit": money_str(r["credit"]),
                "balance": money_str(running),
            }
        )
    closing = opening + sign * (sums["debit"] - sums["credit"])
    return {
        **paged(items, total, cmd.page, limit),
        "account_code": account.code,
        "account_name": account.name,
        "normal_side": account.normal_side.value,
        "period_from": cmd.period_from,
        "period_to": cmd.period_to,
        "opening_balance": money_str(opening),
        "debit": money_str(sums["debit"]),
        "credit": money_str(sums["credit"]),
        "closing_balance": money_str(closing),
    }


def reconciliation(
    cmd: commands.Reconciliation, uow: AccountingUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    """Budgetary expenditure per budget line (the journal) against the budget ledger's actual per line (asked
    of the budget under the caller's identity, so both sides are read within the caller's data scope)."""
    units = _units(ctx, cmd.unit)
    with uow:
        journal = uow.journal.expenditure_by_line(ctx.org, cmd.fiscal_year, units)
    answer = budget.actuals(fiscal_year=cmd.fiscal_year, **({"unit": cmd.unit} if cmd.unit else {}))
    expenditure = {r["budget_line_id"]: (r["unit"], Decimal(r["expenditure"])) for r in journal if r["budget_line_id"]}
    actual = {
        r["budget_line_id"]: (r.get("unit"), Decimal(r["actual"]))
        for r in answer["lines"]
        if units is None or r.get("unit") in units
    }
    rows = balances.reconcile(expenditure, actual)
    total_e = sum((r.expenditure for r in rows), Decimal("0.00"))
    total_a = sum((r.actual for r in rows), Decimal("0.00"))
    differing = [r for r in rows if r.difference != 0]
    return {
        "fiscal_year": cmd.fiscal_year,
        "unit": cmd.unit,
        "items": [r.as_dict() for r in rows],
        "lines": len(rows),
        "lines_with_difference": len(differing),
        "budgetary_expenditure": money_str(total_e),
        "budget_actual": money_str(total_a),
        "difference": money_str(total_e - total_a),
        "matched": not differing,
    }
