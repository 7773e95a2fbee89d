"""Final accounts and year close (决算与结转). Pure.

- Final accounts (决算): per line the budget (amount) against what was actually paid; variance = amount −
  actual, execution rate = actual / amount in %, two places, half up.
- Closing a year stops postings to every line of it (a closed line refuses every consuming move with
  `fiscal_year_closed`) and carries each line's open money forward (结转): a line of the next year with the
  same keys, `source_kind` carried_forward, whose amount is what documents still held on the old one
  (pre-commitments and commitments), which move there under the same documents.
- Reopening a closed year is itself a document that goes through approval (principal)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict
from ic_platform.money import money_str
from services.budget.domain.model import ZERO, BudgetLine

REOPEN_DOCUMENT_TYPE = "fiscal_year_reopen"
REOPEN_NO_PREFIX = "CK"
CARRIED_FORWARD = "carried_forward"


class YearStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ReopenStatus(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # taken back by the initiator (撤回); final


REOPEN_STATUS_LABELS = {
    ReopenStatus.SUBMITTED: "审批中",
    ReopenStatus.RETURNED: "已退回",
    ReopenStatus.APPROVED: "已批准（年度已重新开放）",
    ReopenStatus.REJECTED: "已驳回",
    ReopenStatus.WITHDRAWN: "已撤回",
}


def successor_id(line: BudgetLine) -> str:
    """The id of the line that takes over `line`'s open money next year: the year prefix replaced when the
    id starts with it (2026-DZB-30201-01 → 2027-DZB-30201-01-JZ), else prefixed; `-JZ` (结转) keeps it apart
    from the next year's own line with the same keys."""
    year = str(line.fiscal_year)
    rest = line.id[len(year) :] if line.id.startswith(year) else f"-{line.id}"
    return f"{line.fiscal_year + 1}{rest}-JZ"[:64]


def carried_line(line: BudgetLine, amount: Decimal) -> BudgetLine:
    """Next year's line for `line`'s open money: the same keys, nothing consumed yet (the moves follow)."""
    return replace(
        line,
        id=successor_id(line),
        fiscal_year=line.fiscal_year + 1,
        source_kind=CARRIED_FORWARD,
        amount=amount,
        pre_committed=ZERO,
        committed=ZERO,
        actual=ZERO,
        closed=False,
        overrun_allowance=ZERO,
        carried_from=line.id,
        events=[],
    )


@dataclass(frozen=True)
class Holding:
    """What one document still holds on a line when its year closes: this is what is carried forward."""

    document: DocumentRef
    pre_committed: Decimal
    committed: Decimal

    @property
    def open(self) -> Decimal:
        return self.pre_committed + self.committed


def execution_rate(amount: Decimal, actual: Decimal) -> Decimal:
    if amount <= 0:
        return ZERO
    return (actual / amount * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def final_row(line: dict[str, Any]) -> dict[str, Any]:
    amount, actual = line["amount"], line["actual"]
    return {
        **{k: v for k, v in line.items() if k not in ("amount", "actual")},
        "amount": money_str(amount),
        "actual": money_str(actual),
        "variance": money_str(amount - actual),
        "execution_rate": str(execution_rate(amount, actual)),
    }


def totals(rows: list[dict[str, Any]]) -> dict[str, str]:
    amount = sum((r["amount"] for r in rows), ZERO)
    actual = sum((r["actual"] for r in rows), ZERO)
    return {
        "amount": money_str(amount),
        "actual": money_str(actual),
        "variance": money_str(amount - actual),
        "execution_rate": str(execution_rate(amount, actual)),
    }


def by_unit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Totals per unit, in unit order, from rows carrying Decimal `amount` and `actual`."""
    units: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        units.setdefault(row["unit"], []).append(row)
    return [{"unit": unit, "lines": len(group), **totals(group)} for unit, group in sorted(units.items())]


def already_closed(fiscal_year: int) -> Conflict:
    return Conflict("fiscal_year_already_closed", f"{fiscal_year} 年度已结账", {"fiscal_year": fiscal_year})


def not_closed(fiscal_year: int) -> Conflict:
    return Conflict("fiscal_year_not_closed", f"{fiscal_year} 年度未结账，无需重新开放", {"fiscal_year": fiscal_year})
