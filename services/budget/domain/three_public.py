"""三公经费 (the three public expenses): overseas trips, official vehicles, official reception. Each has an
annual cap per organisation (and optionally per unit) that holds across every budget line of its category,
on top of each line's own control. Lines belong to a category by their economic class. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from ic_platform.money import money_str

ZERO = Decimal("0.00")


class Category(StrEnum):
    OVERSEAS_TRIPS = "overseas_trips"
    OFFICIAL_VEHICLES = "official_vehicles"
    OFFICIAL_RECEPTION = "official_reception"


CATEGORY_LABELS = {
    Category.OVERSEAS_TRIPS: "因公出国（境）费",
    Category.OFFICIAL_VEHICLES: "公务用车购置及运行费",
    Category.OFFICIAL_RECEPTION: "公务接待费",
}

# 部门预算支出经济分类 (款) → category. 31013 公务用车购置 is a capital item, counted with the running costs.
ECONOMIC_CLASSES = {
    "30212": Category.OVERSEAS_TRIPS,  # 因公出国（境）费用
    "30231": Category.OFFICIAL_VEHICLES,  # 公务用车运行维护费
    "31013": Category.OFFICIAL_VEHICLES,  # 公务用车购置
    "30217": Category.OFFICIAL_RECEPTION,  # 公务接待费
}

ORG_WIDE = ""  # the unit of a cap that holds across the whole organisation


def category_of(economic_class: str) -> Category | None:
    return ECONOMIC_CLASSES.get(economic_class)


def classes_of(category: Category) -> list[str]:
    return sorted(code for code, c in ECONOMIC_CLASSES.items() if c is category)


@dataclass(frozen=True)
class Cap:
    org: str
    fiscal_year: int
    category: Category
    unit: str  # ORG_WIDE, or the unit whose lines it sums
    amount: Decimal

    @property
    def scope(self) -> str:
        return "全街道" if self.unit == ORG_WIDE else f"单位 {self.unit}"


@dataclass(frozen=True)
class CapDecision:
    cap: Cap
    consumed: Decimal  # pre_committed + committed + actual over the category's lines, before this move
    asked: Decimal  # the new consumption this move adds (after what a source document covers)

    @property
    def allowed(self) -> bool:
        return self.consumed + self.asked <= self.cap.amount

    @property
    def available(self) -> Decimal:
        return max(self.cap.amount - self.consumed, ZERO)

    @property
    def message(self) -> str:
        return (
            f"超出三公经费控制数：{self.cap.fiscal_year} 年{self.cap.scope}"
            f"{CATEGORY_LABELS[self.cap.category]}年度控制数 {money_str(self.cap.amount)} 元，"
            f"已使用 {money_str(self.consumed)} 元，本次申请 {money_str(self.asked)} 元，"
            f"尚可使用 {money_str(self.available)} 元"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "category": self.cap.category.value,
            "category_label": CATEGORY_LABELS[self.cap.category],
            "fiscal_year": self.cap.fiscal_year,
            "unit": self.cap.unit or None,
            "cap": money_str(self.cap.amount),
            "consumed": money_str(self.consumed),
            "requested": money_str(self.asked),
            "available": money_str(self.available),
            "rule": "three_public_cap",
        }


def rate(consumed: Decimal, cap: Decimal) -> str | None:
    """Consumption as a percentage of the cap, two places; None for a cap of zero."""
    if cap <= 0:
        return None
    return str((consumed * 100 / cap).quantize(Decimal("0.01"), ROUND_HALF_UP))


def report_row(category: Category, cap: Decimal | None, consumed: Decimal) -> dict[str, Any]:
    return {
        "category": category.value,
        "category_label": CATEGORY_LABELS[category],
        "economic_classes": classes_of(category),
        "cap": money_str(cap) if cap is not None else None,
        "consumed": money_str(consumed),
        "available": money_str(max(cap - consumed, ZERO)) if cap is not None else None,
        "rate": rate(consumed, cap) if cap is not None else None,
    }
