"""From `budget_insufficient` to a usable over-budget override (超预算审批), through the gateway only: the refusal
says what to do next and where; the override must name an existing application of the requester's own unit on
that line; once approved, resubmitting the refused application uses it."""

from __future__ import annotations

import pytest

from tests.integration.budget_docs import decide, line, money, new_line, status_of
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

APPS = "/api/v1/matter-applications"
OVERRIDES = "/api/v1/budget-overrides"


def apply(api, line_id, amount):
    return api.post(APPS, json={"title": "全街道业务培训", "budget_line_id": line_id, "amount": amount})


def request_override(api, line_id, document, amount="200.00"):
    body = {"budget_line_id": line_id, "document": document, "amount": amount, "reason": "培训人数增加"}
    return api.post(OVERRIDES, json=body)


def refused_field(response) -> set[str]:
    assert response.status_code == 422, response.text
    return {f["field"] for f in response.json()["error"]["details"]["fields"]}


def test_a_refused_application_is_resubmitted_with_an_approved_override(login, rpc):
    clerk, head, principal = login("clerk"), login("head"), login("principal")
    line_id = new_line(rpc, "1000.00")

    refused = apply(clerk, line_id, "1200.00")
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    details = error["details"]
    assert error["code"] == "budget_insufficient"
    assert (details["allowed"], details["shortfall"], details["requested"]) == (False, "200.00", "1200.00")
    assert [s["action"] for s in details["next_steps"]] == ["adjust", "request_override", "resubmit"]
    document = details["document"]
    override_step = details["next_steps"][1]
    assert (override_step["method"], override_step["path"]) == ("POST", OVERRIDES)
    assert override_step["body"] == {"budget_line_id": line_id, "amount": "200.00", "document": document}
    assert details["next_steps"][2]["path"] == f"{APPS}/{document['id']}/resubmit"
    assert "超预算审批" in error["message"] and "预算调整" in error["message"] and OVERRIDES in error["message"]
    path = f"{APPS}/{document['id']}"
    assert clerk.get(path).json()["status"] == "refused"

    # Without an override the resubmission is refused again, and nothing changes.
    again = clerk.post(f"{path}/resubmit", json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "budget_insufficient"

    # The override names an existing application of the requester's unit, on its line.
    ghost = {"type": "matter_application", "id": "00000000-0000-0000-0000-000000000000"}
    assert refused_field(request_override(clerk, line_id, ghost)) == {"document.id"}
    assert refused_field(request_override(clerk, new_line(rpc, "1000.00"), document)) == {"budget_line_id"}
    czb_line = new_line(rpc, "100.00", unit="czb")
    theirs = apply(login("clerk_czb"), czb_line, "150.00").json()["error"]["details"]["document"]
    assert refused_field(request_override(clerk, line_id, theirs)) == {"document.id"}
    assert refused_field(request_override(clerk, line_id, {"type": "contract", "id": "x"})) == {"document.type"}

    created = request_override(clerk, line_id, document)
    assert created.status_code == 201, created.text
    override = created.json()
    assert override["for_document"]["no"] == document["no"]
    early = clerk.post(f"{path}/resubmit", json={"override_id": override["id"]})
    assert early.status_code == 409 and "未获批准" in early.json()["error"]["details"]["warning"]

    decide(head, override["id"])
    decide(principal, override["id"])
    status_of(clerk, f"{OVERRIDES}/{override['id']}", "approved")

    used = clerk.post(f"{path}/resubmit", json={"override_id": override["id"]})
    assert used.status_code == 200, used.text
    assert used.json()["status"] == "submitted" and used.json()["funds"]["rule"] == "budget_override"
    after = line(clerk, line_id)
    assert (money(after["pre_committed"]), money(after["overrun_allowance"])) == (1200, 200)
    assert clerk.get(f"{OVERRIDES}/{override['id']}").json()["status"] == "used"
    # Into approval as any application: the unit head decides it.
    decide(head, document["id"])
    eventually(lambda: clerk.get(path).json()["status"] == "approved")
