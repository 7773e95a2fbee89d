"""Spending documents (支出). For now the matter application (事前申请): permission to spend, which
pre-commits budget when submitted and is then approved or rejected, or returned to the applicant to correct
and resubmit (the pre-commitment stays reserved meanwhile). Pure: no I/O."""

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
    WITHDRAWN = "withdrawn"  # taken back by the applicant before any approver acted; like a return otherwise


STATUS_LABELS = {
    Status.RESERVING: "预算校验中",
    Status.REFUSED: "预算不足未提交",
    Status.SUBMITTED: "审批中",
    Status.APPROVED: "已批准",
    Status.REJECTED: "已驳回",
    Status.RETURNED: "已退回",
    Status.WITHDRAWN: "已撤回",
}

_ALLOWED = {
    Status.RESERVING: {Status.SUBMITTED, Status.REFUSED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED},
    Status.WITHDRAWN: {Status.SUBMITTED},
}


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

    def resubmit(self, actor: str | None, title: str | None = None, purpose: str | None = None) -> None:
        """The applicant corrects a returned (or withdrawn) application and sends it back into approval.

        Only the title and the purpose may change in this version: the amount and the budget line are what
        the pre-commitment was made for, and changing money needs the old pre-commitment released and a new
        one reserved (two budget moves that must stay consistent with this document), left for later."""
        if actor != self.applicant:
            raise Forbidden(
                "matter_application_not_applicant",
                f"只有申请人可以重新提交事前申请 {self.no}",
                {"applicant": self.applicant, "actor": actor or ""},
            )
        if self.status not in (Status.RETURNED, Status.WITHDRAWN):
            raise Conflict(
                "matter_application_not_returned",
                f"事前申请 {self.no} 当前为「{STATUS_LABELS[self.status]}」，只有已退回或已撤回的申请可以重新提交",
                {"status": self.status.value},
            )
        if title is not None:
            self.title = title
        if purpose is not None:
            self.purpose = purpose
        self.move_to(Status.SUBMITTED)
