"""Budget lines (预算指标) and the moves of the commitment ledger. Pure: no I/O, no frameworks.

Money states on a line: available → pre_committed (预占) → committed (合同占用) → actual (实际支出).
Balances are the sum of the moves; each move names its source document and step, and a step happens once.

The ledger's rules (docs/architecture.md, "The commitment ledger"):
- reserve (预占) and commit (合同占用) and actual (实际支出) consume the line and are decided by its control mode;
- a commit may name the document whose pre-commitment it consumes (a contract from an application), and an
  actual the document it settles (a payment from a contract, or a claim from an application). That source's
  open money on the same line is relieved first, up to the amount moved: commitment first, then
  pre-commitment (`settle`). Only the part not so covered needs available money. Whatever the move does not
  cover stays open on the source until it is released or relieved;
- release, relieve and reverse give money back and never exceed what the document itself holds on the line;
- a reversal returns paid money to available (a contract that still stands is committed again, as a new step)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from ic_platform.documents import DocumentRef  # noqa: F401 - re-exported: part of this domain's language
from ic_platform.money import money_str
from services.budget.domain.report import execution_rate

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
    covered: Decimal = ZERO  # part of `requested` covered by the source document's own open money

    def as_dict(self) -> dict:
        return {
            "allowed": self.allowed,
            "budget_line_id": self.budget_line_id,
            "requested": money_str(self.requested),
            "available": money_str(self.available),
            "covered": money_str(self.covered),
            "rule": self.rule,
            "warning": self.warning,
        }


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
    tolerance_rate: Decimal | None = None  # or a percentage of the amount (then the amount above is not used)
    parent_id: str | None = None  # the line this one was decomposed from (指标分解)
    pre_committed: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    closed: bool = False
    overrun_allowance: Decimal = ZERO  # 超预算审批: room over `amount` granted by approved overrides
    carried_from: str | None = None  # 结转: the closed year's line whose open commitments this one took over
    events: list = field(default_factory=list, repr=False)

    @property
    def available(self) -> Decimal:
        return self.amount + self.overrun_allowance - self.pre_committed - self.committed - self.actual

    @property
    def tolerance_allowance(self) -> Decimal:
        """How far over budget tolerance mode lets this line go: a percentage of the amount (to the fen, rounded
        down, so the allowance never exceeds the stated rate) when a rate is set, else the tolerance amount."""
        if self.tolerance_rate is not None:
            return (self.amount * self.tolerance_rate / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        return self.tolerance

    @property
    def consumed(self) -> Decimal:
        """What early warnings watch: everything reserved, bound or paid."""
        return self.pre_committed + self.committed + self.actual

    @property
    def execution_rate(self) -> Decimal:
        """The same figure as the execution report's, so a line reads alike in both."""
        return execution_rate(self.amount, self.committed, self.actual)

    def decide(self, requested: Decimal, covered: Decimal = ZERO) -> FundsDecision:
        """May `requested` more be consumed from this line, of which `covered` is money the source document
        already holds on it (and gives up for this move)? The answer names the rule that decided; its
        `available` is what this move may use: the line's available balance plus the covered part."""
        available = self.available + covered
        if self.closed:
            return FundsDecision(False, self.id, requested, available, "fiscal_year_closed", covered=covered)
        if requested <= available or requested <= covered:
            return FundsDecision(True, self.id, requested, available, "within_available", covered=covered)
        if self.control_mode is ControlMode.WARN:
            return FundsDecision(
                True,
                self.id,
                requested,
                available,
                "warn_over_budget",
                warning=f"超出可用余额 {money_str(requested - available)} 元",
                covered=covered,
            )
        if self.control_mode is ControlMode.TOLERANCE and requested <= available + self.tolerance_allowance:
            return FundsDecision(
                True,
                self.id,
                requested,
                available,
                "within_tolerance",
                warning=f"在容差内超支 {money_str(requested - available)} 元",
                covered=covered,
            )
        return FundsDecision(
            False, self.id, requested, available, f"{self.control_mode.value}_insufficient", covered=covered
        )

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


@dataclass(frozen=True)
class Held:
    """What one document holds on one line, from its own moves."""

    pre_committed: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @classmethod
    def from_sums(cls, sums: dict[MoveKind, Decimal]) -> Held:
        def net(plus: MoveKind, minus: MoveKind) -> Decimal:
            return sums.get(plus, ZERO) - sums.get(minus, ZERO)

        return cls(
            net(MoveKind.PRE_COMMIT, MoveKind.RELEASE),
            net(MoveKind.COMMIT, MoveKind.RELIEVE),
            net(MoveKind.ACTUAL, MoveKind.REVERSAL),
        )


@dataclass(frozen=True)
class Settlement:
    """The source document's money a move takes over: relieved from its commitment, released from its
    pre-commitment."""

    relieved: Decimal = ZERO
    released: Decimal = ZERO

    @property
    def covered(self) -> Decimal:
        return self.relieved + self.released


def settle(kind: MoveKind, amount: Decimal, source: Held) -> Settlement:
    """How much of the source document's open money a commit or an actual of `amount` takes over.
    A commit takes over a pre-commitment (a contract consuming its application); an actual takes over a
    commitment first, then a pre-commitment (a payment settling a contract, or a claim settling an
    application that had no contract). Never more than the move, never more than the source holds."""
    if kind is MoveKind.COMMIT:
        return Settlement(released=min(amount, source.pre_committed))
    if kind is MoveKind.ACTUAL:
        relieved = min(amount, source.committed)
        return Settlement(relieved=relieved, released=min(amount - relieved, source.pre_committed))
    raise ValueError(f"{kind.value} does not settle a source document")


# ── early warnings (预算执行预警) ──
DEFAULT_WARNING_LEVELS = (80, 95)


def parse_warning_levels(text: str | None) -> tuple[int, ...]:
    """`IC_BUDGET_WARNING_LEVELS`, e.g. "80,95": whole percentages, ascending, duplicates dropped."""
    if not text or not text.strip():
        return DEFAULT_WARNING_LEVELS
    levels = sorted({int(part) for part in text.replace("，", ",").split(",") if part.strip()})
    if not levels or levels[0] <= 0:
        raise ValueError(f"warning levels must be positive whole percentages: {text!r}")
    return tuple(levels)


def consumption_rate(consumed: Decimal, amount: Decimal) -> Decimal:
    """Consumed as a percentage of the line's amount, two places (0 for a line of no money)."""
    if amount <= 0:
        return ZERO
    return (consumed / amount * 100).quantize(Decimal("0.01"))


def crossed_levels(amount: Decimal, before: Decimal, after: Decimal, levels: tuple[int, ...]) -> list[int]:
    """The warning levels that consumption crossed upward, from `before` to `after`: a level is crossed
    when the rate was below it and is now at or above it. Falling back below a level and rising through it
    again is a new crossing. A line of no money has no rate and crosses nothing."""
    if amount <= 0 or after <= before:
        return []
    return [level for level in levels if before * 100 < level * amount <= after * 100]
