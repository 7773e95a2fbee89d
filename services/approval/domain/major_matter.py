"""三重一大 by rule (重大事项认定): a matter is major when a rule in force says so, whatever the applicant ticked.

The rules are data, effective-dated (a rule applies to documents submitted on or after `effective_from` and
before `effective_to`): which document types, from which amount (大额资金), and for which categories of
spending (economic-class prefixes, e.g. 310 资本性支出 for 重大项目安排). The applicant may tick a matter as
major; they cannot untick what a rule sets. Routing then sends it to the collective decision like any major
matter, and the step's reason names the rule. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class MajorMatterRule:
    code: str  # e.g. large_funds
    label: str  # e.g. 大额资金使用
    document_types: tuple[str, ...]
    effective_from: date
    effective_to: date | None = None  # exclusive; None: until replaced
    amount_at_least: Decimal | None = None
    economic_classes: tuple[str, ...] = ()  # prefixes; none: any class

    def __post_init__(self) -> None:
        if self.amount_at_least is None and not self.economic_classes:
            raise ValueError(f"major-matter rule {self.code} names neither an amount nor a category")
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError(f"major-matter rule {self.code}: effective_to must be after effective_from")

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def holds(self, document_type: str, amount: Decimal, economic_class: str | None, on: date) -> bool:
        if document_type not in self.document_types or not self.in_force(on):
            return False
        if self.amount_at_least is not None and amount < self.amount_at_least:
            return False
        if self.economic_classes:
            return economic_class is not None and economic_class.startswith(self.economic_classes)
        return True

    def describe(self) -> str:
        parts = []
        if self.economic_classes:
            parts.append(f"经济分类 {'、'.join(self.economic_classes)}")
        if self.amount_at_least is not None:
            parts.append(f"金额 ≥ {self.amount_at_least:,.2f} 元")
        return f"{self.label}（{'，'.join(parts)}）"


def major_by_rule(
    rules: Iterable[MajorMatterRule], document_type: str, amount: Decimal, economic_class: str | None, on: date
) -> list[str]:
    """Why the matter is major by rule (each rule that holds, described); empty when none does."""
    return [r.describe() for r in rules if r.holds(document_type, amount, economic_class, on)]
