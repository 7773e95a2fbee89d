"""The contract (合同). Pure: the service layer loads, calls, stores and publishes `events`.

A contract stands on a basis: the award (中标/成交) of a procurement, or, for spending that needs no procurement
(below the policy's amount), an approved matter application. Its counterparty must be the awarded supplier, its
amount at most the award's; the supplier must be in good standing. Payment terms are milestones that add up to
the amount; retention names its warranty end. The drafter (拟稿人) and the purchaser (采购经办) are named parties
(segregation of duties: neither may accept or approve the payment, the conflict matrix decides).

Status: draft → submitted (its signing route: legal review from an amount, 三重一大 from another) → approved
→ signed (commits the budget) → completed | terminated; submitted → returned / withdrawn → submitted (a new
round); submitted → rejected. Signing without approval is refused; signing before the award notice is refused;
signing later than the policy's days after it (30, 政府采购法 第46条) is flagged or refused, as the policy says.

One basis, one contract: an award, or an approved matter application, carries at most one live contract. A
contract holds its basis from drafting on, through signing, performance and termination (a terminated contract
was signed on it: the award was used); it gives it back only when it ends without ever being signed: rejected,
cancelled (作废, by the drafter, from draft, returned or withdrawn), or withdrawn (撤回) — a withdrawn contract
that is submitted again claims its basis again and is refused if another contract took it meanwhile. The
database holds the same rule (partial unique indexes on the live statuses), so two racing registrations cannot
both pass."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.contract.domain import terms
from services.contract.domain.errors import forbidden, invalid, refused
from services.contract.domain.events import (
    ContractApproved,
    ContractCancelled,
    ContractCompleted,
    ContractRegistered,
    ContractRejected,
    ContractSigned,
    ContractSubmitted,
    Flag,
)
from services.contract.domain.policy import Action, ContractPolicy

DOCUMENT_TYPE = "contract"
NO_PREFIX = "HT"
ZERO = Decimal("0.00")


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    APPROVED = "approved"  # the signing route is done: may be signed
    SIGNED = "signed"  # in force, being performed; the budget is committed
    COMPLETED = "completed"  # paid in full, retention included
    TERMINATED = "terminated"  # 解除/终止: the uncommitted remainder released
    CANCELLED = "cancelled"  # 作废: given up by the drafter before signing; its basis is free again

    @property
    def holds_basis(self) -> bool:
        """Does a contract in this status hold its basis (award or matter application)?"""
        return self not in FREES_BASIS


STATUS_LABELS = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "审批中",
    Status.RETURNED: "已退回",
    Status.WITHDRAWN: "已撤回",
    Status.REJECTED: "已驳回",
    Status.APPROVED: "已审批待签订",
    Status.SIGNED: "履行中",
    Status.COMPLETED: "已履行完毕",
    Status.TERMINATED: "已解除（终止）",
    Status.CANCELLED: "已作废",
}
# Ended without a signature (or, withdrawn, out of its route until submitted again): the basis is free. The
# database's partial unique indexes (adapters/orm.py) name exactly these statuses.
FREES_BASIS = frozenset({Status.WITHDRAWN, Status.REJECTED, Status.CANCELLED})
CANCELLABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN})
_ALLOWED = {
    Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.CANCELLED},
    Status.WITHDRAWN: {Status.SUBMITTED, Status.CANCELLED},
    Status.APPROVED: {Status.SIGNED},
    Status.SIGNED: {Status.COMPLETED, Status.TERMINATED},
}


@dataclass(frozen=True)
class AwardFacts:
    """What the contract needs of its award (owned by procurement)."""

    award_id: str
    application: DocumentRef  # the procurement application
    unit: str
    supplier_id: str
    amount: Decimal
    notice_date: date
    method: str
    category: str
    budget_line_id: str
    pre_commitment_holder: DocumentRef  # whose pre-commitment the signing takes over

    @property
    def key(self) -> tuple[str, str]:
        """What one contract at most may stand on (with `ApplicationFacts.key`)."""
        return ("award", self.award_id)

    @property
    def label(self) -> str:
        return f"中标（成交）结果 {self.award_id}（采购申请 {self.application.no or self.application.id}）"

    def as_dict(self) -> dict:
        return {
            "type": "award",
            "award_id": self.award_id,
            "application": self.application.as_dict(),
            "method": self.method,
            "amount": money_str(self.amount),
            "notice_date": self.notice_date.isoformat(),
        }


@dataclass(frozen=True)
class ApplicationFacts:
    """An approved matter application, the basis of a contract that needs no procurement."""

    document: DocumentRef
    status: str
    unit: str
    amount: Decimal
    budget_line_id: str
    category: str | None = None
    claimed_by: str | None = None  # the live expense claim (报销单) settling it, if any

    @property
    def pre_commitment_holder(self) -> DocumentRef:
        return self.document

    @property
    def key(self) -> tuple[str, str]:
        return (self.document.type, self.document.id)

    @property
    def label(self) -> str:
        return f"事前申请 {self.document.no or self.document.id}"

    def as_dict(self) -> dict:
        return {"type": self.document.type, "application": self.document.as_dict(), "amount": money_str(self.amount)}


@dataclass(frozen=True)
class SupplierFacts:
    """What the contract needs of its counterparty (owned by procurement's registry), as of the day asked."""

    id: str
    name: str
    credit_code: str
    registrar: str
    standing: str = "valid"  # on the day of the action
    standing_reason: str | None = None
    sme: bool = False


@dataclass(frozen=True)
class BasisHolder:
    """What already uses a basis (asked of the repository): a live contract standing on it (`how` = basis); for
    an award, an amendment whose increase it covers (`amendment`, 经新的采购追加); or the same money by the other
    road: a matter application's direct contract beside a contract on the award of a procurement it funds
    (`direct` when the basis is that award, `procurement` when the basis is the matter application)."""

    contract_id: str
    no: str
    status: Status
    how: str = "basis"
    amendment_no: str | None = None


@dataclass(frozen=True)
class SigningBudget:
    """The budget moves signing makes: commit the amount on the line, taking over the holder's pre-commitment;
    release what the holder still pre-commits beyond the amount (the award came in under the budget)."""

    budget_line_id: str
    commit: Decimal
    from_document: DocumentRef
    release: Decimal

    def as_dict(self) -> dict:
        return {
            "budget_line_id": self.budget_line_id,
            "commit": money_str(self.commit),
            "from_document": self.from_document.as_dict(),
            "release": money_str(self.release),
        }


@dataclass
class Contract:
    id: str
    no: str
    org: str
    unit: str
    title: str
    basis: AwardFacts | ApplicationFacts
    supplier: SupplierFacts
    original_amount: Decimal
    start_date: date
    end_date: date
    milestones: tuple[terms.Milestone, ...]  # resolved against the amount in force
    drafter: str
    purchaser: str
    warranty_end: date | None = None
    scope: str = ""
    status: Status = Status.DRAFT
    status_reason: str | None = None
    round: int = 0
    signed_on: date | None = None
    amount: Decimal = ZERO  # in force: the original plus approved amendments
    settlement_amount: Decimal | None = None  # once terminated: what is owed in all (≥ paid); the rest released
    cumulative_increase: Decimal = ZERO  # approved supplementary increases (the 10 % bucket)
    increase_via_procurement: Decimal = ZERO  # approved increases covered by a new procurement
    amendments: list = field(default_factory=list)
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def register(
        cls,
        id: str,
        no: str,
        org: str,
        unit: str,
        title: str,
        basis: AwardFacts | ApplicationFacts | None,
        supplier: SupplierFacts,
        amount: Decimal,
        start_date: date,
        end_date: date,
        milestones: tuple[terms.Milestone, ...],
        drafter: str,
        purchaser: str,
        policy: ContractPolicy,
        *,
        warranty_end: date | None = None,
        scope: str = "",
        on: date,
        basis_taken_by: BasisHolder | None = None,
    ) -> Contract:
        """Check every rule of a new contract and record `ContractRegistered`. `on` is the day of registration
        (the supplier's standing is as of then); `basis_taken_by` is the live contract already standing on the
        basis, if any (one basis, one contract)."""
        check_basis(basis, supplier, amount, unit, policy)
        check_basis_free(basis, basis_taken_by)
        check_supplier(supplier, on, "签订合同")
        if end_date < start_date:
            raise invalid(
                "contract_term_invalid", "end_date", f"开始 {start_date.isoformat()}，终止 {end_date.isoformat()}"
            )
        if not (drafter or "").strip() or not (purchaser or "").strip():
            raise invalid("contract_parties_missing", "parties")
        resolved = check_terms(milestones, amount, basis.category, warranty_end, start_date, policy, supplier.sme)
        contract = cls(
            id=id,
            no=no,
            org=org,
            unit=unit,
            title=title,
            basis=basis,
            supplier=supplier,
            original_amount=amount,
            start_date=start_date,
            end_date=end_date,
            milestones=resolved,
            drafter=drafter,
            purchaser=purchaser,
            warranty_end=warranty_end,
            scope=scope,
            amount=amount,
        )
        contract.events.append(
            ContractRegistered(
                contract.document,
                unit,
                title,
                basis.as_dict(),
                supplier.id,
                amount,
                start_date,
                end_date,
                terms.describe(resolved, policy),
                terms.retention(resolved),
                warranty_end,
                contract.parties,
            )
        )
        return contract

    @property
    def document(self) -> DocumentRef:
        return DocumentRef(DOCUMENT_TYPE, self.id, self.no)

    @property
    def parties(self) -> dict[str, str]:
        return {"drafter": self.drafter, "purchaser": self.purchaser, "supplier_registrar": self.supplier.registrar}

    @property
    def award(self) -> AwardFacts | None:
        return self.basis if isinstance(self.basis, AwardFacts) else None

    @property
    def retention(self) -> Decimal:
        return terms.retention(self.milestones)

    @property
    def cumulative_change(self) -> Decimal:
        """The net change of all approved amendments (an increase and a decrease offset here, not in the 10 %)."""
        return self.amount - self.original_amount

    @property
    def payable_ceiling(self) -> Decimal:
        """The most that may ever be paid: the amount in force, or the settlement once terminated."""
        return self.settlement_amount if self.settlement_amount is not None else self.amount

    def milestones_as_agreed(self) -> tuple[terms.Milestone, ...]:
        """The terms as written: share milestones without their resolved amount, to resolve again."""
        return tuple(replace(m, amount=None) if m.share is not None else m for m in self.milestones)

    def routing_facts(self, policy: ContractPolicy) -> dict:
        """What approval routes the signing on (and an amendment's, with its own amount)."""
        return routing(self.amount, policy) | {"basis": self.basis.as_dict()["type"]}

    # ── the signing route ──
    def submit(self, actor: str, policy: ContractPolicy, basis_taken_by: BasisHolder | None = None) -> None:
        """Into the signing route (again, after a return or a withdrawal). A withdrawn contract gave its basis
        back: it claims it again here, refused if another contract (`basis_taken_by`) took it meanwhile."""
        self.check_drafter(actor, "提交")
        if self.status is Status.WITHDRAWN:
            check_basis_free(self.basis, basis_taken_by, self.id)
        self.move_to(Status.SUBMITTED)
        self.round += 1
        self.events.append(
            ContractSubmitted(
                self.document,
                self.unit,
                self.drafter,
                self.amount,
                self.routing_facts(policy),
                self.parties,
                self.round,
            )
        )

    def approve(self) -> None:
        if self.move_to(Status.APPROVED):
            self.events.append(ContractApproved(self.document))

    def reject(self, reason: str | None) -> None:
        if self.move_to(Status.REJECTED, reason):
            self.events.append(ContractRejected(self.document, reason))

    def return_(self, reason: str | None) -> None:
        self.move_to(Status.RETURNED, reason)

    def withdraw(self, reason: str | None = None) -> None:
        self.move_to(Status.WITHDRAWN, reason)

    def cancel(self, actor: str | None, reason: str) -> bool:
        """作废: the drafter gives up a contract never signed (a draft, or one returned or withdrawn), with a
        reason; its basis is free for another contract. A cancelled one asked again changes nothing (False)."""
        self.check_drafter(actor, "作废")
        if self.status is Status.CANCELLED:
            return False
        if not (reason or "").strip():
            raise invalid("contract_cancel_reason_required", "reason")
        if self.status not in CANCELLABLE:
            raise refused(
                "contract_not_cancellable",
                f"合同 {self.no} 当前为「{STATUS_LABELS[self.status]}」",
                status=self.status.value,
            )
        before = self.status
        self.move_to(Status.CANCELLED, reason.strip())
        self.events.append(
            ContractCancelled(self.document, self.unit, reason.strip(), before.value, self.basis.as_dict())
        )
        return True

    def sign(self, signed_on: date, policy: ContractPolicy, held: Decimal, supplier: SupplierFacts | None = None):
        """Record the signing on `signed_on`. `held` is what the basis's holder still pre-commits on the line
        (asked of the budget). Returns the budget moves to make, and the flags the signing carries."""
        if self.status is not Status.APPROVED:
            raise refused(
                "contract_not_approved",
                f"合同 {self.no} 当前为「{STATUS_LABELS[self.status]}」",
                status=self.status.value,
            )
        check_supplier(supplier or self.supplier, signed_on, "签订合同")
        flags = check_signing_date(self.award, signed_on, policy)
        budget = self.signing_budget(held)
        self.move_to(Status.SIGNED)
        self.signed_on = signed_on
        award = self.award
        self.events.append(
            ContractSigned(
                self.document,
                self.unit,
                self.supplier.id,
                self.amount,
                signed_on,
                award.award_id if award else None,
                award.notice_date if award else None,
                (signed_on - award.notice_date).days if award else None,
                budget.as_dict(),
                flags,
            )
        )
        return budget, flags

    def signing_budget(self, held: Decimal) -> SigningBudget:
        holder = self.basis.pre_commitment_holder
        return SigningBudget(self.basis.budget_line_id, self.amount, holder, max(held - self.amount, ZERO))

    def complete(self, paid: Decimal, on: date) -> None:
        """Paid in full, retention included: the contract is performed (履行完毕)."""
        if paid != self.amount:
            raise refused(
                "invalid_status_transition",
                f"合同 {self.no} 金额 {money_str(self.amount)} 元，已付 {money_str(paid)} 元，尚未付清",
                amount=money_str(self.amount),
                paid=money_str(paid),
            )
        if self.move_to(Status.COMPLETED):
            self.events.append(ContractCompleted(self.document, self.amount, paid, on))

    # ── helpers ──
    def move_to(self, status: Status, reason: str | None = None) -> bool:
        if status == self.status:
            return False
        if status not in _ALLOWED.get(self.status, set()):
            raise refused(
                "invalid_status_transition",
                f"合同 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变为「{STATUS_LABELS[status]}」",
                **{"from": self.status.value, "to": status.value},
            )
        self.status, self.status_reason = status, reason
        return True

    def check_drafter(self, actor: str | None, action: str) -> None:
        if actor != self.drafter:
            raise forbidden(
                "not_drafter",
                f"合同 {self.no} 的拟稿人为 {self.drafter}，{actor or '未知用户'}不能{action}",
                drafter=self.drafter,
                actor=actor or "",
            )


def routing(amount: Decimal, policy: ContractPolicy) -> dict:
    return {
        "amount": money_str(amount),
        "legal_review": amount >= policy.legal_review_from,
        "major_matter": amount >= policy.major_matter_from,
    }


def check_basis(
    basis: AwardFacts | ApplicationFacts | None,
    supplier: SupplierFacts,
    amount: Decimal,
    unit: str,
    policy: ContractPolicy,
) -> None:
    if basis is None:
        raise invalid("contract_basis_missing", "award_id")
    if amount <= 0:
        raise invalid("contract_amount_not_positive", "amount", f"{money_str(amount)} 元")
    if basis.unit != unit:
        raise refused("contract_unit_mismatch", f"依据属于 {basis.unit}，合同单位为 {unit}", basis_unit=basis.unit)
    if isinstance(basis, AwardFacts):
        _check_award(basis, supplier, amount)
    else:
        _check_application(basis, amount, policy)


def check_basis_free(
    basis: AwardFacts | ApplicationFacts, holder: BasisHolder | None, contract_id: str | None = None
) -> None:
    """One basis, one use: refused when something live (`holder`) already uses `basis` (another contract on it,
    an amendment covered by it, the same matter application's money by the other road). `contract_id`: the
    contract claiming its own basis again (a withdrawn one resubmitted) is not in its own way."""
    if holder is None or (holder.contract_id == contract_id and holder.how == "basis"):
        return
    kind, basis_id = basis.key
    held = f"合同 {holder.no}（{STATUS_LABELS[holder.status]}）"
    told = {
        "basis": f"{basis.label}已订立{held}；如需重新订立，须先作废该合同或待其审批未通过",
        "amendment": f"{basis.label}已用于{held}的变更 {holder.amendment_no}（经新的采购追加）",
        "procurement": f"{basis.label}已用于采购，并依其中标（成交）结果订立{held}",
        "direct": f"{basis.label}的资金来源事前申请已直接订立{held}",
    }[holder.how]
    raise refused(
        "basis_already_contracted",
        told,
        basis_type=kind,
        basis_id=basis_id,
        contract_id=holder.contract_id,
        contract_no=holder.no,
        contract_status=holder.status.value,
        used_by=holder.how,
        amendment_no=holder.amendment_no,
    )


def check_matter_unfunded(application: ApplicationFacts, procurement_application_no: str | None) -> None:
    """One matter application's money goes by one road: one that funds a live procurement application (its
    pre-commitment taken over there) carries no direct contract; the contract stands on that procurement's award.
    Nor does one a live expense claim settles (事后报销 of the same money)."""
    if application.claimed_by:
        raise refused(
            "matter_application_claimed",
            f"{application.label}已有报销单 {application.claimed_by}",
            matter_application_id=application.document.id,
            expense_claim_no=application.claimed_by,
        )
    if procurement_application_no:
        raise refused(
            "matter_application_funds_procurement",
            f"{application.label}已用于采购申请 {procurement_application_no}，合同须依据其中标（成交）结果订立",
            matter_application_id=application.document.id,
            procurement_application_no=procurement_application_no,
        )


def _check_award(award: AwardFacts, supplier: SupplierFacts, amount: Decimal) -> None:
    if supplier.id != award.supplier_id:
        raise refused(
            "contract_supplier_not_awarded",
            f"合同相对方为 {supplier.name}（{supplier.credit_code}），中标（成交）供应商编号 {award.supplier_id}",
            supplier_id=supplier.id,
            awarded_supplier_id=award.supplier_id,
            award_id=award.award_id,
        )
    if amount > award.amount:
        raise refused(
            "contract_amount_exceeds_award",
            f"合同金额 {money_str(amount)} 元，中标（成交）金额 {money_str(award.amount)} 元，"
            f"超出 {money_str(amount - award.amount)} 元",
            amount=money_str(amount),
            award_amount=money_str(award.amount),
            award_id=award.award_id,
        )


def _check_application(app: ApplicationFacts, amount: Decimal, policy: ContractPolicy) -> None:
    name = app.document.no or app.document.id
    if app.status != "approved":
        raise refused("application_not_approved", f"事前申请 {name} 当前状态为 {app.status}", status=app.status)
    if amount >= policy.direct_contract_below:
        raise refused(
            "contract_requires_procurement",
            f"合同金额 {money_str(amount)} 元，"
            f"不经采购签订合同的金额须低于 {money_str(policy.direct_contract_below)} 元",
            amount=money_str(amount),
            limit=money_str(policy.direct_contract_below),
        )
    if amount > app.amount:
        raise refused(
            "contract_exceeds_application",
            f"合同金额 {money_str(amount)} 元，事前申请 {name} 批准 {money_str(app.amount)} 元",
            amount=money_str(amount),
            approved=money_str(app.amount),
        )


def check_supplier(supplier: SupplierFacts, on: date, action: str) -> None:
    if supplier.standing != "valid":
        raise refused(
            "supplier_not_in_good_standing",
            f"供应商 {supplier.name}（{supplier.credit_code}）在 {on.isoformat()} 的状态为 {supplier.standing}"
            + (f"（{supplier.standing_reason}）" if supplier.standing_reason else "")
            + f"，不能{action}",
            supplier_id=supplier.id,
            standing=supplier.standing,
            on=on.isoformat(),
        )


def check_terms(
    milestones: tuple[terms.Milestone, ...],
    amount: Decimal,
    category: str | None,
    warranty_end: date | None,
    start_date: date,
    policy: ContractPolicy,
    sme: bool,
) -> tuple[terms.Milestone, ...]:
    terms.validate(milestones, policy, sme=sme)
    resolved = terms.resolve(milestones, amount)
    terms.check_adds_up(resolved, amount)
    terms.check_retention(resolved, amount, category, warranty_end, start_date, policy)
    return resolved


def check_signing_date(award: AwardFacts | None, signed_on: date, policy: ContractPolicy) -> list[Flag]:
    if award is None:
        return []
    if signed_on < award.notice_date:
        raise refused(
            "contract_signed_before_award",
            f"签订日期 {signed_on.isoformat()}，中标（成交）通知书日期 {award.notice_date.isoformat()}",
            signed_on=signed_on.isoformat(),
            notice_date=award.notice_date.isoformat(),
        )
    days = (signed_on - award.notice_date).days
    if days <= policy.signing_days:
        return []
    text = (
        f"中标（成交）通知书日期 {award.notice_date.isoformat()}，签订日期 {signed_on.isoformat()}，"
        f"相隔 {days} 天，超过 {policy.signing_days} 天"
    )
    details = {"days": days, "limit": policy.signing_days, "notice_date": award.notice_date.isoformat()}
    if policy.late_signing is Action.REFUSE:
        raise refused("contract_signed_late", text, **details)
    return [Flag("contract_signed_late", "medium", text, {"rule": "contract_signed_late", **details})]
