"""The rule book (风险规则库): each rule's id, documented definition, severity, evidence and parameters, the
parameters as effective-dated data. Pure: no I/O.

A rule's parameters in force on a day are the latest version whose `effective_from` is on or before that day (the
office's calendar day of the event judged); before any stored version, the rule's defaults (which the deployment
may override with its IC_RISK_* settings, handed in by the service layer as `deployment`). A version is never
edited in place for a past day: a new version from a later day replaces it from then on, so a warning raised
under the old figures stays explained by them (its evidence names the figures it used)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from ic_platform.money import money_str
from services.risk.domain.rules import NEARLY_EXHAUSTED_LEVEL, Rule, Severity

NO_OVERRIDES: Mapping[str, str] = MappingProxyType({})
EARLIEST = date(2000, 1, 1)  # the defaults' "effective from": before any document of the system


class ParameterInvalid(ValueError):
    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str  # Chinese, what an inspector reads
    kind: str  # money (yuan, two places) | days | percent | count (a whole number)
    default: str
    env: str | None = None  # the deployment setting that overrides the default (ic_platform/config.py)
    demo: bool = False  # the default is a demo value (the office sets its own figure), not a standard

    def default_value(self, deployment: Mapping[str, str] = NO_OVERRIDES) -> str:
        """The default, or the deployment's own figure (`deployment`: values by setting name)."""
        return self.normalise(deployment.get(self.env, self.default) if self.env else self.default)

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
        if self.kind == "count" and number != number.to_integral_value():
            raise ParameterInvalid(self.name, "须为整数")
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

    def defaults(self, deployment: Mapping[str, str] = NO_OVERRIDES) -> dict[str, str]:
        return {p.name: p.default_value(deployment) for p in self.parameters}

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

    def as_dict(self, deployment: Mapping[str, str] = NO_OVERRIDES) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "label": self.label,
            "severity": self.severity.value,
            "definition": self.definition,
            "evidence": dict(self.evidence),
            "parameters": [
                {
                    "name": p.name,
                    "label": p.label,
                    "kind": p.kind,
                    "default": p.default_value(deployment),
                    "demo": p.demo,
                }
                for p in self.parameters
            ],
        }


def _shown(p: Parameter) -> dict[str, str]:
    return {"name": p.name, "label": p.label, "kind": p.kind}


@dataclass(frozen=True)
class ParameterVersion:
    rule: Rule
    effective_from: date
    values: dict[str, str]
    set_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"effective_from": self.effective_from.isoformat(), "parameters": self.values, "set_by": self.set_by}


