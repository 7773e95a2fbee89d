"""Helpers shared by the budget documents' integration tests: lines made for one test, approvals by hand."""

from __future__ import annotations

import uuid
from decimal import Decimal

from tests.integration.conftest import assessed, eventually
from tests.integration.identity import FINANCE

CTX = FINANCE


def new_line(rpc, amount, *, year=2026, unit="dzb", kind="basic", mode="block", economic_class="30201") -> str:
    line_id = f"{year}-T{uuid.uuid4().hex[:8]}-{economic_class}"
    rpc.call(
        "budget",
        "create_line",
        {
            "id": line_id,
            "fiscal_year": year,
            "unit": unit,
            "functional_class": "2010301",
            "economic_class": economic_class,
            "expenditure_kind": kind,
            "fund_source": "general_public_budget",
            "amount": amount,
            "control_mode": mode,
        },
        context=CTX,
    )
    return line_id


def line(api, line_id) -> dict:
    response = api.get(f"/api/v1/budget-lines/{line_id}")
    assert response.status_code == 200, response.text
    return response.json()


def money(value) -> Decimal:
    return Decimal(value)


def task_for(api, document_id):
    tasks = api.get("/api/v1/approval/tasks", params={"page_size": 200}).json()["items"]
    return next((t for t in tasks if t["document"]["id"] == document_id), None)


def decide(api, document_id, decision="approve", comment=None):
    task = eventually(lambda: task_for(api, document_id))
    assessed(api, task["task_id"])
    body = {"decision": decision, **({"comment": comment} if comment else {})}
    response = api.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def approve_seeing_warnings(api, document_id):
    """Approve, acknowledging the high warnings with a comment: a supplier whose bank account was registered
    today is paid today, and risk rightly says so (bank_account_recently_changed)."""
    task = eventually(lambda: task_for(api, document_id))
    assessed(api, task["task_id"])
    body = {"decision": "approve"}
    response = api.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json=body)
    if response.status_code == 409 and response.json()["error"]["code"] == "risk_ack_required":
        warnings = response.json()["error"]["details"]["warnings"]
        assert {w["rule"] for w in warnings} == {"bank_account_recently_changed"}
        body |= {"acknowledge_warnings": [w["id"] for w in warnings], "comment": "已电话核实开户许可证"}
        response = api.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json=body)
    assert response.status_code == 200, response.text


def status_of(api, path, expected):
    return eventually(lambda: (body := api.get(path).json()).get("status") == expected and body)
