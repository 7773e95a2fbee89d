"""三重一大 by rule as use cases: setting an effective-dated rule (the seed, or an administrator over RPC), and
the reasons a document being routed is major by the rules in force on its submission day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field

from ic_platform.commands import Code, Command, Money, Text
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden, InvalidInput
from services.approval.domain.major_matter import MajorMatterRule, major_by_rule
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

LOCAL = ZoneInfo("Asia/Shanghai")  # a rule's dates are the office's calendar days


class SetMajorMatterRule(Command):
    code: Code
    label: Text
    document_types: Annotated[list[Code], Field(min_length=1, max_length=20)]
    effective_from: date
    effective_to: date | None = None
    amount_at_least: Money | None = None
    economic_classes: Annotated[list[Annotated[str, Field(pattern=r"^\d{1,7}$")]], Field(max_length=50)] = []


def set_rule(cmd: SetMajorMatterRule, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    try:
        rule = MajorMatterRule(
            cmd.code,
            cmd.label,
            tuple(cmd.document_types),
            cmd.effective_from,
            cmd.effective_to,
            cmd.amount_at_least,
            tuple(cmd.economic_classes),
        )
    except ValueError as exc:
        raise InvalidInput(
            "approval_major_rule_invalid",
            "认定规则须设定金额或经济分类，且失效日期晚于生效日期",
            {"field": "amount_at_least", "reason": str(exc)},
        ) from None
    with uow:
        uow.major_rules.put(ctx.org, rule, ctx.actor)
        uow.commit()
    return {**cmd.model_dump(mode="json"), "description": rule.describe()}


def set_rule_as_admin(cmd: SetMajorMatterRule, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.viewer is None or not ctx.viewer.has_any("admin"):
        raise Forbidden("forbidden", "只有系统管理员可以设置三重一大认定规则", {"required_role": "admin"})
    return set_rule(cmd, uow, ctx)


def reasons(
    uow: ApprovalUnitOfWork, org: str, document_type: str, amount: Decimal, economic_class: str | None, at: str
) -> list[str]:
    """Why a document submitted at `at` (an event's time) is major by the rules in force that day."""
    on = datetime.fromisoformat(at).astimezone(LOCAL).date()
    return major_by_rule(uow.major_rules.in_force(org, on), document_type, amount, economic_class, on)
