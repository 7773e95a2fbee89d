"""Budget adjustments (预算调整): 调剂 (transfer) moves money from one line to another, 追加 (supplementary) adds
new money to a line. Either is a document that goes through approval before any amount changes. Pure.

While a transfer is in approval the money it takes is held on the from-line as a pre-commitment of the
adjustment document, so nobody can spend it meanwhile; approval applies it (the hold released, the from-line's
amount lowered, the to-line's raised, in one transaction), rejection releases the hold, a return keeps it, a
withdrawal (撤回, in approval or returned) releases it and a resubmission holds it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput
from ic_platform.money import money_str
from services.budget.domain.model import BudgetLine

DOCUMENT_TYPE = "budget_adjustment"
NO_PREFIX = "TZ"
BASIC_PROJECT_RULE = "基本支出与项目支出不得相互调剂"
EXPENDITURE_KIND_NAMES = {"basic": "基本支出", "project": "项目支出"}


class Kind(StrEnum):
    TRANSFER = "transfer"  # 调剂
    SUPPLEMENTARY = "supplementary"  # 追加


KIND_LABELS = {Kind.TRANSFER: "预算调剂", Kind.SUPPLEMENTARY: "预算追加"}


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # in approval; a transfer's money is held on the from-line
    RETURNED = "returned"  # sent back to the initiator; the hold is kept
    APPROVED = "approved"  # applied: the lines' amounts changed
    REJECTED = "rejected"  # the hold released
    WITHDRAWN = "withdrawn"  # taken back by the initiator (撤回); the hold released; may be resubmitted


STATUS_LABELS = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "审批中",
    Status.RETURNED: "已退回",
    Status.APPROVED: "已批准（已调整）",
    Status.REJECTED: "已驳回",
    Status.WITHDRAWN: "已撤回",
}
_ALLOWED = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.SUBMITTED},
}
RESUBMITTABLE = (Status.RETURNED, Status.WITHDRAWN)
OPEN = (Status.SUBMITTED, Status.RETURNED)  # still holding money, or about to apply


@dataclass(frozen=True)
class CrossKindRules:
    """Which basic↔project transfers a fiscal year allows, as data: (fiscal_year, from_kind, to_kind).
    None by default: the rule 基本支出与项目支出不得相互调剂 holds unless configured otherwise."""

    allowed: frozenset[tuple[int, str, str]] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> CrossKindRules:
        """`IC_BUDGET_CROSS_KIND_TRANSFERS`, e.g. "2026:basic>project, 2027:project>basic"."""
        allowed = set()
        for part in (text or "").replace("，", ",").split(","):
            if not part.strip():
                continue
            try:
                year, kinds = part.strip().split(":", 1)
                source, target = (k.strip() for k in kinds.split(">", 1))
                if {source, target} != {"basic", "project"}:
                    raise ValueError
                allowed.add((int(year), source, target))
            except ValueError:
                raise ValueError(f"bad cross-kind transfer rule {part!r}: want YEAR:basic>project") from None
        return cls(frozenset(allowed))

    def allows(self, fiscal_year: int, source: str, target: str) -> bool:
        return source == target or (fiscal_year, source, target) in self.allowed


def refused(rule: str, message: str, **details: Any) -> DomainError:
    return Conflict("budget_adjustment_refused", message, {"rule": rule, **details})


def check_amount(amount: Decimal) -> None:
    if amount <= 0:
        raise InvalidInput(
            "invalid_input",
            "输入有误：amount: 金额必须大于零",
            {"fields": [{"field": "amount", "reason": "金额必须大于零"}]},
        )


def check_open(line: BudgetLine, role: str) -> None:
    if line.closed:
        raise refused("line_closed", f"{role}预算指标 {line.id} 所属年度已结账，不能调整", budget_line_id=line.id)


def check_transfer(source: BudgetLine, target: BudgetLine, amount: Decimal, rules: CrossKindRules) -> None:
    """May `amount` move from `source` to `target`? Raises the first rule broken; the last check (money)
    must be made under the from-line's lock."""
    check_amount(amount)
    if source.id == target.id:
        raise refused("same_line", "调出与调入的预算指标不能相同", budget_line_id=source.id)
    if source.org != target.org:
        raise refused("other_org", "不能在不同街道之间调剂预算")
    if source.fiscal_year != target.fiscal_year:
        raise refused(
            "other_fiscal_year",
            f"调出指标属于 {source.fiscal_year} 年度，调入指标属于 {target.fiscal_year} 年度，不能跨年度调剂",
            from_fiscal_year=source.fiscal_year,
            to_fiscal_year=target.fiscal_year,
        )
    check_open(source, "调出")
    check_open(target, "调入")
    if not rules.allows(source.fiscal_year, source.expenditure_kind, target.expenditure_kind):
        raise refused(
            "basic_project_transfer",
            f"{BASIC_PROJECT_RULE}：调出指标为"
            f"{EXPENDITURE_KIND_NAMES.get(source.expenditure_kind, source.expenditure_kind)}，调入指标为"
            f"{EXPENDITURE_KIND_NAMES.get(target.expenditure_kind, target.expenditure_kind)}",
            rule_name=BASIC_PROJECT_RULE,
            from_kind=source.expenditure_kind,
            to_kind=target.expenditure_kind,
        )
    check_available(source, amount)


