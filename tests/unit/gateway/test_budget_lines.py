"""The line register's routes: who may change lines, what is passed on, and that fixed paths win over ids."""

from __future__ import annotations

import base64
import dataclasses
from urllib.parse import unquote

import pytest

from .conftest import ADMIN, CLERK, assert_error, bearer, fields

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINANCE = dataclasses.replace(CLERK, username="finance", unit="czb", roles=("finance_reviewer",))
LINE = "2026-CZB-30201-01"
DECOMPOSE = {
    "parts": [{"unit": "dzb", "amount": "1000.50"}, {"unit": "sq_xinqiao", "amount": 200}],
    "reason": "年初指标分解",
}
CONTROL = {"budget_line_id": LINE, "control_mode": "tolerance", "tolerance_rate": "5", "reason": "年中调整"}


@pytest.mark.parametrize(
    ("path", "body"), [(f"/api/v1/budget-lines/{LINE}/decompose", DECOMPOSE), ("/api/v1/budget-lines/control", CONTROL)]
)
def test_only_finance_reviewers_and_admins_may_change_lines(client, fake, path, body):
    assert_error(client.post(path, json=body, headers=bearer(CLERK)), 403, "forbidden")
    assert_error(client.post(path, json=body), 401, "unauthenticated")
    assert fake.calls == []


@pytest.mark.parametrize("user", [FINANCE, ADMIN])
def test_a_decomposition_is_passed_on_with_money_as_text_and_the_idempotency_key(client, fake, user):
    fake.on("budget", "decompose_line", {"total": "1200.50"})
    response = client.post(
        f"/api/v1/budget-lines/{LINE}/decompose", json=DECOMPOSE, headers={**bearer(user), "Idempotency-Key": "k-1"}
    )
    assert response.status_code == 200, response.text
    (call,) = fake.calls
    assert call.kwargs == {
        "budget_line_id": LINE,
        "reason": "年初指标分解",
        "parts": [{"unit": "dzb", "amount": "1000.50"}, {"unit": "sq_xinqiao", "amount": "200.00"}],
    }
    assert call.context["idempotency_key"] == "k-1" and call.context["actor"] == user.username


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**DECOMPOSE, "reason": " "}, "reason"),
        ({**DECOMPOSE, "parts": []}, "parts"),
        ({**DECOMPOSE, "parts": [{"unit": "dzb", "amount": 10.5}]}, "parts.0.amount"),
        ({**DECOMPOSE, "parts": [{"unit": "dzb", "amount": "-1"}]}, "parts.0.amount"),
        ({**DECOMPOSE, "parts": [{"unit": "d z", "amount": "1"}]}, "parts.0.unit"),
        ({**DECOMPOSE, "extra": 1}, "extra"),
    ],
)
def test_bad_decompositions_are_refused_before_the_service(client, fake, body, field):
    response = client.post(f"/api/v1/budget-lines/{LINE}/decompose", json=body, headers=bearer(FINANCE))
    assert_error(response, 422, "invalid_input")
    assert any(f == field or f.endswith("." + field) for f in fields(response)), fields(response)
    assert fake.calls == []


def test_control_is_passed_on_with_the_rate_as_text(client, fake):
    fake.on("budget", "set_control", {"changed": 1})
    body = {
        "economic_class": "302",
        "fiscal_year": 2026,
        "control_mode": "tolerance",
        "tolerance": "500",
        "reason": "统一容差",
    }
    assert client.post("/api/v1/budget-lines/control", json=body, headers=bearer(ADMIN)).status_code == 200
    assert fake.calls[0].kwargs == {
        "economic_class": "302",
        "fiscal_year": 2026,
        "control_mode": "tolerance",
        "tolerance": "500.00",
        "reason": "统一容差",
    }
    client.post("/api/v1/budget-lines/control", json=CONTROL, headers=bearer(ADMIN))
    assert fake.calls[1].kwargs["tolerance_rate"] == "5"


def test_history_is_for_any_signed_in_user_and_paged(client, fake):
    fake.on("budget", "line_history", {"items": [], "total": 0})
    response = client.get(f"/api/v1/budget-lines/{LINE}/history?page=2&page_size=5", headers=bearer(CLERK))
    assert response.status_code == 200, response.text
    assert fake.calls[0].kwargs == {"budget_line_id": LINE, "page": 2, "page_size": 5}
    assert_error(client.get(f"/api/v1/budget-lines/{LINE}/history"), 401, "unauthenticated")


def test_export_is_an_attachment_and_not_taken_for_a_line_id(client, fake):
    fake.on(
        "budget",
        "export_lines_xlsx",
        {"filename": "预算指标-2026年.xlsx", "content_base64": base64.b64encode(b"PK\x03\x04x").decode()},
    )
    response = client.get("/api/v1/budget-lines/export.xlsx?fiscal_year=2026&unit=dzb", headers=bearer(CLERK))
    assert response.status_code == 200, response.text
    assert response.content == b"PK\x03\x04x" and response.headers["content-type"].startswith(XLSX)
    assert "预算指标-2026年.xlsx" in unquote(response.headers["content-disposition"])
    assert [(c.method, c.kwargs) for c in fake.calls] == [("export_lines_xlsx", {"fiscal_year": 2026, "unit": "dzb"})]
