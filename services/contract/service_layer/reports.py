"""合同执行情况表 (the contract execution report): per contract, or summed by unit or supplier, over what the
caller's data scope reads (as `GET /contracts`), computed by one SQL aggregation (adapters/execution_sql.py);
paged on the server; or the whole of it as an Excel workbook. One contract's execution in detail is the
domain's `compute` over its milestones, acceptances (met_on) and the payments heard."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.contract.adapters import excel
from services.contract.domain import execution
from services.contract.domain.contract import STATUS_LABELS, Status
from services.contract.domain.terms import CONDITION_LABELS, Condition
from services.contract.service_layer import commands
from services.contract.service_layer.handlers import POLICY, _readable_contract, today
from services.contract.service_layer.unit_of_work import ContractUnitOfWork

GROUP_LABELS = excel.GROUP_LABELS


def _filters(cmd: commands.ExecutionReport, ctx: CallContext) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看合同执行情况")
    return {
        "org": ctx.org,
        "scope": scope.scope_of(ctx.viewer, Area.CONTRACT),
        "unit": cmd.unit,
        "supplier_id": cmd.supplier_id,
        "as_of": cmd.as_of or today(),
        "default_days": POLICY.default_payment_days,
    }


def _figures(r: dict[str, Any]) -> dict[str, str]:
    return {k: money_str(r[k]) for k in ("original_amount", "amendments", "amount", "paid", "payable_now", "remaining")}


def _total(r: dict[str, Any]) -> dict[str, Any]:
    return {"contracts": r["contracts"], **_figures(r), "with_overdue": r["with_overdue"], "lapsed": r["lapsed"]}


def _group_row(group_by: str, r: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    key = (
        {"unit": r["unit"], "unit_name": names.get(r["unit"], r["unit"])}
        if group_by == "unit"
        else {"supplier_id": r["supplier_id"], "supplier_name": r["supplier_name"]}
    )
    return {**key, **_total(r)}


def _next(r: dict[str, Any]) -> dict[str, Any] | None:
    if r["next_no"] is None or r["next_name"] is None:
        return None
    condition = Condition(r["next_condition"])
    return {
        "no": r["next_no"],
        "name": r["next_name"],
        "condition": condition.value,
        "condition_label": CONDITION_LABELS[condition],
        "amount": money_str(r["next_amount"]),
        "paid": money_str(r["next_paid"]),
        "unpaid": money_str(r["next_amount"] - r["next_paid"]),
        "met_on": r["next_met_on"].isoformat() if r["next_met_on"] else None,
        "due_on": r["next_due_on"].isoformat() if r["next_met_on"] else None,
        "planned_date": r["next_planned_date"].isoformat() if r["next_planned_date"] else None,
    }


def _contract_row(r: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    status = Status(r["status"])
    return {
        "contract": {"type": "contract", "id": str(r["id"]), "no": r["no"]},
        "title": r["title"],
        "unit": r["unit"],
        "unit_name": names.get(r["unit"], r["unit"]),
        "supplier_id": r["supplier_id"],
        "supplier_name": r["supplier_name"],
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "signed_on": r["signed_on"].isoformat(),
        "end_date": r["end_date"].isoformat(),
        **_figures(r),
        "ceiling": money_str(r["ceiling"]),
        "next_milestone": _next(r),
        "overdue": list(r["overdue"] or []),
        "lapsed": bool(r["lapsed"]),
    }


def _read(cmd: commands.ExecutionReport, uow: ContractUnitOfWork, ctx: CallContext, limit: int | None, offset: int):
    filters = _filters(cmd, ctx)
    with uow:
        names = uow.reports.unit_names(ctx.org)
        if cmd.group_by == "contract":
            count, rows, total = uow.reports.per_contract(limit=limit, offset=offset, **filters)
            items = [_contract_row(r, names) for r in rows]
        else:
            groups, total = uow.reports.grouped(cmd.group_by, **filters)
            count, items = len(groups), [_group_row(cmd.group_by, g, names) for g in groups]
            items = items[offset : offset + limit] if limit is not None else items
    return filters, names, count, items, _total(total)


def execution_report(cmd: commands.ExecutionReport, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    filters, _, count, items, total = _read(cmd, uow, ctx, limit, offset)
    return {
        **paged(items, count, cmd.page, limit),
        "group_by": cmd.group_by,
        "group_label": GROUP_LABELS[cmd.group_by],
        "as_of": filters["as_of"].isoformat(),
        "unit": cmd.unit,
        "supplier_id": cmd.supplier_id,
        "totals": total,
    }


def execution_report_xlsx(cmd: commands.ExecutionReport, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Every row (not one page) as an Excel workbook, base64-encoded."""
    filters, names, _, items, total = _read(cmd, uow, ctx, None, 0)
    content = excel.execution_workbook(
        cmd.group_by, filters["as_of"], items, total, unit_names=names, scope=_scope_text(cmd, ctx, names, items)
    )
    as_of: date = filters["as_of"]
    return {
        "filename": f"合同执行情况表-{as_of.isoformat()}.xlsx",
        "rows": len(items),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def _scope_text(cmd: commands.ExecutionReport, ctx: CallContext, names: dict[str, str], items: list) -> str:
    parts = []
    if cmd.unit:
        parts.append(f"{cmd.unit} {names.get(cmd.unit, '')}".strip())
    if cmd.supplier_id:
        found = next((i["supplier_name"] for i in items if i.get("supplier_id") == cmd.supplier_id), cmd.supplier_id)
        parts.append(f"供应商 {found}")
    if parts:
        return "，".join(parts)
    reads = scope.scope_of(ctx.viewer, Area.CONTRACT)
    if reads.everything:
        return "全部单位"
    shown = [f"{u} {names[u]}" if u in names else u for u in sorted(reads.units)]
    if not shown:
        return "本人经办的合同"
    return "、".join(shown) if len(shown) <= 5 else f"{'、'.join(shown[:5])} 等 {len(shown)} 个单位"


def contract_execution(cmd: commands.ContractExecution, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """One contract's execution in detail (every milestone), by the domain's `compute`."""
    as_of = cmd.as_of or today()
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        met = uow.reports.met_on(c.id)
        payments = [execution.Payment(p.amount, p.paid_on, p.milestone_no) for p in uow.reports.payments(c.id)]
    # A met on_acceptance / on_progress milestone (met_on, fed by acceptances and certificates) as the domain's facts.
    acceptances, progress = [], []
    for m in c.milestones:
        if m.no not in met:
            continue
        if m.condition is Condition.ON_ACCEPTANCE:
            acceptances.append(execution.Acceptance(m.no, execution.AcceptanceResult.PASSED, met[m.no]))
        elif m.condition is Condition.ON_PROGRESS and m.progress is not None:
            progress.append(execution.Progress(m.progress, met[m.no]))
    return execution.compute(c, as_of, POLICY, acceptances, progress, payments).as_dict()
