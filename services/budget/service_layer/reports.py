"""预算执行情况表: reads of the maintained projections (line balances, month rows), never a scan of the ledger."""

from __future__ import annotations

import base64
from typing import Any

from ic_platform import metrics
from ic_platform.context import CallContext
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from services.budget.adapters import excel
from services.budget.domain import report
from services.budget.domain.errors import line_not_found
from services.budget.domain.model import DocumentRef
from services.budget.service_layer import commands, scoping
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


def execution_report(cmd: commands.ExecutionReport, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        groups, rows, total = uow.reports.execution(
            org=ctx.org,
            fiscal_year=cmd.fiscal_year,
            group_by=cmd.group_by,
            units=scoping.units(ctx, cmd.unit),
            limit=limit,
            offset=offset,
        )
    return {
        **paged([report.report_row(cmd.group_by, r) for r in rows], groups, cmd.page, limit),
        "fiscal_year": cmd.fiscal_year,
        "group_by": cmd.group_by,
        "group_label": report.GROUP_LABELS[cmd.group_by],
        "unit": cmd.unit,
        "totals": total.as_dict(),
    }


def actuals(cmd: commands.Actuals, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """实际支出 per line of a year (lines at zero left out), within the caller's data scope: the accounting
    service reconciles its budgetary expenditure with it."""
    with uow:
        rows = uow.reports.actuals(org=ctx.org, fiscal_year=cmd.fiscal_year, units=scoping.units(ctx, cmd.unit))
    return {
        "fiscal_year": cmd.fiscal_year,
        "lines": [{**r, "actual": money_str(r["actual"])} for r in rows],
    }


def execution_report_xlsx(cmd: commands.ExecutionReport, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The whole report (every group, not one page) as an Excel workbook, base64-encoded."""
    units = scoping.units(ctx, cmd.unit)
    with uow:
        _, rows, total = uow.reports.execution(
            org=ctx.org,
            fiscal_year=cmd.fiscal_year,
            group_by=cmd.group_by,
            units=units,
            limit=None,
        )
        names = uow.units.names(ctx.org)
    content = excel.execution_workbook(
        cmd.fiscal_year,
        cmd.group_by,
        cmd.unit,
        [report.report_row(cmd.group_by, r) for r in rows],
        total,
        unit_names=names,
        scope=_scope_text(units, names),
    )
    return {
        "filename": f"预算执行情况表-{cmd.fiscal_year}.xlsx",
        "rows": len(rows),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def _scope_text(units: frozenset[str] | None, names: dict[str, str]) -> str:
    """Whose figures the workbook holds, as the reader's data scope allows."""
    if units is None:
        return "全部单位"
    shown = [f"{code} {names[code]}" if code in names else code for code in sorted(units)]
    return "、".join(shown) if len(shown) <= 5 else f"{'、'.join(shown[:5])} 等 {len(shown)} 个单位"


def execution_trend(cmd: commands.ExecutionTrend, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        monthly = uow.reports.monthly(
            org=ctx.org, fiscal_year=cmd.fiscal_year, units=scoping.units(ctx, cmd.unit), line_id=cmd.budget_line_id
        )
    return {
        "fiscal_year": cmd.fiscal_year,
        "unit": cmd.unit,
        "budget_line_id": cmd.budget_line_id,
        "months": report.cumulative_trend(cmd.fiscal_year, monthly),
    }


def line_moves(cmd: commands.LineMoves, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Drill-down (穿透查询): the ledger moves of one line with their source documents, newest first."""
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        line = uow.lines.get(cmd.budget_line_id)
        if line is None or not scoping.line_readable(ctx, line.org, line.unit):
            raise line_not_found(cmd.budget_line_id)
        total, rows = uow.reports.moves(line.id, limit=limit, offset=offset)
    items = [
        {
            "id": r.id,
            "document": DocumentRef(r.document_type, r.document_id, r.document_no).as_dict(),
            "kind": r.kind,
            "kind_name": report.MOVE_KIND_NAMES.get(r.kind, r.kind),
            "amount": money_str(r.amount),
            "step": r.step,
            "actor": r.actor,
            "override_no": r.override_no,
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]
    return {**paged(items, total, cmd.page, limit), "budget_line_id": line.id}


def sample_execution(uow: BudgetUnitOfWork) -> None:
    """执行率 per office and fiscal year, for the ops dashboard (a percentage, never an amount of money)."""
    with uow:
        totals = uow.reports.totals_by_org_and_year()
    for org, fiscal_year, figures in totals:
        metrics.budget_execution_rate.labels(org, str(fiscal_year)).set(float(figures.rate))
