"""Risk warnings (风险预警): the rules that look at what the dossier hears and name a risk on a document.
Pure: facts in, a warning draft (or None) out; storing, deduplicating and publishing are the service layer's.

A warning is raised once per (document, rule): a rule that holds again for the same document adds nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}
SEVERITY_LABELS = {Severity.LOW: "低", Severity.MEDIUM: "中", Severity.HIGH: "高"}


class Rule(StrEnum):
    SPLIT_PURCHASE = "split_purchase"  # 拆分采购（化整为零）
    BUDGET_NEARLY_EXHAUSTED = "budget_nearly_exhausted"  # 预算指标即将用尽
    CONTRACT_SUPPLIER_NOT_AWARDED = "contract_supplier_not_awarded"  # 合同相对方与中标供应商不一致
    CONTRACT_ABOVE_AWARD = "contract_above_award"  # 合同金额超过中标金额
    CONTRACT_WITHOUT_PROCUREMENT = "contract_without_procurement"  # 合同无已完成的采购
    CONTRACT_SIGNED_BEFORE_AWARD = "contract_signed_before_award"  # 合同签订早于中标通知
    JUST_BELOW_THRESHOLD = "just_below_threshold"  # 采购金额略低于采购方式限额
    SUPPLIER_CONCENTRATION = "supplier_concentration"  # 供应商集中度过高
    # splitting and thresholds (domain/splitting.py)
    SPLIT_ACROSS_LINES = "split_across_lines"  # 疑似跨指标拆分采购
    SPLIT_SMALL_PARTS = "split_small_parts"  # 疑似化整为零（多笔小额）
    JUST_BELOW_APPROVAL_THRESHOLD = "just_below_approval_threshold"  # 申请金额略低于审批限额
    METHOD_DOWNGRADE = "method_downgrade"  # 采购方式降级
    # payments (domain/payments.py)
    PAYMENT_BEYOND_CONTRACT = "payment_beyond_contract"  # 付款超过合同金额
    PAYMENT_BEFORE_ACCEPTANCE = "payment_before_acceptance"  # 验收前付款
    PAYMENT_BEFORE_SIGNING = "payment_before_signing"  # 合同签订前付款
    PAYEE_NOT_SUPPLIER = "payee_not_supplier"  # 收款人不是合同供应商
    BANK_ACCOUNT_RECENTLY_CHANGED = "bank_account_recently_changed"  # 付款至新近变更的银行账户
    DUPLICATE_PAYMENT = "duplicate_payment"  # 重复付款
    NEAR_DUPLICATE_PAYMENT = "near_duplicate_payment"  # 疑似重复付款
    CLAIM_ABOVE_APPLICATION = "claim_above_application"  # 报销远超事前申请
    # suppliers and contracts (domain/suppliers.py)
    SINGLE_SOURCE_OVERUSE = "single_source_overuse"  # 单一来源采购偏多
    CHANGE_ORDER_INFLATION = "change_order_inflation"  # 合同变更异常
    OVERDUE_MILESTONE = "overdue_milestone"  # 合同付款节点逾期
    LAPSED_CONTRACT = "lapsed_contract"  # 合同到期后仍在履行或付款
    # behaviour (domain/behaviour.py)
    OFF_HOURS = "off_hours"  # 非工作时间审批或付款
    ROUND_AMOUNT = "round_amount"  # 整数金额
    YEAR_END_SPIKE = "year_end_spike"  # 年底突击花钱
    BENFORD = "benford"  # 付款金额首位数字不符合本福特定律
    APPROVER_ABOVE_AUTHORITY = "approver_above_authority"  # 越权审批 (domain/authority.py)
    EXPENDITURE_STANDARD_EXCEEDED = "expenditure_standard_exceeded"  # 报销超出支出标准（预警类）
    TRAVEL_CLASS_EXCEEDED = "travel_class_exceeded"  # 差旅交通工具超等级


RULE_LABELS = {
    Rule.SPLIT_PURCHASE: "疑似拆分采购（化整为零）",
    Rule.BUDGET_NEARLY_EXHAUSTED: "预算指标即将用尽",
    Rule.CONTRACT_SUPPLIER_NOT_AWARDED: "合同相对方与中标供应商不一致",
    Rule.CONTRACT_ABOVE_AWARD: "合同金额超过中标金额",
    Rule.CONTRACT_WITHOUT_PROCUREMENT: "合同无已完成的采购",
    Rule.CONTRACT_SIGNED_BEFORE_AWARD: "合同签订早于中标通知",
    Rule.JUST_BELOW_THRESHOLD: "采购金额略低于采购方式限额",
    Rule.SUPPLIER_CONCENTRATION: "供应商集中度过高",
    Rule.SPLIT_ACROSS_LINES: "疑似跨指标拆分采购",
    Rule.SPLIT_SMALL_PARTS: "疑似化整为零（多笔小额）",
    Rule.JUST_BELOW_APPROVAL_THRESHOLD: "申请金额略低于审批限额",
    Rule.METHOD_DOWNGRADE: "采购方式降级",
    Rule.PAYMENT_BEYOND_CONTRACT: "付款超过合同金额",
    Rule.PAYMENT_BEFORE_ACCEPTANCE: "验收前付款",
    Rule.PAYMENT_BEFORE_SIGNING: "合同签订前付款",
    Rule.PAYEE_NOT_SUPPLIER: "收款人不是合同供应商",
    Rule.BANK_ACCOUNT_RECENTLY_CHANGED: "付款至新近变更的银行账户",
    Rule.DUPLICATE_PAYMENT: "重复付款",
    Rule.NEAR_DUPLICATE_PAYMENT: "疑似重复付款",
    Rule.CLAIM_ABOVE_APPLICATION: "报销远超事前申请",
    Rule.SINGLE_SOURCE_OVERUSE: "单一来源采购偏多",
    Rule.CHANGE_ORDER_INFLATION: "合同变更异常（加价、频繁、加价并延期）",
    Rule.OVERDUE_MILESTONE: "合同付款节点逾期",
    Rule.LAPSED_CONTRACT: "合同到期后仍在履行或付款",
    Rule.OFF_HOURS: "非工作时间审批或付款",
    Rule.ROUND_AMOUNT: "整数金额",
    Rule.YEAR_END_SPIKE: "年底突击花钱",
    Rule.BENFORD: "付款金额首位数字不符合本福特定律",
    Rule.APPROVER_ABOVE_AUTHORITY: "越权审批",
    Rule.EXPENDITURE_STANDARD_EXCEEDED: "报销超出支出标准",
    Rule.TRAVEL_CLASS_EXCEEDED: "差旅交通工具超等级",
}
# The rules a producer's policy let through and carried on a submission as `flags` (an expense claim's): each
# becomes a warning of the same name on the document.
FLAG_RULES = (Rule.EXPENDITURE_STANDARD_EXCEEDED, Rule.TRAVEL_CLASS_EXCEEDED)


@dataclass(frozen=True)
class WarningDraft:
    document: DocumentRef
    rule: Rule
    severity: Severity
    message: str  # Chinese, what the approver reads
    evidence: dict[str, Any] = field(default_factory=dict)


# ── 预算指标即将用尽 ──
NEARLY_EXHAUSTED_LEVEL = 95


@dataclass(frozen=True)
class Crossing:
    """A budget line's consumption crossed a warning level (budget.threshold_crossed)."""

    budget_line_id: str
    level: int
    rate: str  # percent, two places, as the event carries it
    consumed: Decimal
    amount: Decimal


