"""Per-unit scorecards (内控评价, issue 13 §3) for a period, from what risk already hears: approval's tasks
(cycle time per step, overdue reminders), its own warnings and their handling (raised, confirmed,
rectifications due and whether closed on time), and the segregation-of-duties refusals the services publish
after the fact (`<service>.segregation_refused`, counted for the unit of the person refused)."""

from __future__ import annotations

import base64
import io
import statistics
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ic_platform import scope
from ic_platform.commands import Code, Command, Day
from ic_platform.context import CallContext
from ic_platform.errors import InvalidInput
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings_work import day_start, local_day, today

MAX_DAYS = 366
HOURS = Decimal("0.01")


class Scorecard(Command):
    date_from: Day
    date_to: Day
    unit: Code | None = None


def scorecards(cmd: Scorecard, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if cmd.date_from > cmd.date_to:
        raise InvalidInput(
            "invalid_input",
            "起始日期不能晚于截止日期",
            {"fields": [{"field": "date_from", "reason": "不能晚于截止日期"}]},
        )
    if (cmd.date_to - cmd.date_from).days >= MAX_DAYS:
        raise InvalidInput(
            "invalid_input",
            f"评价期间最长 {MAX_DAYS} 天",
            {"fields": [{"field": "date_to", "reason": f"评价期间最长 {MAX_DAYS} 天"}]},
        )
    start, end = day_start(cmd.date_from), day_start(cmd.date_to + timedelta(days=1))
    within = scope.scope_of(ctx.viewer, scope.Area.OTHER).units_within(cmd.unit)
    with uow:
        names = uow.units.names(ctx.org)
        tasks = uow.tasks.decided_in(ctx.org, start, end)
        overdue = uow.tasks.overdue_per_unit(ctx.org, start, end)
        raised = uow.cases.raised_per_unit(ctx.org, start, end)
        confirmed = uow.cases.confirmed_per_unit(ctx.org, start, end)
        rectifications = uow.cases.rectifications_due(ctx.org, cmd.date_from, cmd.date_to)
        refusals = uow.sod_refusals.per_unit(ctx.org, start, end)

    steps: dict[str, dict[tuple[str, int], list[float]]] = defaultdict(lambda: defaultdict(list))
    for t in tasks:
        steps[t.unit][(t.step_name or f"第 {t.step_no} 步", t.step_no or 0)].append(float(t.seconds))
    due: dict[str, dict[str, int]] = defaultdict(lambda: {"due": 0, "on_time": 0, "late": 0, "open_overdue": 0})
    now_day = today()
    for r in rectifications:
        tally = due[r.responsible_unit]
        tally["due"] += 1
        if r.closed_at is not None:
            tally["on_time" if local_day(r.closed_at) <= r.due_date else "late"] += 1
        elif now_day > r.due_date:
            tally["open_overdue"] += 1

    units = set(names) | set(steps) | set(overdue) | set(raised) | set(confirmed) | set(due) | set(refusals)
    if within is not None:
        units &= within
    rows = [
        {
            **_row(u, names.get(u, u), steps.get(u, {}), overdue, raised, confirmed, due.get(u)),
            "sod_refusals": refusals.get(u, 0),
        }
        for u in sorted(units)
    ]
    return {
        "date_from": cmd.date_from.isoformat(),
        "date_to": cmd.date_to.isoformat(),
        "units": rows,
        "definitions": DEFINITIONS,
    }


DEFINITIONS = {
    "tasks_decided": "期间内办结（同意、驳回、退回、转办）的审批任务数，按单据所属单位",
    "cycle_hours": "审批节点用时：任务分拨至办结的小时数（平均、中位、最长），按节点",
    "warnings_raised": "期间内对本单位单据提出的风险预警数",
    "warnings_confirmed": "期间内经纪检监察核实（转为整改）的预警数",
    "sod_refusals": "期间内本单位人员因不相容岗位分离被拒绝办理的次数（自批、同一人办理两步、岗位冲突）",
    "overdue_tasks": "期间内超过办理时限被催办的审批任务数",
    "rectifications_due": "整改期限在期间内的整改事项数（按责任单位）",
    "rectifications_on_time": "其中在期限内（含当日）销号的",
    "rectifications_late": "其中逾期后销号的",
    "rectifications_open_overdue": "其中已过期限仍未销号的",
    "on_time_rate": "按期整改率：按期销号数 ÷ 应整改数（%）",
}


def _row(
    unit: str,
    name: str,
    steps: dict[tuple[str, int], list[float]],
    overdue: dict[str, int],
    raised: dict[str, int],
    confirmed: dict[str, int],
    due: dict[str, int] | None,
) -> dict[str, Any]:
    due = due or {"due": 0, "on_time": 0, "late": 0, "open_overdue": 0}
    all_seconds = [s for values in steps.values() for s in values]
    return {
        "unit": unit,
        "unit_name": name,
        "tasks_decided": len(all_seconds),
        "cycle_hours": _hours(all_seconds),
        "steps": [
            {"step_name": step, "step_no": no, "tasks": len(values), **_hours(values)}
            for (step, no), values in sorted(steps.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        ],
        "warnings_raised": raised.get(unit, 0),
        "warnings_confirmed": confirmed.get(unit, 0),
        "sod_refusals": 0,
        "overdue_tasks": overdue.get(unit, 0),
        "rectifications_due": due["due"],
        "rectifications_on_time": due["on_time"],
        "rectifications_late": due["late"],
        "rectifications_open_overdue": due["open_overdue"],
        "on_time_rate": _rate(due["on_time"], due["due"]),
    }


def _hours(seconds: list[float]) -> dict[str, str | None]:
    if not seconds:
        return {"average": None, "median": None, "max": None}

    def h(value: float) -> str:
        return str((Decimal(str(value)) / 3600).quantize(HOURS, ROUND_HALF_UP))

    return {"average": h(statistics.fmean(seconds)), "median": h(statistics.median(seconds)), "max": h(max(seconds))}


def _rate(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / whole).quantize(HOURS, ROUND_HALF_UP))


# ── Excel ──
HEADERS = [
    "单位代码",
    "单位名称",
    "办结审批任务数",
    "平均审批用时（小时）",
    "审批用时中位数（小时）",
    "最长审批用时（小时）",
    "风险预警（提出）",
    "风险预警（核实）",
    "不相容岗位拒绝次数",
    "超时催办任务数",
    "应整改数",
    "按期整改数",
    "逾期整改数",
    "逾期未整改数",
    "按期整改率（%）",
]
STEP_HEADERS = ["单位代码", "单位名称", "审批节点", "任务数", "平均用时（小时）", "中位数（小时）", "最长（小时）"]


def scorecards_xlsx(cmd: Scorecard, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    report = scorecards(cmd, uow, ctx)
    period = f"{report['date_from']} 至 {report['date_to']}"
    wb = Workbook()
    ws = wb.active
    ws.title = "内控评价"
    _title(ws, f"内部控制评价 · 单位记分卡（{period}）", len(HEADERS))
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in report["units"]:
        ws.append(
            [
                r["unit"],
                r["unit_name"],
                r["tasks_decided"],
                _num(r["cycle_hours"]["average"]),
                _num(r["cycle_hours"]["median"]),
                _num(r["cycle_hours"]["max"]),
                r["warnings_raised"],
                r["warnings_confirmed"],
                r["sod_refusals"],
                r["overdue_tasks"],
                r["rectifications_due"],
                r["rectifications_on_time"],
                r["rectifications_late"],
                r["rectifications_open_overdue"],
                _num(r["on_time_rate"]),
            ]
        )
    ws.freeze_panes = "C3"
    steps = wb.create_sheet("审批节点用时")
    _title(steps, f"审批节点用时（{period}）", len(STEP_HEADERS))
    steps.append(STEP_HEADERS)
    for cell in steps[2]:
        cell.font = Font(bold=True)
    for r in report["units"]:
        for s in r["steps"]:
            steps.append(
                [
                    r["unit"],
                    r["unit_name"],
                    s["step_name"],
                    s["tasks"],
                    _num(s["average"]),
                    _num(s["median"]),
                    _num(s["max"]),
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    name = f"内控评价-{report['date_from']}-{report['date_to']}.xlsx"
    return {"filename": name, "content_base64": base64.b64encode(out.getvalue()).decode("ascii")}


def _title(ws: Any, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")


def _num(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None
