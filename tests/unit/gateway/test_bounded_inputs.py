"""The gateway's edge: control characters, amounts, days and instants, body size and enums are refused with a
422 (or 413) naming the field in Chinese before any service is called; the OpenAPI document lists every error
status each route can give."""

from __future__ import annotations

import pytest
from nameko.exceptions import serialize

from ic_platform.errors import Conflict
from ic_platform.rpc_client import RemoteError

from .conftest import ADMIN, assert_error, bearer, fields

SUBMIT = "/api/v1/matter-applications"
VALID = {"title": "购买办公用品", "budget_line_id": "line-1", "amount": "1234.50"}


@pytest.mark.parametrize(
    "method, path, kwargs, field",
    [
        ("post", SUBMIT, {"json": {**VALID, "title": "办公\x00用品"}}, "title"),
        ("post", SUBMIT, {"json": {**VALID, "purpose": "\x1b[31m"}}, "purpose"),
        ("get", "/api/v1/budget-lines", {"params": {"q": "办公\x00"}}, "q"),
        ("get", "/api/v1/budget-lines/2026%00x", {}, "line_id"),
        ("post", "/api/v1/auth/login", {"json": {"username": "clerk\x00", "password": "demo1234"}}, "username"),
    ],
)
def test_a_control_character_is_refused_before_any_service_is_called(client, fake, method, path, kwargs, field):
    response = getattr(client, method)(path, headers=bearer(), **kwargs)
    error = assert_error(response, 422, "invalid_input")
    assert fields(response) == {field: "不能包含控制字符"} and field in error["message"]
    assert fake.calls == []


