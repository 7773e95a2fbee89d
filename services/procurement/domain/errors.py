"""The procurement domain's refusals. Each names its rule: a stable id (the error's `code` and `details.rule`), the
rule's Chinese name at the head of the message, then the figures that broke it. Pure: no I/O.

Three kinds, by what the caller can do about it:
- `ProcurementInputInvalid` (422): the input itself is wrong (a quantity of zero, a malformed credit code);
- `ProcurementRefused` (409): the input is well formed but a rule of procurement forbids it (a weaker method,
  two quotes, a blacklisted supplier, a tender sooner than the notice period);
- `ProcurementForbidden` (403): the person may not do it (only the applicant resubmits)."""

from __future__ import annotations

from typing import Any

from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput

# Rule id → the rule's name as people read it. The id is the error code; DOMAIN.md lists each with its source.
RULES: dict[str, str] = {
    # the application and its items
    "item_quantity_not_positive": "采购数量必须大于零",
    "item_price_not_positive": "预估单价必须大于零",
    "application_without_items": "采购申请至少包含一项采购内容",
    "application_funding_missing": "采购申请须来源于已批准的事前申请或指定预算指标（二者择一）",
    "application_not_approved": "采购申请只能依据已批准的事前申请",
    "budget_exceeds_application": "采购预算不得超过事前申请批准的金额",
    "application_unit_mismatch": "采购申请须与事前申请属于同一单位",
    "catalogue_items_mixed": "集中采购目录内外的品目不得合并在一个采购申请中",
    "invalid_status_transition": "单据状态不允许此操作",
    "not_applicant": "只有申请人可以进行此操作",
    # the method
    "no_thresholds_in_force": "该日期没有生效的采购限额标准",
    "method_weaker_than_required": "采购方式不得低于限额标准要求的方式",
    "rfq_goods_only": "询价方式只适用于货物采购",
    "central_procurement_required": "集中采购目录内的品目必须实行集中采购",
    "framework_agreement_catalogue_only": "框架协议采购只适用于集中采购目录内的小额零星采购",
    "single_source_justification_required": "单一来源采购必须说明理由",
    "invited_tender_justification_required": "达到公开招标数额标准而采用邀请招标的，必须说明理由",
    "method_change_reason_required": "变更采购方式必须说明理由",
    "method_change_same_method": "变更后的采购方式与原方式相同",
    "method_change_after_award": "已确定中标（成交）供应商的采购不得变更采购方式",
    "method_change_pending": "采购方式变更正在审批中",
    "method_change_not_allowed": "变更后的采购方式不符合限额标准，且不属于招标失败后经批准的方式",
    # the intention
    "intention_required": "达到分散采购限额标准的采购须先公开采购意向",
    "intention_notice_too_short": "采购活动开始时间距采购意向公开不得少于规定天数",
    "intention_already_published": "该采购申请已公开采购意向",
    "intention_too_late": "采购意向只能在确定供应商之前公开",
    "intention_after_start": "采购意向须在采购活动开始前公开",
    # market research
    "quotes_fewer_than_required": "市场调查须取得不少于规定数量的有效报价",
    "quotes_same_supplier": "市场调查的报价须来自不同供应商",
    "quote_amount_not_positive": "报价金额必须大于零",
    "chosen_quote_unknown": "选定的报价不在本次市场调查中",
    "chosen_not_lowest_unjustified": "未选择最低报价的，必须说明理由",
    "research_method_mismatch": "市场调查（询价比价）确定供应商只适用于自行采购",
    "direct_award_method_mismatch": "直接确定供应商只适用于单一来源或框架协议采购",
    "supplier_unregistered": "供应商须先在供应商库登记",
    # tenders, bids, award
    "tender_method_not_competitive": "该采购方式不通过招标（竞争性程序）进行",
    "submission_period_invalid": "投标截止时间须晚于公告发布时间",
    "submission_period_too_short": "自公告（邀请）发出至提交截止的期限不得少于规定天数",
    "bid_amount_not_positive": "投标报价必须大于零",
    "bid_duplicate_supplier": "同一供应商在同一项目中只能提交一份有效投标",
    "bid_unknown": "该投标不在本项目中",
    "disqualification_reason_required": "认定投标无效必须说明理由",
    "tender_not_open": "项目当前状态不允许此操作",
    "evaluation_before_deadline": "投标截止时间前不得开标评审",
    "scores_missing": "综合评分法须为每一有效投标给出评审得分",
    "award_not_top_ranked_unjustified": "未按评审排序确定第一名为中标（成交）供应商的，必须说明理由",
    "award_bid_invalid": "只能从有效投标中确定中标（成交）供应商",
    "award_exceeds_budget": "中标（成交）金额不得超过采购预算",
    "award_notice_before_decision": "中标（成交）通知书日期不得早于评审（决定）日期",
    "already_awarded": "该采购已确定中标（成交）供应商",
    # suppliers
    "credit_code_invalid": "统一社会信用代码不符合 GB 32100-2015",
    "supplier_name_required": "供应商名称必填",
    "legal_representative_required": "法定代表人（负责人）必填",
    "supplier_not_in_good_standing": "暂停或列入黑名单的供应商不得参与报价、投标或被确定为中标（成交）供应商",
    "supplier_status_period_invalid": "供应商状态的起止日期无效",
    "supplier_status_reason_required": "暂停或列入黑名单必须说明理由",
    "bank_account_invalid": "银行账号须为 8 至 32 位数字",
    "bank_account_name_mismatch": "银行账户户名须与供应商名称一致",
    "bank_account_unknown": "该银行账户不是供应商的登记账户",
    "bank_account_change_reason_required": "变更银行账户必须说明理由",
}


class ProcurementRefused(Conflict):
    """A rule of procurement forbids the action (409)."""


class ProcurementInputInvalid(InvalidInput):
    """The input itself is wrong (422); `details.fields` names the field as the commands do."""


class ProcurementForbidden(Forbidden):
    """The person may not do this (403)."""


def message(rule: str, specifics: str) -> str:
    return f"{RULES[rule]}：{specifics}" if specifics else RULES[rule]


def refused(rule: str, specifics: str = "", **details: Any) -> DomainError:
    return ProcurementRefused(rule, message(rule, specifics), {"rule": rule, **details})


def invalid(rule: str, field: str, specifics: str = "", **details: Any) -> DomainError:
    text = message(rule, specifics)
    return ProcurementInputInvalid(
        rule, f"输入有误：{field}: {text}", {"rule": rule, "fields": [{"field": field, "reason": text}], **details}
    )


def forbidden(rule: str, specifics: str = "", **details: Any) -> DomainError:
    return ProcurementForbidden(rule, message(rule, specifics), {"rule": rule, **details})
