"""Sample payloads of the pinned payment-flow events (ic_platform/catalogue/payment_flow_events.py)."""

from __future__ import annotations

from typing import Any

CONTRACT_ID = "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SUPPLIER_ID = "2e3d4c5b-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
PAYMENT = {"type": "payment_request", "id": "3f4e5d6c-7a8b-4c9d-8e0f-2a3b4c5d6e7f", "no": "FK-2026-000001"}
PAYEE = {"name": "甲公司", "credit_code": "91110000100000000A", "account_no": "6222000011112222"}
INVOICES = [{"key": "2644200000001234567", "number": "26442000000012345678", "amount": "30000.00"}]
BASIS = {"type": "contract_milestone", "id": CONTRACT_ID, "no": "HT-2026-000001"}

PAYMENT_FLOW_PAYLOADS: dict[str, dict[str, Any]] = {
    "contract.acceptance_recorded": {
        "acceptance_id": "4a5b6c7d-8e9f-4a0b-9c1d-3b4c5d6e7f80",
        "contract_id": CONTRACT_ID,
        "contract_no": "HT-2026-000001",
        "unit": "dzb",
        "milestone_no": 1,
        "result": "passed",
        "accepted_on": "2026-11-20",
        "amount": "30000.00",
        "supplier_id": SUPPLIER_ID,
        "budget_line_id": "2026-dzb-2010301-30201",
        "members": ["li", "wang"],
        "acceptor": "li",
    },
    "payment.payment_requested": {
        "document": PAYMENT,
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "30000.00",
        "title": "合同第 1 期付款",
        "payment_id": PAYMENT["id"],
        "no": PAYMENT["no"],
        "budget_line_id": "2026-dzb-2010301-30201",
        "basis": BASIS,
        "contract_id": CONTRACT_ID,
        "milestone_no": 1,
        "supplier_id": SUPPLIER_ID,
        "payee": PAYEE,
        "invoices": INVOICES,
    },
    "payment.payment_executed": {
        "payment_id": PAYMENT["id"],
        "no": PAYMENT["no"],
        "unit": "dzb",
        "budget_line_id": "2026-dzb-2010301-30201",
        "fiscal_year": 2026,
        "economic_class": "30201",
        "amount": "30000.00",
        "basis": BASIS,
        "contract_id": CONTRACT_ID,
        "milestone_no": 1,
        "supplier_id": SUPPLIER_ID,
        "payee": PAYEE,
        "invoices": INVOICES,
        "executed_on": "2026-11-25",
        "reference": "BANK-0001",
        "executor": "cashier",
        "approvers": ["head_czb"],
    },
    "payment.expense_claim_submitted": {
        "document": {"type": "expense_claim", "id": "5b6c7d8e-9f0a-4b1c-8d2e-4c5d6e7f8091", "no": "BX-2026-000001"},
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "1200.00",
        "title": "差旅报销",
        "claim_id": "5b6c7d8e-9f0a-4b1c-8d2e-4c5d6e7f8091",
        "no": "BX-2026-000001",
        "claimant": "clerk",
        "budget_line_id": "2026-dzb-2010301-30201",
        "application_id": None,
        "kind": "travel",
        "invoices": [],
        "flags": [],
    },
}
# A returned request or claim, corrected and resubmitted: the same payload as its first round, and the round.
PAYMENT_FLOW_PAYLOADS["payment.payment_request_resubmitted"] = {
    **PAYMENT_FLOW_PAYLOADS["payment.payment_requested"],
    "amount": "28000.00",
    "round": 2,
}
PAYMENT_FLOW_PAYLOADS["payment.expense_claim_resubmitted"] = {
    **PAYMENT_FLOW_PAYLOADS["payment.expense_claim_submitted"],
    "amount": "1100.00",
    "round": 2,
}
