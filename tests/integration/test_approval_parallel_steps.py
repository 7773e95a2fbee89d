"""Countersign (会签) and collective decision (集体决策) through the gateway: finance and discipline inspection
countersign a large or major application, concurrent signatures serialise on the route lock, a major matter
is completed by recording the meeting, and a rejection on a countersign step skips the others' tasks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import application, pending_task, submit

pytestmark = pytest.mark.integration

APPROVAL = "/api/v1/approval"
PROPERTY_LINE = "2026-DZB-30209-01"  # 党政综合办公室 物业管理费, 1,860,000.00
SIGNERS = ("finance", "finance2", "inspector")


def decide(api, task_id, decision, comment=None):
    assessed(api, task_id)
    body = {"decision": decision, **({"comment": comment} if comment is not None else {})}
    return api.post(f"{APPROVAL}/tasks/{task_id}/decision", json=body)


def approve_as(api, app_id):
    task = eventually(lambda: pending_task(api, app_id))
    response = decide(api, task["task_id"], "approve", "同意")
    assert response.status_code == 200, response.text
    return task


def trail(auditor, app_id):
    return auditor.get(f"/api/v1/documents/matter_application/{app_id}/trail").json()["entries"]


def at_countersign(login, amount, line=PROPERTY_LINE, **extra):
    clerk = login("clerk")
    app = submit(clerk, amount, line, **extra).json()
    approve_as(login("head"), app["id"])
    if float(amount) >= 50000:  # the leader in charge's tier
        approve_as(login("leader"), app["id"])
    tasks = {who: eventually(lambda who=who: pending_task(login(who), app["id"])) for who in SIGNERS}
    return app, tasks


def test_countersign_needs_everyone_and_concurrent_signatures_serialise(login):
    clerk, principal, auditor = login("clerk"), login("principal"), login("auditor")
    app, tasks = at_countersign(login, "250000.00")
    route = application(clerk, app["id"])["route"]
    step = route["steps"][2]
    assert (step["kind"], step["name"], step["assignees"]) == ("countersign", "财务、纪检会签", list(SIGNERS))

    # Every signer double- and triple-clicks at once: 9 concurrent decisions on one countersign step.
    attempts = [who for who in SIGNERS for _ in range(3)]
    with ThreadPoolExecutor(len(attempts)) as pool:
        answers = list(pool.map(lambda who: decide(login(who), tasks[who]["task_id"], "approve", "同意"), attempts))
    assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers]
    fresh = [a.json() for a in answers if a.status_code == 200 and not a.json()["replayed"]]
    assert sorted(f["task_id"] for f in fresh) == sorted(t["task_id"] for t in tasks.values())  # each once

    # The route moved on exactly once: one task for the principal, none left for the signers.
    task = eventually(lambda: pending_task(principal, app["id"]))
    assert all(pending_task(login(who), app["id"]) is None for who in SIGNERS)
    entries = trail(auditor, app["id"])
    assert sorted(e["actor"] for e in entries if e["action"] == "approved" and e["from_step"] == 3) == sorted(SIGNERS)
    assert [e["assignee"] for e in entries if e["action"] == "step_assigned" and e["to_step"] == 4] == ["principal"]
    step = application(clerk, app["id"])["route"]["steps"][2]
    assert step["status"] == "approved" and [s["status"] for s in step["signatures"]] == ["approved"] * 3

    assert decide(principal, task["task_id"], "approve").status_code == 200
    eventually(lambda: application(clerk, app["id"])["status"] == "approved")


def test_a_rejection_on_a_countersign_step_decides_it_and_skips_the_others(login):
    clerk, auditor = login("clerk"), login("auditor")
    app, tasks = at_countersign(login, "3000.00", major_matter=True)
    assert decide(login("finance"), tasks["finance"]["task_id"], "approve").status_code == 200
    rejected = decide(login("inspector"), tasks["inspector"]["task_id"], "reject", "未履行比价程序")
    assert rejected.status_code == 200, rejected.text
    eventually(lambda: application(clerk, app["id"])["status"] == "rejected")
    assert pending_task(login("finance2"), app["id"]) is None
    late = decide(login("finance2"), tasks["finance2"]["task_id"], "approve")
    assert late.status_code == 409
    step = application(clerk, app["id"])["route"]["steps"][1]
    assert step["status"] == "rejected"
    assert {s["assignee"]: s["status"] for s in step["signatures"]} == {
        "finance": "approved",
        "finance2": "skipped",
        "inspector": "rejected",
    }
    skipped = [e for e in trail(auditor, app["id"]) if e["action"] == "skipped"]
    assert [e["assignee"] for e in skipped] == ["finance2"]


def test_a_return_to_the_countersign_step_asks_every_signer_again(login):
    principal = login("principal")
    app, tasks = at_countersign(login, "210000.00")
    for who in SIGNERS:
        assert decide(login(who), tasks[who]["task_id"], "approve", "同意").status_code == 200
    task = eventually(lambda: pending_task(principal, app["id"]))
    returned = principal.post(
        f"{APPROVAL}/tasks/{task['task_id']}/return-to-step", json={"to_step": 3, "reason": "请财务、纪检复核付款条件"}
    )
    assert returned.status_code == 200, returned.text
    again = {who: eventually(lambda who=who: pending_task(login(who), app["id"])) for who in SIGNERS}
    assert {t["step_no"] for t in again.values()} == {3}
    assert not {t["task_id"] for t in again.values()} & {t["task_id"] for t in tasks.values()}  # new tasks


def test_a_major_matter_is_decided_by_recording_the_meeting(login):
    clerk, principal, auditor = login("clerk"), login("principal"), login("auditor")
    app, tasks = at_countersign(login, "8000.00", major_matter=True)
    for who in SIGNERS:
        assert decide(login(who), tasks[who]["task_id"], "approve").status_code == 200
    task = eventually(lambda: pending_task(principal, app["id"]))
    assert task["step_name"] == "集体决策（党工委会议）"

    alone = decide(principal, task["task_id"], "approve")
    assert alone.status_code == 409 and alone.json()["error"]["code"] == "approval_meeting_required"
    path = f"{APPROVAL}/tasks/{task['task_id']}/meeting"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # meetings are dated in local days
    meeting = {
        "meeting_date": today,
        "attendees": ["principal", "leader", "leader_party", "leader_discipline"],
        "decision": "approve",
        "minutes": "经党工委会议集体研究，同意实施。",
        "attachment": "DA-2026-118",
    }
    too_few = principal.post(path, json={**meeting, "attendees": ["principal", "leader"]})
    assert too_few.status_code == 422 and too_few.json()["error"]["details"]["field"] == "attendees"
    assert "法定人数" in too_few.json()["error"]["message"]
    ghost = principal.post(path, json={**meeting, "attendees": ["principal", "leader", "ghost"]})
    assert ghost.status_code == 422 and ghost.json()["error"]["details"]["field"] == "attendees"
    assert login("leader").post(path, json=meeting).status_code == 403

    recorded = principal.post(path, json=meeting)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["meeting"]["attendees"] == meeting["attendees"]
    done = eventually(lambda: (a := application(clerk, app["id"]))["status"] == "approved" and a)
    step = done["route"]["steps"][2]
    assert step["kind"] == "collective" and step["status"] == "approved"
    assert step["meeting"]["minutes"] == meeting["minutes"] and step["meeting"]["attachment"] == "DA-2026-118"
    assert step["meeting"]["recorded_by"] == "principal"
    actions = [(e["action"], e["actor"]) for e in trail(auditor, app["id"])]
    assert actions[-3:] == [("meeting_recorded", "principal"), ("approved", "principal"), ("completed", "principal")]
