"""Over-budget override (超预算审批) end to end: refused for want of money, requested, approved by the unit head
and the principal, then it lets exactly that document exceed the line by at most the approved amount, once."""

from __future__ import annotations

import uuid

import pytest

from ic_platform.errors import details_from_wire
from ic_platform.rpc_client import RemoteError
from tests.integration.budget_docs import CTX, decide, line, money, new_line, status_of

pytestmark = pytest.mark.integration


def reserve(rpc, line_id, amount, document, step="submit", override_id=None):
    kwargs = {"budget_line_id": line_id, "amount": amount, "document": document, "step": step}
    if override_id:
        kwargs["override_id"] = override_id
    try:
        return rpc.call("budget", "reserve", kwargs, context=CTX, timeout=30)
    except RemoteError as exc:
        return {"refused": exc.exc_args[0], "details": details_from_wire(exc.exc_args[2])}


def refused_application(api, line_id, amount) -> dict:
    """A matter application the line refused for want of money (an override names an existing document)."""
    body = {"title": "会议", "budget_line_id": line_id, "amount": amount}
    response = api.post("/api/v1/matter-applications", json=body)
    assert response.status_code == 409, response.text
    return response.json()["error"]["details"]["document"]


def test_an_approved_override_lets_exactly_that_document_exceed_by_at_most_the_amount_once(login, rpc):
    clerk, head, principal = login("clerk"), login("head"), login("principal")
    line_id = new_line(rpc, "1000.00")
    document = refused_application(clerk, line_id, "1200.00")
    other = {"type": "matter_application", "id": str(uuid.uuid4())}
    assert reserve(rpc, line_id, "1200.00", document)["refused"] == "budget_insufficient"

    response = clerk.post(
        "/api/v1/budget-overrides",
        json={"budget_line_id": line_id, "document": document, "amount": "300.00", "reason": "会议规模扩大"},
    )
    assert response.status_code == 201, response.text
    override = response.json()
    assert override["status"] == "submitted" and override["no"].startswith("CY-2026-")
    # Not approved yet: it does nothing.
    early = reserve(rpc, line_id, "1200.00", document, override_id=override["id"])
    assert early["refused"] == "budget_insufficient" and "未获批准" in early["details"]["warning"]

    decide(head, override["id"])
    decide(principal, override["id"])
    path = f"/api/v1/budget-overrides/{override['id']}"
    approved = status_of(clerk, path, "approved")
    assert [s["assignee"] for s in approved["route"]["steps"]] == ["head", "principal"]

    preview = rpc.call(
        "budget",
        "check_funds",
        {"budget_line_id": line_id, "amount": "1200.00", "override_id": override["id"], "document": document},
        context=CTX,
    )
    assert preview["allowed"] and preview["rule"] == "budget_override"
    assert reserve(rpc, line_id, "1200.00", other, override_id=override["id"])["refused"] == "budget_insufficient"
    too_much = reserve(rpc, line_id, "1300.01", document, override_id=override["id"])
    assert too_much["refused"] == "budget_insufficient"  # 300.01 over, 300.00 approved

    granted = reserve(rpc, line_id, "1200.00", document, override_id=override["id"])
    assert granted["allowed"] and granted["rule"] == "budget_override", granted
    assert f"超预算审批 {override['no']}" in granted["warning"]
    after = line(clerk, line_id)
    assert (money(after["pre_committed"]), money(after["overrun_allowance"]), money(after["available"])) == (
        1200,
        200,
        0,
    )
    moves = clerk.get(f"/api/v1/budget-lines/{line_id}/moves").json()["items"]
    assert moves[0]["override_no"] == override["no"]

    used = clerk.get(path).json()
    assert used["status"] == "used" and used["used_amount"] == "200.00"
    again = reserve(rpc, line_id, "1.00", document, step="again", override_id=override["id"])
    assert again["refused"] == "budget_insufficient" and "已使用" in again["details"]["warning"]
    # The database still refuses anything the override did not cover.
    assert reserve(rpc, line_id, "0.01", other)["refused"] == "budget_insufficient"


def test_a_rejected_override_never_applies(login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "100.00")
    document = refused_application(clerk, line_id, "120.00")
    override = clerk.post(
        "/api/v1/budget-overrides",
        json={"budget_line_id": line_id, "document": document, "amount": "50.00", "reason": "临时增加"},
    ).json()
    decide(head, override["id"], "reject", "不同意超支")
    status_of(clerk, f"/api/v1/budget-overrides/{override['id']}", "rejected")
    assert reserve(rpc, line_id, "120.00", document, override_id=override["id"])["refused"] == "budget_insufficient"
    bad = clerk.post(
        "/api/v1/budget-overrides",
        json={"budget_line_id": line_id, "document": document, "amount": "50.00", "reason": ""},
    )
    assert bad.status_code == 422
    unknown = clerk.post(
        "/api/v1/budget-overrides",
        json={
            "budget_line_id": line_id,
            "document": {"type": "budget_override", "id": "x"},
            "amount": "5.00",
            "reason": "r",
        },
    )
    assert unknown.status_code == 422, unknown.text
