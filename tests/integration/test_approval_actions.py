"""Approval actions through the gateway and every real service: withdraw (撤回), return to an earlier step,
reassign (转办) and delegation during absence (代理), with the trail and segregation of duties."""

from __future__ import annotations

import re
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.integration.conftest import eventually
from tests.integration.test_walking_skeleton import OFFICE_LINE, application, line, pending_task, submit

pytestmark = pytest.mark.integration

APPROVAL = "/api/v1/approval"
LABOUR_LINE = "2026-DZB-30226-01"  # 党政综合办公室 劳务费, 480,000.00: the ≥ 50,000 applications come from here


def decide(api, task_id, decision, comment=None):
    body = {"decision": decision, **({"comment": comment} if comment is not None else {})}
    return api.post(f"{APPROVAL}/tasks/{task_id}/decision", json=body)


def withdraw(api, app_id, **body):
    return api.post(f"{APPROVAL}/documents/matter_application/{app_id}/withdraw", json=body)


def trail(auditor, app_id):
    return auditor.get(f"/api/v1/documents/matter_application/{app_id}/trail").json()["entries"]


def sod_count(stack, rule: str) -> float:
    port = stack.settings.metrics_port("approval")
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    pattern = rf'^ic_segregation_of_duties_violations_total\{{[^}}]*rule="{rule}"[^}}]*\}} (\S+)$'
    return sum(float(m) for m in re.findall(pattern, body, re.M))


def at_leader(clerk, head, amount="50000.00"):
    """An application of ≥ 50,000.00 元, approved by the head, now waiting for the leader in charge."""
    app = submit(clerk, amount, LABOUR_LINE).json()
    first = eventually(lambda: pending_task(head, app["id"]))
    assert decide(head, first["task_id"], "approve", "同意").status_code == 200
    return app, first


