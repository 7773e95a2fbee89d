"""The accounting domain's refusals. Each names its rule: a stable id (the error's `code` and `details.rule`),
the rule's Chinese name at the head of the message, then the figures that broke it. Pure: no I/O."""

from __future__ import annotations

from typing import Any

from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput

RULES: dict[str, str] = {
    "voucher_unbalanced": "记账凭证借贷必须相等（财务会计、预算会计分别平衡）",
    "voucher_line_invalid": "凭证分录须一方有金额、另一方为零，金额不得为负",
    "voucher_account_unknown": "凭证分录须使用会计科目表中的科目",
    "voucher_account_basis": "财务会计分录只能使用财务会计科目，预算会计分录只能使用预算会计科目",
    "voucher_empty": "记账凭证至少须有一借一贷",
    "period_closed": "已结账的会计期间不得再记账",
    "period_invalid": "会计期间格式为 YYYY-MM",
    "period_already_closed": "会计期间已结账",
    "period_not_begun": "尚未开始的会计期间不能结账",
    "period_close_out_of_order": "会计期间须按月顺序结账（先结前一期间）",
    "voucher_already_reversed": "一张凭证只能冲销一次",
    "reversal_of_reversal": "冲销凭证不得再冲销（如需恢复，请按原业务重新记账）",
    "accountant_only": "只有会计可以记账、冲销凭证和结账",
    "accounting_reader_only": "会计账簿、科目余额表和对账仅会计、财务、审计、纪检和主要领导可查阅",
    "account_unknown": "会计科目不存在",
}


def _message(rule: str, figures: str) -> str:
    return f"{RULES[rule]}：{figures}" if figures else RULES[rule]


def refused(rule: str, figures: str = "", **details: Any) -> DomainError:
    return Conflict(rule, _message(rule, figures), {"rule": rule, **details})


def invalid(rule: str, field: str, figures: str = "", **details: Any) -> DomainError:
    return InvalidInput(rule, _message(rule, figures), {"rule": rule, "field": field, **details})


def forbidden(rule: str, figures: str = "", **details: Any) -> DomainError:
    return Forbidden(rule, _message(rule, figures), {"rule": rule, **details})
