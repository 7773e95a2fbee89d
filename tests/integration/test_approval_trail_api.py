"""The trail through the running system: a decision made through the gateway is on the chain, the service's
timer anchors the head outside the database, and auditors (only they, inspectors and admins) verify it."""

from __future__ import annotations

import pytest

from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration

URL = "/api/v1/approval/trail/verify"


def test_auditors_verify_the_trail_of_real_decisions_and_its_anchor(login):
    clerk, head, auditor = login("clerk"), login("head"), login("auditor")
    app = submit(clerk, "3000.00").json()
    task = eventually(lambda: pending_task(head, app["id"]))
    assessed(head, task["task_id"])
    response = head.post(
        f"/api/v1/approval/tasks/{task['task_id']}/decision",
        json={"decision": "approve", "comment": "同意"},
        headers={"User-Agent": "trail-test/1.0"},
    )
    assert response.status_code == 200, response.text

    def anchored():
        body = auditor.get(URL).json()
        latest = body.get("latest_anchor")
        return body if latest and latest["seq"] == body["head"]["seq"] else None

    trail = auditor.get(f"/api/v1/documents/matter_application/{app['id']}/trail").json()["entries"]
    assert [(e["action"], e["actor"]) for e in trail] == [
        ("submitted", "clerk"),
        ("step_assigned", "clerk"),
        ("approved", "head"),
        ("completed", "head"),
    ]
    assert trail[2]["user_agent"] == "trail-test/1.0" and trail[2]["client_ip"] and trail[2]["trace_id"]
    assert trail[2]["comment"] == "同意"

    # The timer looks every 5 s; it anchors a moved head at once only if nothing was anchored yet, otherwise
    # within the 60 s interval (IC_TRAIL_ANCHOR_INTERVAL_S): earlier tests on this stack may have just anchored.
    result = eventually(anchored, timeout=90)
    assert result["ok"] is True and result["first_break"] is None, result
    assert result["entries"] >= 4 and result["anchors_checked"] >= 1


@pytest.mark.parametrize("username", ["inspector", "admin"])
def test_inspectors_and_admins_may_verify_too(login, username):
    assert login(username).get(URL).status_code == 200


def test_nobody_else_may_verify(login):
    response = login("clerk").get(URL)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
