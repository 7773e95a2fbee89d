"""Payment requests (付款申请) and their execution (支付). Pure: no I/O.

A payment request pays an amount on a basis: a contract milestone (合同付款节点), an approved expense claim
(报销单) or an approved matter application (事前申请). It is checked before approval and again at execution,
each refusal naming its rule:
- budget available (`budget_insufficient`), as the budget's `actual` would decide it: what the basis still holds
  on the line (a contract's commitment, an application's pre-commitment) covers that much of the amount;
- against a contract, the terms (asked of the contract service, which keeps the payment ledger under the
  contract's lock: `payment_condition_not_met`, `acceptance_failed`, `payment_exceeds_milestone`,
  `payment_exceeds_contract`, `retention_before_warranty_end`);
- the payee is the contract's party (`payee_not_contract_party`) and every invoice's issuer
  (`invoice_issuer_not_payee`); the payee's bank account is one the supplier registry holds for it today
  (`bank_account_not_registered`); the supplier is in good standing (`supplier_not_in_good_standing`);
- invoices: a contract payment carries invoices covering its amount (`invoice_required`,
  `invoices_below_amount`); each invoice used once across claims and payments (the registry's constraint,
  `invoice_already_used`);
- against an application: approved, of the same unit, and never paid beyond its approved amount
  (`application_not_approved`, `payment_unit_mismatch`, `payment_exceeds_application`).

Execution (支付) is the cashier's (出纳), a position separate from approval: an executor who approved the
payment is refused by the conflict matrix (付款审批 × 付款执行, `services/approval/domain/conflicts.py`).
It records the bank or treasury reference and the day; the money moves from committed (a contract) or
pre-committed (an application, a claim) to actual.

Status: submitted → approved → executed; submitted → rejected | withdrawn (the reservation against the contract
and the invoices are given back; a corrected request is a new one); submitted → returned (退回: it keeps both
while its requester corrects it) → submitted again, the next round, once the whole gate has passed again; or
→ withdrawn."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ic_platform.money import money_str
from services.approval.domain import conflicts
from services.payment.domain.payment_errors import forbidden, invalid, refused

DOCUMENT_TYPE = "payment_request"
NO_PREFIX = "FK"
EXECUTOR = "payment_executor"
APPROVER = "payment_approver"
CASHIER_ROLE = "cashier"
ZERO = Decimal("0.00")


class Basis(StrEnum):
    CONTRACT_MILESTONE = "contract_milestone"
    EXPENSE_CLAIM = "expense_claim"
    MATTER_APPLICATION = "matter_application"


BASIS_LABELS = {
    Basis.CONTRACT_MILESTONE: "合同付款节点",
    Basis.EXPENSE_CLAIM: "报销单",
    Basis.MATTER_APPLICATION: "事前申请",
}


class Status(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    EXECUTED = "executed"


STATUS_LABELS = {
    Status.SUBMITTED: "审批中",
    Status.APPROVED: "已批准待支付",
    Status.REJECTED: "已驳回",
    Status.RETURNED: "已退回",
    Status.WITHDRAWN: "已撤回",
    Status.EXECUTED: "已支付",
}
# Not (or no longer) in approval: what such a request asks of an application or a claim is not counted, so a
# returned one is checked against its basis again when it is resubmitted.
ENDED = (Status.REJECTED, Status.RETURNED, Status.WITHDRAWN)
_ALLOWED = {
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.EXECUTED},
}

_ACCOUNT_SEPARATORS = re.compile(r"[\s\-‐‑–—_]+")


def account_digits(text: str) -> str:
    """A bank account number as the registry keeps it: full-width digits folded, blanks and dashes dropped."""
    return _ACCOUNT_SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))


def same_code(a: str | None, b: str | None) -> bool:
    return (
        bool(a)
        and bool(b)
        and unicodedata.normalize("NFKC", a).strip().upper() == (unicodedata.normalize("NFKC", b).strip().upper())
    )


@dataclass(frozen=True)
class Payee:
    name: str
    credit_code: str | None
    account_no: str

    def as_dict(self) -> dict:
        return {"name": self.name, "credit_code": self.credit_code, "account_no": self.account_no}


@dataclass(frozen=True)
class InvoiceFacts:
    """What the gate needs of an invoice: its key, number, amount with tax and its issuer."""

    key: str
    number: str
    amount: Decimal
    issuer_credit_code: str

    def ref(self) -> dict:
        return {"key": self.key, "number": self.number, "amount": money_str(self.amount)}


@dataclass(frozen=True)
class SupplierFacts:
    """The contract's party as the supplier registry (procurement) holds it today."""

    id: str
    name: str
    credit_code: str
    accounts: tuple[str, ...]
    standing: str = "valid"