def budget_nearly_exhausted(
    crossing: Crossing, document: DocumentRef, level: int = NEARLY_EXHAUSTED_LEVEL
) -> WarningDraft | None:
    """A medium warning on the document whose move took its line across `level` percent."""
    if crossing.level < level:
        return None
    left = crossing.amount - crossing.consumed
    message = (
        f"预算指标 {crossing.budget_line_id} 已使用 {crossing.rate}%（越过 {crossing.level}% 预警线），"
        f"剩余 {left:,.2f} 元，本单据是越线的原因"
    )
    return WarningDraft(
        document,
        Rule.BUDGET_NEARLY_EXHAUSTED,
        Severity.MEDIUM,
        message,
        {
            "budget_line_id": crossing.budget_line_id,
            "level": crossing.level,
            "warning_level": level,
            "rate": crossing.rate,
            "consumed": money_str(crossing.consumed),
            "amount": money_str(crossing.amount),
            "remaining": money_str(left),
        },
    )


# ── a submission's own flags (报销超标、交通工具超等级) ──
def flagged(document: DocumentRef, flags: list[dict[str, Any]], rule: Rule) -> WarningDraft | None:
    """The flags of one rule carried on a submission, as one warning: the highest severity among them, every
    message, and the flags themselves as evidence (figures, the standard cited)."""
    mine = [f for f in flags if f.get("rule") == rule.value]
    if not mine:
        return None
    severity = max((Severity(f["severity"]) for f in mine), key=SEVERITY_RANK.__getitem__)
    message = "；".join(f["message"] for f in mine)
    return WarningDraft(document, rule, severity, message, {"flags": mine, "count": len(mine)})
