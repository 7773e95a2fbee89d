"""越权审批 (approver above their authority): an approval granted by people whose authority does not cover the
document. Pure: the approving decisions of the round (as `approval.completed` tells them), the office's
authority table (the rule's parameters, effective-dated data) and, for a major matter, whether its project was
decided collectively, in; a warning draft out.

Approval routes each document to the authority its process definition names (分级授权, approval's
`definitions.py`); this rule is the second line, judging the decision actually taken against the office's
authority table as the inspectors keep it (授权审批额度 per position). It catches a definition out of step with
the table, a table tightened from a day on, a delegate's or reassigned approval that left the document with less
authority than it needed, and a major matter (三重一大) approved without the deciding body's collective decision.

- The authorities that grant (审批权限): 部门负责人 (`unit_head`) below `unit_head_limit`, 分管领导
  (`leader_in_charge`) below `leader_in_charge_limit`, 主要领导 (`principal`) any amount but a major matter's
  collective decision, 集体决策 (`collective_decision`, a meeting's record) any amount. A review (财务审核,
  财务纪检会签) checks; it does not grant. A delegate (代理) approves in the capacity of the person they act for:
  the delegation is the authorisation, the evidence names it.
- A major matter: approval's route said so (ticked, or a 三重一大认定规则), or the amount reaches
  `major_matter_amount`. It must have been decided at a meeting: in this round, or on an earlier document of its
  project (the matter was decided once; its contract and payments carry it out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.risk.domain.rules import Rule, Severity, WarningDraft

AUTHORITY_LABELS = {
    "unit_head": "部门负责人",
    "leader_in_charge": "分管领导",
    "principal": "主要领导",
    "collective_decision": "集体决策",
    "finance_review": "财务审核",
    "finance_inspection": "财务、纪检会签",
}
# The authorities that grant an approval, and the parameter holding each one's limit (None: no amount limit).
GRANTING: dict[str, str | None] = {
    "unit_head": "unit_head_limit",
    "leader_in_charge": "leader_in_charge_limit",
    "principal": None,
    "collective_decision": None,
}
AMOUNT_ABOVE_AUTHORITY = "amount_above_authority"
MAJOR_WITHOUT_COLLECTIVE_DECISION = "major_without_collective_decision"


@dataclass(frozen=True)
class Approval:
    """One approving decision of the round: at which step, in which capacity, by whom."""

    step_no: int
    step_name: str
    authority: str
    decided_by: str
    by_meeting: bool = False
    acting_for: str | None = None

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> Approval:
        return cls(
            int(item["step_no"]),
            item["step_name"],
            item["authority"],
            item["decided_by"],
            bool(item.get("by_meeting")),
            item.get("acting_for"),
        )

    @property
    def capacity(self) -> str:
        """A decision recorded from a meeting is the deciding body's, whoever entered it."""
        return "collective_decision" if self.by_meeting else self.authority

    @property
    def label(self) -> str:
        return AUTHORITY_LABELS.get(self.capacity, self.capacity)

    @property
    def who(self) -> str:
        return f"{self.decided_by}（代 {self.acting_for}）" if self.acting_for else self.decided_by


@dataclass(frozen=True)
class AuthorityTable:
    """授权审批额度 (the rule's parameters in force on the day of the decision)."""

    unit_head_limit: Decimal
    leader_in_charge_limit: Decimal
    major_matter_amount: Decimal

    @classmethod
    def of(cls, values: Mapping[str, str]) -> AuthorityTable:
        return cls(*(Decimal(values[n]) for n in ("unit_head_limit", "leader_in_charge_limit", "major_matter_amount")))

    def grants(self, approval: Approval) -> bool:
        return approval.capacity in GRANTING

    def limit(self, approval: Approval) -> Decimal | None:
        """The amount from which the approval's capacity no longer covers a document (None: no limit)."""
        name = GRANTING[approval.capacity]
        return getattr(self, name) if name else None

    def is_major(self, amount: Decimal, major_matter: bool) -> bool:
        return major_matter or amount >= self.major_matter_amount


def needs_collective_decision(
    amount: Decimal, major_matter: bool, approvals: Iterable[Approval], table: AuthorityTable
) -> bool:
    """Whether the matter's collective decision must be looked for beyond this round (the project)."""
    return table.is_major(amount, major_matter) and not any(a.by_meeting for a in approvals)


def highest(approvals: Sequence[Approval], table: AuthorityTable) -> Approval | None:
    """The approving decision of the widest authority (no limit above any limit), None when none grants."""
    granting = [a for a in approvals if table.grants(a)]
    if not granting:
        return None
    return max(granting, key=lambda a: (table.limit(a) is None, table.limit(a) or Decimal("0")))


