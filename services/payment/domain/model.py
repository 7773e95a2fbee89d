"""Spending documents (支出). For now the matter application (事前申请): permission to spend, which
pre-commits budget when submitted and is then approved or rejected, or returned to the applicant to correct
and resubmit (the pre-commitment stays reserved meanwhile). Withdrawn (撤回), it holds nothing and a
resubmission reserves again; one no longer wanted is cancelled (作废) and one approved but finished is closed
(结项): both give back what is still pre-committed. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from ic_platform.errors import Conflict, Forbidden

DOCUMENT_TYPE = "matter_application"


class Status(StrEnum):
    RESERVING = "reserving"  # stored, budget not yet answered (a crash here is redriven)
    REFUSED = "refused"  # the budget service said no; nothing is reserved
    SUBMITTED = "submitted"  # budget pre-committed, in approval
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"  # sent back by an approver to correct; budget still pre-committed; may be resubmitted
    WITHDRAWN = "withdrawn"  # taken back by the applicant (撤回): the pre-commitment released; may be resubmitted
    CANCELLED = "cancelled"  # 作废: given up before approval; nothing stays reserved; final
    CLOSED = "closed"  # 结项: approved, the matter finished; the unspent remainder released; final


STATUS_LABELS = {
    Status.RESERVING: "预算校验中",
    Status.REFUSED: "预算不足未提交",
    Status.SUBMITTED: "审批中",
    Status.APPROVED: "已批准",
    Status.REJECTED: "已驳回",
    Status.RETURNED: "已退回",
    Status.WITHDRAWN: "已撤回",
    Status.CANCELLED: "已作废",
    Status.CLOSED: "已结项",
}
# Given up (作废) from here: nothing is in approval and no approver's decision is undone.
CANCELLABLE = (Status.WITHDRAWN, Status.RETURNED, Status.REFUSED)
# Sent into approval again from here; from withdrawn or refused the budget is reserved again first.
RESUBMITTABLE = (Status.RETURNED, Status.WITHDRAWN, Status.REFUSED)

_ALLOWED = {
    Status.RESERVING: {Status.SUBMITTED, Status.REFUSED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN, Status.CANCELLED},
    Status.WITHDRAWN: {Status.RESERVING, Status.CANCELLED},
    Status.REFUSED: {Status.RESERVING, Status.CANCELLED},
    Status.APPROVED: {Status.CLOSED},
}
FINANCE_ROLES = frozenset({"finance_reviewer", "admin"})


@dataclass
class MatterApplication:
    id: str
    no: str
    org: str
    title: str
    purpose: str
    unit: str
    applicant: str
    budget_line_id: str
    amount: Decimal
    major_matter: bool = False
    status: Status = Status.RESERVING
    status_reason: str | None = None
    reservation: int = 1  # how many times budget was asked to pre-commit for it (each ask is its own step)
    routed: bool = False  # approval has a route for it (a resubmission starts a new round, not a first one)
    override_id: str | None = None  # the approved 超预算审批 its latest reservation may use
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def document(self) -> dict[str, str]:
        return {"type": DOCUMENT_TYPE, "id": self.id, "no": self.no}

    @property
    def subject(self) -> str:
        return f"{DOCUMENT_TYPE}/{self.id}"

    def move_to(self, status: Status, reason: str | None = None) -> bool:
        """Advance the status; False when already there (a redelivered event), Conflict when not allowed."""
        if status == self.status:
            return False
        if status not in _ALLOWED.get(self.status, set()):
            now, then = STATUS_LABELS[self.status], STATUS_LABELS[status]
            raise Conflict(
                "invalid_status_transition",
                f"事前申请 {self.no} 当前为「{now}」，不能变为「{then}」",
                {"from": self.status.value, "to": status.value},
            )
        self.status, self.status_reason = status, reason
        return True

    @property
    def reserve_step(self) -> str:
        """The ledger step of the current reservation: the first is `submit`, as before resubmissions reserved."""
        return "submit" if self.reservation == 1 else f"submit:{self.reservation}"

    def resubmit(
        self, actor: str | None, title: str | None = None, purpose: str | None = None, override_id: str | None = None
    ) -> bool:
        """The applicant corrects a returned, withdrawn or refused application and sends it back. True when the
        budget must be asked again first (withdrawn or refused: it holds nothing), which it becomes `reserving`
        for; a returned one still holds its pre-commitment and goes straight back into approval.

        Only the title and the purpose may change: the amount and the budget line are what the pre-commitment is
        for. A refused one may name an approved over-budget override (超预算审批) for its new reservation."""
        self._check_applicant(actor, "重新提交")
        if self.status not in RESUBMITTABLE:
            raise Conflict(
                "matter_application_not_returned",
                f"事前申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，"
                "只有已退回、已撤回或预算不足未提交的申请可以重新提交",
                {"status": self.status.value},
            )
        if title is not None:
            self.title = title
        if purpose is not None:
            self.purpose = purpose
        if self.status is Status.RETURNED:
            self.move_to(Status.SUBMITTED)
            return False
        self.reservation += 1
        self.override_id = override_id or self.override_id
        self.move_to(Status.RESERVING)
        return True

    def cancel(self, actor: str | None, reason: str) -> None:
        """作废: the applicant gives up an application that is not in approval (withdrawn, returned, refused)."""
        self._check_applicant(actor, "作废")
        if self.status not in CANCELLABLE:
            raise Conflict(
                "matter_application_not_cancellable",
                f"事前申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，只有已撤回、已退回或预算不足未提交的申请"
                "可以作废（审批中的请先撤回；已批准的请结项）",
                {"status": self.status.value, "allowed": [s.value for s in CANCELLABLE]},
            )
        self.move_to(Status.CANCELLED, reason)

    def close(self, actor: str | None, roles: frozenset[str] | set[str], reason: str) -> None:
        """结项: an approved matter is finished; its applicant or finance closes it."""
        if actor != self.applicant and not (FINANCE_ROLES & set(roles)):
            raise Forbidden(
                "matter_application_not_applicant",
                f"只有申请人或财务审核人员可以结项事前申请 {self.no}",
                {"applicant": self.applicant, "actor": actor or ""},
            )
        if self.status is not Status.APPROVED:
            raise Conflict(
                "matter_application_not_closable",
                f"事前申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，只有已批准的申请可以结项",
                {"status": self.status.value},
            )
        self.move_to(Status.CLOSED, reason)

    def _check_applicant(self, actor: str | None, action: str) -> None:
        if actor != self.applicant:
            raise Forbidden(
                "matter_application_not_applicant",
                f"只有申请人可以{action}事前申请 {self.no}",
                {"applicant": self.applicant, "actor": actor or ""},
            )