def in_force(
    definition: RuleDefinition,
    versions: Iterable[ParameterVersion],
    on: date,
    deployment: Mapping[str, str] = NO_OVERRIDES,
) -> dict[str, str]:
    """The values in force on `on`: the latest version from on or before it; else the defaults."""
    eligible = [v for v in versions if v.rule is definition.rule and v.effective_from <= on]
    if not eligible:
        return definition.defaults(deployment)
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
            "同一单位在同一预算指标上 window_days 个日历日内（含当日）提交的事前申请，单笔均不低于 min_part 元且低于"
            " threshold 元（审批/政府采购限额），至少两笔，合计却达到 threshold 元：预警提在窗口最后一日中最晚听到的"
            "那笔上，依据列出其他各笔。迟到的一笔还补判其后窗口内的各日。被驳回、作废的申请不再计入。"
            "跨指标的见 split_across_lines。",
            {
                "unit": "单位",
                "scope": "汇总范围（line 同一预算指标）",
                "scope_key": "汇总范围键",
                "scope_label": "汇总范围说明",
                "budget_lines": "涉及的预算指标",
                "amount": "本笔金额",
                "total": "窗口内合计（含本笔）",
                "count": "窗口内笔数（含本笔）",
                "threshold": "所用限额",
                "min_part": "所用最小计入金额",
                "min_parts": "构成拆分的最少笔数",
                "window_days": "所用窗口天数",
                "others": "其他各笔（最近 20 笔：单据、金额、标题、预算指标、提交时间）",
                "others_count": "其他笔数",
                "completed_by": "补齐本窗口的迟到单据（若由此产生）",
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
        RuleDefinition(
            Rule.CONTRACT_SUPPLIER_NOT_AWARDED,
            "合同相对方与中标供应商不一致",
            Severity.HIGH,
            "依据中标（成交）结果起草的合同提交签订审批时（contract.submitted），其供应商不是该中标结果的供应商："
            "预警提在合同上。",
            {
                "award_id": "中标（成交）结果",
                "award_document": "中标结果所在单据（采购申请）",
                "award_supplier_id": "中标供应商",
                "award_supplier_name": "中标供应商名称",
                "award_amount": "中标金额",
                "contract_supplier_id": "合同相对方（供应商）",
                "contract_amount": "合同金额",
            },
            (),
        ),
        RuleDefinition(
            Rule.CONTRACT_ABOVE_AWARD,
            "合同金额超过中标金额",
            Severity.HIGH,
            "依据中标（成交）结果起草的合同提交签订审批时（contract.submitted），合同金额超过中标金额：预警提在合同上。",
            {
                **{
                    "award_id": "中标（成交）结果",
                    "award_document": "中标结果所在单据（采购申请）",
                    "award_supplier_id": "中标供应商",
                    "award_supplier_name": "中标供应商名称",
                    "award_amount": "中标金额",
                    "contract_supplier_id": "合同相对方（供应商）",
                    "contract_amount": "合同金额",
                },
                "excess": "超出金额",
            },
            (),
        ),
        RuleDefinition(
            Rule.CONTRACT_WITHOUT_PROCUREMENT,
            "合同无已完成的采购",
            Severity.MEDIUM,
            "合同以中标（成交）结果为依据，提交签订审批时（contract.submitted）风险监控未收到该中标结果"
            "（procurement.award_decided）：预警提在合同上。",
            {"award_id": "合同所称的中标结果", "contract_supplier_id": "合同相对方", "contract_amount": "合同金额"},
            (),
        ),
        RuleDefinition(
            Rule.CONTRACT_SIGNED_BEFORE_AWARD,
            "合同签订早于中标通知",
            Severity.HIGH,
            "合同签订日（contract.signed）早于中标（成交）通知书日期（以风险监控收到的中标结果为准，未收到时以合同"
            "事件所载为准）：预警提在合同上。",
            {
                "award_id": "中标（成交）结果",
                "signed_on": "签订日",
                "award_notice_date": "中标通知书日期",
                "days_before": "早于通知的天数",
            },
            (),
        ),
        RuleDefinition(
            Rule.JUST_BELOW_THRESHOLD,
            "采购金额略低于采购方式限额",
            Severity.MEDIUM,
            "采购申请提交时（procurement.application_submitted/resubmitted），金额低于公开招标数额标准或分散采购限额"
            "标准，但差距在 margin_percent 百分比以内：预警提在采购申请上。限额取事件所载（当日该品类的限额标准），"
            "未载时取本规则参数 open_tender_threshold、decentralised_threshold。",
            {
                "amount": "采购金额",
                "threshold_name": "所近的限额（open_tender 公开招标 / decentralised 分散采购）",
                "threshold": "该限额",
                "gap": "差额",
                "margin_percent": "所用百分比",
            },
            (
                Parameter("margin_percent", "低于限额的幅度（%）：在此以内视为略低于", "percent", "10"),
                Parameter("decentralised_threshold", "分散采购限额标准（元，事件未载时用）", "money", "1000000.00"),
                Parameter("open_tender_threshold", "公开招标数额标准（元，事件未载时用）", "money", "4000000.00"),
            ),
        ),
        RuleDefinition(
            Rule.SUPPLIER_CONCENTRATION,
            "供应商集中度过高",
            Severity.MEDIUM,
            "确定中标（成交）时（procurement.award_decided），同一供应商在该单位当年（按中标日期）中标金额中所占比例"
            "超过 share_percent 百分比，且该单位当年中标合计不低于 min_total 元、不少于 min_awards 笔：预警提在该中标"
            "结果所在单据上。",
            {
                "unit": "单位",
                "year": "年度",
                "supplier_id": "供应商",
                "supplier_total": "该供应商当年中标合计（含本笔）",
                "unit_total": "单位当年中标合计（含本笔）",
                "awards": "单位当年中标笔数",
                "share": "占比（%）",
                "share_percent": "所用参数 share_percent（%）",
            },
            (
                Parameter("share_percent", "占比上限（%）", "percent", "50"),
                Parameter("min_total", "单位当年中标合计达到此金额才判断（元）", "money", "200000.00"),
                Parameter("min_awards", "单位当年中标笔数达到此数才判断", "count", "3"),
            ),
        ),
        RuleDefinition(
            Rule.EXPENDITURE_STANDARD_EXCEEDED,
            "报销超出支出标准",
            Severity.MEDIUM,
            "报销单提交审批时（payment.expense_claim_submitted）带有超出预警类支出标准的提示（flags，如差旅住宿费"
            "超标）：预警提在报销单上，审批人可见。超出限制类标准的报销在提交时即被拒绝，不会到这里。",
            {"flags": "各项超标（行程、所引标准及版本、限额、报销额、超出额）", "count": "超标项数"},
            (),
        ),
        RuleDefinition(
            Rule.TRAVEL_CLASS_EXCEEDED,
            "差旅交通工具超等级",
            Severity.MEDIUM,
            "报销单提交审批时带有乘坐交通工具高于出差人职级可乘等级的提示（flags）：预警提在报销单上。",
            {"flags": "各段行程（交通方式、座席舱位、出差人职级）", "count": "超等级的行程数"},
            (),
        ),
    )
}


def _more_rules() -> None:
    """The rules of the chain's later links, each defined beside its code (domain/splitting.py, …)."""
    from services.risk.domain import authority, behaviour, payments, splitting, suppliers

    for module in (splitting, suppliers, payments, behaviour, authority):
        RULE_BOOK.update({d.rule: d for d in module.definitions()})


_more_rules()
