"""Money that never gets stuck, through the gateway and every real service: each document type that goes
through approval is withdrawn the one way (/approval/documents/{type}/{id}/withdraw) and its owner releases
what it holds and shows it 已撤回 (and takes a resubmission where the domain allows); a matter application
is cancelled (作废) or closed (结项), releasing its pre-commitment."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.budget_docs import CTX, decide, line, money, new_line, status_of
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

APPS = "/api/v1/matter-applications"
REOPEN_YEAR = 2083  # a year of its own: closing it touches no other test's lines


def withdraw(api, document_type, document_id, reason="不再需要"):
    return api.post(f"/api/v1/approval/documents/{document_type}/{document_id}/withdraw", json={"reason": reason})


def submit(api, line_id, amount, title="采购办公用品"):
    body = {"title": title, "purpose": "日常办公", "budget_line_id": line_id, "amount": amount}
    response = api.post(APPS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def routed(api, path):
    return eventually(lambda: (body := api.get(path).json()).get("route") and body)


def pre_committed(api, line_id):
    return money(line(api, line_id)["pre_committed"])


def test_a_withdrawn_matter_application_releases_its_pre_commitment_and_resubmits_by_reserving_again(login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "1000.00")
    app = submit(clerk, line_id, "600.00")
    path = f"{APPS}/{app['id']}"
    routed(clerk, path)
    assert pre_committed(clerk, line_id) == 600

    done = withdraw(clerk, "matter_application", app["id"])
    assert done.status_code == 200, done.text
    shown = status_of(clerk, path, "withdrawn")
    assert shown["status_label"] == "已撤回"
    eventually(lambda: pre_committed(clerk, line_id) == 0)

    again = clerk.post(f"{path}/resubmit", json={"title": "改正后的标题"})
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "submitted" and pre_committed(clerk, line_id) == 600
    # A new round of the same route reaches the head; a return keeps the money, a withdrawal of the returned
    # application gives it back.
    decide(head, app["id"], "return", "请补充清单")
    status_of(clerk, path, "returned")
    assert pre_committed(clerk, line_id) == 600
    assert withdraw(clerk, "matter_application", app["id"]).status_code == 200
    status_of(clerk, path, "withdrawn")
    eventually(lambda: pre_committed(clerk, line_id) == 0)
    moves = clerk.get(f"/api/v1/budget-lines/{line_id}/moves").json()["items"]
    assert sorted(m["step"] for m in moves) == ["submit", "submit:2", "withdrawn:1", "withdrawn:2"], moves


def test_a_withdrawn_budget_adjustment_releases_its_hold_and_resubmits_holding_again(login, rpc):
    clerk = login("clerk")
    source, target = new_line(rpc, "2000.00"), new_line(rpc, "1000.00")
    body = {
        "kind": "transfer",
        "from_budget_line_id": source,
        "to_budget_line_id": target,
        "amount": "500.00",
        "reason": "调剂",
    }
    created = clerk.post("/api/v1/budget-adjustments", json=body)
    assert created.status_code == 201, created.text
    adjustment = created.json()
    path = f"/api/v1/budget-adjustments/{adjustment['id']}"
    routed(clerk, path)
    assert pre_committed(clerk, source) == 500

    assert withdraw(clerk, "budget_adjustment", adjustment["id"]).status_code == 200
    shown = status_of(clerk, path, "withdrawn")
    assert shown["status_label"] == "已撤回" and pre_committed(clerk, source) == 0
    assert money(line(clerk, source)["amount"]) == 2000

    again = clerk.post(f"{path}/resubmit", json={})
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "submitted" and pre_committed(clerk, source) == 500
    eventually(lambda: clerk.get(path).json()["route"]["round"] == 2)
    # The adjustment's own path is the same withdrawal.
    assert clerk.post(f"{path}/withdraw", json={}).status_code == 200
    status_of(clerk, path, "withdrawn")
    assert pre_committed(clerk, source) == 0


def test_a_withdrawn_override_request_is_withdrawn_and_never_applies(login, rpc):
    clerk = login("clerk")
    line_id = new_line(rpc, "100.00")
    refused = clerk.post(APPS, json={"title": "会议", "budget_line_id": line_id, "amount": "150.00"})
    assert refused.status_code == 409, refused.text
    app = clerk.get(APPS, params={"status": "refused", "page_size": 5}).json()["items"][0]
    response = clerk.post(
        "/api/v1/budget-overrides",
        json={"budget_line_id": line_id, "document": app["document"], "amount": "50.00", "reason": "会议规模扩大"},
    )
    assert response.status_code == 201, response.text
    override = response.json()
    path = f"/api/v1/budget-overrides/{override['id']}"
    routed(clerk, path)
    assert withdraw(clerk, "budget_override", override["id"]).status_code == 200
    assert status_of(clerk, path, "withdrawn")["status_label"] == "已撤回"


def test_a_withdrawn_reopen_request_is_withdrawn(login, rpc):
    finance = login("finance")
    new_line(rpc, "100.00", year=REOPEN_YEAR)
    closed = finance.post(f"/api/v1/fiscal-years/{REOPEN_YEAR}/close", json={"reason": "年终结账"})
    assert closed.status_code == 200, closed.text
    requested = finance.post(f"/api/v1/fiscal-years/{REOPEN_YEAR}/reopen-requests", json={"reason": "补记一笔"})
    assert requested.status_code == 201, requested.text
    reopen = requested.json()
    path = f"/api/v1/fiscal-year-reopens/{reopen['id']}"
    routed(finance, path)
    assert withdraw(login("clerk"), "fiscal_year_reopen", reopen["id"]).status_code in (403, 404)
    assert withdraw(finance, "fiscal_year_reopen", reopen["id"]).status_code == 200
    status_of(finance, path, "withdrawn")
    assert finance.get(f"/api/v1/fiscal-years/{REOPEN_YEAR}").json()["status"] == "closed"


@pytest.mark.parametrize("how", ["withdrawn", "returned", "refused"])
def test_the_applicant_cancels_a_withdrawn_returned_or_refused_application_releasing_it(login, rpc, how):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "1000.00")
    if how == "refused":
        assert (
            clerk.post(APPS, json={"title": "超额", "budget_line_id": line_id, "amount": "1000.01"}).status_code == 409
        )
        app = clerk.get(APPS, params={"status": "refused", "page_size": 1}).json()["items"][0]
    else:
        app = submit(clerk, line_id, "400.00")
    path = f"{APPS}/{app['id']}"
    if how == "withdrawn":
        routed(clerk, path)
        assert withdraw(clerk, "matter_application", app["id"]).status_code == 200
    elif how == "returned":
        decide(head, app["id"], "return", "不合规")
    status_of(clerk, path, how)

    assert clerk.post(f"{path}/cancel", json={}).status_code == 422  # a reason is required
    assert head.post(f"{path}/cancel", json={"reason": "代为作废"}).status_code == 403
    cancelled = clerk.post(f"{path}/cancel", json={"reason": "活动取消"})
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["status_label"]) == ("cancelled", "已作废")
    eventually(lambda: pre_committed(clerk, line_id) == 0)
    assert clerk.post(f"{path}/resubmit", json={}).status_code == 409
    if how != "refused":  # approval closes the route too: nobody waits for a resubmission
        eventually(lambda: clerk.get(path).json()["route"]["status"] == "withdrawn")
    listed = clerk.get(APPS, params={"status": "cancelled", "page_size": 100}).json()["items"]
    assert app["id"] in {a["id"] for a in listed}


def test_an_application_in_approval_is_neither_cancelled_nor_closed(login, rpc):
    clerk = login("clerk")
    app = submit(clerk, new_line(rpc, "1000.00"), "100.00")
    refused = clerk.post(f"{APPS}/{app['id']}/cancel", json={"reason": "不要了"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "matter_application_not_cancellable"
    assert clerk.post(f"{APPS}/{app['id']}/close", json={"reason": "结束"}).status_code == 409


def test_an_approved_application_closed_releases_the_unspent_remainder(login, rpc):
    clerk, head, finance = login("clerk"), login("head"), login("finance")
    line_id = new_line(rpc, "5000.00")
    app = submit(clerk, line_id, "3000.00")
    path = f"{APPS}/{app['id']}"
    decide(head, app["id"])
    status_of(clerk, path, "approved")
    # Part of it was spent: a contract took 1,000.00 over from the pre-commitment.
    contract = {"type": "contract", "id": str(uuid.uuid4()), "no": "HT-2026-990001"}
    taken = rpc.call(
        "budget",
        "commit",
        {"budget_line_id": line_id, "amount": "1000.00", "document": contract, "from_document": app["document"]},
        context=CTX,
    )
    assert taken["allowed"]
    assert pre_committed(clerk, line_id) == 2000

    assert login("clerk_czb").post(f"{path}/close", json={"reason": "结束"}).status_code in (403, 404)
    closed = finance.post(f"{path}/close", json={"reason": "活动已结束，余款不再使用"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["status_label"]) == ("closed", "已结项")
    eventually(lambda: pre_committed(clerk, line_id) == 0)
    after = line(clerk, line_id)
    assert (money(after["committed"]), money(after["available"])) == (1000, 4000)
    assert clerk.post(f"{path}/close", json={"reason": "again"}).status_code == 409
    for status in ("withdrawn", "cancelled", "closed"):
        assert clerk.get(APPS, params={"status": status}).status_code == 200
