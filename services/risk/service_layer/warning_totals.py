"""预警按规则统计 (issue 14's dashboard: warnings by unit and by rule): per rule, the warnings raised in a period
in the reader's data scope, by status and severity, with a 合计; and the same table as an Excel workbook that
reads like the screen. Kept apart from warnings_work.py (the ledger and its moves)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from ic_platform import list_workbook as xl
from ic_platform import scope
from ic_platform.commands import Code, Command, Day
from ic_platform.context import CallContext
from ic_platform.errors import InvalidInput
from services.risk.adapters.supervision import readable_warnings
from services.risk.domain.rules import RULE_LABELS, SEVERITY_LABELS, Severity
from services.risk.domain.workflow import STATUS_LABELS, Status
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings_work import day_start

MAX_DAYS = 366
STATUSES = [s.value for s in Status]
SEVERITY_ORDER = {Severity.HIGH.value: 0, Severity.MEDIUM.value: 1, Severity.LOW.value: 2}


class WarningsByRule(Command):
    date_from: Day
    date_to: Day
    unit: Code | None = None


def _check(cmd: WarningsByRule) -> None:
    if cmd.date_from > cmd.date_to:
        raise InvalidInput(
            "invalid_input",
            "起始日期不能晚于截止日期",
            {"fields": [{"field": "date_from", "reason": "不能晚于截止日期"}]},
        )
    if (cmd.date_to - cmd.date_from).days >= MAX_DAYS:
        reason = f"统计期间最长 {MAX_DAYS} 天"
        raise InvalidInput("invalid_input", reason, {"fields": [{"field": "date_to", "reason": reason}]})


def warnings_by_rule(cmd: WarningsByRule, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    _check(cmd)
    start, end = day_start(cmd.date_from), day_start(cmd.date_to + timedelta(days=1))
    scopes = {area: scope.scope_of(ctx.viewer, area) for area in scope.Area}
    with uow:
        rows = uow.warning_totals.per_rule(ctx.org, readable_warnings(scopes), start, end, cmd.unit)
        names = uow.units.names(ctx.org)
    items = _tally(rows)
    return {
        "date_from": cmd.date_from.isoformat(),
        "date_to": cmd.date_to.isoformat(),
        "unit": cmd.unit,
        "unit_name": names.get(cmd.unit) if cmd.unit else None,
        "items": items,
        "total": len(items),
        "totals": _sum(items),
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
    }


def _tally(rows: list[Any]) -> list[dict[str, Any]]:
    """One item per rule, the most warnings first; `severity` is the highest the rule raised in the period."""
    by_rule: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"warnings": 0, "high": 0, "units": set(), "severity": None, **{s: 0 for s in STATUSES}}
    )
    for r in rows:
        item = by_rule[r.rule]
        item["warnings"] += r.count
        item[r.status] += r.count
        item["high"] += r.count if r.severity == Severity.HIGH.value else 0
        item["units"].update(u for u in (r.units or []) if u)
        if item["severity"] is None or SEVERITY_ORDER[r.severity] < SEVERITY_ORDER[item["severity"]]:
            item["severity"] = r.severity
    items = []
    for rule, item in by_rule.items():
        items.append(
            {
                "rule": rule,
                "rule_label": RULE_LABELS.get(rule, rule),  # a StrEnum key answers to its text
                **{k: v for k, v in item.items() if k != "units"},
                "severity_label": SEVERITY_LABELS[Severity(item["severity"])],
                "units": len(item["units"]),
                "handled": item["warnings"] - item[Status.OPEN.value],
            }
        )
    return sorted(items, key=lambda i: (-i["warnings"], i["rule"]))


def _sum(items: list[dict[str, Any]]) -> dict[str, int]:
    keys = ["warnings", "high", "handled", *STATUSES]
    return {k: sum(i[k] for i in items) for k in keys}


COLUMNS = [
    xl.Column("规则代码", lambda r: r["rule"], width=30),
    xl.Column("规则名称", lambda r: r["rule_label"], width=32),
    xl.Column("最高严重程度", lambda r: r.get("severity_label", ""), width=12),
    xl.Column("预警数（条）", lambda r: r["warnings"], width=12),
    xl.Column("其中高风险", lambda r: r["high"], width=12),
    xl.Column("涉及单位数", lambda r: r.get("units", ""), width=12),
    xl.Column("待处置", lambda r: r[Status.OPEN.value], width=10),
    xl.Column("审批时已确认知悉", lambda r: r[Status.ACKNOWLEDGED.value], width=16),
    xl.Column("已排除", lambda r: r[Status.DISMISSED.value], width=10),
    xl.Column("已核实整改中", lambda r: r[Status.CONFIRMED.value], width=14),
    xl.Column("已整改销号", lambda r: r[Status.RECTIFIED.value], width=12),
]


def warnings_by_rule_xlsx(cmd: WarningsByRule, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    report = warnings_by_rule(cmd, uow, ctx)
    with uow:
        names = uow.units.names(ctx.org)
    reads = scope.scope_of(ctx.viewer, scope.Area.OTHER)
    total_row = {"rule": "合计", "rule_label": "", **report["totals"]}
    content = xl.list_workbook(
        "风险预警按规则统计",
        COLUMNS,
        [*report["items"], total_row],
        period=f"{report['date_from']} 至 {report['date_to']}",
        scope=xl.scope_text(reads, names, cmd.unit, own="本人经办单据的预警"),
        sheet="预警按规则",
    )
    name = f"风险预警按规则统计-{report['date_from']}-{report['date_to']}.xlsx"
    return xl.as_attachment(name, content, len(report["items"]))
