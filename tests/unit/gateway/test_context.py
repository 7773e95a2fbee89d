"""What travels with each call: the context data, and the kwargs exactly as docs/architecture.md names them."""

from __future__ import annotations

import re
import uuid

import jwt

from ic_platform import keys
from ic_platform.errors import NotFound
from ic_platform.identity import IDENTITY_KEY, Viewer

from .conftest import CLERK, SIGNING_KEY_FILE, bearer
from .test_errors import remote

SUBMIT = "/api/v1/matter-applications"
BODY = {"title": "购买办公用品", "budget_line_id": "line-1", "amount": 1234, "major_matter": True}
APPLICATION = {"id": "a-1", "no": "SQ-2026-000001", "status": "pending_approval"}
TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def test_submit_sends_the_users_unit_and_a_money_string(client, fake):
    fake.on("payment", "submit_matter_application", APPLICATION)
    response = client.post(SUBMIT, json=BODY, headers=bearer())
    assert response.status_code == 201 and response.json() == APPLICATION
    assert response.headers["Location"] == "/api/v1/matter-applications/a-1"
    (call,) = fake.calls
    assert call.kwargs == {
        "title": "购买办公用品",
        "purpose": "",
        "budget_line_id": "line-1",
        "amount": "1234.00",
        "major_matter": True,
        "unit": "dzb",
    }
    assert call.timeout == 3.5


def test_context_data_names_the_caller(client, fake):
    fake.on("payment", "submit_matter_application", APPLICATION)
    headers = {**bearer(), "X-Correlation-Id": "corr-42", "Idempotency-Key": "form-7f3a", "User-Agent": "ic-web/1.0"}
    response = client.post(SUBMIT, json=BODY, headers=headers)
    assert response.headers["X-Correlation-Id"] == "corr-42"
    context = fake.calls[0].context
    assert context["org"] == "xinqiao" and context["actor"] == CLERK.username
    assert context["correlation_id"] == "corr-42" and context["idempotency_key"] == "form-7f3a"
    assert context["user_agent"] == "ic-web/1.0" and context["client_ip"] == "testclient"
    assert TRACEPARENT.match(context["traceparent"])
    caller = jwt.decode(
        context[IDENTITY_KEY],
        keys.signing_key(SIGNING_KEY_FILE).public_key(),
        algorithms=["EdDSA"],
        audience="ic-services",
    )
    assert Viewer.from_claims(caller) == Viewer.of(CLERK.username, CLERK.unit, CLERK.roles)
    assert caller["exp"] - caller["iat"] == 60 and caller["iss"] == "ic-gateway"


def test_the_traceparent_continues_the_callers_trace(client, fake):
    fake.on("budget", "get_line", {"id": "l"})
    trace_id = uuid.uuid4().hex
    client.get("/api/v1/budget-lines/l", headers={**bearer(), "traceparent": f"00-{trace_id}-{'1' * 16}-01"})
    assert fake.calls[0].context["traceparent"].split("-")[1] == trace_id


def test_without_a_correlation_id_one_is_made_and_echoed(client, fake):
    fake.on("budget", "get_line", {"id": "l"})
    response = client.get("/api/v1/budget-lines/l", headers=bearer())
    made = response.headers["X-Correlation-Id"]
    assert uuid.UUID(made) and fake.calls[0].context["correlation_id"] == made
    assert "idempotency_key" not in fake.calls[0].context


def test_an_unsafe_correlation_id_is_replaced(client, fake):
    fake.on("budget", "get_line", {"id": "l"})
    response = client.get("/api/v1/budget-lines/l", headers={**bearer(), "X-Correlation-Id": "x" * 300})
    assert uuid.UUID(response.headers["X-Correlation-Id"])


def test_errors_echo_the_correlation_id_too(client):
    response = client.get("/api/v1/me", headers={"X-Correlation-Id": "c-401"})
    assert response.status_code == 401 and response.headers["X-Correlation-Id"] == "c-401"


