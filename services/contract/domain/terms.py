"""Payment terms (付款条件): milestones that add up to the contract amount, and retention (质保金). Pure.

A milestone pays an amount, or a share (percentage) of the contract amount, when its condition is met:
- on_signing (签订后, 预付款): the contract is signed;
- on_acceptance (验收合格后): the milestone's acceptance passed (passed or passed with remarks; a failed one
  blocks it);
- on_progress (按进度): certified progress reaches the milestone's percentage;
- after_warranty (质保期满后): the warranty has ended. These milestones are the retention.
It is then due within its payment days (default 30; to an SME at most 60, 保障中小企业款项支付条例 第8条).

Shares are resolved against the amount in force: each share rounded down to the fen, the rounding remainder
added to the last share milestone, so shares of 100 % give exactly the amount. The resolved milestones must add
up to the amount exactly. For works, retention may not exceed 3 % (建设工程质量保证金管理办法 第7条, as data)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from ic_platform.money import CENT, money_str
from services.contract.domain.errors import invalid, refused
from services.contract.domain.policy import ContractPolicy

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


class Condition(StrEnum):
    ON_SIGNING = "on_signing"
    ON_ACCEPTANCE = "on_acceptance"
    ON_PROGRESS = "on_progress"
    AFTER_WARRANTY = "after_warranty"


CONDITION_LABELS = {
    Condition.ON_SIGNING: "合同签订后",
    Condition.ON_ACCEPTANCE: "验收合格后",
    Condition.ON_PROGRESS: "按进度",
    Condition.AFTER_WARRANTY: "质保期满后",
}


@dataclass(frozen=True)
class Milestone:
    no: int
    name: str
    condition: Condition
    amount: Decimal | None = None  # a fixed amount …
    share: Decimal | None = None  # … or a percentage of the contract amount
    progress: Decimal | None = None  # on_progress: the certified percentage that releases it
    planned_date: date | None = None  # when the condition is expected to be met (performance overdue after it)
    payment_days: int | None = None  # days after the condition is met within which to pay (policy default)

    @property
    def is_retention(self) -> bool:
        return self.condition is Condition.AFTER_WARRANTY


def validate(milestones: tuple[Milestone, ...], policy: ContractPolicy, *, sme: bool) -> None:
    """Each milestone well formed; numbered 1..n in order."""
    if not milestones:
        raise invalid("terms_missing", "milestones")
    if [m.no for m in milestones] != list(range(1, len(milestones) + 1)):
        raise invalid("milestone_numbers_invalid", "milestones", f"实为 {[m.no for m in milestones]}")
    for i, m in enumerate(milestones):
        where = f"milestones[{i}]"
        if (m.amount is None) == (m.share is None):
            raise invalid("milestone_amount_or_share", where, f"节点 {m.no}「{m.name}」")
        if m.amount is not None and m.amount <= 0:
            raise invalid(
                "milestone_amount_not_positive", f"{where}.amount", f"节点 {m.no} 金额 {money_str(m.amount)} 元"
            )
        if m.share is not None and not (0 < m.share <= HUNDRED):
            raise invalid("milestone_share_invalid", f"{where}.share", f"节点 {m.no} 比例 {m.share}%")
        if m.condition is Condition.ON_PROGRESS and not (m.progress is not None and 0 < m.progress <= HUNDRED):
            raise invalid("milestone_progress_invalid", f"{where}.progress", f"节点 {m.no}")
        days = payment_days(m, policy)
        if days < 0:
            raise invalid("milestone_payment_days_invalid", f"{where}.payment_days", f"节点 {m.no} 为 {days} 天")
        if sme and days > policy.sme_max_payment_days:
            raise refused(
                "payment_days_exceed_sme_limit",
                f"节点 {m.no}「{m.name}」约定 {days} 天，上限 {policy.sme_max_payment_days} 天",
                milestone_no=m.no,
                days=days,
                limit=policy.sme_max_payment_days,
            )


def payment_days(m: Milestone, policy: ContractPolicy) -> int:
    return policy.default_payment_days if m.payment_days is None else m.payment_days


def resolve(milestones: tuple[Milestone, ...], amount: Decimal) -> tuple[Milestone, ...]:
    """Every milestone with its amount, shares resolved against `amount` (see the module's rule). The share
    milestones keep their share, so they can be resolved again against an amended amount."""
    shares = [m for m in milestones if m.share is not None]
    fixed = {m.no: (amount * m.share / HUNDRED).quantize(CENT, rounding=ROUND_DOWN) for m in shares}
    if shares:
        share_total = sum((m.share for m in shares), Decimal(0))
        exact = (amount * share_total / HUNDRED).quantize(CENT, rounding=ROUND_DOWN)
        fixed[shares[-1].no] += exact - sum(fixed.values(), ZERO)
    return tuple(replace(m, amount=fixed[m.no]) if m.share is not None else m for m in milestones)


def check_adds_up(resolved: tuple[Milestone, ...], amount: Decimal) -> None:
    """Every resolved milestone pays something, and together exactly the amount."""
    for m in resolved:
        if m.amount <= 0:
            raise invalid(
                "milestone_amount_not_positive", "milestones", f"节点 {m.no} 按比例计算为 {money_str(m.amount)} 元"
            )
    total = sum((m.amount for m in resolved), ZERO)
    if total != amount:
        raise refused(
            "terms_do_not_add_up",
            f"付款节点合计 {money_str(total)} 元，合同金额 {money_str(amount)} 元，相差 {money_str(total - amount)} 元",
            total=money_str(total),
            amount=money_str(amount),
        )


def retention(resolved: tuple[Milestone, ...]) -> Decimal:
    return sum((m.amount for m in resolved if m.is_retention), ZERO)


def check_retention(
    resolved: tuple[Milestone, ...],
    amount: Decimal,
    category: str | None,
    warranty_end: date | None,
    start_date: date,
    policy: ContractPolicy,
) -> None:
    held = retention(resolved)
    if held == 0:
        return
    if warranty_end is None:
        raise invalid("retention_without_warranty_end", "warranty_end", f"质保金 {money_str(held)} 元")
    if warranty_end <= start_date:
        raise invalid(
            "warranty_end_invalid",
            "warranty_end",
            f"质保期届满 {warranty_end.isoformat()}，开始 {start_date.isoformat()}",
        )
    limit_rate = policy.retention_max_rate.get(category or "")
    if limit_rate is not None and held * HUNDRED > amount * limit_rate:
        raise refused(
            "retention_exceeds_limit",
            f"质保金 {money_str(held)} 元，占合同金额 {money_str(amount)} 元的 "
            f"{(held * HUNDRED / amount).quantize(CENT)}%，上限 {limit_rate}%",
            retention=money_str(held),
            limit_rate=str(limit_rate),
        )


def describe(resolved: tuple[Milestone, ...], policy: ContractPolicy) -> list[dict]:
    return [
        {
            "no": m.no,
            "name": m.name,
            "condition": m.condition.value,
            "amount": money_str(m.amount),
            "share": str(m.share) if m.share is not None else None,
            "progress": str(m.progress) if m.progress is not None else None,
            "planned_date": m.planned_date.isoformat() if m.planned_date else None,
            "payment_days": payment_days(m, policy),
        }
        for m in resolved
    ]
