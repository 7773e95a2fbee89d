"""approval-watch's gateway routes: what they pass to the approval service, and what they refuse themselves."""

from __future__ import annotations

import dataclasses

import pytest

from .conftest import CLERK, assert_error, bearer, fields

PRINCIPAL = dataclasses.replace(CLERK, username="principal", roles=("principal",))
DECIDED = {"task_id": "t-1", "decision": "approved", "route": {}, "replayed": False}


def test_decide_forwards_the_acknowledged_warnings(client, fake):
    fake.on("approval", "decide", DECIDED)
    response = client.post(
        "/api/v1/approval/tasks/t-1/decision",
        headers=bearer(),
        json={"decision": "approve", "comment": "已核实", "acknowledge_warnings": [7, 9]},
    )
    assert response.status_code == 200, response.text
    assert fake.calls[0].kwargs == {
        "task_id": "t-1",
        "decision": "approve",
        "comment": "已核实",
        "acknowledge_warnings": [7, 9],
    }


def test_decide_without_acknowledgements_sends_none(client, fake):
    fake.on("approval", "decide", DECIDED)
    client.post("/api/v1/approval/tasks/t-1/decision", headers=bearer(), json={"decision": "approve"})
    assert "acknowledge_warnings" not in fake.calls[0].kwargs


def test_acknowledgements_must_be_warning_ids(client, fake):
    response = client.post(
        "/api/v1/approval/tasks/t-1/decision",
        headers=bearer(),
        json={"decision": "approve", "acknowledge_warnings": ["全部"]},
    )
    assert_error(response, 422, "invalid_input")
    assert fake.calls == []


def test_one_task_with_its_warnings(client, fake):
    fake.on("approval", "get_task", {"task_id": "t-1", "warnings": []})
    assert client.get("/api/v1/approval/tasks/t-1", headers=bearer()).status_code == 200
    assert fake.calls[0].kwargs == {"task_id": "t-1"} and fake.calls[0].context["actor"] == "clerk"


def test_the_cycle_report_passes_type_and_days(client, fake):
    fake.on("approval", "approval_cycle_report", {"items": []})
    response = client.get(
        "/api/v1/reports/approval-cycle?document_type=matter_application&from=2026-11-01&to=2026-11-30",
        headers=bearer(PRINCIPAL),
    )
    assert response.status_code == 200, response.text
    assert fake.calls[0].kwargs == {
        "document_type": "matter_application",
        "date_from": "2026-11-01",
        "date_to": "2026-11-30",
    }


def test_the_cycle_report_is_for_the_leadership_audit_and_inspection(client, fake):
    assert_error(client.get("/api/v1/reports/approval-cycle", headers=bearer()), 403, "forbidden")
    assert fake.calls == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-12-01&to=2026-11-01", "from"),
        ("from=yesterday", "from"),
        ("document_type=Bad-Type", "document_type"),
    ],
)
def test_the_cycle_report_refuses_bad_input(client, fake, query, field):
    response = client.get(f"/api/v1/reports/approval-cycle?{query}", headers=bearer(PRINCIPAL))
    assert_error(response, 422, "invalid_input")
    assert any(field in f for f in fields(response)) and fake.calls == []


def test_notifications_list_and_read(client, fake):
    fake.on("approval", "my_notifications", {"items": [], "total": 0, "page": 1, "page_size": 20, "unread": 0})
    fake.on("approval", "mark_notification_read", {"id": 5, "read": True})
    assert client.get("/api/v1/notifications?unread=true", headers=bearer()).status_code == 200
    assert fake.calls[0].kwargs == {"page": 1, "page_size": 20, "unread_only": True}
    assert client.post("/api/v1/notifications/5/read", headers=bearer()).status_code == 200
    assert fake.calls[1].kwargs == {"notification_id": 5}
    assert_error(client.post("/api/v1/notifications/abc/read", headers=bearer()), 422, "invalid_input")


def test_notifications_need_a_signed_in_user(client, fake):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications/stream").status_code == 401
    assert fake.calls == []
