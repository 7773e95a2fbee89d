"""Accounting (会计核算) event types, and the two events accounting hears and posts vouchers for.

`contract.acceptance_recorded` (contract service) and `payment.payment_executed` (payment service) are other
helpers' events, pinned between helpers (/work/pinned.md): when a branch that publishes them is merged its own
schema wins and `merge_into` only adds `accounting` to its subscribers; until then the pinned schema is declared
here, so that accounting can hear them."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import MONEY, USERNAME, UUID, obj

_DATE = {"type": "string", "format": "date"}
_TEXT = {"type": "string", "minLength": 1}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_MONEY_OR_NULL = {"anyOf": [MONEY, {"type": "null"}]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_REF = {
    "type": "object",
    "required": ["type", "id"],
    "properties": {"type": _TEXT, "id": _TEXT, "no": {"type": "string"}},
    "additionalProperties": False,
}
_PAYEE = obj(["name", "account_no"], name=_TEXT, credit_code=_TEXT_OR_NULL, account_no=_TEXT)
_INVOICE = obj(["key", "number", "amount"], key=_TEXT, number=_TEXT, amount=MONEY)
_PERIOD = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "会计期间 YYYY-MM"}

# Pinned (helper payreq publishes them); open to the optional fields their producer may add.
HEARD: list[dict[str, Any]] = [
    dict(
        type="contract.acceptance_recorded",
        version=1,
        producer="contract",
        summary="合同付款节点（或交付）验收已登记：结果、日期、验收小组；通过的节点可确认应付",
        payload={
            "type": "object",
            "required": [
                "acceptance_id",
                "contract_id",
                "contract_no",
                "unit",
                "milestone_no",
                "result",
                "accepted_on",
                "amount",
                "supplier_id",
                "budget_line_id",
                "members",
                "acceptor",
            ],
            "properties": {
                "acceptance_id": _TEXT,
                "contract_id": _TEXT,
                "contract_no": {"type": "string"},
                "unit": _TEXT,
                "milestone_no": _INT_OR_NULL,
                "result": {"enum": ["passed", "failed", "passed_with_remarks"]},
                "accepted_on": _DATE,
                "amount": _MONEY_OR_NULL,
                "supplier_id": _TEXT_OR_NULL,
                "budget_line_id": _TEXT_OR_NULL,
                "members": {"type": "array", "items": USERNAME},
                "acceptor": USERNAME,
            },
        },
    ),
    dict(
        type="payment.payment_executed",
        version=1,
        producer="payment",
        summary="付款已执行（出纳）：银行或国库支付凭证号与日期；预算转为实际支出，会计据此记账",
        payload={
            "type": "object",
            "required": [
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
            "properties": {
                "payment_id": _TEXT,
                "no": _TEXT,
                "unit": _TEXT,
                "budget_line_id": _TEXT,
                "fiscal_year": {"type": "integer"},
                "economic_class": _TEXT_OR_NULL,
                "amount": MONEY,
                "basis": _REF,
                "contract_id": _TEXT_OR_NULL,
                "milestone_no": _INT_OR_NULL,
                "supplier_id": _TEXT_OR_NULL,
                "payee": _PAYEE,
                "invoices": {"type": "array", "items": _INVOICE},
                "executed_on": _DATE,
                "reference": {"type": "string"},
                "executor": USERNAME,
                "approvers": {"type": "array", "items": USERNAME},
            },
        },
    ),
]

_LINE = obj(
    ["account_code", "account_name", "debit", "credit", "basis"],
    account_code={"type": "string", "pattern": "^[0-9]{4,8}$"},
    account_name=_TEXT,
    debit=MONEY,
    credit=MONEY,
    basis={"enum": ["financial", "budgetary"], "description": "财务会计 / 预算会计（平行记账）"},
)

ACCOUNTING_SPECS: list[dict[str, Any]] = [
    dict(
        type="accounting.voucher_posted",
        version=1,
        producer="accounting",
        summary="记账凭证已登记入账（按月连续编号，只增不改）：确认应付、支付（财务会计与预算会计平行记账）或冲销",
        payload=obj(
            ["voucher_id", "no", "period", "kind", "source", "unit", "budget_line_id", "amount", "lines"],
            voucher_id=UUID,
            no={"type": "string", "pattern": "^记-[0-9]{4}-[0-9]{2}-[0-9]{4,}$"},
            period=_PERIOD,
            kind={"enum": ["accrual", "payment", "reversal"]},
            source=_REF,
            unit=_TEXT,
            budget_line_id=_TEXT_OR_NULL,
            amount=MONEY,
            lines={"type": "array", "minItems": 2, "items": _LINE},
        ),
    ),
    dict(
        type="accounting.period_closed",
        version=1,
        producer="accounting",
        summary="会计期间已结账：此后该月不再记账，迟到的业务记入下一个未结账月份",
        payload=obj(
            ["period", "vouchers", "closed_by"],
            period=_PERIOD,
            vouchers={"type": "integer", "minimum": 0},
            closed_by=USERNAME,
        ),
    ),
]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`specs` with accounting's event types, and accounting subscribed to what it hears (declared here when
    its producer's branch has not declared it yet)."""
    known = {s["type"] for s in specs}
    added = [dict(s) for s in HEARD if s["type"] not in known]
    out = [*specs, *added]
    for spec in out:
        if spec["type"] in {h["type"] for h in HEARD}:
            spec["subscribers"] = tuple(sorted({*spec.get("subscribers", ()), "accounting"}))
    return [*out, *ACCOUNTING_SPECS]


__all__ = ["ACCOUNTING_SPECS", "HEARD", "merge_into"]
