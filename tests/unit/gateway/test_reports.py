"""The budget execution report's routes: what they pass to the budget service, and the Excel download."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import pytest

from .conftest import assert_error, bearer, fields

REPORT = {"items": [], "total": 0, "page": 1, "page_size": 20, "totals": {}}


def test_report_passes_year_group_unit_and_paging(client, fake):
    fake.on("budget", "execution_report", REPORT)
    response = client.get(
        "/api/v1/reports/budget-execution?fiscal_year=2026&group_by=unit&unit=dzb&page=2&page_size=50", headers=bearer()
    )
    assert response.status_code == 200, response.text
    (call,) = fake.calls
    assert call.kwargs == {"fiscal_year": 2026, "group_by": "unit", "unit": "dzb", "page": 2, "page_size": 50}
    assert call.context["actor"] == "clerk"


def test_report_defaults_to_lines_and_leaves_unit_out(client, fake):
    fake.on("budget", "execution_report", REPORT)
    client.get("/api/v1/reports/budget-execution?fiscal_year=2026", headers=bearer())
    assert fake.calls[0].kwargs == {"fiscal_year": 2026, "group_by": "line", "page": 1, "page_size": 20}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "fiscal_year"),
        ("fiscal_year=1999", "fiscal_year"),
        ("fiscal_year=2026&group_by=colour", "group_by"),
        ("fiscal_year=2026&page_size=201", "page_size"),
        ("fiscal_year=2026&unit=a;b", "unit"),
    ],
)
def test_report_refuses_bad_input(client, fake, query, field):
    response = client.get(f"/api/v1/reports/budget-execution?{query}", headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert field in fields(response)
    assert fake.calls == []


def test_report_needs_a_signed_in_user(client, fake):
    assert_error(client.get("/api/v1/reports/budget-execution?fiscal_year=2026"), 401, "unauthenticated")
    assert fake.calls == []


def test_trend_passes_only_what_was_asked(client, fake):
    fake.on("budget", "execution_trend", {"months": []})
    client.get("/api/v1/reports/budget-execution/trend?fiscal_year=2026", headers=bearer())
    client.get(
        "/api/v1/reports/budget-execution/trend?fiscal_year=2026&unit=dzb&budget_line_id=2026-DZB-30201-01",
        headers=bearer(),
    )
    assert [c.kwargs for c in fake.calls] == [
        {"fiscal_year": 2026},
        {"fiscal_year": 2026, "unit": "dzb", "budget_line_id": "2026-DZB-30201-01"},
    ]


def test_xlsx_is_an_attachment_named_with_the_year(client, fake):
    fake.on(
        "budget",
        "execution_report_xlsx",
        {
            "content_base64": base64.b64encode(b"PK\x03\x04xlsx").decode(),
            "filename": "预算执行情况表-2026.xlsx",
            "rows": 0,
        },
    )
    response = client.get(
        "/api/v1/reports/budget-execution.xlsx?fiscal_year=2026&group_by=economic_class", headers=bearer()
    )
    assert response.status_code == 200, response.text
    assert response.content == b"PK\x03\x04xlsx"
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="budget-execution-2026.xlsx"' in disposition
    assert "预算执行情况表-2026.xlsx" in unquote(disposition)
    assert fake.calls[0].kwargs == {"fiscal_year": 2026, "group_by": "economic_class"}


def test_line_moves_are_paged(client, fake):
    fake.on("budget", "line_moves", {"items": [], "total": 0, "page": 3, "page_size": 10})
    response = client.get("/api/v1/budget-lines/2026-DZB-30201-01/moves?page=3&page_size=10", headers=bearer())
    assert response.status_code == 200, response.text
    assert fake.calls[0].kwargs == {"budget_line_id": "2026-DZB-30201-01", "page": 3, "page_size": 10}
    response = client.get("/api/v1/budget-lines/2026-DZB-30201-01/moves?page=0", headers=bearer())
    assert_error(response, 422, "invalid_input")