@pytest.mark.parametrize("amount", ["1e309", "1" * 30, " 1.00", "１００", "1.0e2", "-1", 10**13, "0x10"])
def test_an_amount_not_of_the_documented_form_is_refused(client, fake, amount):
    response = client.post(SUBMIT, json={**VALID, "amount": amount}, headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert set(fields(response)) == {"amount"} and fake.calls == []


def test_a_delegation_ending_past_year_9999_in_utc_is_refused(client, fake):
    body = {
        "delegate": "head_czb",
        "starts_at": "2026-11-26T00:00:00+08:00",
        "ends_at": "9999-12-31T23:00:00-05:00",
        "reason": "休假",
    }
    response = client.post("/api/v1/approval/delegations", json=body, headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert fields(response) == {"ends_at": "时间须在 2000-01-01 至 2100-12-31 之间"} and fake.calls == []


@pytest.mark.parametrize("as_of", ["0", "20260301", "2026-02-30", "9999-01-01"])
def test_a_day_in_a_query_is_an_iso_date_within_the_window(client, fake, as_of):
    response = client.get("/api/v1/expenditure-standards", params={"as_of": as_of}, headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert set(fields(response)) == {"as_of"} and fake.calls == []


def test_a_good_day_and_instant_reach_the_service_as_iso_text(client, fake):
    fake.on("budget", "list_standards", {"items": [], "total": 0})
    assert client.get("/api/v1/expenditure-standards?as_of=2026-03-01", headers=bearer()).status_code == 200
    assert fake.calls[-1].kwargs["as_of"] == "2026-03-01"
    fake.on("approval", "grant_delegation", {"id": "d1"})
    body = {"delegate": "x", "starts_at": "2026-11-26T08:00:00+08:00", "ends_at": "2026-11-27T00:00:00Z", "reason": "r"}
    assert client.post("/api/v1/approval/delegations", json=body, headers=bearer()).status_code == 201
    assert fake.calls[-1].kwargs["starts_at"] == "2026-11-26T00:00:00+00:00"


def test_a_body_larger_than_a_form_is_refused_with_413(client, fake):
    response = client.post(SUBMIT, json={**VALID, "purpose": "字" * 400_000}, headers=bearer())
    assert_error(response, 413, "request_too_large")
    assert fake.calls == []


def test_every_status_of_an_application_may_be_listed_and_others_are_refused_in_chinese(client, fake):
    fake.on("payment", "list_matter_applications", {"items": [], "total": 0})
    assert client.get(SUBMIT, params={"status": "withdrawn"}, headers=bearer()).status_code == 200
    response = client.get(SUBMIT, params={"status": "lost"}, headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert fields(response)["status"].startswith("取值不在允许范围内（可选：reserving、refused、submitted")
    assert response.json()["error"]["message"].startswith("输入有误：状态（status）")


def test_the_meeting_quorum_is_the_services_rule_in_its_own_words(client, fake):
    refusal = InvalidInputLike("approval_meeting_invalid", "集体决策出席人员不少于 3 人", {"field": "attendees"})
    fake.on("approval", "record_meeting", refusal)
    body = {"meeting_date": "2026-11-20", "attendees": ["a"], "decision": "approve", "minutes": "同意"}
    error = assert_error(
        client.post("/api/v1/approval/tasks/t1/meeting", json=body, headers=bearer()), 422, "approval_meeting_invalid"
    )
    assert error["message"] == "集体决策出席人员不少于 3 人"


def InvalidInputLike(code: str, message: str, details: dict) -> RemoteError:  # noqa: N802 - reads as the class
    from ic_platform.errors import InvalidInput

    return RemoteError.from_payload(serialize(InvalidInput(code, message, details)))


def test_error_details_keep_their_types_through_the_gateway(client, fake):
    details = {"allowed": False, "warning": None, "version": 1, "warnings": [{"id": 7, "severity": "high"}]}
    fake.on("approval", "decide", RemoteError.from_payload(serialize(Conflict("risk_ack_required", "须确认", details))))
    response = client.post("/api/v1/approval/tasks/t1/decision", json={"decision": "approve"}, headers=bearer())
    assert assert_error(response, 409, "risk_ack_required")["details"] == details


def test_validation_messages_name_the_field_in_chinese(client, fake):
    response = client.get("/api/v1/budget-lines", params={"page": 0}, headers=bearer())
    assert response.json()["error"]["message"] == "输入有误：页码（page）: 不能小于1"


# ── the OpenAPI document ──


def _responses(client, method: str, path: str) -> set[str]:
    return set(client.get("/openapi.json").json()["paths"][path][method]["responses"])


@pytest.mark.parametrize(
    "method, path, statuses",
    [
        ("get", "/api/v1/budget-lines", {"200", "401", "422", "503", "504"}),
        ("get", "/api/v1/budget-lines/{line_id}", {"200", "401", "404", "422", "503", "504"}),
        ("post", SUBMIT, {"201", "401", "403", "404", "409", "413", "422", "428", "503", "504"}),
        (
            "post",
            "/api/v1/approval/tasks/{task_id}/decision",
            {"200", "401", "403", "404", "409", "413", "422", "503", "504"},
        ),
        ("get", "/api/v1/approval/trail/verify", {"200", "401", "403", "422", "503", "504"}),
        ("get", "/api/v1/ops/dead-letters/{service}", {"200", "401", "403", "404", "422", "503", "504"}),
        ("post", "/api/v1/budget-lines/import", {"200", "401", "403", "404", "409", "413", "415", "422", "503", "504"}),
        ("post", "/api/v1/auth/login", {"200", "401", "403", "404", "409", "413", "422", "503", "504"}),
        ("get", "/api/v1/me", {"200", "401", "422"}),
    ],
)
def test_each_route_documents_the_statuses_it_gives(client, method, path, statuses):
    assert _responses(client, method, path) == statuses


def test_every_error_answer_has_the_error_body_and_fastapis_own_422_is_gone(client):
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400 and path.startswith("/api/"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorBody"
                    }
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["ErrorBody"]["required"] == ["error"]


def test_the_amount_is_documented_as_exactly_what_is_accepted(client):
    spec = client.get("/openapi.json").json()
    amount = spec["components"]["schemas"]["MatterApplicationBody"]["properties"]["amount"]
    assert amount["anyOf"][0]["pattern"] == r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
    assert amount["anyOf"][1] == {"type": "integer", "minimum": 1, "maximum": 10**13 - 1}


def test_an_admin_route_documents_403(client):
    assert "403" in _responses(client, "post", "/api/v1/ops/dead-letters/{service}/replay")
    assert bearer(ADMIN)


def test_a_body_that_is_not_utf8_is_refused_as_input(client, fake):
    headers = {**bearer(), "Content-Type": "application/json"}
    response = client.post(SUBMIT, content=b"\x80\x81{}", headers=headers)
    assert_error(response, 422, "invalid_input")
    assert fields(response) == {"(body)": "请求体不是有效的 JSON（须为 UTF-8 编码）"} and fake.calls == []


@pytest.mark.parametrize(
    "path", ["/api/v1/approval/tasks/{task_id}/decision", "/api/v1/approval/tasks/{task_id}/meeting"]
)
def test_deciding_documents_that_it_waits_for_the_risk_assessment(client, path):
    conflict = client.get("/openapi.json").json()["paths"][path]["post"]["responses"]["409"]["description"]
    assert conflict.startswith("状态冲突") and "risk_assessment_pending" in conflict and "风险评估" in conflict


def test_a_pending_assessment_reaches_the_client_as_a_409_with_typed_details(client, fake):
    details = {"document": {"type": "matter_application", "id": "a1"}, "round": 2, "retry_after_s": 2}
    pending = Conflict("risk_assessment_pending", "风险评估尚未完成", details)
    fake.on("approval", "decide", RemoteError.from_payload(serialize(pending)))
    response = client.post("/api/v1/approval/tasks/t1/decision", json={"decision": "approve"}, headers=bearer())
    assert assert_error(response, 409, "risk_assessment_pending")["details"] == details
