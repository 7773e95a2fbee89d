"""The refusals of the payment gate (付款申请与支付). Each names its rule: a stable id (the error's `code` and
`details.rule`), the rule's Chinese name at the head of the message, then the figures that broke it. Pure.
The contract's own rules (terms, acceptance, the contract amount) come back from the contract service as its
refusals, with their rule named the same way."""

from __future__ import annotations

from typing import Any

from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput

RULES: dict[str, str] = {
    "budget_insufficient": "付款须有可用预算（合同占用或事前申请预占可抵用）",
    "payee_not_contract_party": "收款人须为合同相对方",
    "invoice_issuer_not_payee": "发票销售方须为收款人",
    "bank_account_not_registered": "收款账号须为供应商在供应商库中现行登记的银行账号",
    "supplier_not_in_good_standing": "暂停或列入黑名单的供应商不得付款",
    "invoice_required": "合同付款须附发票",
    "invoices_below_amount": "发票金额合计不得低于付款金额",
    "application_not_approved": "只能依据已批准的事前申请付款",
    "payment_unit_mismatch": "付款单位须与付款依据属于同一单位",
    "payment_exceeds_application": "累计付款不得超过事前申请批准的金额",
    "claim_not_approved": "只能依据已批准的报销单付款",
    "claim_not_settled": "报销单批准后的预算结转完成后才能付款",
    "claim_invoices_on_claim": "报销付款的发票随报销单登记，不重复登记",
    "payment_exceeds_claim": "累计付款不得超过报销单金额",
    "payment_basis_missing": "付款申请须载明依据（合同付款节点、已批准的报销单或事前申请）",
    "payment_not_approved": "付款申请须经审批通过才能支付",
    "not_cashier": "只有出纳可以支付",
    "invalid_status_transition": "付款申请状态不允许此操作",
    "payment_not_requester": "只有申请人可以重新提交付款申请",
    "payment_not_returned": "只有被退回的付款申请可以修改后重新提交（审批中的请先撤回）",
    "payment_invoices_released": "重新提交的付款申请须持有其发票（发票已释放的，须重新填写发票）",
}


class PaymentRefused(Conflict):
    """A rule of the payment gate forbids it (409)."""


class PaymentInputInvalid(InvalidInput):
    """The input itself is wrong (422), naming the field."""


class PaymentForbidden(Forbidden):
    """The person may not do this (403)."""


def message(rule: str, specifics: str) -> str:
    return f"{RULES[rule]}：{specifics}" if specifics else RULES[rule]


def refused(rule: str, specifics: str = "", **details: Any) -> DomainError:
    return PaymentRefused(rule, message(rule, specifics), {"rule": rule, **details})


def invalid(rule: str, field: str, specifics: str = "", **details: Any) -> DomainError:
    text = message(rule, specifics)
    return PaymentInputInvalid(
        rule, f"输入有误：{field}: {text}", {"rule": rule, "fields": [{"field": field, "reason": text}], **details}
    )


def forbidden(rule: str, specifics: str = "", **details: Any) -> DomainError:
    return PaymentForbidden(rule, message(rule, specifics), {"rule": rule, **details})
