"""The contract domain's refusals. Each names its rule: a stable id (the error's `code` and `details.rule`), the
rule's Chinese name at the head of the message, then the figures that broke it. Pure: no I/O.

- `ContractInputInvalid` (422): the input itself is wrong (a milestone of no amount, an end before the start);
- `ContractRefused` (409): a rule forbids it (another supplier than the award, above the award, beyond 10 %);
- `ContractForbidden` (403): the person may not do it."""

from __future__ import annotations

from typing import Any

from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput

RULES: dict[str, str] = {
    # registration: the basis, the counterparty, the amount, the dates
    "contract_basis_missing": "合同须依据中标（成交）结果或已批准的事前申请（二者择一）",
    "contract_supplier_not_awarded": "合同相对方须为中标（成交）供应商",
    "contract_amount_exceeds_award": "合同金额不得超过中标（成交）金额",
    "contract_amount_not_positive": "合同金额必须大于零",
    "contract_requires_procurement": "达到规定金额的支出须先经采购程序确定供应商",
    "contract_exceeds_application": "合同金额不得超过事前申请批准的金额",
    "application_not_approved": "合同只能依据已批准的事前申请",
    "contract_unit_mismatch": "合同须与其依据属于同一单位",
    "contract_term_invalid": "合同终止日期不得早于开始日期",
    "contract_parties_missing": "合同须载明拟稿人与采购经办人",
    "supplier_not_in_good_standing": "暂停或列入黑名单的供应商不得签订合同",
    "basis_already_contracted": "一项中标（成交）结果或事前申请只能订立一份合同",
    "matter_application_funds_procurement": "已用于采购的事前申请不得再直接订立合同，合同须依据采购结果订立",
    "matter_application_claimed": "已报销的事前申请不得再订立合同或用于采购",
    # payment terms and retention
    "terms_missing": "合同须约定付款条件（付款节点）",
    "milestone_amount_or_share": "每个付款节点须约定金额或比例（二者择一）",
    "milestone_amount_not_positive": "付款节点金额必须大于零",
    "milestone_share_invalid": "付款节点比例须大于 0 且不超过 100%",
    "milestone_progress_invalid": "按进度付款的节点须约定进度比例（大于 0 且不超过 100%）",
    "milestone_numbers_invalid": "付款节点编号须从 1 起连续",
    "milestone_payment_days_invalid": "付款期限天数不得为负",
    "payment_days_exceed_sme_limit": "向中小企业付款的期限不得超过规定天数（保障中小企业款项支付条例）",
    "terms_do_not_add_up": "付款节点合计须等于合同金额",
    "retention_without_warranty_end": "约定质保金的合同须载明质保期届满日期",
    "warranty_end_invalid": "质保期届满日期须晚于合同开始日期",
    "retention_exceeds_limit": "质保金比例不得超过规定上限",
    # approval and signing
    "invalid_status_transition": "合同状态不允许此操作",
    "contract_not_approved": "合同未经审批通过，不得签订",
    "contract_signed_before_award": "合同签订日期不得早于中标（成交）通知书日期",
    "contract_signed_late": "合同须在中标（成交）通知书发出之日起规定天数内签订",
    "not_drafter": "只有拟稿人可以进行此操作",
    "contract_not_cancellable": "只有草稿、已退回或已撤回（尚未签订）的合同可以作废",
    "contract_cancel_reason_required": "作废合同须说明理由",
    # amendments and termination
    "contract_not_in_force": "只有已签订、正在履行的合同可以变更或解除",
    "amendment_without_change": "合同变更须至少变更金额、期限或范围之一",
    "amendment_reason_required": "合同变更、解除须说明理由",
    "amendment_pending": "该合同有尚未审批完成的变更",
    "amendment_unknown": "该变更不属于本合同",
    "amount_below_paid": "变更后的合同金额不得低于已支付金额",
    "supplementary_exceeds_limit": (
        "补充合同累计追加金额不得超过原合同金额的规定比例（政府采购法第四十九条），超出须重新采购"
    ),
    "new_procurement_other_supplier": "用于追加的新采购须确定同一供应商",
    "new_procurement_insufficient": "新采购的中标（成交）金额不足以覆盖本次追加",
    "new_procurement_other_line": "用于追加的新采购须使用合同的同一预算指标",
    "settlement_invalid": "解除（终止）结算金额须不低于已支付金额且不超过合同金额",
    # payments against the terms (the payment gate asks these)
    "milestone_unknown": "该付款节点不属于本合同",
    "payment_condition_not_met": "付款节点的付款条件尚未满足",
    "payment_exceeds_milestone": "付款金额不得超过付款节点的未付金额",
    "payment_exceeds_contract": "累计付款不得超过合同金额（含已批准的变更）",
    "retention_before_warranty_end": "质保期届满前不得支付质保金",
    "acceptance_failed": "验收不合格的付款节点不得付款",
    # acceptance (验收)
    "acceptance_contract_not_signed": "只有已签订、正在履行的合同可以验收",
    "acceptance_date_invalid": "验收日期不得早于合同签订日期，也不得晚于今天",
    "acceptance_findings_required": "验收不合格或有保留意见的，须写明验收意见",
    "acceptance_members_missing": "验收须载明验收人员",
    "acceptance_committee_required": "达到规定金额的验收须由不少于规定人数的验收小组进行",
    "acceptance_delivery_required": "不针对付款节点的验收须写明验收的交付内容",
    "acceptance_milestone_not_on_acceptance": "只有约定“验收合格后”付款的节点需要验收",
    "acceptance_already_passed": "该付款节点已验收合格，不得重复验收",
    # progress certificates (进度确认): what on_progress milestones are paid on
    "progress_contract_not_signed": "只有已签订、正在履行的合同可以确认进度",
    "progress_percent_invalid": "确认的进度须大于 0 且不超过 100%",
    "progress_decreased": "确认的进度不得低于上一次确认的进度",
    "progress_date_invalid": "进度确认日期不得早于合同签订日期或上一次确认日期，也不得晚于今天",
    # the payment ledger (付款占用): payment requests reserve against the contract, execution settles
    "payment_unknown": "该付款申请未占用本合同的付款额度",
    "payment_contract_not_in_force": "只有已签订、正在履行（或解除后按结算）的合同可以付款",
}


class ContractRefused(Conflict):
    """A rule of contract management forbids the action (409)."""


class ContractInputInvalid(InvalidInput):
    """The input itself is wrong (422); `details.fields` names the field as the commands do."""


class ContractForbidden(Forbidden):
    """The person may not do this (403)."""


def message(rule: str, specifics: str) -> str:
    return f"{RULES[rule]}：{specifics}" if specifics else RULES[rule]


def refused(rule: str, specifics: str = "", **details: Any) -> DomainError:
    return ContractRefused(rule, message(rule, specifics), {"rule": rule, **details})


def invalid(rule: str, field: str, specifics: str = "", **details: Any) -> DomainError:
    text = message(rule, specifics)
    return ContractInputInvalid(
        rule, f"输入有误：{field}: {text}", {"rule": rule, "fields": [{"field": field, "reason": text}], **details}
    )


def forbidden(rule: str, specifics: str = "", **details: Any) -> DomainError:
    return ContractForbidden(rule, message(rule, specifics), {"rule": rule, **details})
