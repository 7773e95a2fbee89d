"""The procurement intention (采购意向公开). Pure.

政府采购 (from the decentralised threshold on) publishes its intention (what, how much, when) before the purchase
starts, in principle no later than 30 days before (财库〔2020〕10号); the number of days and whether a shorter
notice is refused or only flagged are policy data. The publication date is kept: a tender or a competitive
procedure starting on day D checks D against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ic_platform.documents import DocumentRef
from services.procurement.domain.application import ProcurementApplication, Status
from services.procurement.domain.errors import refused
from services.procurement.domain.events import Flag, IntentionPublished
from services.procurement.domain.policy import Action, ProcurementPolicy

CAN_PUBLISH = (Status.SUBMITTED, Status.APPROVED, Status.SOURCING)


@dataclass(frozen=True)
class Intention:
    id: str
    application: DocumentRef
    published_on: date
    amount: Decimal
    where: str  # the medium (e.g. 中国政府采购网 or the provincial platform) or its address
    expected_start: date | None = None  # 预计采购时间


def publish(
    app: ProcurementApplication, intention_id: str, published_on: date, where: str, expected_start: date | None = None
) -> Intention:
    if app.intention is not None:
        raise refused(
            "intention_already_published",
            f"采购申请 {app.no} 已于 {app.intention.published_on.isoformat()} 公开采购意向",
            published_on=app.intention.published_on.isoformat(),
        )
    if app.status not in CAN_PUBLISH:
        raise refused("intention_too_late", f"采购申请 {app.no} 当前状态为 {app.status.value}", status=app.status.value)
    app.intention = Intention(intention_id, app.document, published_on, app.amount, where, expected_start)
    app.events.append(IntentionPublished(app.document, intention_id, published_on, expected_start, app.amount, where))
    return app.intention


def check_start(app: ProcurementApplication, starts_on: date, policy: ProcurementPolicy) -> list[Flag]:
    """May the purchase's procedure (a tender's publication, a negotiation's invitation) start on `starts_on`?
    Raises when an intention is required and missing or later than the start; a notice shorter than the policy's
    days is refused or returned as a flag, as the policy says."""
    if app.requirement is None or not app.requirement.intention_required:
        return []
    intention = app.intention
    if intention is None:
        raise refused(
            "intention_required",
            f"采购申请 {app.no} 采购预算达到分散采购限额标准，采购活动开始（{starts_on.isoformat()}）前未公开采购意向",
            starts_on=starts_on.isoformat(),
        )
    if starts_on < intention.published_on:
        raise refused(
            "intention_after_start",
            f"采购意向公开于 {intention.published_on.isoformat()}，采购活动开始于 {starts_on.isoformat()}",
            published_on=intention.published_on.isoformat(),
            starts_on=starts_on.isoformat(),
        )
    days = (starts_on - intention.published_on).days
    if days >= policy.intention_notice_days:
        return []
    details = {
        "rule": "intention_notice_too_short",
        "published_on": intention.published_on.isoformat(),
        "starts_on": starts_on.isoformat(),
        "days": days,
        "required_days": policy.intention_notice_days,
    }
    text = (
        f"采购意向公开于 {intention.published_on.isoformat()}，采购活动开始于 {starts_on.isoformat()}，"
        f"间隔 {days} 天，少于规定的 {policy.intention_notice_days} 天"
    )
    if policy.intention_short_notice is Action.REFUSE:
        raise refused("intention_notice_too_short", text, **{k: v for k, v in details.items() if k != "rule"})
    return [Flag("intention_notice_too_short", "medium", text, details)]
