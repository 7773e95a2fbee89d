"""Contract execution (合同执行情况) as a pure computation, and the payment check against the terms.

Inputs: the contract (its milestones resolved against the amount in force), the acceptances, progress
certificates and executed payments recorded so far, and the day `as_of`. Only what happened on or before
`as_of` counts. Per milestone:
- met_on: the day its condition was met (on_signing: the signing day; on_acceptance: the day of the latest
  acceptance of that milestone if it passed (passed, passed_with_remarks), none if the latest failed;
  on_progress: the first certificate reaching its percentage; after_warranty: the day after the warranty end);
- paid: payments made against it; unpaid = amount − paid;
- payable = unpaid when met, else 0; due_on = met_on + payment days;
- overdue_payment: met, unpaid > 0 and as_of > due_on (the office is late to pay);
- overdue_performance: not met and as_of > planned_date (the supplier is late, or nobody accepted).
Per contract:
- original_amount, amendments (the net change of approved amendments), amount (in force), ceiling (the amount,
  or the settlement once terminated);
- paid: all payments (with or without a milestone); remaining = ceiling − paid;
- payable_now = Σ payable, at most remaining (a payment without a milestone still uses the ceiling);
- retention, retention_paid; next_milestone: the first milestone (by number) with something unpaid;
- lapsed: signed (not completed nor terminated), as_of past the end date, and a milestone other than
  retention not yet paid in full (the term ran out with the work or its payment unfinished)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from ic_platform.money import money_str
from services.contract.domain import terms
from services.contract.domain.contract import Contract, Status
from services.contract.domain.errors import refused
from services.contract.domain.policy import ContractPolicy

ZERO = Decimal("0.00")


class AcceptanceResult(StrEnum):
    PASSED = "passed"
    PASSED_WITH_REMARKS = "passed_with_remarks"
    FAILED = "failed"


PASSING = (AcceptanceResult.PASSED, AcceptanceResult.PASSED_WITH_REMARKS)


@dataclass(frozen=True)
class Acceptance:
    milestone_no: int
    result: AcceptanceResult
    accepted_on: date


@dataclass(frozen=True)
class Progress:
    percent: Decimal
    certified_on: date


@dataclass(frozen=True)
class Payment:
    amount: Decimal
    paid_on: date
    milestone_no: int | None = None


@dataclass(frozen=True)
class LedgerFacts:
    """What the payment ledger weighs of a contract: per milestone what payments paid or reserved hold, the
    milestone acceptances, the progress certificates, and the asking payment's own ledger row (if any)."""

    held: dict[int | None, Decimal]
    acceptances: list[Acceptance]
    progress: list[Progress]
    mine: dict | None


@dataclass(frozen=True)
class MilestoneState:
    milestone: terms.Milestone
    met_on: date | None
    paid: Decimal
    due_on: date | None
    failed: bool  # the latest acceptance failed
    as_of: date

    @property
    def unpaid(self) -> Decimal:
        return self.milestone.amount - self.paid

    @property
    def payable(self) -> Decimal:
        return self.unpaid if self.met_on is not None and self.unpaid > 0 else ZERO

    @property
    def overdue_payment(self) -> bool:
        return self.payable > 0 and self.as_of > self.due_on

    @property
    def overdue_performance(self) -> bool:
        planned = self.milestone.planned_date
        return self.met_on is None and planned is not None and self.as_of > planned

    def as_dict(self) -> dict:
        m = self.milestone
        return {
            "no": m.no,
            "name": m.name,
            "condition": m.condition.value,
            "amount": money_str(m.amount),
            "paid": money_str(self.paid),
            "unpaid": money_str(self.unpaid),
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "payable": money_str(self.payable),
            "acceptance_failed": self.failed,
            "overdue_payment": self.overdue_payment,
            "overdue_performance": self.overdue_performance,
        }


@dataclass(frozen=True)
class Execution:
    contract: Contract
    as_of: date
    milestones: tuple[MilestoneState, ...]
    paid: Decimal

    @property
    def ceiling(self) -> Decimal:
        return self.contract.payable_ceiling

    @property
    def remaining(self) -> Decimal:
        return self.ceiling - self.paid

    @property
    def payable_now(self) -> Decimal:
        if self.contract.status not in (Status.SIGNED, Status.TERMINATED):
            return ZERO
        return max(min(sum((m.payable for m in self.milestones), ZERO), self.remaining), ZERO)

    @property
    def next_milestone(self) -> MilestoneState | None:
        return next((m for m in self.milestones if m.unpaid > 0), None)

    @property
    def overdue(self) -> list[MilestoneState]:
        return [m for m in self.milestones if m.overdue_payment or m.overdue_performance]

    @property
    def lapsed(self) -> bool:
        if self.contract.status is not Status.SIGNED or self.as_of <= self.contract.end_date:
            return False
        return any(m.unpaid > 0 for m in self.milestones if not m.milestone.is_retention)

    def as_dict(self) -> dict:
        c = self.contract
        nxt = self.next_milestone
        retention = [m for m in self.milestones if m.milestone.is_retention]
        return {
            "contract": c.document.as_dict(),
            "unit": c.unit,
            "supplier_id": c.supplier.id,
            "status": c.status.value,
            "as_of": self.as_of.isoformat(),
            "original_amount": money_str(c.original_amount),
            "amendments": money_str(c.cumulative_change),
            "amount": money_str(c.amount),
            "ceiling": money_str(self.ceiling),
            "paid": money_str(self.paid),
            "payable_now": money_str(self.payable_now),
            "remaining": money_str(self.remaining),
            "retention": money_str(sum((m.milestone.amount for m in retention), ZERO)),
            "retention_paid": money_str(sum((m.paid for m in retention), ZERO)),
            "next_milestone": nxt.as_dict() if nxt else None,
            "overdue": [m.milestone.no for m in self.overdue],
            "lapsed": self.lapsed,
            "milestones": [m.as_dict() for m in self.milestones],
        }


