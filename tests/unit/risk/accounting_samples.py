"""Sample payloads of the accounting events and of the two events accounting hears (as pinned between helpers),
valid against the catalogue."""

from __future__ import annotations

from typing import Any

CONTRACT_ID = "3d2c1b0a-9f8e-4d7c-8b6a-5e4d3c2b1a09"
LINE = "2026-dzb-2010301-30201"

ACCOUNTING_PAYLOADS: dict[str, dict[str, Any]] = {
    "contract.acceptance_recorded": {
        "acceptance_id": "8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d",
        "contract_id": CONTRACT_ID,
        "contract_no": "HT-2026-000001",
        "unit": "dzb",
        "milestone_no": 1,
        "result": "passed",
        "accepted_on": "2026-06-10",
        "amount": "90000.00",
        "supplier_id": "7a6b5c4d-3e2f-4a1b-8c0d-9e8f7a6b5c4d",
        "budget_line_id": LINE,
        "members": ["clerk", "head_dzb", "clerk_czb"],
        "acceptor": "head_dzb",
    },
    "payment.payment_executed": {
        "payment_id": "9c8b7a6d-5e4f-4b3a-8d2c-1f0e9d8c7b6a",
        "no": "FK-2026-000001",
        "unit": "dzb",
        "budget_line_id": LINE,
        "fiscal_year": 2026,
        "economic_class": "30201",
        "amount": "90000.00",
        "basis": {"type": "contract_milestone", "id": CONTRACT_ID, "no": "HT-2026-000001"},
        "contract_id": CONTRACT_ID,
        "milestone_no": 1,
        "supplier_id": "7a6b5c4d-3e2f-4a1b-8c0d-9e8f7a6b5c4d",
        "payee": {
            "name": "新桥办公设备有限公司",
            "credit_code": "91110108MA01ABCD2X",
            "account_no": "6222000011112222",
        },
        "invoices": [{"key": "26440000000000000001", "number": "26440000000000000001", "amount": "90000.00"}],
        "executed_on": "2026-06-15",
        "reference": "GK-2026-0001",
        "executor": "cashier",
        "approvers": ["head_dzb", "finance"],
    },
    "accounting.voucher_posted": {
        "voucher_id": "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
        "no": "记-2026-06-0002",
        "period": "2026-06",
        "kind": "payment",
        "source": {"type": "payment_request", "id": "9c8b7a6d-5e4f-4b3a-8d2c-1f0e9d8c7b6a", "no": "FK-2026-000001"},
        "unit": "dzb",
        "budget_line_id": LINE,
        "amount": "90000.00",
        "lines": [
            {
                "account_code": "2302",
                "account_name": "应付账款",
                "debit": "90000.00",
                "credit": "0.00",
                "basis": "financial",
            },
            {
                "account_code": "1011",
                "account_name": "零余额账户用款额度",
                "debit": "0.00",
                "credit": "90000.00",
                "basis": "financial",
            },
            {
                "account_code": "7101",
                "account_name": "行政支出",
                "debit": "90000.00",
                "credit": "0.00",
                "basis": "budgetary",
            },
            {
                "account_code": "8001",
                "account_name": "资金结存",
                "debit": "0.00",
                "credit": "90000.00",
                "basis": "budgetary",
            },
        ],
    },
    "accounting.period_closed": {"period": "2026-05", "vouchers": 12, "closed_by": "accountant"},
}