@dataclass(frozen=True)
class ApplicationFacts:
    """An approved matter application as a basis: its approved amount and what requests already took of it."""

    id: str
    no: str
    status: str
    unit: str
    budget_line_id: str
    amount: Decimal
    requested: Decimal  # by other live payment requests on it


# ── the gate: each check a pure function, each refusal naming its rule ──
def check_budget(decision: dict, amount: Decimal) -> None:
    if not decision.get("allowed"):
        raise refused(
            "budget_insufficient",
            f"预算指标 {decision.get('budget_line_id')} 可用 {decision.get('available')} 元"
            f"（其中本依据占用 {decision.get('covered', '0.00')} 元），本次 {money_str(amount)} 元",
            budget_line_id=decision.get("budget_line_id"),
            available=decision.get("available"),
            decided_by=decision.get("rule"),
        )


def check_payee(payee: Payee, supplier: SupplierFacts) -> None:
    """The payee is the contract's party, in good standing, paid to an account the registry holds today."""
    if not same_code(payee.credit_code, supplier.credit_code):
        raise refused(
            "payee_not_contract_party",
            f"收款人 {payee.name}（{payee.credit_code or '未填信用代码'}），"
            f"合同相对方 {supplier.name}（{supplier.credit_code}）",
            payee=payee.as_dict(),
            supplier_id=supplier.id,
            supplier_credit_code=supplier.credit_code,
        )
    if supplier.standing != "valid":
        raise refused(
            "supplier_not_in_good_standing",
            f"供应商 {supplier.name} 今日的状态为 {supplier.standing}",
            supplier_id=supplier.id,
            standing=supplier.standing,
        )
    if account_digits(payee.account_no) not in {account_digits(a) for a in supplier.accounts}:
        raise refused(
            "bank_account_not_registered",
            f"收款账号 {payee.account_no} 不是供应商 {supplier.name} 在供应商库中现行登记的账号"
            f"（现行登记 {len(supplier.accounts)} 个）",
            account_no=payee.account_no,
            supplier_id=supplier.id,
        )


def check_invoices(payee: Payee, invoices: Iterable[InvoiceFacts], amount: Decimal, *, required: bool) -> None:
    """Every invoice issued by the payee; a contract payment carries invoices covering its amount."""
    invoices = list(invoices)
    for i, inv in enumerate(invoices):
        if payee.credit_code and not same_code(inv.issuer_credit_code, payee.credit_code):
            raise refused(
                "invoice_issuer_not_payee",
                f"第 {i + 1} 张发票（{inv.number}）的销售方 {inv.issuer_credit_code}，收款人 {payee.credit_code}",
                invoice=inv.key,
                issuer_credit_code=inv.issuer_credit_code,
            )
    if not required:
        return
    if not invoices:
        raise refused("invoice_required", f"本次付款 {money_str(amount)} 元")
    total = sum((inv.amount for inv in invoices), ZERO)
    if total < amount:
        raise refused(
            "invoices_below_amount",
            f"发票合计 {money_str(total)} 元，本次付款 {money_str(amount)} 元",
            invoices=money_str(total),
            amount=money_str(amount),
        )


def check_application(app: ApplicationFacts, unit: str, amount: Decimal) -> None:
    if app.status not in ("approved",):
        raise refused("application_not_approved", f"事前申请 {app.no} 当前状态为 {app.status}", status=app.status)
    if app.unit != unit:
        raise refused("payment_unit_mismatch", f"事前申请 {app.no} 属于 {app.unit}，付款单位为 {unit}")
    if app.requested + amount > app.amount:
        raise refused(
            "payment_exceeds_application",
            f"事前申请 {app.no} 批准 {money_str(app.amount)} 元，已申请付款 {money_str(app.requested)} 元，"
            f"本次 {money_str(amount)} 元",
            approved=money_str(app.amount),
            requested=money_str(app.requested),
        )


@dataclass(frozen=True)
class ClaimFacts:
    """An approved expense claim as a basis: reimbursed to the claimant, up to its amount."""

    id: str
    no: str
    status: str
    settled: bool  # its budget moves on approval are done (the line holds its money under the claim)
    unit: str
    amount: Decimal
    requested: Decimal  # by other live payment requests on it


