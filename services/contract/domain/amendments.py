"""Amendments (合同变更/补充协议) and termination (解除/终止). Pure.

An amendment changes the amount, the term (end date) or the scope of a signed contract, with a reason, and is
approved before it applies; one at a time. Its amount change (`delta`) is tracked cumulatively:
- `cumulative_change`: the net of all approved deltas;
- `cumulative_increase`: the sum of approved increases as supplementary contracts (补充合同). 政府采购法 第49条:
  all supplementary contracts together may not exceed 10 % of the original amount (the rate is policy data).
  An increase beyond that is refused, unless a new procurement awarded the same supplier at least the increase
  (then it is counted in `increase_via_procurement`, outside the 10 %).
Decreases never give back room in the 10 % (the law counts the supplementary amounts, not the net).
The budget: an increase commits `delta` more (from available money, under the line's control); a decrease
relieves `-delta`. The new amount may not fall below what has been paid. Milestones are restated: share
milestones follow the new amount by themselves; fixed ones must be given anew when they no longer add up.

Termination (解除 by breach or agreement / 终止): the parties settle what is owed for the work done
(`settlement_amount`, at least what was paid, at most the amount); the commitment beyond it is relieved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.contract.domain import terms
from services.contract.domain.contract import (
    AwardFacts,
    BasisHolder,
    Contract,
    Status,
    check_basis_free,
    check_terms,
    routing,
)
from services.contract.domain.errors import invalid, refused
from services.contract.domain.events import AmendmentRejected, AmendmentSubmitted, ContractAmended, ContractTerminated
from services.contract.domain.policy import ContractPolicy

DOCUMENT_TYPE = "contract_amendment"
NO_PREFIX = "BG"
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


class AmendmentStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"  # applied to the contract
    REJECTED = "rejected"


class TerminationKind(StrEnum):
    RESCISSION = "rescission"  # 解除
    TERMINATION = "termination"  # 终止


@dataclass
class Amendment:
    id: str
    no: str
    contract_id: str
    reason: str
    requested_on: date
    previous_amount: Decimal
    amount: Decimal
    end_date: date
    scope: str | None
    milestones: tuple[terms.Milestone, ...]
    via_procurement: str | None = None  # award id of a new procurement covering the increase
    status: AmendmentStatus = AmendmentStatus.SUBMITTED
    decided_on: date | None = None

    @property
    def document(self) -> DocumentRef:
        return DocumentRef(DOCUMENT_TYPE, self.id, self.no)

    @property
    def delta(self) -> Decimal:
        return self.amount - self.previous_amount

    @property
    def applied(self) -> bool:
        return self.status is AmendmentStatus.APPROVED

    def budget(self) -> dict:
        """What the budget must do when it applies: commit an increase, relieve a decrease."""
        return {"commit": money_str(max(self.delta, ZERO)), "relieve": money_str(max(-self.delta, ZERO))}


def increase_limit(contract: Contract, policy: ContractPolicy) -> Decimal:
    """The most all supplementary increases may add: the policy's rate of the original amount, to the fen."""
    return (contract.original_amount * policy.supplementary_limit_rate / HUNDRED).quantize(Decimal("0.01"))


def propose(
    contract: Contract,
    amendment_id: str,
    no: str,
    reason: str,
    on: date,
    policy: ContractPolicy,
    *,
    paid: Decimal = ZERO,
    amount: Decimal | None = None,
    end_date: date | None = None,
    scope: str | None = None,
    milestones: tuple[terms.Milestone, ...] | None = None,
    new_award: AwardFacts | None = None,
    new_award_taken_by: BasisHolder | None = None,
) -> Amendment:
    """Check a proposed amendment against the contract as it stands and record `AmendmentSubmitted`.
    `new_award`: a new procurement's award covering an increase beyond the 10 %; used once, like a contract's
    basis (`new_award_taken_by`: what already uses it, this contract included)."""
    if contract.status is not Status.SIGNED:
        raise refused("contract_not_in_force", f"合同 {contract.no} 当前状态为 {contract.status.value}")
    if any(a.status is AmendmentStatus.SUBMITTED for a in contract.amendments):
        raise refused("amendment_pending", f"合同 {contract.no}")
    if not (reason or "").strip():
        raise invalid("amendment_reason_required", "reason")
    new_amount = contract.amount if amount is None else amount
    new_end = contract.end_date if end_date is None else end_date
    scope = (scope or "").strip() or None
    if new_amount == contract.amount and new_end == contract.end_date and scope is None:
        raise invalid("amendment_without_change", "amount")
    if new_amount <= 0:
        raise invalid("contract_amount_not_positive", "amount", f"{money_str(new_amount)} 元")
    if new_amount < paid:
        raise refused(
            "amount_below_paid",
            f"变更后金额 {money_str(new_amount)} 元，已支付 {money_str(paid)} 元",
            amount=money_str(new_amount),
            paid=money_str(paid),
        )
    if new_end < contract.start_date:
        raise invalid(
            "contract_term_invalid", "end_date", f"开始 {contract.start_date.isoformat()}，终止 {new_end.isoformat()}"
        )
    delta = new_amount - contract.amount
    bucket = _check_increase(contract, delta, new_award, policy)
    # The award covers the increase only beyond the 10 % (within it, it is a supplementary contract and the award
    # stays unused); covering it is the award's one use.
    via = new_award if delta > 0 and contract.cumulative_increase + delta > increase_limit(contract, policy) else None
    if via is not None:
        check_basis_free(via, new_award_taken_by)
    resolved = check_terms(
        milestones or contract.milestones_as_agreed(),
        new_amount,
        contract.basis.category,
        contract.warranty_end,
        contract.start_date,
        policy,
        contract.supplier.sme,
    )
    amendment = Amendment(
        amendment_id,
        no,
        contract.id,
        reason.strip(),
        on,
        contract.amount,
        new_amount,
        new_end,
        scope,
        resolved,
        via.award_id if via is not None else None,
    )
    contract.amendments.append(amendment)
    contract.events.append(
        AmendmentSubmitted(
            contract.document,
            amendment.document,
            amendment.reason,
            contract.amount,
            new_amount,
            delta,
            new_end,
            scope,
            bucket,
            increase_limit(contract, policy),
            amendment.via_procurement,
            routing(abs(delta), policy),
        )
    )
    return amendment