def approver_above_authority(
    document: DocumentRef,
    amount: Decimal,
    approvals: Sequence[Approval],
    table: AuthorityTable,
    *,
    major_matter: bool = False,
    major_reasons: Sequence[str] = (),
    project_decision: Mapping[str, Any] | None = None,
) -> WarningDraft | None:
    """High, on the approved document: no approving decision's authority covers its amount, or it is a major
    matter decided neither at a meeting in this round nor on an earlier document of its project. None when the
    event names no approval (an approval completed before approval told who approved: not judged)."""
    if not approvals:
        return None
    top = highest(approvals, table)
    limit = table.limit(top) if top is not None else None
    above = top is None or (limit is not None and amount >= limit)  # only reviews approved: nobody granted it
    major = table.is_major(amount, major_matter)
    collective = any(a.by_meeting for a in approvals)
    unmet = major and not collective and project_decision is None
    if not above and not unmet:
        return None
    reasons = list(major_reasons)
    if amount >= table.major_matter_amount:
        reasons.append(f"大额资金（金额 ≥ {table.major_matter_amount:,.2f} 元）")
    breaches = [
        b for b, holds in ((AMOUNT_ABOVE_AUTHORITY, above), (MAJOR_WITHOUT_COLLECTIVE_DECISION, unmet)) if holds
    ]
    return WarningDraft(
        document,
        Rule.APPROVER_ABOVE_AUTHORITY,
        Severity.HIGH,
        "；".join(_message(b, amount, top, limit, reasons, approvals) for b in breaches),
        {
            "breaches": breaches,
            "amount": money_str(amount),
            "approvals": [_approval_view(a, table) for a in approvals],
            "highest_authority": top.capacity if top else None,
            "highest_limit": money_str(limit) if limit is not None else None,
            "major_matter": major,
            "major_reasons": reasons,
            "collective_decision": collective,
            "project_collective_decision": dict(project_decision) if project_decision else None,
            "unit_head_limit": money_str(table.unit_head_limit),
            "leader_in_charge_limit": money_str(table.leader_in_charge_limit),
            "major_matter_amount": money_str(table.major_matter_amount),
        },
    )


def _message(
    breach: str,
    amount: Decimal,
    top: Approval | None,
    limit: Decimal | None,
    reasons: Sequence[str],
    approvals: Sequence[Approval],
) -> str:
    if breach == AMOUNT_ABOVE_AUTHORITY:
        if top is None:
            names = "、".join(f"{a.label} {a.who}" for a in approvals)
            return f"越权审批：金额 {amount:,.2f} 元的单据仅经审核（{names}），无审批权限人同意"
        return (
            f"越权审批：金额 {amount:,.2f} 元达到{top.label}授权审批额度 {limit:,.2f} 元，"
            f"最高仅由{top.label} {top.who} 审批通过"
        )
    deciders = "、".join(f"{a.label} {a.who}" for a in approvals if a.capacity in GRANTING) or "审核人"
    return f"三重一大事项（{'；'.join(reasons) or '申请人认定'}）未经集体决策（无会议记录），由{deciders}审批通过"


def _approval_view(approval: Approval, table: AuthorityTable) -> dict[str, Any]:
    grants = table.grants(approval)
    limit = table.limit(approval) if grants else None
    return {
        "step_no": approval.step_no,
        "step_name": approval.step_name,
        "authority": approval.capacity,
        "authority_label": approval.label,
        "decided_by": approval.decided_by,
        "acting_for": approval.acting_for,
        "by_meeting": approval.by_meeting,
        "grants": grants,
        "limit": money_str(limit) if limit is not None else None,
    }


# ── the rule book's entry (domain/rule_book.py adds it) ──
def _consistent(values: dict[str, str]) -> str | None:
    """A higher position never has less authority. (A major-matter amount below a limit is allowed: the
    collective decision is then needed first.)"""
    if Decimal(values["unit_head_limit"]) > Decimal(values["leader_in_charge_limit"]):
        return "授权审批额度须逐级不减：部门负责人额度不能高于分管领导额度"
    return None


def definitions() -> tuple:
    from services.risk.domain.rule_book import Parameter, RuleDefinition

    return (
        RuleDefinition(
            Rule.APPROVER_ABOVE_AUTHORITY,
            "越权审批",
            Severity.HIGH,
            "审批通过时（approval.completed），本轮同意的审批人中权限最高者的授权审批额度不覆盖单据金额（部门负责人"
            "达到 unit_head_limit 元、分管领导达到 leader_in_charge_limit 元即超出；主要领导、集体决策不限额；"
            "财务审核、会签只是审核，不授予审批权限），或单据为三重一大事项（审批认定，或金额达到 "
            "major_matter_amount 元）而本轮未经集体决策（无会议记录），其所属项目（关联查询）此前也没有集体决策："
            "预警提在该单据上。代理人按被代理人的岗位计。审批完成后判断，不阻止审批。",
            {
                "breaches": "违反情形（amount_above_authority 金额超出权限 / major_without_collective_decision "
                "三重一大未经集体决策）",
                "amount": "单据金额（分拨所依据的金额）",
                "approvals": "本轮各同意决定（节点、权限、审批人、代理、是否会议决定、是否授予审批权限、额度）",
                "highest_authority": "权限最高的审批人岗位",
                "highest_limit": "其授权审批额度（空：不限额）",
                "major_matter": "是否三重一大",
                "major_reasons": "认定为三重一大的理由",
                "collective_decision": "本轮是否经集体决策",
                "project_collective_decision": "所属项目此前的集体决策（单据、节点、时间；空：无）",
                "unit_head_limit": "所用部门负责人额度",
                "leader_in_charge_limit": "所用分管领导额度",
                "major_matter_amount": "所用三重一大大额资金起点",
            },
            (
                Parameter(
                    "unit_head_limit",
                    "部门负责人授权审批额度（元）：金额达到此数即超出其权限",
                    "money",
                    "50000.00",
                    demo=True,
                ),
                Parameter(
                    "leader_in_charge_limit",
                    "分管领导授权审批额度（元）：金额达到此数即超出其权限",
                    "money",
                    "200000.00",
                    demo=True,
                ),
                Parameter(
                    "major_matter_amount",
                    "三重一大大额资金起点（元）：金额达到此数须集体决策",
                    "money",
                    "500000.00",
                    demo=True,
                ),
            ),
            _consistent,
        ),
    )
