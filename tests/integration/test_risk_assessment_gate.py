"""A warning in time for the decision (issue 13 §1), through the gateway and every real service: while the risk
service is paused (SIGSTOP), the approver of a fresh submission is held with 409 risk_assessment_pending and the
task shows its round as waiting; once risk resumes it assesses the submission, the split-purchase warning is on
the task, and approval requires it to be acknowledged."""

from __future__ import annotations

import signal
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.integration.budget_docs import new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration
API = "/api/v1"


def decide(api, task_id, **body):  # noqa: ANN001, ANN201 - no waiting for the assessment: that is the point
    return api.post(f"{API}/approval/tasks/{task_id}/decision", json={"decision": "approve", **body})


def task_view(api, task_id):  # noqa: ANN001, ANN201
    response = api.get(f"{API}/approval/tasks/{task_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_decision_waits_for_risk_and_then_the_split_warning_is_required(stack, login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "500000.00")
    # Two parts, each assessed while risk runs: neither reaches the threshold on its own or together.
    for n in (1, 2):
        app = submit(clerk, "20000.00", line_id, title=f"办公家具第 {n} 批").json()
        first_task = eventually(lambda a=app: pending_task(head, a["id"]))
        assert assessed(head, first_task["task_id"])["warning_count"] == 0

    stack.supervisor.kill("risk", signal.SIGSTOP)
    try:
        third = submit(clerk, "20000.00", line_id, title="办公家具第 3 批").json()
        task = eventually(lambda: pending_task(head, third["id"]))
        paused_at = time.monotonic()
        listed = task["risk_assessment"]
        assert listed["status"] == "pending" and "风险评估中" in listed["status_label"]

        held = decide(head, task["task_id"], comment="同意")
        assert held.status_code == 409, held.text
        error = held.json()["error"]
        assert error["code"] == "risk_assessment_pending"
        assert "风险评估尚未完成" in error["message"] and third["no"] in error["message"]
        assert str(error["details"]["round"]) == "1" and error["details"]["document"]["id"] == third["id"]
        seen = task_view(head, task["task_id"])
        assert seen["risk_assessment"]["status"] == "pending" and seen["risk_assessment"]["waiting_since"]
        assert seen["warnings"] == [] and pending_task(head, third["id"]), "a held decision leaves the task pending"
        # Held however long risk is away: still refused a few seconds on.
        time.sleep(3)
        assert decide(head, task["task_id"], comment="同意").status_code == 409
    finally:
        stack.supervisor.kill("risk", signal.SIGCONT)

    ready = assessed(head, task["task_id"], timeout=60)
    print(f"assessment arrived {time.monotonic() - paused_at:.1f}s after the task was listed (risk paused)")
    assert ready["risk_assessment"]["status"] == "assessed" and ready["risk_assessment"]["warning_count"] == 1
    [warning] = ready["warnings"]
    assert warning["rule"] == "split_purchase" and warning["severity"] == "high" and warning["must_acknowledge"]
    assert ready["unacknowledged_high"] == [warning["id"]]

    unwarned = decide(head, task["task_id"], comment="同意")
    assert unwarned.status_code == 409, unwarned.text
    assert unwarned.json()["error"]["code"] == "risk_ack_required"
    approved = decide(head, task["task_id"], acknowledge_warnings=[warning["id"]], comment="已核实三批分属不同楼层")
    assert approved.status_code == 200, approved.text
    assert approved.json()["route"]["status"] == "approved"


def test_the_rule_book_through_the_gateway(login):
    """The rules, their definitions and parameters, and a new version from tomorrow (a version for today would
    change what the session's other tests are judged by)."""
    inspector, clerk = login("inspector"), login("clerk")
    book = {r["rule"]: r for r in clerk.get(f"{API}/risk/rules").json()["items"]}
    assert set(book) >= {
        "split_purchase",
        "split_across_lines",
        "split_small_parts",
        "budget_nearly_exhausted",
        "contract_supplier_not_awarded",
        "contract_above_award",
        "contract_without_procurement",
        "contract_signed_before_award",
        "just_below_threshold",
        "supplier_concentration",
    }
    split = book["split_purchase"]
    assert split["severity"] == "high" and "化整为零" in split["label"] and "window_days" in split["definition"]
    assert split["in_force"] == {"threshold": "50000.00", "min_part": "5000.00", "window_days": "30"}

    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()
    path = f"{API}/risk/rules/split_purchase/parameters/{tomorrow}"
    version = {"parameters": {"threshold": 40000, "min_part": 5000, "window_days": 30}}
    assert clerk.http.put(path, json=version).status_code == 403
    bad = inspector.http.put(path, json={"parameters": {"threshold": "四万", "min_part": 5000, "window_days": 30}})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "parameters.threshold", bad.text
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()
    past = inspector.http.put(f"{API}/risk/rules/split_purchase/parameters/{yesterday}", json=version)
    assert past.status_code == 422 and past.json()["error"]["details"]["field"] == "effective_from", past.text
    assert inspector.http.put(f"{API}/risk/rules/no_such_rule/parameters/{tomorrow}", json=version).status_code == 404

    put = inspector.http.put(path, json=version)
    assert put.status_code == 200, put.text
    assert put.json()["parameters"]["threshold"] == "40000.00" and put.json()["set_by"] == "inspector"
    split = {r["rule"]: r for r in clerk.get(f"{API}/risk/rules").json()["items"]}["split_purchase"]
    assert split["in_force"]["threshold"] == "50000.00", "tomorrow's version is not in force today"
    assert [v["effective_from"] for v in split["versions"]] == [tomorrow]
