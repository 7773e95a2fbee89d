"""Approval under watch, through the gateway and every real service: risk warnings at the point of decision
(split purchase, budget nearly exhausted), cycle time, due times with one reminder and one escalation, and
notifications that reach the person concerned and nobody else.

A stack of its own, with due times in seconds (IC_APPROVAL_DUE_SECONDS etc.): every task here falls due
within moments, which the other tests' stack must not see."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deploy.stack import ThrowawayStack
from tests.conftest import RISK_UNIT_WIDE_OFF
from tests.integration.conftest import LOG_ROOT, Api, assessed, eventually

pytestmark = pytest.mark.integration

DUE_S, ESCALATE_AFTER_S, TICK_S = 2, 3, 0.5
OFFICE_LINE = "2026-DZB-30201-01"  # 党政综合办公室 办公费, 420,000.00
TRAVEL_LINE = "2026-DZB-30211-01"  # 党政综合办公室 差旅费, 80,000.00


@pytest.fixture(scope="module")
def watch_stack() -> Iterator[ThrowawayStack]:
    s = ThrowawayStack(
        service_env={
            "approval": {
                "IC_APPROVAL_DUE_SECONDS": str(DUE_S),
                "IC_APPROVAL_ESCALATE_AFTER_S": str(ESCALATE_AFTER_S),
                "IC_APPROVAL_DEADLINE_TICK_S": str(TICK_S),
            },
            "risk": dict(RISK_UNIT_WIDE_OFF),  # its tests share one unit (tests/conftest.py)
        }
    )
    # A second copy of the system beside the session's: fewer workers keep both within PostgreSQL's connections.
    s.env["IC_MAX_WORKERS"] = "4"
    s.log_dir = str(LOG_ROOT / s.name)
    os.makedirs(s.log_dir, exist_ok=True)
    with open(Path(s.log_dir) / "all.log", "w", encoding="utf-8") as log:
        s.create()
        try:
            s.start(stream=log)
            yield s
        finally:
            s.destroy()


@pytest.fixture(scope="module")
def as_user(watch_stack: ThrowawayStack) -> Callable[[str], Api]:
    cache: dict[str, Api] = {}

    def _login(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(watch_stack.base_url, username)
        return cache[username]

    return _login


def submit(api: Api, amount: str, line: str = OFFICE_LINE, title: str = "采购办公设备") -> dict:
    response = api.post(
        "/api/v1/matter-applications",
        json={"title": title, "purpose": "日常办公", "budget_line_id": line, "amount": amount},
    )
    assert response.status_code == 201, response.text
    return response.json()


def task_of(api: Api, app_id: str) -> dict | None:
    items = api.get("/api/v1/approval/tasks", params={"page_size": 200}).json()["items"]
    return next((t for t in items if t["document"]["id"] == app_id), None)


def decide(api: Api, task_id: str, **body) -> object:
    assessed(api, task_id)
    return api.post(f"/api/v1/approval/tasks/{task_id}/decision", json={"decision": "approve", **body})


def notifications_about(api: Api, app_id: str) -> list[dict]:
    items = api.get("/api/v1/notifications", params={"page_size": 200}).json()["items"]
    return [n for n in items if n["document"]["id"] == app_id]


def dossier_types(api: Api, app_id: str) -> list[str]:
    body = api.get(f"/api/v1/dossiers/matter_application/{app_id}").json()
    return [e["type"] for e in body.get("entries", [])]


def test_a_split_purchase_must_be_acknowledged_before_approval(as_user):
    clerk, head, auditor = as_user("clerk"), as_user("head"), as_user("auditor")
    apps = [submit(clerk, "20000.00", title=f"办公家具第 {n} 批") for n in (1, 2, 3)]
    third = apps[2]

    # The third's approver sees a high warning on it, in the list and on the task itself.
    listed = eventually(lambda: (t := task_of(head, third["id"])) and t["warning_count"] and t)
    assert listed["max_severity"] == "high"
    task = head.get(f"/api/v1/approval/tasks/{listed['task_id']}").json()
    [warning] = task["warnings"]
    assert warning["rule"] == "split_purchase" and warning["severity"] == "high" and warning["must_acknowledge"]
    assert "化整为零" in warning["message"]
    assert sorted(o["document"]["no"] for o in warning["evidence"]["others"]) == sorted(a["no"] for a in apps[:2])
    assert task["unacknowledged_high"] == [warning["id"]] and task["due_at"]
    # The first two are below the threshold together: no warning there.
    for app in apps[:2]:
        assert task_of(head, app["id"])["warning_count"] == 0
    risk_side = head.get(f"/api/v1/documents/matter_application/{third['id']}/risk-warnings").json()
    assert [(w["id"], w["rule"]) for w in risk_side["items"]] == [(warning["id"], "split_purchase")]

    refused = decide(head, listed["task_id"], comment="同意")
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "risk_ack_required" and "高风险预警" in error["message"]
    # (nameko carries an error's details as text: the id arrives as "7")
    assert [str(w["id"]) for w in error["details"]["warnings"]] == [str(warning["id"])]

    no_comment = decide(head, listed["task_id"], acknowledge_warnings=[warning["id"]])
    assert no_comment.status_code == 422, no_comment.text
    assert no_comment.json()["error"]["code"] == "risk_ack_required"
    assert task_of(head, third["id"]) is not None, "a refused approval leaves the task pending"

    reason = "三批为不同楼层分别报修，已核实非拆分"
    approved = decide(head, listed["task_id"], acknowledge_warnings=[warning["id"]], comment=reason)
    assert approved.status_code == 200, approved.text
    assert approved.json()["route"]["status"] == "approved"

    entries = auditor.get(f"/api/v1/documents/matter_application/{third['id']}/trail").json()["entries"]
    actions = [e["action"] for e in entries]
    assert actions.index("risk_acknowledged") < actions.index("approved")
    ack = entries[actions.index("risk_acknowledged")]
    assert ack["actor"] == "head" and reason in ack["comment"] and f"#{warning['id']}" in ack["comment"]
    verified = auditor.get("/api/v1/approval/trail/verify").json()
    assert verified["ok"] is True and verified["first_break"] is None, verified
    seen = head.get(f"/api/v1/approval/tasks/{listed['task_id']}").json()
    assert seen["warnings"][0]["acknowledged"]["by"] == "head" and seen["unacknowledged_high"] == []
    assert "risk.warning_raised" in eventually(
        lambda: (t := dossier_types(clerk, third["id"])) and "risk.warning_raised" in t and t
    )


def test_a_rejected_application_no_longer_adds_up_to_a_split(as_user):
    clerk, head = as_user("clerk"), as_user("head")
    line = "2026-DZB-30213-01"  # 党政综合办公室 维修(护)费, 260,000.00
    rejected = submit(clerk, "30000.00", line, title="办公楼维修一期")
    task = eventually(lambda: task_of(head, rejected["id"]))
    assert (
        head.post(
            f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "reject", "comment": "方案不全"}
        ).status_code
        == 200
    )
    eventually(lambda: "payment.matter_application_rejected" in dossier_types(clerk, rejected["id"]))

    second, third = (submit(clerk, "30000.00", line, title=f"办公楼维修{n}期") for n in ("二", "三"))
    listed = eventually(lambda: (t := task_of(head, third["id"])) and t["warning_count"] and t)
    [warning] = head.get(f"/api/v1/approval/tasks/{listed['task_id']}").json()["warnings"]
    assert [o["document"]["id"] for o in warning["evidence"]["others"]] == [second["id"]]
    assert warning["evidence"]["total"] == "60000.00"
    assert task_of(head, second["id"])["warning_count"] == 0


def test_a_line_nearly_exhausted_warns_medium_and_does_not_block(as_user):
    clerk, head = as_user("clerk"), as_user("head")
    app = submit(clerk, "76000.00", TRAVEL_LINE, title="年度差旅费预支")  # 95 % of the line
    listed = eventually(lambda: (t := task_of(head, app["id"])) and t["warning_count"] and t)
    assert listed["max_severity"] == "medium"
    [warning] = head.get(f"/api/v1/approval/tasks/{listed['task_id']}").json()["warnings"]
    assert warning["rule"] == "budget_nearly_exhausted" and warning["evidence"]["level"] == 95
    assert decide(head, listed["task_id"]).status_code == 200


def test_the_cycle_report_counts_decided_steps_and_the_histograms_observe_them(as_user, watch_stack):
    clerk, head, principal = as_user("clerk"), as_user("head"), as_user("principal")
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    params = {"document_type": "matter_application", "from": today, "to": today}

    def step_count() -> int:
        response = principal.get("/api/v1/reports/approval-cycle", params=params)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        steps = [s for i in items for s in i["steps"] if s["step_name"] == "部门负责人审批"]
        return steps[0]["count"] if steps else 0

    before = step_count()
    app = submit(clerk, "800.00", title="打印纸")
    task = eventually(lambda: task_of(head, app["id"]))
    assert decide(head, task["task_id"]).status_code == 200
    assert step_count() == before + 1

    report = principal.get("/api/v1/reports/approval-cycle", params=params).json()
    [matter] = report["items"]
    step = next(s for s in matter["steps"] if s["step_name"] == "部门负责人审批")
    assert 0 <= step["p50_s"] <= step["p90_s"] <= step["max_s"] and step["within_one_day_rate"] == 1.0
    assert matter["cycle"]["count"] >= 1 and matter["cycle"]["within_one_day_rate"] == 1.0
    assert clerk.get("/api/v1/reports/approval-cycle").status_code == 403
    assert (
        principal.get("/api/v1/reports/approval-cycle", params={"from": today, "to": "2000-01-01"}).status_code == 422
    )

    port = watch_stack.settings.metrics_port("approval")
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert (
        'ic_approval_step_seconds_count{decision="approved",document_type="matter_application",'
        'step_name="部门负责人审批"}' in body
    )
    assert (
        'ic_approval_cycle_seconds_bucket{document_type="matter_application",le="86400.0",outcome="approved"}' in body
    )


def test_an_overdue_task_is_reminded_then_escalated_once_and_only_the_right_people_hear(as_user, watch_stack):
    clerk, head, leader, principal = as_user("clerk"), as_user("head"), as_user("leader"), as_user("principal")
    app = submit(clerk, "300.00", title="会议茶歇")
    task = eventually(lambda: task_of(head, app["id"]))
    assert task["due_at"]

    kinds = eventually(
        lambda: (k := [n["kind"] for n in notifications_about(head, app["id"])]) and "task_overdue" in k and k,
        timeout=DUE_S + 20,
    )
    escalated = eventually(lambda: notifications_about(leader, app["id"]), timeout=DUE_S + ESCALATE_AFTER_S + 20)
    assert [n["kind"] for n in escalated] == ["task_escalated"] and "head" in escalated[0]["message"]
    time.sleep(4 * TICK_S + 1)  # several more sweeps: nothing new may come of them

    types = dossier_types(clerk, app["id"])
    assert types.count("approval.task_overdue") == 1 and types.count("approval.task_escalated") == 1
    assert sorted(n["kind"] for n in notifications_about(head, app["id"])) == ["step_assigned", "task_overdue"]
    assert [n["kind"] for n in notifications_about(leader, app["id"])] == ["task_escalated"]
    assert notifications_about(clerk, app["id"]) == [] and notifications_about(principal, app["id"]) == []
    assert kinds[0] in ("step_assigned", "task_overdue")
    assert task_of(head, app["id"])["overdue"] is True
    detail = head.get(f"/api/v1/approval/tasks/{task['task_id']}").json()
    assert detail["reminded_at"] and detail["escalated_at"] and detail["escalated_to"] == "leader"

    # Decided: the initiator, and only they, hears that it is over; the stream pushes it to them.
    assert decide(head, task["task_id"]).status_code == 200
    done = eventually(lambda: notifications_about(clerk, app["id"]))
    assert [n["kind"] for n in done] == ["completed"] and "审批通过" in done[0]["title"]
    pushed = next_pushed(clerk, after=done[0]["id"] - 1)
    assert pushed["id"] == done[0]["id"] and pushed["document"]["id"] == app["id"]

    # Reading: one's own only; another person's is not found.
    assert leader.post(f"/api/v1/notifications/{done[0]['id']}/read").status_code == 404
    read = clerk.post(f"/api/v1/notifications/{done[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    unread = clerk.get("/api/v1/notifications", params={"unread": True, "page_size": 200}).json()["items"]
    assert done[0]["id"] not in [n["id"] for n in unread]


def next_pushed(api: Api, after: int, timeout: float = 15.0) -> dict:
    """The first notification the SSE stream pushes after `after`."""
    with api.http.stream("GET", "/api/v1/notifications/stream", params={"after": after}, timeout=timeout) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                return json.loads(line[len("data: ") :])
    raise AssertionError("the stream ended without a notification")
