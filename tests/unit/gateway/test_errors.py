"""Every failure is `{"error": {code, message, details}}` with a Chinese message and the right status."""

from __future__ import annotations

import pytest
from nameko.exceptions import serialize

from ic_platform.errors import Conflict, not_found, unavailable
from ic_platform.rpc_client import RemoteError, RpcTimeout, ServiceUnavailable

from .conftest import assert_error, bearer, fields

LINE = "/api/v1/budget-lines/0f6c1f0e-5b1a-4d7e-9a57-3d1c2b8e7a10"
SUBMIT = "/api/v1/matter-applications"
VALID = {"title": "购买办公用品", "budget_line_id": "line-1", "amount": "1234.50"}


def remote(exc: Exception) -> RemoteError:
    """Exactly what reaches the gateway when a service raises `exc`: nameko's own serialisation."""
    return RemoteError.from_payload(serialize(exc))


def test_a_domain_404_keeps_code_message_and_details(client, fake):
    fake.on("budget", "get_line", remote(not_found("budget_line", "x-1", "预算指标")))
    error = assert_error(client.get(LINE, headers=bearer()), 404, "budget_line_not_found")
    assert error == {
        "code": "budget_line_not_found",
        "message": "预算指标不存在: x-1",
        "details": {"budget_line": "x-1"},
    }


def test_a_conflict_is_409(client, fake):
    fake.on(
        "payment",
        "submit_matter_application",
        remote(Conflict("insufficient_funds", "预算可用余额不足", {"available": "100.00"})),
    )
    error = assert_error(client.post(SUBMIT, json=VALID, headers=bearer()), 409, "insufficient_funds")
    assert error["message"] == "预算可用余额不足" and error["details"] == {"available": "100.00"}


def test_the_status_survives_nameko_turning_it_into_text(client, fake):
    exc = remote(Conflict("insufficient_funds", "预算可用余额不足", {}, status=422))
    assert exc.exc_args[3] == "422"
    fake.on("budget", "get_line", exc)
    assert_error(client.get(LINE, headers=bearer()), 422, "insufficient_funds")


def test_a_services_own_domain_error_subclass_is_rebuilt_too(client, fake):
    # As nameko serialises services.approval.domain.errors.RouteRefused (a DomainError with status 409).
    fake.on(
        "budget",
        "get_line",
        RemoteError.from_payload(
            {
                "exc_type": "RouteRefused",
                "exc_path": "services.approval.domain.errors.RouteRefused",
                "exc_args": ["approval_unit_unknown", "单位 x 未在组织机构中登记", {"unit": "x"}, "409"],
                "value": "...",
            }
        ),
    )
    error = assert_error(client.get(LINE, headers=bearer()), 409, "approval_unit_unknown")
    assert error == {"code": "approval_unit_unknown", "message": "单位 x 未在组织机构中登记", "details": {"unit": "x"}}


def test_a_domain_error_without_a_usable_status_takes_its_class_status(client, fake):
    fake.on("budget", "get_line", RemoteError("NotFound", "ic_platform.errors.NotFound", ["gone", "没了"], ""))
    assert_error(client.get(LINE, headers=bearer()), 404, "gone")


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("0", "金额必须大于零"),
        (0, "金额必须大于零"),
        (-1, "金额必须大于零"),
        ("-1", "金额必须大于零"),
        ("1.234", "金额最多两位小数"),
        ("abc", "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"),
        ("1e309", "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"),
        ("1" * 30, "金额超出允许范围"),
        (" 1.00", "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"),
        ("１００", "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"),
        ("1.0e2", "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"),
        (10**13, "金额超出允许范围"),
        (12.5, "金额必须以字符串或整数提交"),
        (True, "金额必须以字符串或整数提交"),
        (None, "金额必须以字符串或整数提交"),
    ],
)
def test_a_bad_amount_is_refused_naming_the_field(client, fake, amount, reason):
    response = client.post(SUBMIT, json={**VALID, "amount": amount}, headers=bearer())
    error = assert_error(response, 422, "invalid_input")
    assert error["details"]["fields"] == [{"field": "amount", "reason": reason}]
    assert "amount" in error["message"]
    assert fake.calls == []