def _check_increase(
    contract: Contract, delta: Decimal, new_award: AwardFacts | None, policy: ContractPolicy
) -> Decimal:
    """The 10 % bucket after this amendment; refuses an increase beyond it not covered by a new procurement."""
    if delta <= 0:
        return contract.cumulative_increase
    limit = increase_limit(contract, policy)
    after = contract.cumulative_increase + delta
    if after <= limit:
        return after
    if new_award is None:
        raise refused(
            "supplementary_exceeds_limit",
            f"原合同金额 {money_str(contract.original_amount)} 元，"
            f"已累计追加 {money_str(contract.cumulative_increase)} 元，"
            f"本次追加 {money_str(delta)} 元，合计 {money_str(after)} 元，超过上限 {policy.supplementary_limit_rate}%"
            f"（{money_str(limit)} 元）",
            original=money_str(contract.original_amount),
            cumulative_increase=money_str(contract.cumulative_increase),
            increase=money_str(delta),
            limit=money_str(limit),
            rate=str(policy.supplementary_limit_rate),
        )
    if new_award.supplier_id != contract.supplier.id:
        raise refused(
            "new_procurement_other_supplier",
            f"新采购中标（成交）供应商编号 {new_award.supplier_id}",
            award_id=new_award.award_id,
        )
    if new_award.budget_line_id != contract.basis.budget_line_id:
        # The increase is committed from the new procurement's pre-commitment, on the line the contract is paid
        # from: an award held on another line would leave that line's money held and this one's spent.
        raise refused(
            "new_procurement_other_line",
            f"新采购的预算指标 {new_award.budget_line_id}，合同的预算指标 {contract.basis.budget_line_id}",
            award_id=new_award.award_id,
        )
    if new_award.amount < delta:
        raise refused(
            "new_procurement_insufficient",
            f"新采购中标（成交）金额 {money_str(new_award.amount)} 元，本次追加 {money_str(delta)} 元",
            award_id=new_award.award_id,
        )
    return contract.cumulative_increase


def decide(contract: Contract, amendment_id: str, approved: bool, on: date, reason: str | None = None) -> Amendment:
    """Apply an approved amendment to the contract (or record its rejection). A redelivered decision is a no-op."""
    amendment = next((a for a in contract.amendments if a.id == amendment_id), None)
    if amendment is None:
        raise refused("amendment_unknown", f"合同 {contract.no} 没有变更 {amendment_id}", amendment_id=amendment_id)
    if amendment.status is not AmendmentStatus.SUBMITTED:
        return amendment
    amendment.decided_on = on
    if not approved:
        amendment.status = AmendmentStatus.REJECTED
        contract.events.append(AmendmentRejected(contract.document, amendment.document, reason))
        return amendment
    amendment.status = AmendmentStatus.APPROVED
    delta = amendment.delta
    if delta > 0 and amendment.via_procurement:
        contract.increase_via_procurement += delta
    elif delta > 0:
        contract.cumulative_increase += delta
    contract.amount, contract.end_date, contract.milestones = amendment.amount, amendment.end_date, amendment.milestones
    if amendment.scope:
        contract.scope = amendment.scope
    contract.events.append(
        ContractAmended(
            contract.document,
            amendment.document,
            amendment.previous_amount,
            amendment.amount,
            delta,
            contract.cumulative_change,
            contract.cumulative_increase,
            contract.end_date,
            amendment.budget(),
        )
    )
    return amendment


def terminate(
    contract: Contract,
    kind: TerminationKind,
    on: date,
    reason: str,
    paid: Decimal,
    settlement_amount: Decimal | None = None,
) -> Decimal:
    """解除/终止 a signed contract. Returns the commitment to relieve: the amount in force beyond the settlement
    (by default what has been paid: nothing more is owed)."""
    if contract.status is not Status.SIGNED:
        raise refused("contract_not_in_force", f"合同 {contract.no} 当前状态为 {contract.status.value}")
    if not (reason or "").strip():
        raise invalid("amendment_reason_required", "reason")
    settlement = paid if settlement_amount is None else settlement_amount
    if not (paid <= settlement <= contract.amount):
        raise refused(
            "settlement_invalid",
            f"结算金额 {money_str(settlement)} 元，已支付 {money_str(paid)} 元，"
            f"合同金额 {money_str(contract.amount)} 元",
            settlement=money_str(settlement),
            paid=money_str(paid),
            amount=money_str(contract.amount),
        )
    relieve = contract.amount - settlement
    contract.move_to(Status.TERMINATED, reason.strip())
    contract.settlement_amount = settlement
    contract.events.append(
        ContractTerminated(
            contract.document, kind.value, on, reason.strip(), contract.amount, settlement, paid, relieve
        )
    )
    return relieve
