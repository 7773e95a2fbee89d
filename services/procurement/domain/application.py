"""The procurement application (采购申请). Pure: the service layer loads, calls, stores and publishes `events`.

An application lists what to buy (items with category, quantity, estimated unit price); its budget amount
(采购预算) is their sum. Its category is that of the items holding the largest part of the amount (项目属性按
占项目资金比例最高的采购对象确定), and it decides the thresholds. The money comes from one of two places:
- an approved matter application (事前申请) of the same unit: its pre-commitment is taken over, never reserved
  twice. The application reserves nothing; the contract later commits from the matter application;
- or its own budget line: it reserves (预占) its budget amount on submission, and releases it if rejected or
  cancelled; the contract later commits from this application.

Status: draft → (reserving →) submitted → approved → sourcing → awarded → contracted → closed; submitted →
returned / withdrawn → submitted (a new round) ; submitted → rejected; reserving → refused (budget said no);
draft, returned, withdrawn, approved, sourcing → cancelled. The method is (re)determined by the policy in force
on each submission day and checked; a method change after approval needs approval of its own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from ic_platform.documents import DocumentRef
from ic_platform.money import CENT, money_str
from services.procurement.domain import method as methods
from services.procurement.domain.errors import forbidden, invalid, refused
from services.procurement.domain.events import (
    ApplicationApproved,
    ApplicationCancelled,
    ApplicationRejected,
    ApplicationSubmitted,
    MethodChanged,
    MethodChangeRejected,
    MethodChangeRequested,
)
from services.procurement.domain.kinds import METHOD_LABELS, Category, Form, Method
from services.procurement.domain.policy import ProcurementPolicy

if TYPE_CHECKING:
    from services.procurement.domain.intention import Intention

DOCUMENT_TYPE = "procurement_application"
NO_PREFIX = "CG"
ZERO = Decimal("0.00")
# When two categories hold the same amount, the one with the stricter customs decides.
CATEGORY_PRECEDENCE = (Category.WORKS, Category.GOODS, Category.SERVICES)


class Status(StrEnum):
    DRAFT = "draft"
    RESERVING = "reserving"  # own budget line: stored, budget not yet answered (redriven after a crash)
    REFUSED = "refused"  # the budget service said no; nothing is reserved
    SUBMITTED = "submitted"  # in approval
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    APPROVED = "approved"
    SOURCING = "sourcing"  # intention published, market research or a tender under way
    AWARDED = "awarded"  # 已确定中标（成交）供应商
    CONTRACTED = "contracted"  # the contract is signed
    CLOSED = "closed"
    CANCELLED = "cancelled"  # 作废: its own reservation released


STATUS_LABELS = {
    Status.DRAFT: "草稿",
    Status.RESERVING: "预算校验中",
    Status.REFUSED: "预算不足未提交",
    Status.SUBMITTED: "审批中",
    Status.RETURNED: "已退回",
    Status.WITHDRAWN: "已撤回",
    Status.REJECTED: "已驳回",
    Status.APPROVED: "已批准",
    Status.SOURCING: "采购中",
    Status.AWARDED: "已确定供应商",
    Status.CONTRACTED: "已签订合同",
    Status.CLOSED: "已结项",
    Status.CANCELLED: "已作废",
}
_ALLOWED = {
    Status.DRAFT: {Status.RESERVING, Status.SUBMITTED, Status.CANCELLED},
    Status.RESERVING: {Status.SUBMITTED, Status.REFUSED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.CANCELLED},
    Status.WITHDRAWN: {Status.SUBMITTED, Status.CANCELLED},
    Status.APPROVED: {Status.SOURCING, Status.AWARDED, Status.CANCELLED},
    Status.SOURCING: {Status.AWARDED, Status.CANCELLED},
    Status.AWARDED: {Status.CONTRACTED, Status.CLOSED},
    Status.CONTRACTED: {Status.CLOSED},
}
# While the application holds money it must give back when it ends without a contract.
HOLDING = {Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN, Status.APPROVED, Status.SOURCING}


@dataclass(frozen=True)
class Item:
    name: str
    category: Category
    quantity: Decimal
    unit_price: Decimal  # 预估单价
    unit: str = ""  # 计量单位, e.g. 台
    catalogue_code: str | None = None  # 品目编码, when the item is in the central catalogue
    specification: str = ""

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def check_items(items: tuple[Item, ...]) -> None:
    if not items:
        raise invalid("application_without_items", "items")
    for i, item in enumerate(items):
        if item.quantity <= 0:
            raise invalid("item_quantity_not_positive", f"items[{i}].quantity", f"「{item.name}」数量 {item.quantity}")
        if item.unit_price <= 0:
            raise invalid(
                "item_price_not_positive",
                f"items[{i}].unit_price",
                f"「{item.name}」单价 {money_str(item.unit_price)} 元",
            )


def budget_amount(items: tuple[Item, ...]) -> Decimal:
    return sum((item.amount for item in items), ZERO)


def main_category(items: tuple[Item, ...]) -> Category:
    by_category: dict[Category, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        by_category[item.category] += item.amount
    return max(CATEGORY_PRECEDENCE, key=lambda c: (by_category[c], -CATEGORY_PRECEDENCE.index(c)))


def catalogue_amounts(items: tuple[Item, ...]) -> dict[str, Decimal]:
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        if item.catalogue_code:
            amounts[item.catalogue_code] += item.amount
    return dict(amounts)


@dataclass(frozen=True)
class MatterFacts:
    """What the procurement domain needs to know of a matter application (owned by the payment service)."""

    document: DocumentRef
    status: str
    unit: str
    budget_line_id: str
    amount: Decimal
    claimed_by: str | None = None  # the live expense claim (报销单) settling it, if any


@dataclass(frozen=True)
class Funding:
    """Where the money comes from. `holder` is the document whose pre-commitment the contract will take over
    (budget's `commit(from_document=…)`); `reserve` is what this application itself reserves on submission."""

    budget_line_id: str
    matter: DocumentRef | None
    matter_amount: Decimal | None
    amount: Decimal

    @property
    def reserve(self) -> Decimal:
        return ZERO if self.matter else self.amount

    @property
    def taken_over(self) -> Decimal:
        return self.amount if self.matter else ZERO

    @property
    def left_with_matter(self) -> Decimal:
        """The matter application's pre-commitment this purchase does not use: it stays with the matter
        application until the contract's signing releases the difference (or the application is closed). So a
        matter application funds at most one live procurement application (the service layer enforces it with a
        unique index; the domain cannot see the other applications)."""
        return (self.matter_amount - self.amount) if self.matter else ZERO

    def holder(self, own: DocumentRef) -> DocumentRef:
        return self.matter or own

    def as_dict(self) -> dict:
        return {
            "source": "matter_application" if self.matter else "budget_line",
            "budget_line_id": self.budget_line_id,
            "matter_application": self.matter.as_dict() if self.matter else None,
            "reserve": money_str(self.reserve),
            "taken_over": money_str(self.taken_over),
            "left_with_matter": money_str(self.left_with_matter),
        }


def fund(amount: Decimal, unit: str, matter: MatterFacts | None, budget_line_id: str | None) -> Funding:
    """From an approved matter application of the same unit for at least the amount, or from a budget line."""
    if (matter is None) == (budget_line_id is None):
        raise invalid("application_funding_missing", "matter_application_id")
    if matter is None:
        return Funding(budget_line_id, None, None, amount)
    name = matter.document.no or matter.document.id
    if matter.status != "approved":
        raise refused("application_not_approved", f"事前申请 {name} 当前状态为 {matter.status}", status=matter.status)
    if matter.unit != unit:
        raise refused(
            "application_unit_mismatch",
            f"事前申请 {name} 属于 {matter.unit}，采购单位为 {unit}",
            matter_unit=matter.unit,
        )
    if amount > matter.amount:
        raise refused(
            "budget_exceeds_application",
            f"采购预算 {money_str(amount)} 元，事前申请 {name} 批准金额 {money_str(matter.amount)} 元，"
            f"超出 {money_str(amount - matter.amount)} 元",
            amount=money_str(amount),
            approved=money_str(matter.amount),
        )
    return Funding(matter.budget_line_id, matter.document, matter.amount, amount)


@dataclass(frozen=True)
class MethodChange:
    requested: Method
    reason: str
    tender_failed: bool
    requested_on: date


@dataclass
class ProcurementApplication:
    id: str
    no: str
    org: str
    unit: str
    applicant: str
    title: str
    items: tuple[Item, ...]
    funding: Funding
    method: Method
    form: Form | None = None
    justification: str | None = None
    purchaser: str | None = None  # 采购经办 (a party: never the acceptor); the applicant unless named
    major_matter: bool = False  # declared (e.g. by the matter application); the amount may also make it one
    status: Status = Status.DRAFT
    status_reason: str | None = None
    round: int = 0
    requirement: methods.MethodRequirement | None = None
    extra_approval: bool = False
    method_change: MethodChange | None = None
    award_id: str | None = None
    intention: Intention | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def draft(
        cls,
        id: str,
        no: str,
        org: str,
        unit: str,
        applicant: str,
        title: str,
        items: tuple[Item, ...],
        method: Method,
        *,
        matter: MatterFacts | None = None,
        budget_line_id: str | None = None,
        form: Form | None = None,
        justification: str | None = None,
        purchaser: str | None = None,
        major_matter: bool = False,
    ) -> ProcurementApplication:
        check_items(items)
        funding = fund(budget_amount(items), unit, matter, budget_line_id)
        return cls(
            id=id,
            no=no,
            org=org,
            unit=unit,
            applicant=applicant,
            title=title,
            items=tuple(items),
            funding=funding,
            method=method,
            form=form,
            justification=justification,
            purchaser=purchaser or applicant,
            major_matter=major_matter,
        )

    @property
    def document(self) -> DocumentRef:
        return DocumentRef(DOCUMENT_TYPE, self.id, self.no)

    @property
    def amount(self) -> Decimal:
        return self.funding.amount

    @property
    def category(self) -> Category:
        return main_category(self.items)

    @property
    def parties(self) -> dict[str, str]:
        return {"applicant": self.applicant, "purchaser": self.purchaser or self.applicant}

    @property
    def pre_commitment_holder(self) -> DocumentRef:
        return self.funding.holder(self.document)

    def determine(self, policy: ProcurementPolicy, on: date) -> methods.MethodRequirement:
        """The method requirement for these items on that day. Catalogue and non-catalogue items go different
        ways (the central agency buys the former), so one application holds only one kind."""
        requirement = methods.determine(self.category, self.amount, policy, on, catalogue_amounts(self.items))
        central_codes = {e.code for e in requirement.central_items}
        if central_codes and any(item.catalogue_code not in central_codes for item in self.items):
            others = [item.name for item in self.items if item.catalogue_code not in central_codes]
            raise refused(
                "catalogue_items_mixed",
                f"目录内品目 {'、'.join(sorted(central_codes))}，目录外品目 {'、'.join(others)}，请分别申请",
                central=sorted(central_codes),
            )
        return requirement

    def submit(self, policy: ProcurementPolicy, on: date) -> None:
        """Determine and check the method by the policy in force on `on`, then enter approval (through
        `reserving` when the application reserves its own line). Records `ApplicationSubmitted`."""
        target = Status.RESERVING if self.funding.reserve > 0 and self.status is Status.DRAFT else Status.SUBMITTED
        self.check_transition(target)  # every check before the first change: a refusal leaves the draft as it was
        requirement = self.determine(policy, on)
        decision = methods.check(requirement, self.method, self.form, self.justification)
        self.requirement, self.form = requirement, decision.form
        self.justification, self.extra_approval = decision.justification, decision.extra_approval
        self.major_matter = self.major_matter or self.amount >= policy.major_matter_from
        self.round += 1
        self.move_to(target)
        self.events.append(self._submitted())

    def reserved(self) -> None:
        """The budget service reserved the amount: the application is in approval."""
        self.move_to(Status.SUBMITTED)

    def budget_refused(self, reason: str) -> None:
        self.move_to(Status.REFUSED, reason)

    def resubmit(self, actor: str, policy: ProcurementPolicy, on: date) -> None:
        self.check_applicant(actor, "重新提交")
        if self.status not in (Status.RETURNED, Status.WITHDRAWN):
            raise self._transition_refused(Status.SUBMITTED)
        self.submit(policy, on)

    def approve(self) -> None:
        if self.move_to(Status.APPROVED):
            self.events.append(ApplicationApproved(self.document, self.amount))

    def reject(self, reason: str | None) -> None:
        if self.move_to(Status.REJECTED, reason):
            self.events.append(ApplicationRejected(self.document, reason, self.funding.reserve))

    def return_(self, reason: str | None) -> None:
        self.move_to(Status.RETURNED, reason)

    def withdraw(self, reason: str | None = None) -> None:
        self.move_to(Status.WITHDRAWN, reason)

    def cancel(self, actor: str, reason: str) -> Decimal:
        """作废 by the applicant before an award. Returns what the budget must release: its own reservation (a
        matter application's pre-commitment stays with the matter application)."""
        self.check_applicant(actor, "作废")
        release = self.funding.reserve if self.status in HOLDING else ZERO
        if self.move_to(Status.CANCELLED, reason):
            self.events.append(ApplicationCancelled(self.document, reason, release))
        return release

    def start_sourcing(self) -> None:
        if self.status is Status.APPROVED:
            self.move_to(Status.SOURCING)
        elif self.status is not Status.SOURCING:
            raise self._transition_refused(Status.SOURCING)
        self._check_no_pending_change()

    def awarded(self, award_id: str) -> None:
        self._check_no_pending_change()
        self.move_to(Status.AWARDED)
        self.award_id = award_id

    def contracted(self) -> None:
        self.move_to(Status.CONTRACTED)

    # ── method change (采购方式变更) ──
    def request_method_change(self, new: Method, reason: str | None, on: date, *, tender_failed: bool = False) -> None:
        if self.status not in (Status.APPROVED, Status.SOURCING):
            raise refused(
                "invalid_status_transition",
                f"采购申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变更采购方式",
                status=self.status.value,
            )
        if self.method_change is not None:
            raise refused(
                "method_change_pending",
                f"已申请变更为{METHOD_LABELS[self.method_change.requested]}",
                requested=self.method_change.requested.value,
            )
        decision = methods.check_change(
            self.requirement, self.method, new, reason, tender_failed=tender_failed, awarded=self.award_id is not None
        )
        self.method_change = MethodChange(new, decision.justification, tender_failed, on)
        self.events.append(MethodChangeRequested(self.document, self.method.value, new.value, reason, tender_failed))

    def method_change_decided(self, approved: bool) -> None:
        change = self.method_change
        if change is None:
            return  # a redelivered decision
        self.method_change = None
        if approved:
            previous, self.method = self.method, change.requested
            self.justification = change.reason
            self.events.append(MethodChanged(self.document, previous.value, self.method.value))
        else:
            self.events.append(MethodChangeRejected(self.document, self.method.value, change.requested.value))

    # ── helpers ──
    def routing_facts(self) -> dict:
        """What approval routes on: the amount, 三重一大, and the extra step of single source / invited tender."""
        return {
            "amount": money_str(self.amount),
            "major_matter": self.major_matter,
            "extra_approval": self.extra_approval,
            "method": self.method.value,
            "category": self.category.value,
        }

    def move_to(self, status: Status, reason: str | None = None) -> bool:
        """False when already there (a redelivered event); refused when the change is not allowed."""
        if status == self.status:
            return False
        self.check_transition(status)
        self.status, self.status_reason = status, reason
        return True

    def check_transition(self, status: Status) -> None:
        if status not in _ALLOWED.get(self.status, set()):
            raise self._transition_refused(status)

    def check_applicant(self, actor: str | None, action: str) -> None:
        if actor != self.applicant:
            raise forbidden(
                "not_applicant",
                f"采购申请 {self.no} 的申请人为 {self.applicant}，{actor or '未知用户'}不能{action}",
                applicant=self.applicant,
                actor=actor or "",
            )

    def _check_no_pending_change(self) -> None:
        if self.method_change is not None:
            raise refused(
                "method_change_pending",
                f"变更为{METHOD_LABELS[self.method_change.requested]}的申请尚未审批完成",
                requested=self.method_change.requested.value,
            )

    def _transition_refused(self, status: Status):
        return refused(
            "invalid_status_transition",
            f"采购申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变为「{STATUS_LABELS[status]}」",
            **{"from": self.status.value, "to": status.value},
        )

    def _submitted(self) -> ApplicationSubmitted:
        return ApplicationSubmitted(
            document=self.document,
            unit=self.unit,
            applicant=self.applicant,
            title=self.title,
            category=self.category.value,
            amount=self.amount,
            method=self.method.value,
            form=self.form.value,
            extra_approval=self.extra_approval,
            justification=self.justification,
            major_matter=self.major_matter,
            requirement=self.requirement.as_dict(),
            funding=self.funding.as_dict(),
            parties=self.parties,
            round=self.round,
        )
