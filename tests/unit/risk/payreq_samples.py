"""Sample payloads of acceptance and payment request events (helper payreq), valid against the catalogue."""

from __future__ import annotations

from typing import Any

from tests.unit.risk.contract_samples import CONTRACT, LINE, SUPPLIER_ID

PAYMENT = {"type": "payment_request", "id": "8b7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e", "no": "FK-2026-000001"}
BASIS = {"type": "contract_milestone", "id": CONTRACT["id"], "no": CONTRACT["no"]}
PAYEE = {"name": "新桥办公设备有限公司", "credit_code": "91350100M000100Y43", "account_no": "6222020200112233445"}
INVOICES = [{"key": "26442000000123456789", "number": "26442000000123456789", "amount": "90000.00"}]

PAYREQ_PAYLOADS: dict[str, dict[str, Any]] = {
    "contract.acceptance_recorded": {
        "acceptance_id": "9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f",
        "contract_id": CONTRACT["id"],
        "contract_no": CONTRACT["no"],
        "unit": "dzb",
        "milestone_no": 1,
        "result": "passed",
        "accepted_on": "2026-05-10",
        "amount": "90000.00",
        "supplier_id": SUPPLIER_ID,
        "budget_line_id": LINE,
        "members": ["principal", "admin"],
        "acceptor": "principal",
    },
    "contract.completed": {
        "document": CONTRACT,
        "amount": "90000.00",
        "paid": "90000.00",
        "completed_on": "2026-06-30",
    },
    "payment.payment_requested": {
        "document": PAYMENT,
        "payment_id": PAYMENT["id"],
        "no": PAYMENT["no"],
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "90000.00",
        "title": "办公设备采购合同验收款",
        "budget_line_id": LINE,
        "basis": BASIS,
        "contract_id": CONTRACT["id"],
        "milestone_no": 1,
        "supplier_id": SUPPLIER_ID,
        "payee": PAYEE,
        "invoices": INVOICES,
    },
    "payment.payment_executed": {
        "payment_id": PAYMENT["id"],
        "no": PAYMENT["no"],
        "unit": "dzb",
        "budget_line_id": LINE,
        "fiscal_year": 2026,
        "economic_class": "30201",
        "amount": "90000.00",
        "basis": BASIS,
        "contract_id": CONTRACT["id"],
        "milestone_no": 1,
        "supplier_id": SUPPLIER_ID,
        "payee": PAYEE,
        "invoices": INVOICES,
        "executed_on": "2026-05-15",
        "reference": "ICBC-20260515-0001",
        "executor": "cashier",
        "approvers": ["head", "finance"],
    },
}
