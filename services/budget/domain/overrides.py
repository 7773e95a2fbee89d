"""Over-budget overrides (超预算审批). Pure.

When a line refuses a reservation for want of money, the applicant may ask that one document be allowed over
the line by a stated amount. The request goes through approval and is recorded. Once approved it may be used
once, by that document, on that line, before it expires, for at most the approved amount over the line's
available balance; the move it allows names it. Anything else (not approved, expired, used, another document
or line, more than granted) and the override does nothing: the refusal stands."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict
from ic_platform.money import money_str
from services.budget.domain.model import FundsDecision

DOCUMENT_TYPE = "budget_override"
NO_PREFIX = "CY"
RULE = "budget_override"
DEFAULT_TTL = timedelta(days=30)


class Status(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"  # may be used, once, until it expires
    REJECTED = "rejected"
    USED = "used"
    WITHDRAWN = "withdrawn"  # taken back by the initiator (撤回); never applies; a new request says it better


STATUS_LABELS = {
    Status.SUBMITTED: "审批中",
    Status.RETURNED: "已退回",
    Status.APPROVED: "已批准（未使用）",
    Status.REJECTED: "已驳回",
    Status.USED: "已使用",
    Status.WITHDRAWN: "已撤回",
}
_ALLOWED = {
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.WITHDRAWN},
    Status.APPROVED: {Status.USED},
}


@dataclass
class Override:
    id: str
    no: str
    org: str
    budget_line_id: str
    document: DocumentRef  # the document allowed over the line
    amount: Decimal  # at most this much over the line's available balance
    reason: str
    initiator: str
    unit: str
    status: Status = Status.SUBMITTED
    status_reason: str | None = None
    expires_at: datetime | None = None
    used_amount: Decimal | None = None
    used_step: str | None = None
    used_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def own_document(self) -> DocumentRef:
        return DocumentRef(DOCUMENT_TYPE, self.id, self.no)

    @property
    def label(self) -> str:
        return f"超预算审批 {self.no}"

    def move_to(self, status: Status, reason: str | None = None) -> bool:
        if status == self.status:
            return False
        if status not in _ALLOWED.get(self.status, set()):
            raise Conflict(
                "invalid_status_transition",
                f"超预算审批单 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变为「{STATUS_LABELS[status]}」",
                {"from": self.status.value, "to": status.value},
            )
        self.status, self.status_reason = status, reason
        return True

    def approve(self, now: datetime, ttl: timedelta = DEFAULT_TTL) -> bool:
        changed = self.move_to(Status.APPROVED)
        if changed:
            self.expires_at = now + ttl
        return changed

    def why_not(self, line_id: str, document: DocumentRef, now: datetime) -> str | None:
        """Why this override cannot serve this move, in Chinese; None when it can."""
        if self.status is Status.USED:
            return f"{self.label} 已使用过"
        if self.status is not Status.APPROVED:
            return f"{self.label} 未获批准（{STATUS_LABELS[self.status]}）"
        if self.expires_at is not None and now >= self.expires_at:
            return f"{self.label} 已过期"
        if self.budget_line_id != line_id:
            return f"{self.label} 不是针对预算指标 {line_id} 的"
        if not self.document.same_document(document):
            return f"{self.label} 不是针对单据 {document.no or document.id} 的"
        return None

    def grant(self, decision: FundsDecision) -> FundsDecision | None:
        """The refused decision turned into an allowed one, if the shortfall is within the approved amount.
        `overrun` (requested − available) is what the line must be allowed over."""
        if decision.rule == "fiscal_year_closed":
            return None  # a closed year takes no postings at all, approved overrun or not
        overrun = decision.requested - decision.available
        if overrun <= 0 or overrun > self.amount:
            return None
        return replace(
            decision,
            allowed=True,
            rule=RULE,
            warning=f"{self.label}：准予超出可用余额 {money_str(overrun)} 元（批准上限 {money_str(self.amount)} 元）",
        )

    def use(self, overrun: Decimal, step: str, now: datetime) -> None:
        """Once: a used override cannot be used again (moving to used twice is refused, not a no-op)."""
        if self.status is not Status.APPROVED:
            raise Conflict(
                "budget_override_not_usable",
                f"{self.label} 当前为「{STATUS_LABELS[self.status]}」，不能使用",
                {"status": self.status.value},
            )
        self.move_to(Status.USED)
        self.used_amount, self.used_step, self.used_at = overrun, step, now
