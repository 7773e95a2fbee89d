"""The payment flow's events as pinned between helpers (/work/pinned.md): acceptance (contract), payment
requests and their execution, expense claims. Their producers land in parallel; risk judges them. Added only
if absent: the producers' own modules win (`merge_into`). No subscribers are declared here: approval's
definitions for payment requests and claims come with their producers."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import MONEY, USERNAME, approval_request, obj

_DATE = {"type": "string", "format": "date"}
_MONEY_OR_NULL = {"anyOf": [MONEY, {"type": "null"}]}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_BASIS = obj(
    ["type", "id"],
    type={"enum": ["contract_milestone", "expense_claim", "matter_application"]},
    id={"type": "string", "minLength": 1},
    no=_TEXT_OR_NULL,
)
_PAYEE = obj(
    ["name", "account_no"],
    name={"type": "string", "minLength": 1},
    credit_code=_TEXT_OR_NULL,
    account_no={"type": "string"},
)
_INVOICES = {
    "type": "array",
    "items": obj(["key", "number", "amount"], key={"type": "string"}, number={"type": "string"}, amount=MONEY),
}
_FLAGS = {"type": "array", "items": {"type": "object"}}

PAYMENT_FLOW_SPECS: list[dict[str, Any]] = [
    dict(
        type="contract.acceptance_recorded",
        version=1,
        producer="contract",
        summary="合同履约验收已登记（通过、不通过或附意见通过）",
        payload=obj(
            [
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
            acceptance_id={"type": "string", "minLength": 1},
            contract_id={"type": "string", "minLength": 1},
            contract_no={"type": "string"},
            unit={"type": "string", "minLength": 1},
            milestone_no=_INT_OR_NULL,
            result={"enum": ["passed", "failed", "passed_with_remarks"]},
            accepted_on=_DATE,
            amount=_MONEY_OR_NULL,
            supplier_id={"type": "string"},
            budget_line_id={"type": "string"},
            members={"type": "array", "items": USERNAME},
            acceptor=USERNAME,
        ),
    ),
    dict(
        type="payment.payment_requested",
        version=1,
        producer="payment",
        summary="付款申请已提交，待审批",
        payload=approval_request(
            [
                "payment_id",
                "no",
                "budget_line_id",
                "basis",
                "contract_id",
                "milestone_no",
                "supplier_id",
                "payee",
                "invoices",
            ],
            payment_id={"type": "string", "minLength": 1},
            no={"type": "string"},
            budget_line_id={"type": "string", "minLength": 1},
            basis=_BASIS,
            contract_id=_TEXT_OR_NULL,
            milestone_no=_INT_OR_NULL,
            supplier_id=_TEXT_OR_NULL,
            payee=_PAYEE,
            invoices=_INVOICES,
        ),
    ),
    dict(
        type="payment.payment_executed",
        version=1,
        producer="payment",
        summary="付款已执行（出纳支付）",
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
            payment_id={"type": "string", "minLength": 1},
            no={"type": "string"},
            unit={"type": "string", "minLength": 1},
            budget_line_id={"type": "string", "minLength": 1},
            fiscal_year={"type": "integer"},
            economic_class=_TEXT_OR_NULL,
            amount=MONEY,
            basis=_BASIS,
            contract_id=_TEXT_OR_NULL,
            milestone_no=_INT_OR_NULL,
            supplier_id=_TEXT_OR_NULL,
            payee=_PAYEE,
            invoices=_INVOICES,
            executed_on=_DATE,
            reference={"type": "string"},
            executor=USERNAME,
            approvers={"type": "array", "items": USERNAME},
        ),
    ),
    dict(
        type="payment.expense_claim_submitted",
        version=1,
        producer="payment",
        summary="报销单已提交，待审批",
        payload=approval_request(
            ["claim_id", "no", "claimant", "budget_line_id", "application_id", "kind", "invoices", "flags"],
            claim_id={"type": "string", "minLength": 1},
            no={"type": "string"},
            claimant=USERNAME,
            budget_line_id={"type": "string", "minLength": 1},
            application_id=_TEXT_OR_NULL,
            kind={"type": "string"},
            invoices={"type": "array"},
            flags=_FLAGS,
        ),
    ),
]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`specs` with the pinned payment-flow events that are not there yet."""
    present = {(s["type"], s["version"]) for s in specs}
    return [*specs, *(s for s in PAYMENT_FLOW_SPECS if (s["type"], s["version"]) not in present)]
