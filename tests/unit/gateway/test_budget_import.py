"""Budget line import through the gateway: who may, what is passed on, and what comes back."""

from __future__ import annotations

import base64
import dataclasses
from urllib.parse import unquote

import pytest
from nameko.exceptions import serialize

from ic_platform.errors import InvalidInput
from ic_platform.rpc_client import RemoteError

from .conftest import ADMIN, CLERK, assert_error, bearer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINANCE = dataclasses.replace(CLERK, username="finance", unit="czb", roles=("finance_reviewer",))


def test_template_is_an_attachment_for_finance(client, fake):
    fake.on("budget", "import_template_xlsx", {"content_base64": base64.b64encode(b"PK\x03\x04tpl").decode()})
    response = client.get("/api/v1/budget-lines/import-template.xlsx", headers=bearer(FINANCE))
    assert response.status_code == 200, response.text
    assert response.content == b"PK\x03\x04tpl" and response.headers["content-type"].startswith(XLSX)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "预算指标导入模板.xlsx" in unquote(disposition)
    assert [c.method for c in fake.calls] == ["import_template_xlsx"]


@pytest.mark.parametrize("path", ["/api/v1/budget-lines/import-template.xlsx", "/api/v1/budget-lines/import"])
def test_only_finance_reviewers_and_admins_may_import(client, fake, path):
    method = client.get if path.endswith(".xlsx") else client.post
    assert_error(method(path, headers=bearer(CLERK)), 403, "forbidden")
    assert_error(method(path), 401, "unauthenticated")
    assert fake.calls == []


@pytest.mark.parametrize("user", [FINANCE, ADMIN])
def test_the_workbook_is_passed_on_base64_with_dry_run(client, fake, user):
    fake.on("budget", "import_lines_xlsx", {"imported": 0, "valid": 3, "dry_run": True})
    response = client.post(
        "/api/v1/budget-lines/import?dry_run=true",
        content=b"PK\x03\x04data",
        headers={**bearer(user), "Content-Type": XLSX},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 0, "valid": 3, "dry_run": True}
    (call,) = fake.calls
    assert call.kwargs == {"content_base64": base64.b64encode(b"PK\x03\x04data").decode(), "dry_run": True}
    assert call.context["actor"] == user.username and call.timeout == 120.0


def test_dry_run_defaults_to_false(client, fake):
    fake.on("budget", "import_lines_xlsx", {"imported": 3})
    client.post("/api/v1/budget-lines/import", content=b"PK", headers={**bearer(ADMIN), "Content-Type": XLSX})
    assert fake.calls[0].kwargs["dry_run"] is False


def test_row_errors_come_back_as_422_with_every_row_column_and_reason(client, fake):
    errors = [{"row": 3, "column": "金额(元)", "reason": "金额最多两位小数"}]
    fake.on(
        "budget",
        "import_lines_xlsx",
        RemoteError.from_payload(
            serialize(
                InvalidInput(
                    "budget_import_invalid",
                    "导入文件有 1 处错误，未导入任何指标。",
                    {"errors": errors, "error_count": 1, "truncated": False},
                )
            )
        ),
    )
    response = client.post(
        "/api/v1/budget-lines/import", content=b"PK", headers={**bearer(ADMIN), "Content-Type": XLSX}
    )
    error = assert_error(response, 422, "budget_import_invalid")
    assert error["details"] == {"errors": errors, "error_count": 1, "truncated": False}  # numbers, not text


def test_wrong_content_type_empty_and_oversized_bodies_are_refused_at_the_gateway(client, fake):
    headers = bearer(ADMIN)
    assert_error(
        client.post(
            "/api/v1/budget-lines/import",
            content=b"PK",
            headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
        ),
        415,
        "unsupported_media_type",
    )
    assert_error(
        client.post("/api/v1/budget-lines/import", content=b"", headers={**headers, "Content-Type": XLSX}),
        422,
        "budget_import_unreadable",
    )
    big = b"x" * (5 * 1024 * 1024 + 1)
    assert_error(
        client.post("/api/v1/budget-lines/import", content=big, headers={**headers, "Content-Type": XLSX}),
        413,
        "budget_import_too_large",
    )
    assert fake.calls == []