def check_claim(claim: ClaimFacts, unit: str, amount: Decimal, invoices: list[InvoiceFacts]) -> None:
    if claim.status != "approved":
        raise refused("claim_not_approved", f"报销单 {claim.no} 当前状态为 {claim.status}", status=claim.status)
    if not claim.settled:
        raise refused("claim_not_settled", f"报销单 {claim.no} 的预算结转尚未完成，请稍后再提交付款")
    if claim.unit != unit:
        raise refused("payment_unit_mismatch", f"报销单 {claim.no} 属于 {claim.unit}，付款单位为 {unit}")
    if invoices:  # the claim's invoices are registered with the claim: paying it uses them, never twice
        raise invalid("claim_invoices_on_claim", "invoices", "报销付款不再填写发票：发票已随报销单登记")
    if claim.requested + amount > claim.amount:
        raise refused(
            "payment_exceeds_claim",
            f"报销单 {claim.no} 金额 {money_str(claim.amount)} 元，已申请付款 {money_str(claim.requested)} 元，"
            f"本次 {money_str(amount)} 元",
            claimed=money_str(claim.amount),
            requested=money_str(claim.requested),
        )


def check_executor(executor: str, roles: Iterable[str], approvers: Iterable[str], document_no: str) -> None:
    """Only a cashier executes, and never one who approved this payment (the conflict matrix's pair)."""
    if CASHIER_ROLE not in set(roles):
        raise forbidden("not_cashier", f"{executor} 不是出纳，不能支付付款申请 {document_no}")
    for approver in approvers:
        conflict = conflicts.conflict_acting(executor, EXECUTOR, {APPROVER: approver})
        if conflict is not None:
            error = conflicts.refusal(conflict, executor, document_no)
            raise type(error)(
                error.code,
                f"不相容岗位相互分离：{executor} 审批了付款申请 {document_no}，不能再支付"
                "（规则：付款审批与付款执行分离）",
                {**error.details, "document_no": document_no},
            )


@dataclass
class PaymentRequest:
    id: str
    no: str
    org: str
    unit: str
    requester: str
    title: str
    amount: Decimal
    budget_line_id: str
    basis: Basis
    basis_id: str
    basis_no: str
    payee: Payee
    invoices: list[InvoiceFacts] = field(default_factory=list)
    contract_id: str | None = None
    milestone_no: int | None = None
    supplier_id: str | None = None
    status: Status = Status.SUBMITTED
    status_reason: str | None = None
    approvers: list[str] = field(default_factory=list)
    executed_on: date | None = None
    reference: str | None = None
    executor: str | None = None
    fiscal_year: int | None = None
    economic_class: str | None = None
    round: int = 1  # the approval round it is in: a resubmission after a return is the next

    @property
    def document(self) -> dict[str, str]:
        return {"type": DOCUMENT_TYPE, "id": self.id, "no": self.no}

    @property
    def subject(self) -> str:
        return f"{DOCUMENT_TYPE}/{self.id}"

    @property
    def basis_ref(self) -> dict[str, str]:
        return {"type": self.basis.value, "id": self.basis_id, "no": self.basis_no}

    @property
    def settles(self) -> dict[str, str]:
        """The document whose commitment (or pre-commitment) the payment settles on the line."""
        if self.basis is Basis.CONTRACT_MILESTONE:
            return {"type": "contract", "id": self.contract_id, "no": self.basis_no}
        return self.basis_ref

    def move_to(self, status: Status, reason: str | None = None) -> bool:
        if status == self.status:
            return False
        if status not in _ALLOWED.get(self.status, set()):
            raise refused(
                "invalid_status_transition",
                f"付款申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变为「{STATUS_LABELS[status]}」",
                **{"from": self.status.value, "to": status.value},
            )
        self.status, self.status_reason = status, reason
        return True

    def check_resubmittable(self, actor: str | None) -> None:
        """Only the requester resubmits, and only a request an approver returned (退回)."""
        if actor != self.requester:
            raise forbidden(
                "payment_not_requester", f"付款申请 {self.no} 的申请人为 {self.requester}", requester=self.requester
            )
        if self.status is not Status.RETURNED:
            raise refused(
                "payment_not_returned",
                f"付款申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」",
                status=self.status.value,
            )

    def resubmitted(self, previous: PaymentRequest) -> None:
        """This request (the gate's answer for the corrected one) takes the place of `previous`, returned, as
        its next round. Who approved an earlier round still may not execute it (付款审批 × 付款执行)."""
        self.round = previous.round + 1
        self.approvers = list(previous.approvers)
        self.status, self.status_reason = Status.SUBMITTED, None

    def approved_by(self, username: str) -> None:
        if username not in self.approvers:
            self.approvers.append(username)

    def check_executable(self) -> None:
        if self.status is not Status.APPROVED:
            raise refused(
                "payment_not_approved",
                f"付款申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」",
                status=self.status.value,
            )

    def execute(self, executor: str, on: date, reference: str) -> None:
        self.move_to(Status.EXECUTED)
        self.executor, self.executed_on, self.reference = executor, on, reference