def compute(
    contract: Contract,
    as_of: date,
    policy: ContractPolicy,
    acceptances: Iterable[Acceptance] = (),
    progress: Iterable[Progress] = (),
    payments: Iterable[Payment] = (),
) -> Execution:
    accepted = [a for a in acceptances if a.accepted_on <= as_of]
    certified = sorted((p for p in progress if p.certified_on <= as_of), key=lambda p: p.certified_on)
    made = [p for p in payments if p.paid_on <= as_of]
    by_milestone: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for payment in made:
        by_milestone[payment.milestone_no] += payment.amount
    states = []
    for m in contract.milestones:
        met_on, failed = _met_on(contract, m, accepted, certified, as_of)
        due = met_on + timedelta(days=terms.payment_days(m, policy)) if met_on else None
        states.append(MilestoneState(m, met_on, by_milestone[m.no], due, failed, as_of))
    return Execution(contract, as_of, tuple(states), sum((p.amount for p in made), ZERO))


def _met_on(
    contract: Contract, m: terms.Milestone, accepted: list[Acceptance], certified: list[Progress], as_of: date
) -> tuple[date | None, bool]:
    if contract.signed_on is None or contract.signed_on > as_of:
        return None, False
    if m.condition is terms.Condition.ON_SIGNING:
        return contract.signed_on, False
    if m.condition is terms.Condition.ON_ACCEPTANCE:
        mine = [a for a in accepted if a.milestone_no == m.no]
        if not mine:
            return None, False
        latest = max(mine, key=lambda a: a.accepted_on)
        return (latest.accepted_on, False) if latest.result in PASSING else (None, True)
    if m.condition is terms.Condition.ON_PROGRESS:
        reached = next((p for p in certified if p.percent >= m.progress), None)
        return (reached.certified_on if reached else None), False
    end = contract.warranty_end
    return (end + timedelta(days=1) if end is not None and as_of > end else None), False


def check_payment(execution: Execution, milestone_no: int, amount: Decimal) -> None:
    """May `amount` be paid against milestone `milestone_no` now? The payment gate asks this before approval and
    again at execution, with the execution computed on the day. Each refusal names its rule."""
    state = next((m for m in execution.milestones if m.milestone.no == milestone_no), None)
    contract = execution.contract
    if state is None:
        raise refused("milestone_unknown", f"合同 {contract.no} 没有付款节点 {milestone_no}", milestone_no=milestone_no)
    m = state.milestone
    label = f"节点 {m.no}「{m.name}」（{terms.CONDITION_LABELS[m.condition]}）"
    if state.met_on is None:
        if state.failed:
            raise refused("acceptance_failed", f"{label}最近一次验收不合格", milestone_no=m.no)
        if m.is_retention:
            end = contract.warranty_end.isoformat() if contract.warranty_end else "未载明"
            raise refused(
                "retention_before_warranty_end",
                f"{label}质保期 {end} 届满，今日 {execution.as_of.isoformat()}",
                milestone_no=m.no,
                warranty_end=end,
            )
        raise refused("payment_condition_not_met", label, milestone_no=m.no, condition=m.condition.value)
    if amount > state.unpaid:
        raise refused(
            "payment_exceeds_milestone",
            f"{label}金额 {money_str(m.amount)} 元，已付 {money_str(state.paid)} 元，本次 {money_str(amount)} 元",
            milestone_no=m.no,
            unpaid=money_str(state.unpaid),
        )
    if amount > execution.remaining:
        raise refused(
            "payment_exceeds_contract",
            f"合同金额 {money_str(execution.ceiling)} 元，已付 {money_str(execution.paid)} 元，"
            f"本次 {money_str(amount)} 元",
            ceiling=money_str(execution.ceiling),
            paid=money_str(execution.paid),
        )


def report(executions: Iterable[Execution], group_by: str) -> list[dict]:
    """合同执行情况表 by unit or by supplier: sums of the per-contract figures, and counts of contracts with an
    overdue milestone and of lapsed contracts."""
    if group_by not in ("unit", "supplier"):
        raise ValueError(f"cannot group by {group_by!r}: unit or supplier")
    groups: dict[str, list[Execution]] = defaultdict(list)
    for e in executions:
        groups[e.contract.unit if group_by == "unit" else e.contract.supplier.id].append(e)
    rows = []
    for key, es in sorted(groups.items()):
        rows.append(
            {
                group_by: key,
                "contracts": len(es),
                "original_amount": money_str(sum((e.contract.original_amount for e in es), ZERO)),
                "amendments": money_str(sum((e.contract.cumulative_change for e in es), ZERO)),
                "amount": money_str(sum((e.contract.amount for e in es), ZERO)),
                "paid": money_str(sum((e.paid for e in es), ZERO)),
                "payable_now": money_str(sum((e.payable_now for e in es), ZERO)),
                "remaining": money_str(sum((e.remaining for e in es), ZERO)),
                "with_overdue": sum(1 for e in es if e.overdue),
                "lapsed": sum(1 for e in es if e.lapsed),
            }
        )
    return rows
