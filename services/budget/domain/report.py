"""The budget execution report (预算执行情况表): pure arithmetic over balances already summed by the database.

The figures come from the maintained projections (the line rows and `budget_line_month`), never from a scan
of the ledger; this module only turns sums into rows: available, execution rate, totals, labels and the
cumulative monthly trend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ic_platform.money import money_str

ZERO = Decimal("0.00")
REPORT_TZ = "Asia/Shanghai"  # a move belongs to the month it happened in, local time

GROUP_BY = ("line", "unit", "economic_class", "functional_class", "project", "expenditure_kind")
GROUP_LABELS = {
    "line": "预算指标",
    "unit": "单位",
    "economic_class": "经济分类",
    "functional_class": "功能分类",
    "project": "项目",
    "expenditure_kind": "支出类型",
}
EXPENDITURE_KIND_NAMES = {"basic": "基本支出", "project": "项目支出"}
NO_PROJECT = "（无项目）"
MOVE_KIND_NAMES = {
    "pre_commit": "预占",
    "release": "释放预占",
    "pre_commit_approved": "预占经审批",
    "commit": "合同占用",
    "relieve": "解除占用",
    "actual": "实际支出",
    "reversal": "冲销",
}


def execution_rate(amount: Decimal, committed: Decimal, actual: Decimal) -> Decimal:
    """执行率: (committed + actual) / amount, as a percentage with two places rounded half up (四舍五入);
    0 for a group of no money."""
    if amount <= 0:
        return ZERO
    return ((committed + actual) / amount * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    amount: Decimal = ZERO
    pre_committed: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.amount - self.pre_committed - self.committed - self.actual

    @property
    def rate(self) -> Decimal:
        return execution_rate(self.amount, self.committed, self.actual)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.amount + other.amount,
            self.pre_committed + other.pre_committed,
            self.committed + other.committed,
            self.actual + other.actual,
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "amount": money_str(self.amount),
            "pre_committed": money_str(self.pre_committed),
            "committed": money_str(self.committed),
            "actual": money_str(self.actual),
            "available": money_str(self.available),
            "execution_rate": str(self.rate),
        }


def group_label(group_by: str, row: dict[str, Any]) -> str:
    """The Chinese label of a group. Units are labelled by their code: unit names live in the org service,
    and the gateway or the screen names them."""
    if group_by == "line":
        name = row.get("economic_class_name") or row.get("economic_class") or row["key"]
        return f"{name}（{row['project']}）" if row.get("project") else name
    if group_by == "economic_class":
        return row.get("economic_class_name") or row["key"]
    if group_by == "functional_class":
        return row.get("functional_class_name") or row["key"]
    if group_by == "project":
        return row["key"] or NO_PROJECT
    if group_by == "expenditure_kind":
        return EXPENDITURE_KIND_NAMES.get(row["key"], row["key"])
    return row["key"]


def report_row(group_by: str, row: dict[str, Any]) -> dict[str, Any]:
    """One row of the report: the group's key and label, its dimensions (those it has), and its figures."""
    figures = Figures(row["amount"], row["pre_committed"], row["committed"], row["actual"])
    out = {"key": row["key"], "label": group_label(group_by, row), "lines": row.get("lines", 1)}
    if group_by != "line":
        out[group_by] = row["key"]  # e.g. the unit code, for the screen to name
    for dim in (
        "unit",
        "functional_class",
        "functional_class_name",
        "economic_class",
        "economic_class_name",
        "project",
        "expenditure_kind",
    ):
        if dim in row:
            out[dim] = row[dim]
    return {**out, **figures.as_dict()}


def totals(rows: list[dict[str, Any]]) -> Figures:
    total = Figures()
    for row in rows:
        total = total + Figures(row["amount"], row["pre_committed"], row["committed"], row["actual"])
    return total


def months_of(fiscal_year: int) -> list[dt.date]:
    return [dt.date(fiscal_year, m, 1) for m in range(1, 13)]


def cumulative_trend(fiscal_year: int, monthly: dict[dt.date, Figures]) -> list[dict[str, Any]]:
    """Twelve months of the year, each with the running totals of pre-committed, committed and actual at its
    end. Net changes from before the year (none, usually) open January; changes after December are not
    part of the year's trend."""
    first = dt.date(fiscal_year, 1, 1)
    running = Figures()
    for month, change in monthly.items():
        if month < first:
            running = running + change
    out = []
    for month in months_of(fiscal_year):
        change = monthly.get(month, Figures())
        running = running + change
        out.append(
            {
                "month": month.strftime("%Y-%m"),
                "pre_committed": money_str(running.pre_committed),
                "committed": money_str(running.committed),
                "actual": money_str(running.actual),
                "change": {
                    "pre_committed": money_str(change.pre_committed),
                    "committed": money_str(change.committed),
                    "actual": money_str(change.actual),
                },
            }
        )
    return out
