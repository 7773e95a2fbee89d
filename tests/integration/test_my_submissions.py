"""我提交的单据: an initiator's own list shows, for each document, the step holding it and who holds it now;
nobody else's submissions appear in it."""

from __future__ import annotations

import pytest

from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import TRAVEL_LINE, pending_task, submit

pytestmark = pytest.mark.integration


def mine(api, app_id, **params):
    body = api.get("/api/v1/approval/submissions", params={"page_size": 100, **params})
    assert body.status_code == 200, body.text
    return next((s for s in body.json()["items"] if s["document"]["id"] == app_id), None)


def test_the_initiator_sees_where_each_submission_stands(login):
    clerk, head = login("clerk"), login("head")
    response = submit(clerk, "1234.00", line_id=TRAVEL_LINE, title="出差申请（我的单据）")
    assert response.status_code == 201, response.text
    app = response.json()

    waiting = eventually(lambda: mine(clerk, app["id"]))
    assert (waiting["status"], waiting["status_label"]) == ("in_progress", "审批中")
    assert waiting["current_step_name"] == "部门负责人审批" and len(waiting["held_by"]) == 1
    assert waiting["held_by"][0].endswith("（head）")
    assert waiting["document"]["no"] == app["no"] and waiting["amount"] == "1234.00"
    assert mine(head, app["id"]) is None  # someone else's submission is not in my list
    assert mine(clerk, app["id"], status="approved") is None

    task = eventually(lambda: pending_task(head, app["id"]))
    assessed(head, task["task_id"])
    decided = head.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text

    done = eventually(lambda: (s := mine(clerk, app["id"], status="approved")) and s)
    assert done["held_by"] == [] and done["current_step_name"] is None and done["completed_at"]


def test_a_bad_status_filter_is_refused_naming_the_field(login):
    response = login("clerk").get("/api/v1/approval/submissions", params={"status": "lost"})
    assert response.status_code == 422
    assert "status" in response.text


def test_the_trail_records_where_a_submission_came_from(login):
    """The submission reaches approval as an event; the client's address and device travel in it, so the
    trail's `submitted` entry says where the action came from, like the entries of decisions do."""
    clerk, auditor = login("clerk"), login("auditor")
    body = {"title": "出差申请", "purpose": "调研", "budget_line_id": TRAVEL_LINE, "amount": "321.00"}
    response = clerk.post("/api/v1/matter-applications", json=body, headers={"User-Agent": "IC-Mobile/2.1 (HarmonyOS)"})
    assert response.status_code == 201, response.text
    app_id = response.json()["id"]

    def submitted_entry():
        body = auditor.get(f"/api/v1/documents/matter_application/{app_id}/trail")
        return body.status_code == 200 and next((e for e in body.json()["entries"] if e["action"] == "submitted"), None)

    entry = eventually(submitted_entry)
    assert entry["actor"] == "clerk"
    assert entry["client_ip"] == "127.0.0.1" and entry["user_agent"] == "IC-Mobile/2.1 (HarmonyOS)"
