"""记账凭证 (vouchers) and the posting rules (记账规则) under 政府会计制度's 平行记账: a payment is posted in
financial accounting (accrual) and, because cash left, in budgetary accounting (cash basis) in the same voucher;
an accrual (an accepted milestone not yet paid) in financial accounting only. Each basis balances on its own
(debits = credits). Pure: no I/O.

- accrual (确认应付): Dr 5001 业务活动费用 / Cr 2302 应付账款.
- payment (支付): financial Dr 2302 应付账款 for what was accrued and not yet settled, Dr 5001 业务活动费用 for the
  rest / Cr 1011 零余额账户用款额度; budgetary Dr 7101 行政支出 (7201 事业支出 for a 事业单位) / Cr 8001 资金结存.
- reversal (冲销): the reversed voucher's lines with debit and credit swapped, in an open period. The journal is
  never edited (the database refuses it): a correction is this reversal, then a new posting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ic_platform.money import money_str
from services.accounting.domain import chart
from services.accounting.domain.chart import Basis
from services.accounting.domain.errors import invalid, refused

ZERO = Decimal("0.00")


class Kind(StrEnum):
    ACCRUAL = "accrual"  # 确认应付
    PAYMENT = "payment"  # 支付
    REVERSAL = "reversal"  # 冲销


KIND_LABELS = {Kind.ACCRUAL: "确认应付", Kind.PAYMENT: "支付", Kind.REVERSAL: "冲销"}
WORD = "记"  # 凭证字: one sequence of 记账凭证 per month


@dataclass(frozen=True)
class Source:
    """What the voucher records: an acceptance (accrual), a payment request (payment), a voucher (reversal)."""

    type: str
    id: str
    no: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "id": self.id, "no": self.no}


@dataclass(frozen=True)
class Line:
    account_code: str
    debit: Decimal
    credit: Decimal
    basis: Basis

    @property
    def account_name(self) -> str:
        return chart.account(self.account_code).name

    def swapped(self) -> Line:
        return Line(self.account_code, self.credit, self.debit, self.basis)

    def as_dict(self) -> dict[str, str]:
        return {
            "account_code": self.account_code,
            "account_name": self.account_name,
            "debit": money_str(self.debit),
            "credit": money_str(self.credit),
            "basis": self.basis.value,
        }


def debit(code: str, amount: Decimal) -> Line:
    return Line(code, amount, ZERO, chart.account(code).basis)


def credit(code: str, amount: Decimal) -> Line:
    return Line(code, ZERO, amount, chart.account(code).basis)


def check_lines(lines: tuple[Line, ...]) -> None:
    """Every line on one side with a positive amount and an account of its basis; each basis balances."""
    if not lines:
        raise invalid("voucher_empty", "lines", "没有分录")
    for i, line in enumerate(lines, start=1):
        if line.account_code not in chart.CHART:
            raise invalid("voucher_account_unknown", "lines", f"第 {i} 行科目 {line.account_code}", line=i)
        if chart.account(line.account_code).basis is not line.basis:
            raise invalid("voucher_account_basis", "lines", f"第 {i} 行科目 {line.account_code}", line=i)
        one_sided = (line.debit > 0) != (line.credit > 0)
        if line.debit < 0 or line.credit < 0 or not one_sided:
            raise invalid("voucher_line_invalid", "lines", f"第 {i} 行借 {line.debit} 贷 {line.credit}", line=i)
    for basis in Basis:
        debits = sum((x.debit for x in lines if x.basis is basis), ZERO)
        credits = sum((x.credit for x in lines if x.basis is basis), ZERO)
        if debits != credits:
            raise refused(
                "voucher_unbalanced",
                f"{chart.BASIS_LABELS[basis]}借方 {money_str(debits)}，贷方 {money_str(credits)}",
                basis=basis.value,
                debit=money_str(debits),
                credit=money_str(credits),
            )


@dataclass
class Voucher:
    """A voucher before it is numbered (`no`, `period`, `seq` are given when it is posted)."""

    id: str
    org: str
    kind: Kind
    source: Source
    unit: str
    voucher_date: date
    business_date: date
    amount: Decimal
    lines: tuple[Line, ...]
    summary: str
    budget_line_id: str | None = None
    fiscal_year: int | None = None
    reverses: str | None = None
    contract_id: str | None = None
    milestone_no: int | None = None
    period: str = ""
    seq: int = 0
    no: str = ""
    events: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_lines(self.lines)

    def number(self, period: str, seq: int) -> None:
        self.period, self.seq, self.no = period, seq, voucher_no(period, seq)
        self.events.append("accounting.voucher_posted")

    def total(self, basis: Basis) -> Decimal:
        return sum((x.debit for x in self.lines if x.basis is basis), ZERO)


def voucher_no(period: str, seq: int) -> str:
    """记-2026-11-0001: the word, the period, the month's sequence (gapless)."""
    return f"{WORD}-{period}-{seq:04d}"


# ── the posting rules ──
def accrual_lines(amount: Decimal) -> tuple[Line, ...]:
    """An accepted milestone not yet paid: the expense is incurred, the supplier is owed. No budgetary entry
    (no cash moved)."""
    return (debit(chart.OPERATING_EXPENSE, amount), credit(chart.ACCOUNTS_PAYABLE, amount))


def payment_lines(amount: Decimal, outstanding_payable: Decimal, kind: chart.UnitKind) -> tuple[Line, ...]:
    """An executed payment. What was accrued and not yet settled is settled first (Dr 应付账款); the rest is
    an expense recognised now (Dr 业务活动费用). Budgetary: the whole amount is expenditure (cash basis)."""
    settles = min(amount, max(outstanding_payable, ZERO))
    expense = amount - settles
    financial = [debit(chart.ACCOUNTS_PAYABLE, settles)] if settles else []
    if expense:
        financial.append(debit(chart.OPERATING_EXPENSE, expense))
    financial.append(credit(chart.ZERO_BALANCE_QUOTA, amount))
    budgetary = [debit(chart.expenditure_account(kind), amount), credit(chart.FUND_BALANCE, amount)]
    return tuple(financial + budgetary)


def reversal_lines(original: tuple[Line, ...]) -> tuple[Line, ...]:
    return tuple(line.swapped() for line in original)


def check_reversible(kind: Kind, reversed_by: str | None, no: str) -> None:
    if kind is Kind.REVERSAL:
        raise refused("reversal_of_reversal", f"{no} 本身是冲销凭证", voucher=no)
    if reversed_by:
        raise refused("voucher_already_reversed", f"{no} 已由 {reversed_by} 冲销", voucher=no, reversed_by=reversed_by)


def accrual_to_book(accepted_amount: Decimal, already_paid: Decimal) -> Decimal:
    """An acceptance heard after (part of) the milestone was paid accrues only what is still unpaid: a payment
    heard first already recognised its expense."""
    return max(accepted_amount - max(already_paid, ZERO), ZERO)
