"""Supplier analysis (供应商信息表) and the procurement report (采购情况表), as pure aggregations over rows the
repository reads. What each figure means is defined here (and in DOMAIN.md); the SQL must give the same answer.

Supplier analysis, for a period [date_from, date_to] (inclusive, by the award's notice date: the day the award
became public), over the awards in the caller's scope:
- awards_count / awards_value: the supplier's awards in the period and the sum of their amounts;
- share: awards_value as a percentage of all awards' value in the period (two places, half up; 0 if none);
- units: per unit, the supplier's count and value there, the unit's total awarded value in the period, and
  `share` = the supplier's value in that unit as a percentage of that total (集中度: what risk watches);
- max_unit_share: the highest of those shares;
- methods: per method, count and value.
Suppliers are listed by value, highest first (then by name).

Procurement report, for a period (by the application's approval date): the applications approved in it and not
since cancelled, grouped by any of unit, method and category:
- count (项目数), budget_amount (采购预算: the sum of their budget amounts);
- awarded_count, awarded_amount (中标/成交金额) for those with an award, and awarded_budget (their budget
  amounts);
- savings (节约资金) = awarded_budget − awarded_amount: only awarded purchases save anything;
- savings_rate = savings / awarded_budget as a percentage (two places; 0 when nothing was awarded);
with a total row over all groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ic_platform.money import money_str

ZERO = Decimal("0.00")
PERCENT = Decimal("0.01")
GROUP_FIELDS = ("unit", "method", "category")
COUNTED_STATUSES = frozenset({"approved", "sourcing", "awarded", "contracted", "closed"})


def share(part: Decimal, whole: Decimal) -> Decimal:
    if whole <= 0:
        return ZERO
    return (part * 100 / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AwardRow:
    award_id: str
    unit: str
    supplier_id: str
    supplier_name: str
    method: str
    category: str
    amount: Decimal
    notice_date: date
    # A row may stand for several awards of one supplier, unit, method and category (the repository sums them
    # in SQL): `amount` is their sum, `notice_date` the latest, `supplier_name` the name on the latest one.
    count: int = 1


def _count(rows: Iterable[AwardRow]) -> int:
    return sum(r.count for r in rows)


@dataclass(frozen=True)
class ProcurementRow:
    application_id: str
    unit: str
    method: str
    category: str
    status: str
    budget_amount: Decimal
    approved_on: date | None
    awarded_amount: Decimal | None = None


def in_period(day: date | None, date_from: date, date_to: date) -> bool:
    return day is not None and date_from <= day <= date_to


def supplier_analysis(rows: Iterable[AwardRow], date_from: date, date_to: date) -> dict:
    awards = [r for r in rows if in_period(r.notice_date, date_from, date_to)]
    total = sum((r.amount for r in awards), ZERO)
    unit_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_supplier: dict[str, list[AwardRow]] = defaultdict(list)
    for row in awards:
        unit_totals[row.unit] += row.amount
        by_supplier[row.supplier_id].append(row)
    suppliers = [_supplier_figures(rs, total, unit_totals) for rs in by_supplier.values()]
    suppliers.sort(key=lambda s: (-Decimal(s["awards_value"]), s["supplier_name"], s["supplier_id"]))
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "awards_count": _count(awards),
        "awards_value": money_str(total),
        "suppliers": suppliers,
    }


def _supplier_figures(rows: list[AwardRow], total: Decimal, unit_totals: dict[str, Decimal]) -> dict:
    value = sum((r.amount for r in rows), ZERO)
    units: dict[str, list[AwardRow]] = defaultdict(list)
    methods: dict[str, list[AwardRow]] = defaultdict(list)
    for row in rows:
        units[row.unit].append(row)
        methods[row.method].append(row)
    unit_figures = []
    for unit, unit_rows in sorted(units.items()):
        unit_value = sum((r.amount for r in unit_rows), ZERO)
        unit_figures.append(
            {
                "unit": unit,
                "count": _count(unit_rows),
                "value": money_str(unit_value),
                "unit_total": money_str(unit_totals[unit]),
                "share": str(share(unit_value, unit_totals[unit])),
            }
        )
    latest = max(rows, key=lambda r: (r.notice_date, r.award_id))
    return {
        "supplier_id": latest.supplier_id,
        "supplier_name": latest.supplier_name,
        "awards_count": _count(rows),
        "awards_value": money_str(value),
        "share": str(share(value, total)),
        "max_unit_share": max((u["share"] for u in unit_figures), key=Decimal),
        "units": unit_figures,
        "methods": {
            method: {"count": _count(rs), "value": money_str(sum((r.amount for r in rs), ZERO))}
            for method, rs in sorted(methods.items())
        },
    }


@dataclass
class _Figures:
    count: int = 0
    budget_amount: Decimal = ZERO
    awarded_count: int = 0
    awarded_amount: Decimal = ZERO
    awarded_budget: Decimal = ZERO

    def add(self, row: ProcurementRow) -> None:
        self.count += 1
        self.budget_amount += row.budget_amount
        if row.awarded_amount is not None:
            self.awarded_count += 1
            self.awarded_amount += row.awarded_amount
            self.awarded_budget += row.budget_amount

    def as_dict(self) -> dict:
        savings = self.awarded_budget - self.awarded_amount
        return {
            "count": self.count,
            "budget_amount": money_str(self.budget_amount),
            "awarded_count": self.awarded_count,
            "awarded_amount": money_str(self.awarded_amount),
            "awarded_budget": money_str(self.awarded_budget),
            "savings": money_str(savings),
            "savings_rate": str(share(savings, self.awarded_budget)),
        }


def procurement_report(
    rows: Iterable[ProcurementRow],
    date_from: date,
    date_to: date,
    group_by: tuple[str, ...] = GROUP_FIELDS,
) -> dict:
    unknown = [g for g in group_by if g not in GROUP_FIELDS]
    if unknown:
        raise ValueError(f"cannot group by {unknown[0]!r}: one of {GROUP_FIELDS}")
    counted = [r for r in rows if r.status in COUNTED_STATUSES and in_period(r.approved_on, date_from, date_to)]
    groups: dict[tuple[str, ...], _Figures] = defaultdict(_Figures)
    total = _Figures()
    for row in counted:
        groups[tuple(getattr(row, g) for g in group_by)].add(row)
        total.add(row)
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "group_by": list(group_by),
        "groups": [
            {**dict(zip(group_by, key, strict=True)), **figures.as_dict()} for key, figures in sorted(groups.items())
        ],
        "total": total.as_dict(),
    }
