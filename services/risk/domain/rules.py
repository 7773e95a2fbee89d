"""Risk warnings (风险预警): the rules that look at what the dossier hears and name a risk on a document.
Pure: facts in, a warning draft (or None) out; storing, deduplicating and publishing are the service layer's.

A warning is raised once per (document, rule): a rule that holds again for the same document adds nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
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


RULE_LABELS = {Rule.SPLIT_PURCHASE: "疑似拆分采购（化整为零）", Rule.BUDGET_NEARLY_EXHAUSTED: "预算指标即将用尽"}


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


def split_purchase(latest: Spend, earlier: list[Spend], policy: SplitPolicy = SplitPolicy()) -> WarningDraft | None:
    """A high warning on `latest` when it and other applications of the same unit on the same budget line
    within the window are each below the threshold, yet together reach it. The evidence lists the others."""
    if not _is_part(latest, policy):
        return None
    since = latest.at - policy.window
    parts = sorted(
        (
            s
            for s in earlier
            if not s.document.same_document(latest.document)
            and s.unit == latest.unit
            and s.budget_line_id == latest.budget_line_id
            and since <= s.at <= latest.at
            and _is_part(s, policy)
        ),
        key=lambda s: (s.at, s.document.id),
    )
    if not parts:
        return None
    total = latest.amount + sum((s.amount for s in parts), Decimal("0"))
    if total < policy.threshold:
        return None
    days = policy.window.days or round(policy.window.total_seconds() / 86400, 2)
    message = (
        f"疑似拆分采购（化整为零）：本单位 {days} 天内在预算指标 {latest.budget_line_id} 上共提交 "
        f"{len(parts) + 1} 笔申请，单笔均低于 {policy.threshold:,.2f} 元，合计 {total:,.2f} 元已达到"
        f"审批/采购限额。其他申请：{'、'.join(s.document.no or s.document.id for s in parts)}"
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
            "total": money_str(total),
            "window_days": days,
            "amount": money_str(latest.amount),
            "others": [s.as_evidence() for s in parts],
        },
    )


def _is_part(spend: Spend, policy: SplitPolicy) -> bool:
    return policy.min_part <= spend.amount < policy.threshold


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
            "rate": crossing.rate,
            "consumed": money_str(crossing.consumed),
            "amount": money_str(crossing.amount),
            "remaining": money_str(left),
        },
    )