def test_an_application_comes_with_its_route(client, fake):
    route = {"document": {"type": "matter_application", "id": "a-1"}, "current_step": "unit_head"}
    fake.on("payment", "get_matter_application", APPLICATION).on("approval", "get_route", route)
    response = client.get("/api/v1/matter-applications/a-1", headers=bearer())
    assert response.json() == {**APPLICATION, "route": route}
    assert fake.calls_to("payment", "get_matter_application")[0].kwargs == {"application_id": "a-1"}
    assert fake.calls_to("approval", "get_route")[0].kwargs == {
        "document_type": "matter_application",
        "document_id": "a-1",
    }


def test_an_application_not_routed_yet_has_no_route(client, fake):
    fake.on("payment", "get_matter_application", APPLICATION)
    fake.on("approval", "get_route", remote(NotFound("route_not_found", "审批路线不存在", {})))
    response = client.get("/api/v1/matter-applications/a-1", headers=bearer())
    assert response.status_code == 200 and response.json()["route"] is None


def test_a_missing_application_is_404_whatever_approval_says(client, fake):
    fake.on("payment", "get_matter_application", remote(NotFound("matter_application_not_found", "不存在", {})))
    response = client.get("/api/v1/matter-applications/a-404", headers=bearer())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "matter_application_not_found"


def test_list_and_read_routes_pass_kwargs_as_named(client, fake):
    page = {"items": [], "total": 0, "page": 1, "page_size": 20}
    for service, method in [
        ("org", "list_units"),
        ("budget", "list_lines"),
        ("payment", "list_matter_applications"),
        ("approval", "my_tasks"),
        ("approval", "decided_by_me"),
        ("approval", "get_route"),
        ("risk", "get_dossier"),
        ("approval", "decide"),
    ]:
        fake.on(service, method, page)
    h = bearer()
    client.get("/api/v1/units?kind=community", headers=h)
    client.get("/api/v1/budget-lines?unit=dzb&fiscal_year=2026&q=差旅", headers=h)
    client.get("/api/v1/matter-applications?status=approved", headers=h)
    client.get("/api/v1/approval/tasks", headers=h)
    client.get("/api/v1/approval/decided?page=2&page_size=5", headers=h)
    client.get("/api/v1/documents/matter_application/a-1/route", headers=h)
    client.get("/api/v1/dossiers/matter_application/a-1", headers=h)
    client.post("/api/v1/approval/tasks/t-1/decision", json={"decision": "approve"}, headers=h)
    sent = {(c.service, c.method): c.kwargs for c in fake.calls}
    assert sent == {
        ("org", "list_units"): {"kind": "community", "page": 1, "page_size": 20},
        ("budget", "list_lines"): {"unit": "dzb", "fiscal_year": 2026, "q": "差旅", "page": 1, "page_size": 20},
        ("payment", "list_matter_applications"): {"mine": True, "status": "approved", "page": 1, "page_size": 20},
        ("approval", "my_tasks"): {"page": 1, "page_size": 20},
        ("approval", "decided_by_me"): {"page": 2, "page_size": 5},
        ("approval", "get_route"): {"document_type": "matter_application", "document_id": "a-1"},
        ("risk", "get_dossier"): {"document_type": "matter_application", "document_id": "a-1"},
        ("approval", "decide"): {"task_id": "t-1", "decision": "approve", "comment": ""},
    }
    assert all(c.context["actor"] == "clerk" for c in fake.calls)


def test_a_bad_idempotency_key_is_refused(client, fake):
    for key in ("x" * 201, "two words"):
        response = client.post(SUBMIT, json=BODY, headers={**bearer(), "Idempotency-Key": key})
        assert response.status_code == 422, key
        assert [f["field"] for f in response.json()["error"]["details"]["fields"]] == ["Idempotency-Key"]
    assert fake.calls == []


def test_a_rejection_sends_its_comment_trimmed(client, fake):
    fake.on("approval", "decide", {"task_id": "t-1", "decision": "reject"})
    body = {"decision": "reject", "comment": "  预算科目不符  "}
    assert client.post("/api/v1/approval/tasks/t-1/decision", json=body, headers=bearer()).status_code == 200
    assert fake.calls[0].kwargs == {"task_id": "t-1", "decision": "reject", "comment": "预算科目不符"}
