"""The walking skeleton, through the gateway and every real service: a clerk applies, the budget pre-commits,
approval routes it to the unit head, the head decides, the budget follows, and the dossier tells the story."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.integration.conftest import assessed, eventually

pytestmark = pytest.mark.integration

OFFICE_LINE = "2026-DZB-30201-01"  # 党政综合办公室 办公费, 420,000.00 in the demo seed
TRAVEL_LINE = "2026-DZB-30211-01"  # 党政综合办公室 差旅费, 80,000.00


def line(api, line_id):
    response = api.get(f"/api/v1/budget-lines/{line_id}")
    assert response.status_code == 200, response.text
    return response.json()


def submit(api, amount, line_id=OFFICE_LINE, **extra):
    body = {"title": "采购办公用品", "purpose": "日常办公", "budget_line_id": line_id, "amount": amount, **extra}
    return api.post("/api/v1/matter-applications", json=body)


def application(api, app_id):
    response = api.get(f"/api/v1/matter-applications/{app_id}")
    assert response.status_code == 200, response.text
    return response.json()


def pending_task(api, app_id):
    tasks = api.get("/api/v1/approval/tasks", params={"page_size": 200}).json()["items"]
    return next((t for t in tasks if t["document"]["id"] == app_id), None)


def test_apply_approve_and_the_dossier_tells_the_story(login):
    clerk, head = login("clerk"), login("head")
    before = Decimal(line(clerk, OFFICE_LINE)["pre_committed"])

    response = submit(clerk, "12000.00")
    assert response.status_code == 201, response.text
    app = response.json()
    assert app["status"] == "submitted" and app["no"].startswith("SQ-")
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("12000.00")

    # The initiator sees which step holds the document, and why that step is there.
    routed = eventually(lambda: application(clerk, app["id"])["route"])
    assert routed["current_step"] == 1
    assert routed["steps"][0]["assignee"] == "head" and routed["steps"][0]["reason"]

    task = eventually(lambda: pending_task(head, app["id"]))
    assert assessed(head, task["task_id"])["risk_assessment"]["status"] == "assessed"
    decided = head.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text

    eventually(lambda: application(clerk, app["id"])["status"] == "approved")
    # Approved: the pre-commitment stays, now approved; nothing was released.
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("12000.00")

    expected = [
        "payment.matter_application_submitted",
        "budget.pre_committed",
        "approval.submitted",
        "approval.step_assigned",
        "approval.step_decided",
        "approval.completed",
        "budget.pre_commitment_approved",
        "payment.matter_application_approved",
    ]

    def dossier():
        body = clerk.get(f"/api/v1/dossiers/matter_application/{app['id']}").json()
        return body if {e["type"] for e in body.get("entries", [])} >= set(expected) else None

    story = eventually(dossier)["entries"]
    assert [e["occurred_at"] for e in story] == sorted(e["occurred_at"] for e in story)
    by_type = {e["type"]: e for e in story}
    assert by_type["payment.matter_application_submitted"]["actor"] == "clerk"
    assert by_type["approval.step_decided"]["actor"] == "head"
    assert all(e["summary"] for e in story)
    assert len(story) == len({e["event_id"] for e in story}), "an event was filed twice"


def test_rejection_releases_the_pre_commitment(login):
    clerk, head = login("clerk"), login("head")
    before = Decimal(line(clerk, TRAVEL_LINE)["pre_committed"])
    app = submit(clerk, "3000.50", TRAVEL_LINE).json()
    task = eventually(lambda: pending_task(head, app["id"]))
    assessed(head, task["task_id"])

    no_reason = head.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "reject"})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"] == "invalid_input"

    rejected = head.post(
        f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "reject", "comment": "出差事由不充分"}
    )
    assert rejected.status_code == 200, rejected.text
    eventually(lambda: application(clerk, app["id"])["status"] == "rejected")
    eventually(lambda: Decimal(line(clerk, TRAVEL_LINE)["pre_committed"]) == before)
    types = eventually(
        lambda: (
            {e["type"] for e in clerk.get(f"/api/v1/dossiers/matter_application/{app['id']}").json().get("entries", [])}
            >= {"budget.released"}
        )
    )
    assert types


def test_a_line_without_enough_money_refuses_with_the_reason(login):
    clerk = login("clerk")
    available = Decimal(line(clerk, TRAVEL_LINE)["available"])
    response = submit(clerk, str(available + Decimal("0.01")), TRAVEL_LINE)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "budget_insufficient"
    assert "可用余额" in error["message"]
    assert error["details"]["available"] == f"{available:.2f}"
    assert Decimal(line(clerk, TRAVEL_LINE)["available"]) == available


@pytest.mark.parametrize(
    "amount, reason",
    [
        ("0", "金额必须大于零"),
        ("-5.00", "金额必须大于零"),
        ("1.234", "两位小数"),
        ("abc", "有效数字"),
        (12.5, "字符串或整数"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(login, amount, reason):
    response = submit(login("clerk"), amount)
    assert response.status_code == 422, response.text
    fields = response.json()["error"]["details"]["fields"]
    assert any(f["field"].endswith("amount") and reason in f["reason"] for f in fields), fields


def test_unknown_budget_line_is_404(login):
    response = submit(login("clerk"), "100.00", "2026-NOPE-00000-00")
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "budget_line_not_found"


def test_a_line_of_another_unit_cannot_be_used(login):
    response = submit(login("clerk"), "100.00", "2026-CZB-30201-01")
    assert response.status_code in (403, 404), response.text


def test_same_idempotency_key_twice_has_one_effect(login):
    clerk = login("clerk")
    before = Decimal(line(clerk, OFFICE_LINE)["pre_committed"])
    key = str(uuid.uuid4())
    first = clerk.post(
        "/api/v1/matter-applications",
        headers={"Idempotency-Key": key},
        json={"title": "打印机硒鼓", "budget_line_id": OFFICE_LINE, "amount": "880.00"},
    )
    second = clerk.post(
        "/api/v1/matter-applications",
        headers={"Idempotency-Key": key},
        json={"title": "打印机硒鼓", "budget_line_id": OFFICE_LINE, "amount": "880.00"},
    )
    assert first.status_code == 201 and second.status_code in (200, 201)
    assert first.json()["id"] == second.json()["id"] and first.json()["no"] == second.json()["no"]
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("880.00")


def test_nobody_decides_a_task_that_is_not_theirs(login):
    clerk, head = login("clerk"), login("head")
    app = submit(clerk, "50.00").json()
    task = eventually(lambda: pending_task(head, app["id"]))
    response = clerk.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})
    assert response.status_code == 403, response.text


def test_a_head_never_approves_their_own_application(login):
    head = login("head")
    response = submit(head, "60.00")
    assert response.status_code == 201, response.text
    app = response.json()
    route = eventually(lambda: application(head, app["id"])["route"])
    assert all(step["assignee"] != "head" for step in route["steps"])
