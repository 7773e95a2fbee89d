"""Organisation administration through the gateway (组织机构管理, issue 14): only an administrator may; a
person added gets a one-time password shown once; deactivating a person ends their sessions at once (their
access token is refused, their refresh token too) and hands their pending approval task to the unit's other
head; each change is on the trail. Runs in a unit made for this test, so the demo office's heads stay as they
are for the other tests."""

from __future__ import annotations

import uuid

import pytest

from ic_platform.rpc_client import RpcClient
from tests.integration.budget_docs import new_line
from tests.integration.conftest import Api, eventually
from tests.integration.identity import rpc_context

pytestmark = pytest.mark.integration

ADMIN_CTX = rpc_context("admin", "dzb", ["admin"])


@pytest.fixture(scope="module")
def unit(stack):
    client = RpcClient(stack.settings.amqp_uri, name="test-org-admin")
    client.start()
    code = f"t{uuid.uuid4().hex[:6]}"
    client.call(
        "org",
        "register_unit",
        {"code": code, "name": "测试科室", "kind": "office", "leader_in_charge": "leader"},
        context=ADMIN_CTX,
        timeout=30,
    )
    line_id = new_line(client, "500000.00", unit=code)
    yield code, line_id
    client.stop()


def add(admin: Api, unit: str, roles: list[str], name: str) -> dict:
    username = f"u{uuid.uuid4().hex[:8]}"
    body = {"username": username, "full_name": name, "unit": unit, "roles": roles, "title": "科员"}
    created = admin.post("/api/v1/org/users", json=body)
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["active"] and len(person["one_time_password"]) == 12
    assert created.headers["cache-control"] == "no-store"
    return person


def test_only_an_administrator_may_administer(stack, login):
    clerk = login("clerk")
    for path in ("/api/v1/org/users", "/api/v1/org/unit-tree", "/api/v1/org/users/clerk"):
        refused = clerk.get(path)
        assert refused.status_code == 403 and "系统管理员" in refused.json()["error"]["message"], refused.text
    assert clerk.post("/api/v1/org/users/head/deactivate").status_code == 403
    admin = login("admin")
    listed = admin.get("/api/v1/org/users", params={"q": "clerk", "page_size": 5}).json()
    assert listed["total"] >= 1 and all("clerk" in u["username"] or "clerk" in u["full_name"] for u in listed["items"])
    tree = admin.get("/api/v1/org/unit-tree").json()
    offices = tree["children"][0]["children"]
    dzb = next(u for u in offices if u["code"] == "dzb")
    assert dzb["name"] == "党政综合办公室" and dzb["heads"] and dzb["leader_name"]
    bad = admin.post("/api/v1/org/users", json={"username": "x y", "full_name": "", "unit": "dzb", "roles": []})
    assert bad.status_code == 422 and "username" in bad.text


def test_deactivating_a_head_ends_their_sessions_and_hands_their_task_on(stack, login, unit):
    code, line_id = unit
    admin = login("admin")
    head = add(admin, code, ["unit_head"], "甲负责人")
    clerk = add(admin, code, ["clerk"], "乙经办")
    base = str(admin.http.base_url)
    head_api = Api(base, head["username"], head["one_time_password"])
    clerk_api = Api(base, clerk["username"], clerk["one_time_password"])
    body = {"title": "购置办公桌椅", "purpose": "组织机构管理测试", "budget_line_id": line_id, "amount": "3000.00"}
    app = clerk_api.post("/api/v1/matter-applications", json=body)
    assert app.status_code == 201, app.text

    def pending(api):
        items = api.get("/api/v1/approval/tasks", params={"page_size": 200}).json()["items"]
        return next((t for t in items if t["document"]["id"] == app.json()["id"]), None)

    assert eventually(lambda: pending(head_api))
    successor = add(admin, code, ["unit_head"], "丙负责人")  # a second head: who takes the task over
    successor_api = Api(base, successor["username"], successor["one_time_password"])

    gone = admin.post(f"/api/v1/org/users/{head['username']}/deactivate")
    assert gone.status_code == 200, gone.text
    assert gone.json()["sessions_revoked"] >= 1 and "sessions" not in gone.json()
    # the session ends at once: the access token still within its 15 minutes is refused, and so is a refresh
    assert head_api.http.get("/api/v1/me").status_code == 401
    refreshed = head_api.http.post("/api/v1/auth/refresh", json={"refresh_token": head_api.session.refresh})
    assert refreshed.status_code == 401
    # the pending task went to the other head of the unit, on the document's trail as a reassignment
    assert eventually(lambda: pending(successor_api))

    def deactivation_on_trail():
        entries = admin.get(f"/api/v1/org/users/{head['username']}/trail").json()["entries"]
        return entries if entries and entries[-1]["action"] == "org_user_deactivated" else None

    entries = eventually(deactivation_on_trail)
    assert entries[-1]["actor"] == "admin" and "转办 1 件" in entries[-1]["comment"]
    assert entries[0]["action"] == "org_user_added"
    person = admin.get(f"/api/v1/org/users/{head['username']}").json()
    assert person["active"] is False
    # a deactivated person cannot be changed any more, nor given a task by hand
    again = admin.http.put(f"/api/v1/org/users/{head['username']}/roles", json={"roles": ["clerk"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "org_user_inactive"


def test_reset_password_shows_a_one_time_password_once_and_ends_sessions(stack, login, unit):
    code, _ = unit
    admin = login("admin")
    person = add(admin, code, ["clerk"], "丁经办")
    base = str(admin.http.base_url)
    old = Api(base, person["username"], person["one_time_password"])
    reset = admin.post(f"/api/v1/org/users/{person['username']}/reset-password")
    assert reset.status_code == 200, reset.text
    new_password = reset.json()["one_time_password"]
    assert new_password != person["one_time_password"] and reset.json()["sessions_revoked"] == 1
    assert old.http.get("/api/v1/me").status_code == 401
    assert Api(base, person["username"], new_password).get("/api/v1/me").status_code == 200
    assert admin.get(f"/api/v1/org/users/{person['username']}").json().get("one_time_password") is None
