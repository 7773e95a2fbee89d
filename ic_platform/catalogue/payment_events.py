"""Payment request (付款申请) and execution (支付) event types (helper payreq). Kept beside `events.py`:
`merge_into(SPECS)` adds them; `approval` hears the request (it goes into approval as `payment_request`)."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import MONEY, USERNAME, UUID, approval_request, obj

_DATE = {"type": "string", "format": "date"}
_LINE = {"type": "string", "minLength": 1, "description": "budget line id"}
_NO = {"type": "string", "pattern": r"^FK-\d{4}-\d{6}$", "description": "付款申请编号，如 FK-2026-000001"}
_BASIS = obj(
    ["type", "id", "no"],
    type={
        "enum": ["contract_milestone", "expense_claim", "matter_application"],
        "description": "付款依据：合同付款节点 / 已批准的报销单 / 已批准的事前申请",
    },
    id={"type": "string", "minLength": 1},
    no={"type": "string"},
)
_PAYEE = obj(
    ["name", "credit_code", "account_no"],
    name={"type": "string", "minLength": 1},
    credit_code={"type": ["string", "null"]},
    account_no={"type": "string", "minLength": 1},
)
_INVOICES = {
    "type": "array",
    "items": obj(
        ["key", "number", "amount"],
        key={"type": "string", "minLength": 1, "description": "规范化的发票标识（发票登记簿的唯一键）"},
        number={"type": "string", "minLength": 1},
        amount=MONEY,
    ),
}
_NULLABLE_ID = {"anyOf": [UUID, {"type": "null"}]}
_MILESTONE_NO = {"type": ["integer", "null"], "minimum": 1}
_SUPPLIER = {"type": ["string", "null"]}

# What a request carries into approval, first submitted or resubmitted.
_REQUESTED = dict(
    payment_id=UUID,
    no=_NO,
    budget_line_id=_LINE,
    basis=_BASIS,
    contract_id=_NULLABLE_ID,
    milestone_no=_MILESTONE_NO,
    supplier_id=_SUPPLIER,
    payee=_PAYEE,
    invoices=_INVOICES,
)

PAYMENT_SPECS: list[dict[str, Any]] = [
    dict(
        type="payment.payment_requested",
        version=1,
        producer="payment",
        summary="付款申请已提交审批：预算、付款条件（验收）、合同累计付款、收款人与账号、发票、质保金已校验，"
        "合同付款额度已占用",
        subscribers=("approval",),
        payload=approval_request(list(_REQUESTED), **_REQUESTED),
    ),
    dict(
        type="payment.payment_request_resubmitted",
        version=1,
        producer="payment",
        summary="被退回的付款申请经申请人修改后重新提交，进入新一轮审批：付款闸门全部校验已重新通过，"
        "合同付款额度已按本轮金额重新占用",
        subscribers=("approval",),
        payload=approval_request(
            [*_REQUESTED, "round"],
            **_REQUESTED,
            round={"type": "integer", "minimum": 2, "description": "第几轮审批（首次提交为第 1 轮）"},
        ),
    ),
    dict(
        type="payment.payment_executed",
        version=1,
        producer="payment",
        summary="付款已支付（出纳，非审批人）：登记银行或国库支付凭证号与日期，预算由合同占用（或预占）转为实际支出",
        payload=obj(
            [
                "payment_id",
                "no",
                "unit",
                "budget_line_id",
                "fiscal_year",
                "economic_class",
                "amount",
                "basis",
                "contract_id",
                "milestone_no",
                "supplier_id",
                "payee",
                "invoices",
                "executed_on",
                "reference",
                "executor",
                "approvers",
            ],
            payment_id=UUID,
            no=_NO,
            unit={"type": "string", "minLength": 1},
            budget_line_id=_LINE,
            fiscal_year={"type": "integer", "minimum": 2000, "maximum": 2100},
            economic_class={"type": ["string", "null"]},
            amount=MONEY,
            basis=_BASIS,
            contract_id=_NULLABLE_ID,
            milestone_no=_MILESTONE_NO,
            supplier_id=_SUPPLIER,
            payee=_PAYEE,
            invoices=_INVOICES,
            executed_on=_DATE,
            reference={"type": "string", "minLength": 1, "description": "银行流水号或国库支付凭证号"},
            executor=USERNAME,
            approvers={"type": "array", "items": USERNAME},
        ),
    ),
]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*specs, *PAYMENT_SPECS]


__all__ = ["PAYMENT_SPECS", "merge_into"]
