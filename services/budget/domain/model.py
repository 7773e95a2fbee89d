"""Budget lines (预算指标) and the moves of the commitment ledger. Pure: no I/O, no frameworks.

Money states on a line: available → pre_committed (预占) → committed (合同占用) → actual (实际支出).
Balances are the sum of the moves; each move names its source document and step, and a step happens once."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ic_platform.documents import DocumentRef  # noqa: F401 - re-exported: part of this domain's language
from ic_platform.money import money_str

ZERO = Decimal("0.00")


class MoveKind(StrEnum):
    PRE_COMMIT = "pre_commit"
    RELEASE = "release"
    PRE_COMMIT_APPROVED = "pre_commit_approved"  # a fact about a pre-commitment; moves no money
    COMMIT = "commit"
    RELIEVE = "relieve"
    ACTUAL = "actual"
    REVERSAL = "reversal"


# Which balance a move changes, and in which direction.
EFFECT: dict[MoveKind, tuple[str | None, int]] = {
    MoveKind.PRE_COMMIT: ("pre_committed", +1),
    MoveKind.RELEASE: ("pre_committed", -1),
    MoveKind.PRE_COMMIT_APPROVED: (None, 0),
    MoveKind.COMMIT: ("committed", +1),
    MoveKind.RELIEVE: ("committed", -1),
    MoveKind.ACTUAL: ("actual", +1),
    MoveKind.REVERSAL: ("actual", -1),
}
CONSUMING = {MoveKind.PRE_COMMIT, MoveKind.COMMIT, MoveKind.ACTUAL}


class ControlMode(StrEnum):
    BLOCK = "block"  # refuse anything beyond the available balance
    WARN = "warn"  # allow, but say so
    TOLERANCE = "tolerance"  # allow up to a tolerance over budget, with a warning


@dataclass(frozen=True)
class FundsDecision:
    allowed: bool
    budget_line_id: str
    requested: Decimal
    available: Decimal
    rule: str  # the rule that decided, stable code
    warning: str | None = None

    def as_dict(self) -> dict:
        return {"allowed": self.allowed, "budget_line_id": self.budget_line_id,
                "requested": money_str(self.requested), "available": money_str(self.available),
                "rule": self.rule, "warning": self.warning}


@dataclass
class BudgetLine:
    id: str
    org: str
    fiscal_year: int
    unit: str
    functional_class: str
    economic_class: str
    expenditure_kind: str
    fund_source: str
    source_kind: str
    amount: Decimal
    functional_class_name: str = ""
    economic_class_name: str = ""
    project: str | None = None
    control_mode: ControlMode = ControlMode.BLOCK
    tolerance: Decimal = ZERO  # amount allowed over budget in tolerance mode
    pre_committed: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    closed: bool = False
    events: list = field(default_factory=list, repr=False)

    @property
    def available(self) -> Decimal:
        return self.amount - self.pre_committed - self.committed - self.actual

    @property
    def execution_rate(self) -> Decimal:
        if not self.amount:
            return ZERO
        return ((self.committed + self.actual) / self.amount * 100).quantize(Decimal("0.01"))

    def decide(self, requested: Decimal) -> FundsDecision:
        """May `requested` more be consumed from this line? The answer names the rule that decided."""
        available = self.available
        if self.closed:
            return FundsDecision(False, self.id, requested, available, "fiscal_year_closed")
        if requested <= available:
            return FundsDecision(True, self.id, requested, available, "within_available")
        if self.control_mode is ControlMode.WARN:
            return FundsDecision(True, self.id, requested, available, "warn_over_budget",
                                 warning=f"超出可用余额 {money_str(requested - available)} 元")
        if self.control_mode is ControlMode.TOLERANCE and requested <= available + self.tolerance:
            return FundsDecision(True, self.id, requested, available, "within_tolerance",
                                 warning=f"在容差内超支 {money_str(requested - available)} 元")
        return FundsDecision(False, self.id, requested, available, f"{self.control_mode.value}_insufficient")

    def apply(self, kind: MoveKind, amount: Decimal) -> None:
        """Change the balance a move affects. Refuses to take a stage below zero: you cannot release
        more than was reserved, nor reverse more than was paid."""
        attr, sign = EFFECT[kind]
        if attr is None:
            return
        new = getattr(self, attr) + sign * amount
        if new < 0:
            raise ValueError(f"{kind.value} of {money_str(amount)} would take {attr} below zero")
        setattr(self, attr, new)


@dataclass(frozen=True)
class Move:
    budget_line_id: str
    document: DocumentRef
    step: str
    kind: MoveKind
    amount: Decimal
    actor: str | None = None
