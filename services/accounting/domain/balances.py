"""科目余额表 (trial balance) and the reconciliation with the budget ledger, computed from sums. Pure: no I/O.

A balance is shown on its side (期初/期末余额 借方 or 贷方), as the standard's 科目余额表 does; each basis's totals
balance when its journal does: opening debits = opening credits, period debits = period credits, closing debits
= closing credits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ic_platform.money import money_str
from services.accounting.domain import chart
from services.accounting.domain.chart import Basis

ZERO = Decimal("0.00")


def _sides(net_debit: Decimal) -> tuple[Decimal, Decimal]:
    """A net (debit − credit) as (debit balance, credit balance)."""
    return (net_debit, ZERO) if net_debit >= 0 else (ZERO, -net_debit)


@dataclass(frozen=True)
class Row:
    code: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal

    @property
    def account(self) -> chart.Account:
        return chart.account(self.code)

    def as_dict(self) -> dict[str, str]:
        a = self.account
        return {
            "account_code": self.code,
            "account_name": a.name,
            "category": a.category.value,
            "category_label": chart.CATEGORY_LABELS[a.category],
            "basis": a.basis.value,
            "normal_side": a.normal_side.value,
            **{k: money_str(getattr(self, k)) for k in FIGURES},
        }


FIGURES = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")


def trial_balance_rows(sums: Iterable[Mapping[str, object]]) -> list[Row]:
    """From per-account sums (opening_debit/opening_credit as turnovers before the period, debit/credit in it)."""
    rows = []
    for s in sums:
        opening = Decimal(s["opening_debit"]) - Decimal(s["opening_credit"])
        debit, credit = Decimal(s["debit"]), Decimal(s["credit"])
        od, oc = _sides(opening)
        cd, cc = _sides(opening + debit - credit)
        rows.append(Row(str(s["account_code"]), od, oc, debit, credit, cd, cc))
    return sorted(rows, key=lambda r: r.code)


def totals(rows: Iterable[Row], basis: Basis) -> dict[str, Decimal]:
    chosen = [r for r in rows if r.account.basis is basis]
    return {k: sum((getattr(r, k) for r in chosen), ZERO) for k in FIGURES}


def balanced(total: Mapping[str, Decimal]) -> bool:
    return (
        total["opening_debit"] == total["opening_credit"]
        and total["debit"] == total["credit"]
        and total["closing_debit"] == total["closing_credit"]
    )


@dataclass(frozen=True)
class LineComparison:
    budget_line_id: str
    unit: str | None
    expenditure: Decimal  # budgetary accounting: 行政支出 + 事业支出 posted against the line
    actual: Decimal  # the budget ledger's actual (实际支出)

    @property
    def difference(self) -> Decimal:
        return self.expenditure - self.actual

    def as_dict(self) -> dict[str, object]:
        return {
            "budget_line_id": self.budget_line_id,
            "unit": self.unit,
            "budgetary_expenditure": money_str(self.expenditure),
            "budget_actual": money_str(self.actual),
            "difference": money_str(self.difference),
            "matched": self.difference == 0,
        }


def reconcile(
    expenditure: Mapping[str, tuple[str | None, Decimal]], actual: Mapping[str, tuple[str | None, Decimal]]
) -> list[LineComparison]:
    """Per budget line in either ledger: the journal's expenditure beside the budget's actual. Lines with a
    difference first (largest first), then the matched ones by id; lines at zero in both are left out."""
    out = []
    for line_id in set(expenditure) | set(actual):
        unit_e, e = expenditure.get(line_id, (None, ZERO))
        unit_a, a = actual.get(line_id, (None, ZERO))
        if e == 0 and a == 0:
            continue
        out.append(LineComparison(line_id, unit_a or unit_e, e, a))
    return sorted(out, key=lambda c: (c.difference == 0, -abs(c.difference), c.budget_line_id))