def test_the_initiator_withdraws_before_anyone_acted_and_resubmits(login):
    clerk, head, auditor = login("clerk"), login("head"), login("auditor")
    before = Decimal(line(clerk, OFFICE_LINE)["pre_committed"])
    app = submit(clerk, "3100.00").json()
    task = eventually(lambda: pending_task(head, app["id"]))

    refused = withdraw(head, app["id"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "approval_not_initiator"
    done = withdraw(clerk, app["id"], reason="金额填错，撤回修改")
    assert done.status_code == 200, done.text
    assert done.json()["route"]["status"] == "withdrawn"
    assert withdraw(clerk, app["id"]).status_code == 409  # once

    shown = eventually(lambda: (a := application(clerk, app["id"]))["status"] == "withdrawn" and a)
    assert shown["status_label"] == "已撤回" and "撤回修改" in shown["status_reason"]
    assert shown["route"]["withdrawn"]["withdrawn_by"] == "clerk"
    assert pending_task(head, app["id"]) is None
    assert decide(head, task["task_id"], "approve").status_code == 409
    # The budget stays reserved, as after a return.
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("3100.00")

    assert clerk.post(f"/api/v1/matter-applications/{app['id']}/resubmit", json={}).status_code == 200
    second = eventually(lambda: pending_task(head, app["id"]))
    assert second["round"] == 2
    route = application(clerk, app["id"])["route"]
    assert route["earlier_rounds"][0]["status"] == "withdrawn"
    actions = [(e["action"], e["actor"], e["comment"]) for e in trail(auditor, app["id"])]
    assert ("withdrawn", "clerk", "金额填错，撤回修改") in actions
    assert [a for a, _, _ in actions][:4] == ["submitted", "step_assigned", "withdrawn", "resubmitted"]


def test_no_withdrawal_after_an_approver_acted(login):
    clerk, head = login("clerk"), login("head")
    app, _ = at_leader(clerk, head)
    late = withdraw(clerk, app["id"])
    assert late.status_code == 409, late.text
    assert late.json()["error"]["code"] == "approval_withdraw_too_late"
    assert application(clerk, app["id"])["status"] == "submitted"


def test_return_to_an_earlier_step(login):
    clerk, head, leader, auditor = login("clerk"), login("head"), login("leader"), login("auditor")
    app, first = at_leader(clerk, head)
    task = eventually(lambda: pending_task(leader, app["id"]))
    path = f"{APPROVAL}/tasks/{task['task_id']}/return-to-step"

    no_reason = leader.post(path, json={"to_step": 1})
    assert no_reason.status_code == 422
    assert {f["field"] for f in no_reason.json()["error"]["details"]["fields"]} == {"reason"}
    not_earlier = leader.post(path, json={"to_step": 2, "reason": "复核"})
    assert not_earlier.status_code == 422 and not_earlier.json()["error"]["details"]["field"] == "to_step"
    assert head.post(path, json={"to_step": 1, "reason": "复核"}).status_code == 403

    back = leader.post(path, json={"to_step": 1, "reason": "请复核采购数量"})
    assert back.status_code == 200, back.text
    assert (back.json()["route"]["current_step"], back.json()["next_assignee"]) == (1, "head")
    again = eventually(lambda: pending_task(head, app["id"]))
    assert again["task_id"] != first["task_id"] and again["step_no"] == 1 and again["round"] == 1
    assert decide(leader, task["task_id"], "approve").status_code == 409

    # The route climbs again through every later step.
    assert decide(head, again["task_id"], "approve", "已复核").status_code == 200
    retry = eventually(lambda: pending_task(leader, app["id"]))
    assert decide(leader, retry["task_id"], "approve", "同意").status_code == 200
    eventually(lambda: application(clerk, app["id"])["status"] == "approved")
    entry = next(e for e in trail(auditor, app["id"]) if e["action"] == "returned_to_step")
    assert (entry["actor"], entry["from_step"], entry["to_step"]) == ("leader", 2, 1)
    assert entry["comment"] == "请复核采购数量"


def test_reassign_to_another_approver_of_the_same_role(login):
    clerk, head, leader, auditor = login("clerk"), login("head"), login("leader"), login("auditor")
    other = login("leader_urban")
    app, _ = at_leader(clerk, head)
    task = eventually(lambda: pending_task(leader, app["id"]))
    path = f"{APPROVAL}/tasks/{task['task_id']}/reassign"

    assert leader.post(path, json={"assignee": "leader_urban"}).status_code == 422  # reason required
    assert head.post(path, json={"assignee": "leader_urban", "reason": "出差"}).status_code == 403
    wrong_role = leader.post(path, json={"assignee": "finance", "reason": "出差"})
    assert wrong_role.status_code == 422 and wrong_role.json()["error"]["code"] == "approval_reassign_role"
    unknown = leader.post(path, json={"assignee": "nobody", "reason": "出差"})
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["field"] == "assignee"

    moved = leader.post(path, json={"assignee": "leader_urban", "reason": "本周外出，转分管城建的领导处理"})
    assert moved.status_code == 200, moved.text
    assert pending_task(leader, app["id"]) is None
    new = eventually(lambda: pending_task(other, app["id"]))
    assert decide(other, new["task_id"], "approve", "同意").status_code == 200
    done = eventually(lambda: (a := application(clerk, app["id"]))["status"] == "approved" and a)
    assert done["route"]["steps"][1]["assignee"] == "leader_urban"
    actions = [(e["action"], e["actor"], e["assignee"]) for e in trail(auditor, app["id"])]
    assert ("reassigned", "leader", "leader_urban") in actions
    assert ("approved", "leader_urban", None) in actions


def test_an_administrator_reassigns_a_task(login):
    clerk, head, admin = login("clerk"), login("head"), login("admin")
    app = submit(clerk, "1200.00").json()
    task = eventually(lambda: pending_task(head, app["id"]))
    moved = admin.post(
        f"{APPROVAL}/tasks/{task['task_id']}/reassign",
        json={"assignee": "head_djb", "reason": "部门负责人长期病休，由党建办负责人代为审核"},
    )
    assert moved.status_code == 200, moved.text
    assert pending_task(head, app["id"]) is None
    assert eventually(lambda: pending_task(login("head_djb"), app["id"]))["step_no"] == 1


def test_a_delegate_acts_for_the_absent_approver_and_the_trail_says_so(login, stack):
    clerk, head, leader, auditor = login("clerk"), login("head"), login("leader"), login("auditor")
    deputy = login("leader_party")
    now = datetime.now(UTC)
    # An expired delegation does nothing.
    past = {
        "delegate": "leader_party",
        "starts_at": (now - timedelta(hours=3)).isoformat(),
        "ends_at": (now - timedelta(hours=2)).isoformat(),
        "reason": "上周休假",
    }
    assert leader.post(f"{APPROVAL}/delegations", json=past).status_code == 201
    app, _ = at_leader(clerk, head)
    eventually(lambda: pending_task(leader, app["id"]))
    assert pending_task(deputy, app["id"]) is None
    task = pending_task(leader, app["id"])
    assert decide(deputy, task["task_id"], "approve").status_code == 403

    bad = leader.post(f"{APPROVAL}/delegations", json={**past, "reason": ""})
    assert bad.status_code == 422
    body = {
        "delegate": "leader_party",
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "reason": "外出学习",
    }
    granted = leader.post(f"{APPROVAL}/delegations", json=body)
    assert granted.status_code == 201, granted.text
    assert granted.json()["state"] == "active"
    overlap = leader.post(f"{APPROVAL}/delegations", json={**body, "delegate": "leader_urban"})
    assert overlap.status_code == 409
    listed = deputy.get(f"{APPROVAL}/delegations").json()["items"]
    assert granted.json()["id"] in {d["id"] for d in listed}

    seen = pending_task(deputy, app["id"])
    assert seen is not None and seen["acting_for"] == "leader"
    decided = decide(deputy, seen["task_id"], "approve", "同意（代）")
    assert decided.status_code == 200, decided.text
    assert decided.json()["acting_for"] == "leader"
    done = eventually(lambda: (a := application(clerk, app["id"]))["status"] == "approved" and a)
    step = done["route"]["steps"][1]
    assert (step["decided_by"], step["acting_for"]) == ("leader_party", "leader")
    entry = next(e for e in trail(auditor, app["id"]) if e["action"] == "approved" and e["from_step"] == 2)
    assert (entry["actor"], entry["acting_for"]) == ("leader_party", "leader")

    # Revoked: the record stays, the delegate no longer sees the tasks.
    revoked = leader.http.delete(f"{APPROVAL}/delegations/{granted.json()['id']}")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    again, _ = at_leader(clerk, head)
    eventually(lambda: pending_task(leader, again["id"]))
    assert pending_task(deputy, again["id"]) is None
    history = {d["id"]: d["state"] for d in leader.get(f"{APPROVAL}/delegations").json()["items"]}
    assert history[granted.json()["id"]] == "revoked"

    # A delegate who already holds a step of the document may not take another one by acting for someone.
    before = sod_count(stack, "one_step_per_person")
    to_head = leader.post(f"{APPROVAL}/delegations", json={**body, "delegate": "head"})
    assert to_head.status_code == 201, to_head.text
    try:
        task = pending_task(head, again["id"])
        assert task is not None and task["acting_for"] == "leader"
        refused = decide(head, task["task_id"], "approve")
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "sod_one_step_per_person"
        assert refused.json()["error"]["details"]["rule"] == "one_step_per_person"
        assert "只能承担一个审批节点" in refused.json()["error"]["message"]
        assert sod_count(stack, "one_step_per_person") == before + 1
    finally:
        leader.http.delete(f"{APPROVAL}/delegations/{to_head.json()['id']}")

    # Nor may a delegate act on a document they initiated: the clerk, as the leader's delegate, does not even
    # see the task of their own application, and is refused if they try.
    before = sod_count(stack, "self_approval")
    to_clerk = leader.post(f"{APPROVAL}/delegations", json={**body, "delegate": "clerk"})
    assert to_clerk.status_code == 201, to_clerk.text
    try:
        assert pending_task(clerk, again["id"]) is None
        own = decide(clerk, pending_task(leader, again["id"])["task_id"], "approve")
        assert own.status_code == 403 and own.json()["error"]["code"] == "sod_self_approval"
        assert sod_count(stack, "self_approval") == before + 1
    finally:
        leader.http.delete(f"{APPROVAL}/delegations/{to_clerk.json()['id']}")
    assert decide(leader, pending_task(leader, again["id"])["task_id"], "approve").status_code == 200
