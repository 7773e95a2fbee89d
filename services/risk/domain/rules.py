"""Risk warnings (风险预警): the rules that look at what the dossier hears and name a risk on a document.
Pure: facts in, a warning draft (or None) out; storing, deduplicating and publishing are the service layer's.

A warning is raised once per (document, rule): a rule that holds again for the same document adds nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
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


# ── 拆分采购 / 化整为零 ──
@dataclass(frozen=True)
class SplitPolicy:
    """What counts as splitting. `threshold` is the amount above which a purchase needs the next approval level
    and a formal procurement procedure (事前申请分管领导审批线 and 政府采购限额 coincide at 50,000 in the demo
    organisation); `min_part` keeps petty purchases (a toner cartridge) out of the sum, since they are not
    what splitting hides; `window` is how far back parts are looked for."""

    threshold: Decimal = Decimal("50000.00")
    min_part: Decimal = Decimal("5000.00")
    window: timedelta = timedelta(days=30)

    def is_part(self, spend: Spend) -> bool:
        """A spend that may be part of a split: neither petty nor large enough to need the higher approval."""
        return self.min_part <= spend.amount < self.threshold

    @property
    def key(self) -> tuple[str, str, float]:
        return (str(self.threshold), str(self.min_part), self.window.total_seconds())

    @classmethod
    def from_parameters(cls, values: Mapping[str, str]) -> SplitPolicy:
        """From the rule book's parameters in force (rule_book.py: threshold, min_part, window_days)."""
        return cls(
            threshold=Decimal(values["threshold"]),
            min_part=Decimal(values["min_part"]),
            window=timedelta(days=float(values["window_days"])),
        )

    @classmethod
    def from_env(cls) -> SplitPolicy:
        env = os.environ
        return cls(
            threshold=Decimal(env.get("IC_RISK_SPLIT_THRESHOLD", "50000.00")),
            min_part=Decimal(env.get("IC_RISK_SPLIT_MIN_PART", "5000.00")),
            window=timedelta(days=float(env.get("IC_RISK_SPLIT_WINDOW_DAYS", "30"))),
        )


@dataclass(frozen=True)
class Spend:
    """A spending document as the split rule sees it: who, on which budget line, how much, when."""

    document: DocumentRef
    unit: str
    budget_line_id: str
    amount: Decimal
    at: datetime
    title: str = ""

    def as_evidence(self) -> dict[str, Any]:
        return {
            "document": self.document.as_dict(),
            "amount": money_str(self.amount),
            "title": self.title,
            "submitted_at": self.at.isoformat(),
        }


# The evidence names at most this many of the other parts (the latest), and says how many there were in all.
EVIDENCE_PARTS = 20


@dataclass(frozen=True)
class PartsInWindow:
    """What the split rule needs to know about the other parts in a spend's window: their sum and number,
    and the latest few for the evidence. Kept this small so that judging costs the same however long the
    line's history (see SplitTally)."""

    total: Decimal
    count: int
    listed: tuple[Spend, ...] = ()

    @classmethod
    def of(cls, latest: Spend, earlier: list[Spend], policy: SplitPolicy) -> PartsInWindow:
        """From a full list of spends (what a test or a rebuild has at hand)."""
        since = latest.at - policy.window
        parts = sorted(
            (
                s
                for s in earlier
                if not s.document.same_document(latest.document)
                and s.unit == latest.unit
                and s.budget_line_id == latest.budget_line_id
                and since <= s.at <= latest.at
                and policy.is_part(s)
            ),
            key=lambda s: (s.at, s.document.id),
        )
        return cls(sum((s.amount for s in parts), Decimal("0")), len(parts), tuple(parts[-EVIDENCE_PARTS:]))


def split_purchase(latest: Spend, earlier: list[Spend], policy: SplitPolicy = SplitPolicy()) -> WarningDraft | None:
    """A high warning on `latest` when it and other applications of the same unit on the same budget line
    within the window are each below the threshold, yet together reach it. The evidence lists the others."""
    return split_purchase_of(latest, PartsInWindow.of(latest, earlier, policy), policy)


def split_purchase_of(latest: Spend, others: PartsInWindow, policy: SplitPolicy) -> WarningDraft | None:
    """The same rule, told only the sum and number of the other parts in the window (and the latest few)."""
    if not policy.is_part(latest) or others.count == 0:
        return None
    total = latest.amount + others.total
    if total < policy.threshold:
        return None
    days = policy.window.days or round(policy.window.total_seconds() / 86400, 2)
    named = "、".join(s.document.no or s.document.id for s in others.listed)
    if others.count > len(others.listed):
        named = f"{named} 等 {others.count} 笔"
    message = (
        f"疑似拆分采购（化整为零）：本单位 {days} 天内在预算指标 {latest.budget_line_id} 上共提交 "
        f"{others.count + 1} 笔申请，单笔均低于 {policy.threshold:,.2f} 元，合计 {total:,.2f} 元已达到"
        f"审批/采购限额。其他申请：{named}"
    )
    return WarningDraft(
        latest.document,
        Rule.SPLIT_PURCHASE,
        Severity.HIGH,
        message,
        {
            "unit": latest.unit,
            "budget_line_id": latest.budget_line_id,
            "threshold": money_str(policy.threshold),
            "min_part": money_str(policy.min_part),
            "total": money_str(total),
            "window_days": days,
            "amount": money_str(latest.amount),
            "others": [s.as_evidence() for s in others.listed],
            "others_count": others.count,
        },
    )


@dataclass(frozen=True)
class SplitTally:
    """A running aggregate of one unit's parts on one budget line: the sum and number of the stored parts
    submitted at or after `since`, where `since` is the start of the newest window judged so far. A new part
    adds to it; parts falling out of the window as it moves on leave it (each once); a rejected part leaves
    it. So a judgement reads a handful of rows, never the window's history. `policy` is what it was counted
    under: a tally counted under another policy is counted again (once)."""

    since: datetime | None = None  # None: nothing counted yet
    total: Decimal = Decimal("0")
    count: int = 0
    # Bounds, not exact values: no counted part is older than `oldest` (until the window passes it, nothing
    # expires) or newer than `newest` (a spend at least this new has no later parts to leave out).
    oldest: datetime | None = None
    newest: datetime | None = None
    policy: tuple[str, str, float] | None = None

    def expires_before(self, start: datetime) -> bool:
        return self.oldest is not None and self.oldest < start

    def moved_to(self, start: datetime, gone_total: Decimal, gone_count: int, oldest: datetime | None) -> SplitTally:
        newest = self.newest if oldest is not None else None
        return replace(
            self,
            since=start,
            total=self.total - gone_total,
            count=self.count - gone_count,
            oldest=oldest,
            newest=newest,
        )

    def plus(self, spend: Spend) -> SplitTally:
        oldest = spend.at if self.oldest is None else min(self.oldest, spend.at)
        newest = spend.at if self.newest is None else max(self.newest, spend.at)
        return replace(self, total=self.total + spend.amount, count=self.count + 1, oldest=oldest, newest=newest)

    def minus(self, spend: Spend) -> SplitTally:
        return replace(self, total=self.total - spend.amount, count=self.count - 1)

    def counts(self, spend: Spend, policy: SplitPolicy) -> bool:
        """Whether a stored spend is (or would be) in this tally."""
        return policy.is_part(spend) and self.since is not None and spend.at >= self.since


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
