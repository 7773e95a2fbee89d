"""Accounting (会计核算) event types, and accounting as a subscriber of the two events it posts vouchers for:
`contract.acceptance_recorded` (an accrual) and `payment.payment_executed` (a payment), declared by their
producers (contract_events.py, payment_events.py)."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import MONEY, USERNAME, UUID, obj

_TEXT = {"type": "string", "minLength": 1}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_REF = {
    "type": "object",
    "required": ["type", "id"],
    "properties": {"type": _TEXT, "id": _TEXT, "no": {"type": "string"}},
    "additionalProperties": False,
}
_PERIOD = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "会计期间 YYYY-MM"}


# What accounting hears (their schemas are their producers': contract's and payment's catalogue modules).
HEARD = ("contract.acceptance_recorded", "payment.payment_executed")

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
    """`specs` with accounting's event types, and accounting subscribed to what it hears."""
    for spec in specs:
        if spec["type"] in HEARD:
            spec["subscribers"] = tuple(sorted({*spec.get("subscribers", ()), "accounting"}))
    return [*specs, *ACCOUNTING_SPECS]


__all__ = ["ACCOUNTING_SPECS", "HEARD", "merge_into"]
