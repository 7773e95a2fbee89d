"""Approval actions through the gateway and every real service: withdraw (撤回), return to an earlier step,
reassign (转办) and delegation during absence (代理), with the trail and segregation of duties."""

from __future__ import annotations

import re
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from deploy.seed import demo_org
from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import OFFICE_LINE, application, line, pending_task, submit

pytestmark = pytest.mark.integration

APPROVAL = "/api/v1/approval"
LABOUR_LINE = "2026-DZB-30226-01"  # 党政综合办公室 劳务费, 480,000.00: the ≥ 50,000 applications come from here


def decide(api, task_id, decision, comment=None):
    assessed(api, task_id)
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


def sod_refusals_in_scorecards(inspector, unit: str) -> int:
    """The unit's segregation-of-duties refusals today in the scorecards (内控评价), as risk heard them."""
    today = datetime.now(UTC).date().isoformat()
    card = inspector.get("/api/v1/risk/scorecards", params={"date_from": today, "date_to": today, "unit": unit})
    assert card.status_code == 200, card.text
    return sum(u["sod_refusals"] for u in card.json()["units"])


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
    # Withdrawn, it holds nothing (the budget hears the withdrawal); a resubmission reserves again.
    eventually(lambda: Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before)

    assert clerk.post(f"/api/v1/matter-applications/{app['id']}/resubmit", json={}).status_code == 200
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("3100.00")
    second = eventually(lambda: pending_task(head, app["id"]))
    assert second["round"] == 2
    route = application(clerk, app["id"])["route"]
    assert route["earlier_rounds"][0]["status"] == "withdrawn"
    answer = auditor.get(f"/api/v1/documents/matter_application/{app['id']}/trail").json()
    actions = [(e["action"], e["actor"], e["comment"]) for e in answer["entries"]]
    assert ("withdrawn", "clerk", "金额填错，撤回修改") in actions
    # The reader is told who the accounts are: everyone named, by their directory name.
    named = {e[k] for e in answer["entries"] for k in ("actor", "assignee") if e.get(k)}
    assert answer["people"] == {u: demo_org.user(u).full_name for u in named}
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


def test_reassign_is_refused_outside_the_steps_scope(login):
    """A reassignment the step's rule could not have chosen (another unit's head, another leader's line) is
    refused, whoever asks; the positive case, after the organisation changed, is in test_approval_rules."""
    clerk, head, leader, admin = login("clerk"), login("head"), login("leader"), login("admin")
    app, _ = at_leader(clerk, head)
    task = eventually(lambda: pending_task(leader, app["id"]))
    path = f"{APPROVAL}/tasks/{task['task_id']}/reassign"

    assert leader.post(path, json={"assignee": "leader_urban"}).status_code == 422  # reason required
    assert head.post(path, json={"assignee": "leader_urban", "reason": "出差"}).status_code == 403
    wrong_role = leader.post(path, json={"assignee": "finance", "reason": "出差"})
    assert wrong_role.status_code == 422 and wrong_role.json()["error"]["code"] == "approval_reassign_role"
    unknown = leader.post(path, json={"assignee": "nobody", "reason": "出差"})
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["field"] == "assignee"
    other_line = leader.post(path, json={"assignee": "leader_urban", "reason": "本周外出，转分管城建的领导处理"})
    assert other_line.status_code == 422 and other_line.json()["error"]["code"] == "approval_reassign_scope"
    assert pending_task(leader, app["id"])["task_id"] == task["task_id"]

    small = submit(clerk, "1200.00").json()
    first = eventually(lambda: pending_task(head, small["id"]))
    body = {"assignee": "head_djb", "reason": "部门负责人长期病休，由党建办负责人代为审核"}
    for who in (head, admin):  # the seen case: a unit head's step handed to another unit's head
        refused = who.post(f"{APPROVAL}/tasks/{first['task_id']}/reassign", json=body)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "approval_reassign_scope"
    assert pending_task(login("head_djb"), small["id"]) is None
    assert decide(head, first["task_id"], "approve").status_code == 200


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

    # Only someone who could hold the principal's steps may stand in: the seen case, a head delegating to
    # another unit's clerk, and a leader delegating to a unit head, are refused.
    for principal, delegate in ((head, "clerk_djb"), (leader, "head"), (leader, "clerk")):
        refused = principal.post(f"{APPROVAL}/delegations", json={**body, "delegate": delegate})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "approval_delegation_scope"
        assert refused.json()["error"]["details"]["field"] == "delegate"
    assert decide(leader, pending_task(leader, again["id"])["task_id"], "approve").status_code == 200


def test_a_delegate_takes_no_second_step_and_never_their_own_document(login, stack):
    """Segregation of duties holds for a delegate: a finance reviewer standing in for the other does not sign
    their countersign step twice; a leader standing in for another does not decide their own application."""
    now = datetime.now(UTC)
    period = {
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "reason": "休假",
    }
    clerk, head, finance, finance2 = login("clerk"), login("head"), login("finance"), login("finance2")
    app = submit(clerk, "1500.00", major_matter=True).json()  # 三重一大: finance and inspection countersign
    assert decide(head, eventually(lambda: pending_task(head, app["id"]))["task_id"], "approve").status_code == 200
    eventually(lambda: pending_task(finance, app["id"]))
    before = sod_count(stack, "one_step_per_person")
    grant = finance.post(f"{APPROVAL}/delegations", json={**period, "delegate": "finance2"})
    assert grant.status_code == 201, grant.text
    try:
        eventually(lambda: pending_task(finance2, app["id"]))
        tasks = finance2.get(f"{APPROVAL}/tasks", params={"page_size": 200}).json()["items"]
        theirs = next(t for t in tasks if t["document"]["id"] == app["id"] and t["acting_for"] == "finance")
        refused = decide(finance2, theirs["task_id"], "approve")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "sod_one_step_per_person"
        assert "只能承担一个审批节点" in refused.json()["error"]["message"]
        assert sod_count(stack, "one_step_per_person") == before + 1
    finally:
        finance.http.delete(f"{APPROVAL}/delegations/{grant.json()['id']}")

    leader, deputy = login("leader"), login("leader_party")
    mine = submit(deputy, "50000.00", LABOUR_LINE).json()  # a leader's own application goes to dzb's leader
    assert decide(head, eventually(lambda: pending_task(head, mine["id"]))["task_id"], "approve").status_code == 200
    task = eventually(lambda: pending_task(leader, mine["id"]))
    before = sod_count(stack, "self_approval")
    inspector = login("inspector")
    deputy_unit = deputy.get("/api/v1/me").json()["unit"]
    refusals_before = sod_refusals_in_scorecards(inspector, deputy_unit)
    grant = leader.post(f"{APPROVAL}/delegations", json={**period, "delegate": "leader_party"})
    assert grant.status_code == 201, grant.text
    try:
        assert pending_task(deputy, mine["id"]) is None  # not even shown
        refused = decide(deputy, task["task_id"], "approve")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "sod_self_approval"
        assert sod_count(stack, "self_approval") == before + 1
        # Rolled back with the request, the refusal is still published after it, and counted for the unit.
        eventually(lambda: sod_refusals_in_scorecards(inspector, deputy_unit) == refusals_before + 1)
    finally:
        leader.http.delete(f"{APPROVAL}/delegations/{grant.json()['id']}")
    assert decide(leader, task["task_id"], "approve").status_code == 200
