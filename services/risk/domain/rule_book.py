"""The rule book (风险规则库): each rule's id, documented definition, severity, evidence and parameters, the
parameters as effective-dated data. Pure: no I/O.

A rule's parameters in force on a day are the latest version whose `effective_from` is on or before that day
(the office's calendar day of the event judged); before any stored version, the rule's defaults (which the
deployment may override with its IC_RISK_* settings). A version is never edited in place for a past day: a new
version from a later day replaces it from then on, so a warning raised under the old figures stays explained
by them (its evidence names the figures it used)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ic_platform.money import money_str
from services.risk.domain.rules import NEARLY_EXHAUSTED_LEVEL, Rule, Severity

EARLIEST = date(2000, 1, 1)  # the defaults' "effective from": before any document of the system


class ParameterInvalid(ValueError):
    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str  # Chinese, what an inspector reads
    kind: str  # money (yuan, two places) | days | percent
    default: str
    env: str | None = None  # the deployment setting that overrides the default

    def default_value(self) -> str:
        return self.normalise(os.environ.get(self.env, self.default) if self.env else self.default)

    def normalise(self, value: Any) -> str:
        """The value as stored (text), or ParameterInvalid naming why not."""
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ParameterInvalid(self.name, "须为数字") from None
        if not number.is_finite() or number <= 0:
            raise ParameterInvalid(self.name, "须为正数")
        if self.kind == "money":
            if number != number.quantize(Decimal("0.01")) or number >= Decimal("1e13"):
                raise ParameterInvalid(self.name, "金额须为元，至多两位小数")
            return money_str(number)
        if self.kind == "percent" and number > 100:
            raise ParameterInvalid(self.name, "百分比须在 0 到 100 之间")
        if self.kind == "days" and number > 3660:
            raise ParameterInvalid(self.name, "天数不能超过 3660")
        return format(number.normalize(), "f")


@dataclass(frozen=True)
class RuleDefinition:
    rule: Rule
    label: str
    severity: Severity
    definition: str  # Chinese: when the rule holds, on which document the warning is raised
    evidence: Mapping[str, str]  # the evidence's fields and what each says
    parameters: tuple[Parameter, ...]
    check: Callable[[dict[str, str]], str | None] = lambda values: None  # a reason the set is inconsistent

    def defaults(self) -> dict[str, str]:
        return {p.name: p.default_value() for p in self.parameters}

    def validate(self, values: Mapping[str, Any]) -> dict[str, str]:
        """A complete, normalised set of values: every parameter named, nothing else."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterInvalid(unknown[0], f"不是规则 {self.rule.value} 的参数（参数：{'、'.join(known)}）")
        missing = [n for n in known if n not in values]
        if missing:
            raise ParameterInvalid(missing[0], "须填写（每个版本列出全部参数）")
        normalised = {n: known[n].normalise(values[n]) for n in known}
        reason = self.check(normalised)
        if reason:
            raise ParameterInvalid(self.parameters[0].name, reason)
        return normalised

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "label": self.label,
            "severity": self.severity.value,
            "definition": self.definition,
            "evidence": dict(self.evidence),
            "parameters": [
                {"name": p.name, "label": p.label, "kind": p.kind, "default": p.default_value()}
                for p in self.parameters
            ],
        }


@dataclass(frozen=True)
class ParameterVersion:
    rule: Rule
    effective_from: date
    values: dict[str, str]
    set_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"effective_from": self.effective_from.isoformat(), "parameters": self.values, "set_by": self.set_by}


def in_force(definition: RuleDefinition, versions: Iterable[ParameterVersion], on: date) -> dict[str, str]:
    """The values in force on `on`: the latest version from on or before it; else the defaults."""
    eligible = [v for v in versions if v.rule is definition.rule and v.effective_from <= on]
    if not eligible:
        return definition.defaults()
    return dict(max(eligible, key=lambda v: v.effective_from).values)


def _split_consistent(values: dict[str, str]) -> str | None:
    if Decimal(values["min_part"]) >= Decimal(values["threshold"]):
        return "计入拆分的最小金额（min_part）须小于限额（threshold）"
    return None


RULE_BOOK: dict[Rule, RuleDefinition] = {
    d.rule: d
    for d in (
        RuleDefinition(
            Rule.SPLIT_PURCHASE,
            "疑似拆分采购（化整为零）",
            Severity.HIGH,
            "同一单位在同一预算指标上，window_days 天内提交的事前申请，单笔均不低于 min_part 元且低于 threshold 元"
            "（审批/政府采购限额），合计却达到 threshold 元：预警提在其中最晚提交的一笔上，依据列出其他各笔。"
            "被驳回的申请不再计入。",
            {
                "unit": "单位",
                "budget_line_id": "预算指标",
                "amount": "本笔金额",
                "total": "窗口内合计（含本笔）",
                "threshold": "所用限额",
                "min_part": "所用最小计入金额",
                "window_days": "所用窗口天数",
                "others": "其他各笔（最近 20 笔：单据、金额、标题、提交时间）",
                "others_count": "其他笔数",
            },
            (
                Parameter(
                    "threshold",
                    "限额（元）：单笔达到即须上一级审批与正式采购程序",
                    "money",
                    "50000.00",
                    "IC_RISK_SPLIT_THRESHOLD",
                ),
                Parameter(
                    "min_part",
                    "计入拆分的最小金额（元）：更小的零星支出不计",
                    "money",
                    "5000.00",
                    "IC_RISK_SPLIT_MIN_PART",
                ),
                Parameter("window_days", "回看窗口（天）", "days", "30", "IC_RISK_SPLIT_WINDOW_DAYS"),
            ),
            _split_consistent,
        ),
        RuleDefinition(
            Rule.BUDGET_NEARLY_EXHAUSTED,
            "预算指标即将用尽",
            Severity.MEDIUM,
            "预算指标的使用率越过预警线（budget.threshold_crossed），且所越的预警线不低于 level 百分比：预警提在"
            "造成越线的那张单据上（同一业务链中该指标上的预算变动所指的单据）。",
            {
                "budget_line_id": "预算指标",
                "level": "越过的预警线（%）",
                "warning_level": "所用参数 level（%）",
                "rate": "使用率（%）",
                "consumed": "已使用金额",
                "amount": "指标金额",
                "remaining": "剩余金额",
            },
            (Parameter("level", "预警线（%）：越过不低于此值的预警线时预警", "percent", str(NEARLY_EXHAUSTED_LEVEL)),),
        ),
    )
}