def test_a_float_amount_is_refused_even_when_it_is_whole(client):
    response = client.post(
        SUBMIT,
        content=b'{"title": "t", "budget_line_id": "l", "amount": 12.0}',
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert fields(response) == {"amount": "金额必须以字符串或整数提交"}


def test_missing_and_unknown_fields_are_named(client):
    body = {"budget_line_id": "line-1", "amount": "10", "approver": "head"}
    response = client.post(SUBMIT, json=body, headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert fields(response) == {"title": "必填", "approver": "不允许的字段"}


def test_a_blank_title_is_refused(client):
    assert fields(client.post(SUBMIT, json={**VALID, "title": "   "}, headers=bearer())) == {"title": "不能为空"}


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post(SUBMIT, content=b"{not json", headers={**bearer(), "Content-Type": "application/json"})
    assert fields(response) == {"(body)": "请求体不是有效的 JSON"}


def test_reject_without_a_comment_names_the_comment(client, fake):
    url = "/api/v1/approval/tasks/t-1/decision"
    for body in ({"decision": "reject"}, {"decision": "reject", "comment": "  "}):
        response = client.post(url, json=body, headers=bearer())
        assert_error(response, 422, "invalid_input")
        assert fields(response) == {"comment": "驳回必须填写理由"}
    response = client.post(url, json={"decision": "maybe"}, headers=bearer())
    assert fields(response)["decision"].startswith("取值不在允许范围内")
    assert fake.calls == []


def test_a_foreign_class_called_not_found_is_not_a_domain_error(client, fake):
    fake.on("budget", "get_line", RemoteError("NotFound", "werkzeug.exceptions.NotFound", [], "404 Not Found"))
    assert_error(client.get(LINE, headers=bearer()), 500, "internal_error")


def test_a_timeout_is_503_with_retry_after(client, fake):
    fake.on("budget", "get_line", RpcTimeout("no reply from budget.get_line within 3.5s"))
    response = client.get(LINE, headers=bearer())
    error = assert_error(response, 503, "upstream_timeout")
    assert error["message"] == "服务响应超时，请稍后重试"
    assert response.headers["Retry-After"] == "2"


def test_an_unreachable_service_is_503_with_retry_after(client, fake):
    fake.on("budget", "get_line", ServiceUnavailable("no consumer for budget.get_line"))
    response = client.get(LINE, headers=bearer())
    error = assert_error(response, 503, "service_unavailable")
    assert error["message"] == "服务暂不可用，请稍后重试"
    assert response.headers["Retry-After"] == "2"


def test_a_service_whose_database_is_down_is_503_with_retry_after(client, fake):
    fake.on("budget", "get_line", remote(unavailable()))
    response = client.get(LINE, headers=bearer())
    error = assert_error(response, 503, "service_unavailable")
    assert "数据库" in error["message"] and response.headers["Retry-After"] == "2"


def test_the_openapi_document_says_retry_after_on_503(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/budget-lines/{line_id}"]["get"]
    assert "504" not in operation["responses"]
    assert "Retry-After" in operation["responses"]["503"]["headers"]


def test_any_other_remote_error_is_500_without_internals(client, fake):
    secret_text = 'Traceback (most recent call last): psycopg.errors.UndefinedTable: relation "x"'
    fake.on(
        "budget",
        "get_line",
        RemoteError("ProgrammingError", "sqlalchemy.exc.ProgrammingError", [secret_text], secret_text),
    )
    response = client.get(LINE, headers=bearer())
    error = assert_error(response, 500, "internal_error")
    assert error["message"] == "服务内部错误"
    assert list(error["details"]) == ["trace_id"]  # no internal exception class either
    assert not {"Traceback", "psycopg", "ProgrammingError"} & set(response.text.split(" "))
    assert "ProgrammingError" not in response.text


def test_a_bug_in_the_gateway_is_a_json_500_too(client, fake):
    fake.on("budget", "get_line", lambda kwargs: 1 / 0)
    response = client.get(LINE, headers={**bearer(), "X-Correlation-Id": "bug-1"})
    assert assert_error(response, 500, "internal_error")["message"] == "服务内部错误"
    assert "ZeroDivisionError" not in response.text
    assert response.headers["X-Correlation-Id"] == "bug-1"


def test_unknown_routes_and_methods_answer_in_the_same_shape(client):
    assert assert_error(client.get("/api/v1/nothing-here", headers=bearer()), 404, "not_found")["message"]
    assert_error(client.get("/nothing"), 404, "not_found")
    response = client.delete("/api/v1/budget-lines", headers=bearer())
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_an_odd_path_id_is_refused_before_any_call(client, fake):
    response = client.get("/api/v1/budget-lines/a%20b", headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert fields(response) == {"line_id": "格式不正确"}
    assert fake.calls == []


def test_a_not_yet_conflict_says_when_to_try_again():
    from gateway.errors import error_response

    assert error_response(409, "idempotency_request_in_progress", "处理中").headers["Retry-After"] == "2"
    assert error_response(409, "risk_assessment_pending", "评估中").headers["Retry-After"] == "2"
    assert "Retry-After" not in error_response(409, "budget_insufficient", "预算不足").headers