def check_available(source: BudgetLine, amount: Decimal) -> None:
    """A transfer takes only money nobody has reserved: never more than the from-line's available balance,
    whatever its control mode (warn and tolerance let spending exceed a line, not a transfer empty it)."""
    if amount > source.available:
        raise refused(
            "transfer_exceeds_available",
            f"调剂金额 {money_str(amount)} 元超过调出指标 {source.id} 的可用余额 {money_str(source.available)} 元",
            budget_line_id=source.id,
            requested=money_str(amount),
            available=money_str(source.available),
        )


def check_supplementary(target: BudgetLine, amount: Decimal, fund_source: str | None) -> None:
    check_amount(amount)
    if not fund_source:
        raise InvalidInput(
            "invalid_input",
            "输入有误：fund_source: 追加预算必须注明资金来源",
            {"fields": [{"field": "fund_source", "reason": "追加预算必须注明资金来源"}]},
        )
    check_open(target, "追加")


@dataclass
class Adjustment:
    id: str
    no: str
    org: str
    kind: Kind
    fiscal_year: int
    to_line_id: str
    amount: Decimal
    reason: str
    initiator: str
    unit: str
    from_line_id: str | None = None
    fund_source: str | None = None
    status: Status = Status.DRAFT
    status_reason: str | None = None
    amounts: dict[str, Any] | None = None  # before/after per line, once applied
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def document(self) -> DocumentRef:
        return DocumentRef(DOCUMENT_TYPE, self.id, self.no)

    @property
    def title(self) -> str:
        if self.kind is Kind.TRANSFER:
            return f"{KIND_LABELS[self.kind]}：{self.from_line_id} → {self.to_line_id}"
        return f"{KIND_LABELS[self.kind]}：{self.to_line_id}"

    def move_to(self, status: Status, reason: str | None = None) -> bool:
        """False when already there (a redelivered event); Conflict when the change is not allowed."""
        if status == self.status:
            return False
        if status not in _ALLOWED.get(self.status, set()):
            raise Conflict(
                "invalid_status_transition",
                f"预算调整单 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变为「{STATUS_LABELS[status]}」",
                {"from": self.status.value, "to": status.value},
            )
        self.status, self.status_reason = status, reason
        return True

    def check_initiator(self, actor: str | None, action: str) -> None:
        if actor != self.initiator:
            raise Forbidden(
                "budget_adjustment_not_initiator",
                f"只有发起人可以{action}预算调整单 {self.no}",
                {"initiator": self.initiator, "actor": actor or ""},
            )


def amounts_record(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, dict[str, str]]:
    """Each changed line's amount before and after, as the `budget.adjusted` event carries them."""
    return {
        line_id: {"before": money_str(before[line_id]), "after": money_str(after[line_id])}
        for line_id in sorted(before)
    }


# The budget service's own documents that go through approval; the ledger's generic approval handler leaves
# them to their own handlers (service_layer/control_events.py).
BUDGET_DOCUMENT_TYPES = frozenset({DOCUMENT_TYPE, "budget_override", "fiscal_year_reopen"})
