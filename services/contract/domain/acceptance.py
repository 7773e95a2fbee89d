"""Acceptance (验收) of a contract milestone or of a delivery. Pure: the service layer loads, calls, stores and
publishes.

An acceptance records its date, its result (passed 合格, failed 不合格, passed with remarks 合格但有保留意见),
its members (验收人员) and findings (验收意见). From the policy's amount (the milestone's, or the contract's for a
delivery) a committee of at least the policy's size accepts. The acceptor (the person recording it) and every
member are checked against the contract's named parties with the conflict matrix
(`services/approval/domain/conflicts.py`, one list of pairs for the whole office): neither the purchaser nor the
contract's drafter may accept (采购 × 验收, 合同拟稿 × 验收).

A milestone paid on acceptance is met by its latest acceptance if that passed; a failed one blocks its payment
until a later acceptance passes (`execution.check_payment`). Once passed, a milestone is not accepted again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ic_platform.errors import Forbidden
from ic_platform.money import money_str
from services.approval.domain import conflicts
from services.contract.domain import terms
from services.contract.domain.contract import Contract, Status
from services.contract.domain.errors import invalid, refused
from services.contract.domain.execution import PASSING, Acceptance, AcceptanceResult
from services.contract.domain.policy import ContractPolicy

DOCUMENT_TYPE = "contract_acceptance"
RESULT_LABELS = {
    AcceptanceResult.PASSED: "合格",
    AcceptanceResult.PASSED_WITH_REMARKS: "合格（有保留意见）",
    AcceptanceResult.FAILED: "不合格",
}
ACCEPTOR = "acceptor"


@dataclass(frozen=True)
class AcceptanceRecord:
    id: str
    contract_id: str
    milestone_no: int | None
    delivery: str | None
    result: AcceptanceResult
    accepted_on: date
    members: tuple[str, ...]
    acceptor: str
    findings: str
    amount: Decimal | None  # the milestone's amount, none for a delivery

    @property
    def fact(self) -> Acceptance | None:
        """What contract execution counts (acceptances of a milestone only)."""
        if self.milestone_no is None:
            return None
        return Acceptance(self.milestone_no, self.result, self.accepted_on)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "contract_id": self.contract_id,
            "milestone_no": self.milestone_no,
            "delivery": self.delivery,
            "result": self.result.value,
            "result_label": RESULT_LABELS[self.result],
            "accepted_on": self.accepted_on.isoformat(),
            "members": list(self.members),
            "acceptor": self.acceptor,
            "findings": self.findings,
            "amount": money_str(self.amount) if self.amount is not None else None,
        }


def record(
    contract: Contract,
    id: str,
    *,
    milestone_no: int | None,
    delivery: str | None,
    result: AcceptanceResult,
    accepted_on: date,
    members: tuple[str, ...],
    acceptor: str,
    findings: str,
    earlier: list[AcceptanceRecord],
    policy: ContractPolicy,
    today: date,
    pairs: tuple[tuple[str, str], ...] = conflicts.INCOMPATIBLE,
) -> AcceptanceRecord:
    """Check every rule of an acceptance and return it; each refusal names its rule."""
    if contract.status is not Status.SIGNED:
        raise refused(
            "acceptance_contract_not_signed",
            f"合同 {contract.no} 当前状态为 {contract.status.value}",
            status=contract.status.value,
        )
    amount = _amount(contract, milestone_no, delivery, earlier)
    signed_on = contract.signed_on.isoformat() if contract.signed_on else "-"
    if accepted_on > today or (contract.signed_on is not None and accepted_on < contract.signed_on):
        raise invalid(
            "acceptance_date_invalid",
            "accepted_on",
            f"验收日期 {accepted_on.isoformat()}，签订日期 {signed_on}，今天 {today.isoformat()}",
        )
    if result is not AcceptanceResult.PASSED and not findings.strip():
        raise invalid("acceptance_findings_required", "findings", f"验收结果为「{RESULT_LABELS[result]}」")
    people = tuple(dict.fromkeys([acceptor, *(m.strip() for m in members if m.strip())]))
    if not acceptor or len(people) < 1:
        raise invalid("acceptance_members_missing", "members")
    basis = amount if amount is not None else contract.amount
    if basis >= policy.acceptance_committee_from and len(people) < policy.acceptance_committee_size:
        raise refused(
            "acceptance_committee_required",
            f"验收金额 {money_str(basis)} 元，达到 {money_str(policy.acceptance_committee_from)} 元，"
            f"须不少于 {policy.acceptance_committee_size} 人，实为 {len(people)} 人",
            amount=money_str(basis),
            threshold=money_str(policy.acceptance_committee_from),
            size=policy.acceptance_committee_size,
            members=len(people),
        )
    parties = {"drafter": contract.drafter, "purchaser": contract.purchaser}
    for person in people:
        conflict = conflicts.conflict_acting(person, ACCEPTOR, parties, pairs)
        if conflict is not None:
            raise segregation_refusal(conflict, person, contract.no)
    return AcceptanceRecord(
        id, contract.id, milestone_no, delivery, result, accepted_on, people, acceptor, findings.strip(), amount
    )


def segregation_refusal(conflict: conflicts.Conflict, person: str, contract_no: str):
    """The conflict matrix's refusal (403, `sod_incompatible_roles`, the pair named as `details.rule`), worded
    for an acceptance."""
    error = conflicts.refusal(conflict, person, contract_no)
    held = conflicts.ROLE_LABELS.get(conflict.held, conflict.held)
    return Forbidden(
        error.code,
        f"不相容岗位相互分离：{person} 在合同 {contract_no} 中担任{held}，不能参加验收（规则：{held}与验收分离）",
        {**error.details, "person": person},
    )


def _amount(
    contract: Contract, milestone_no: int | None, delivery: str | None, earlier: list[AcceptanceRecord]
) -> Decimal | None:
    if milestone_no is None:
        if not (delivery or "").strip():
            raise invalid("acceptance_delivery_required", "delivery")
        return None
    m = next((x for x in contract.milestones if x.no == milestone_no), None)
    if m is None:
        raise refused("milestone_unknown", f"合同 {contract.no} 没有付款节点 {milestone_no}", milestone_no=milestone_no)
    if m.condition is not terms.Condition.ON_ACCEPTANCE:
        raise refused(
            "acceptance_milestone_not_on_acceptance",
            f"节点 {m.no}「{m.name}」的付款条件为「{terms.CONDITION_LABELS[m.condition]}」",
            milestone_no=m.no,
        )
    mine = sorted((a for a in earlier if a.milestone_no == milestone_no), key=lambda a: (a.accepted_on,))
    if mine and mine[-1].result in PASSING:
        raise refused(
            "acceptance_already_passed",
            f"节点 {m.no}「{m.name}」已于 {mine[-1].accepted_on.isoformat()} 验收合格",
            milestone_no=m.no,
        )
    return m.amount
