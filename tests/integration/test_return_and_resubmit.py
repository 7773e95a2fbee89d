"""Return to the initiator and resubmit, through the gateway and every real service: the head returns an
application with a reason, the clerk sees it (budget still pre-committed), corrects it and resubmits; a new
round reaches the head again, who approves; the dossier and the trail tell the whole story."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import OFFICE_LINE, application, line, pending_task, submit

pytestmark = pytest.mark.integration

REASON = "请补充采购清单"


def decide(api, task_id, decision, comment=None):
    assessed(api, task_id)
    body = {"decision": decision, **({"comment": comment} if comment is not None else {})}
    return api.post(f"/api/v1/approval/tasks/{task_id}/decision", json=body)


def test_return_resubmit_and_approve_keeps_the_history(login):
    clerk, head, auditor = login("clerk"), login("head"), login("auditor")
    before = Decimal(line(clerk, OFFICE_LINE)["pre_committed"])
    app = submit(clerk, "4200.00").json()
    first = eventually(lambda: pending_task(head, app["id"]))

    # A return needs a reason, and only the assignee may return.
    no_reason = decide(head, first["task_id"], "return")
    assert no_reason.status_code == 422
    assert {f["field"] for f in no_reason.json()["error"]["details"]["fields"]} == {"comment"}
    assert decide(clerk, first["task_id"], "return", "自己退回").status_code == 403
    # Nothing to resubmit while it is still in approval.
    early = clerk.post(f"/api/v1/matter-applications/{app['id']}/resubmit", json={})
    assert early.status_code == 409, early.text

    returned = decide(head, first["task_id"], "return", REASON)
    assert returned.status_code == 200, returned.text
    assert returned.json()["route"]["status"] == "returned"

    shown = eventually(lambda: (a := application(clerk, app["id"]))["status"] == "returned" and a)
    assert shown["status_label"] == "已退回" and REASON in shown["status_reason"]
    assert shown["route"]["status"] == "returned"
    assert shown["route"]["returned"]["returned_by"] == "head" and shown["route"]["returned"]["reason"] == REASON
    # Still reserved while it is being corrected.
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("4200.00")
    assert pending_task(head, app["id"]) is None

    # Only the applicant resubmits, and money cannot change.
    assert head.post(f"/api/v1/matter-applications/{app['id']}/resubmit", json={}).status_code == 403
    money = clerk.post(f"/api/v1/matter-applications/{app['id']}/resubmit", json={"amount": "1.00"})
    assert money.status_code == 422
    resubmitted = clerk.post(
        f"/api/v1/matter-applications/{app['id']}/resubmit", json={"purpose": "日常办公，附采购清单"}
    )
    assert resubmitted.status_code == 200, resubmitted.text
    assert resubmitted.json()["status"] == "submitted" and resubmitted.json()["purpose"] == "日常办公，附采购清单"
    again = clerk.post(f"/api/v1/matter-applications/{app['id']}/resubmit", json={})
    assert again.status_code == 409, again.text

    second = eventually(lambda: pending_task(head, app["id"]))
    assert second["task_id"] != first["task_id"] and second["round"] == 2
    assert decide(head, second["task_id"], "approve", "同意").status_code == 200
    done = eventually(lambda: (a := application(clerk, app["id"]))["status"] == "approved" and a)
    assert Decimal(line(clerk, OFFICE_LINE)["pre_committed"]) == before + Decimal("4200.00")

    route = done["route"]
    assert (route["round"], route["status"]) == (2, "approved")
    assert [s["status"] for s in route["steps"]] == ["approved"]
    [earlier] = route["earlier_rounds"]
    assert earlier["round"] == 1 and earlier["steps"][0]["status"] == "returned"
    assert earlier["returned"]["reason"] == REASON and earlier["returned"]["returned_by"] == "head"

    expected = {
        "approval.returned",
        "payment.matter_application_resubmitted",
        "approval.completed",
        "payment.matter_application_approved",
    }

    def dossier():
        body = clerk.get(f"/api/v1/dossiers/matter_application/{app['id']}").json()
        return body if {e["type"] for e in body.get("entries", [])} >= expected else None

    story = eventually(dossier)["entries"]
    by_type = {e["type"]: e for e in story}
    assert REASON in by_type["approval.returned"]["summary"]
    assert by_type["payment.matter_application_resubmitted"]["actor"] == "clerk"

    trail = auditor.get(f"/api/v1/documents/matter_application/{app['id']}/trail").json()["entries"]
    assert [(e["action"], e["actor"]) for e in trail] == [
        ("submitted", "clerk"),
        ("step_assigned", "clerk"),
        ("returned", "head"),
        ("resubmitted", "clerk"),
        ("step_assigned", "clerk"),
        ("approved", "head"),
        ("completed", "head"),
    ]
    assert trail[2]["comment"] == REASON
    verified = auditor.get("/api/v1/approval/trail/verify")
    assert verified.status_code == 200, verified.text
    assert verified.json()["ok"] is True, verified.json()
