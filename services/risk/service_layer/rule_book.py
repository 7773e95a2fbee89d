"""The rule book as use cases: the parameters in force for an event being judged, reading the book, and setting
a new effective-dated version of a rule's parameters (administrators and discipline inspection)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field

from ic_platform.commands import Code, Command
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden, InvalidInput, NotFound
from services.risk.domain.rule_book import RULE_BOOK, ParameterInvalid, ParameterVersion
from services.risk.domain.rules import Rule
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

LOCAL = ZoneInfo("Asia/Shanghai")  # versions take effect on the office's calendar days
SETTERS = ("admin", "inspector")  # 系统管理员、纪检监察


class SetRuleParameters(Command):
    rule: Code
    effective_from: date
    parameters: Annotated[dict[Code, Annotated[str, Field(max_length=32)] | int | float], Field(max_length=20)]


def parameters_in_force(uow: RiskUnitOfWork, org: str, rule: Rule, at: datetime) -> dict[str, str]:
    """What the rule uses for an event of `at`: one indexed row, however many versions there are."""
    version = uow.rule_book.in_force(org, rule, at.astimezone(LOCAL).date())
    return dict(version.values) if version else RULE_BOOK[rule].defaults()


def rule_book(uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Every rule: its definition, severity, evidence, parameters in force today and all their versions."""
    today = datetime.now(LOCAL).date()
    with uow:
        versions = uow.rule_book.versions(ctx.org)
    items = []
    for rule, definition in RULE_BOOK.items():
        own = [v for v in versions if v.rule is rule]
        current = max((v for v in own if v.effective_from <= today), key=lambda v: v.effective_from, default=None)
        items.append(
            {
                **definition.as_dict(),
                "in_force": current.values if current else definition.defaults(),
                "versions": [v.as_dict() for v in own],
            }
        )
    return {"items": items, "total": len(items)}


def set_parameters(cmd: SetRuleParameters, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.viewer is None or not ctx.viewer.has_any(*SETTERS):
        raise Forbidden(
            "forbidden", "只有系统管理员或纪检监察人员可以设置风险规则参数", {"required_roles": list(SETTERS)}
        )
    try:
        rule = Rule(cmd.rule)
    except ValueError:
        raise NotFound("risk_rule_not_found", f"风险规则不存在：{cmd.rule}", {"rule": cmd.rule}) from None
    if cmd.effective_from < datetime.now(LOCAL).date():
        # The figures that explain a warning already raised are never changed afterwards.
        raise InvalidInput(
            "risk_rule_parameter_invalid",
            "生效日期不能早于今天：已提出的预警须仍由当时的参数解释",
            {"field": "effective_from", "fields": [{"field": "effective_from", "reason": "不能早于今天"}]},
        )
    try:
        values = RULE_BOOK[rule].validate(cmd.parameters)
    except ParameterInvalid as exc:
        field = f"parameters.{exc.name}"
        raise InvalidInput(
            "risk_rule_parameter_invalid",
            f"规则参数有误：{exc.name} {exc.reason}",
            {"field": field, "fields": [{"field": field, "reason": exc.reason}]},
        ) from None
    version = ParameterVersion(rule, cmd.effective_from, values, ctx.actor)
    with uow:
        uow.rule_book.put(ctx.org, version)
        uow.commit()
    return {"rule": rule.value, **version.as_dict()}
