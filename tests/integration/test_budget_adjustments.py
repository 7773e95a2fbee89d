"""Budget adjustments (预算调整) through the gateway and the real services: a transfer holds its money while in
approval, moves the amounts when approved (and the report shows it), gives the hold back when rejected; basic↔
project transfers are refused by name; a return keeps the hold and a resubmission starts a new round."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.budget_docs import decide, line, money, new_line, status_of
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

BASE = "/api/v1/budget-adjustments"


def transfer(api, source, target, amount, reason="差旅费不足，从办公费调剂"):
    return api.post(
        BASE,
        json={
            "kind": "transfer",
            "from_budget_line_id": source,
            "to_budget_line_id": target,
            "amount": amount,
            "reason": reason,
        },
    )


def report_row(api, line_id):
    body = api.get(
        "/api/v1/reports/budget-execution",
        params={"fiscal_year": 2026, "group_by": "line", "unit": "dzb", "page_size": 200},
    ).json()
    pages = [body["items"]]
    for page in range(2, (body["total"] + 199) // 200 + 1):
        pages.append(
            api.get(
                "/api/v1/reports/budget-execution",
                params={"fiscal_year": 2026, "group_by": "line", "unit": "dzb", "page_size": 200, "page": page},
            ).json()["items"]
        )
    return next(r for items in pages for r in items if r["key"] == line_id)


def test_a_transfer_approved_end_to_end_moves_the_amounts_and_the_report_shows_it(login, rpc):
    clerk, head, leader = login("clerk"), login("head"), login("leader")
    source, target = new_line(rpc, "10000.00"), new_line(rpc, "2000.00", economic_class="30211")

    response = transfer(clerk, source, target, "3000.00")
    assert response.status_code == 201, response.text
    adjustment = response.json()
    assert adjustment["status"] == "submitted" and adjustment["no"].startswith("TZ-2026-")
    assert response.headers["location"].endswith(adjustment["id"])
    held = line(clerk, source)
    assert (money(held["pre_committed"]), money(held["available"])) == (3000, 7000)

    path = f"{BASE}/{adjustment['id']}"
    routed = eventually(lambda: clerk.get(path).json()["route"])
    assert [s["assignee"] for s in routed["steps"]] == ["head", "finance", "leader"]
    review = routed["steps"][1]  # 财务审核 is any one of the finance reviewers (或签)
    assert (review["kind"], sorted(review["assignees"])) == ("any_one", ["finance", "finance2"])

    decide(head, adjustment["id"])
    decide(login("finance2"), adjustment["id"])  # the second reviewer decides for the step
    decide(leader, adjustment["id"])
    done = status_of(clerk, path, "approved")
    assert done["amounts"] == {
        source: {"before": "10000.00", "after": "7000.00"},
        target: {"before": "2000.00", "after": "5000.00"},
    }
    after_source, after_target = line(clerk, source), line(clerk, target)
    assert (money(after_source["amount"]), money(after_source["pre_committed"])) == (7000, 0)
    assert (money(after_target["amount"]), money(after_target["available"])) == (5000, 5000)
    assert money(report_row(clerk, source)["amount"]) == 7000
    assert money(report_row(clerk, target)["amount"]) == 5000

    def dossier():
        types = {
            e["type"]
            for e in clerk.get(f"/api/v1/dossiers/budget_adjustment/{adjustment['id']}").json().get("entries", [])
        }
        return types >= {
            "budget.adjustment_submitted",
            "budget.pre_committed",
            "approval.completed",
            "budget.released",
            "budget.adjusted",
        }

    eventually(dossier)
    mine = clerk.get(BASE, params={"page_size": 200}).json()
    assert any(a["id"] == adjustment["id"] for a in mine["items"]) and mine["page"] == 1


def test_the_same_idempotency_key_twice_submits_and_holds_once(login, rpc):
    clerk = login("clerk")
    source, target = new_line(rpc, "1000.00"), new_line(rpc, "1000.00")
    body = {
        "kind": "transfer",
        "from_budget_line_id": source,
        "to_budget_line_id": target,
        "amount": "100.00",
        "reason": "调剂",
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first, second = clerk.post(BASE, json=body, headers=key), clerk.post(BASE, json=body, headers=key)
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["no"] == second.json()["no"]
    assert money(line(clerk, source)["pre_committed"]) == 100


def test_basic_to_project_is_refused_by_its_rule_and_nothing_is_held(login, rpc):
    clerk = login("clerk")
    source, target = new_line(rpc, "10000.00"), new_line(rpc, "10000.00", kind="project")
    response = transfer(clerk, source, target, "100.00")
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "budget_adjustment_refused" and error["details"]["rule"] == "basic_project_transfer"
    assert "基本支出与项目支出不得相互调剂" in error["message"]
    assert money(line(clerk, source)["pre_committed"]) == 0


def test_rejection_releases_the_hold_and_changes_no_amount(login, rpc):
    clerk, head = login("clerk"), login("head")
    source, target = new_line(rpc, "5000.00"), new_line(rpc, "1000.00")
    adjustment = transfer(clerk, source, target, "4000.00").json()
    assert money(line(clerk, source)["available"]) == 1000
    decide(head, adjustment["id"], "reject", "调剂理由不充分")
    status_of(clerk, f"{BASE}/{adjustment['id']}", "rejected")
    eventually(lambda: money(line(clerk, source)["pre_committed"]) == 0)
    assert money(line(clerk, source)["amount"]) == 5000 and money(line(clerk, target)["amount"]) == 1000


def test_held_money_cannot_be_spent_while_the_transfer_is_in_approval(login, rpc):
    clerk = login("clerk")
    source, target = new_line(rpc, "10000.00"), new_line(rpc, "1000.00")
    assert transfer(clerk, source, target, "5000.00").status_code == 201

    def apply(_: int) -> int:
        return clerk.post(
            "/api/v1/matter-applications", json={"title": "办公用品", "budget_line_id": source, "amount": "1000.00"}
        ).status_code

    with ThreadPoolExecutor(8) as pool:  # 8 racing applications of 1,000 for the 5,000 not held
        outcomes = list(pool.map(apply, range(8)))
    assert outcomes.count(201) == 5 and outcomes.count(409) == 3, outcomes
    after = line(clerk, source)
    assert (money(after["pre_committed"]), money(after["available"])) == (10000, 0)


def test_a_transfer_racing_applications_for_one_line_never_overspends_it(login, rpc):
    clerk = login("clerk")
    source, target = new_line(rpc, "10000.00"), new_line(rpc, "1000.00")

    def act(i: int) -> tuple[str, int]:
        if i == 3:
            return "transfer", transfer(clerk, source, target, "6000.00").status_code
        return "application", clerk.post(
            "/api/v1/matter-applications", json={"title": "办公用品", "budget_line_id": source, "amount": "1000.00"}
        ).status_code

    with ThreadPoolExecutor(9) as pool:
        outcomes = list(pool.map(act, range(9)))
    won = sum(6000 if kind == "transfer" else 1000 for kind, status in outcomes if status == 201)
    assert all(status in (201, 409) for _, status in outcomes), outcomes
    after = line(clerk, source)
    assert money(after["pre_committed"]) == won <= 10000 and money(after["available"]) == 10000 - won


def test_a_returned_transfer_keeps_its_hold_and_a_resubmission_is_approved_in_a_new_round(login, rpc):
    clerk, head, leader = login("clerk"), login("head"), login("leader")
    source, target = new_line(rpc, "3000.00"), new_line(rpc, "1000.00")
    adjustment = transfer(clerk, source, target, "1000.00").json()
    path = f"{BASE}/{adjustment['id']}"
    decide(head, adjustment["id"], "return", "请补充测算依据")
    returned = status_of(clerk, path, "returned")
    assert returned["status_reason"] == "请补充测算依据"
    assert money(line(clerk, source)["pre_committed"]) == 1000  # the hold is kept

    assert head.post(f"{path}/resubmit", json={}).status_code == 403  # only the initiator
    again = clerk.post(f"{path}/resubmit", json={"reason": "差旅费不足，附测算表"})
    assert again.status_code == 200, again.text
    eventually(lambda: (clerk.get(path).json().get("route") or {}).get("round") == 2)
    decide(head, adjustment["id"])
    decide(login("finance"), adjustment["id"])
    decide(leader, adjustment["id"])
    status_of(clerk, path, "approved")
    assert money(line(clerk, source)["amount"]) == 2000 and money(line(clerk, target)["amount"]) == 2000


def test_a_supplementary_adds_new_money_when_approved(login, rpc):
    clerk, head, leader = login("clerk"), login("head"), login("leader")
    target = new_line(rpc, "1000.00")
    body = {
        "kind": "supplementary",
        "to_budget_line_id": target,
        "amount": "2500.00",
        "reason": "新增任务",
        "fund_source": "general_public_budget",
    }
    assert clerk.post(BASE, json={**body, "fund_source": None}).status_code == 422
    adjustment = clerk.post(BASE, json=body).json()
    assert money(line(clerk, target)["pre_committed"]) == 0  # new money holds nothing
    decide(head, adjustment["id"])
    decide(login("finance"), adjustment["id"])
    decide(leader, adjustment["id"])
    status_of(clerk, f"{BASE}/{adjustment['id']}", "approved")
    assert money(line(clerk, target)["amount"]) == 3500


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"amount": "0"}, 422, "amount"),
        ({"amount": "-1.00"}, 422, "amount"),
        ({"reason": ""}, 422, "reason"),
        ({"reason": None}, 422, "reason"),
        ({"amount": "9000.01"}, 409, None),
        ({"to_budget_line_id": "2026-NOPE"}, 404, None),
    ],
)
def test_bad_requests_are_refused_naming_the_field(login, rpc, change, status, field):
    clerk = login("clerk")
    source, target = new_line(rpc, "9000.00"), new_line(rpc, "1000.00")
    body = {
        "kind": "transfer",
        "from_budget_line_id": source,
        "to_budget_line_id": target,
        "amount": "10.00",
        "reason": "调剂",
        **change,
    }
    response = clerk.post(BASE, json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == status, response.text
    if field:
        assert any(f["field"].endswith(field) for f in response.json()["error"]["details"]["fields"])
    assert money(line(clerk, source)["pre_committed"]) == 0


def test_another_units_line_cannot_be_transferred_from_and_unknown_ids_are_404(login, rpc):
    clerk = login("clerk")
    other, mine = new_line(rpc, "1000.00", unit="czb"), new_line(rpc, "1000.00")
    assert transfer(clerk, other, mine, "10.00").status_code == 403
    assert clerk.get(f"{BASE}/00000000-0000-0000-0000-000000000000").status_code == 404
    # Everything in the caller's data scope: their unit's for a clerk (data_scope tests go further).
    assert clerk.get(BASE, params={"all": "true"}).status_code == 200
    assert login("finance").get(BASE, params={"all": "true"}).status_code == 200


def test_a_returned_transfer_withdrawn_by_its_initiator_releases_the_hold(login, rpc):
    clerk, head = login("clerk"), login("head")
    source, target = new_line(rpc, "2000.00"), new_line(rpc, "1000.00")
    adjustment = transfer(clerk, source, target, "500.00").json()
    path = f"{BASE}/{adjustment['id']}"
    decide(head, adjustment["id"], "return", "不需要调剂")
    status_of(clerk, path, "returned")
    assert head.post(f"{path}/withdraw").status_code in (403, 404)  # the initiator only
    withdrawn = clerk.post(f"{path}/withdraw")  # the same withdrawal as approval's, for this document type
    assert withdrawn.status_code == 200 and withdrawn.json()["route"]["status"] == "withdrawn", withdrawn.text
    status_of(clerk, path, "withdrawn")
    assert money(line(clerk, source)["pre_committed"]) == 0 and money(line(clerk, source)["amount"]) == 2000
