"""The budget documents' routes: what they send to the budget service, who may do what, and bad input."""

from __future__ import annotations

import pytest

from gateway.auth import User

from .conftest import ADMIN, assert_error, bearer, fields

FINANCE = User(username="finance", name="何丽华", unit="czb", roles=("finance_reviewer",), org="xinqiao")
ADJUSTMENT = {"id": "7a4e2c1b-0d3f-4e5a-9b8c-1f2e3d4c5b6a", "no": "TZ-2026-000001", "status": "submitted"}
TRANSFER = {
    "kind": "transfer",
    "from_budget_line_id": "2026-DZB-30201-01",
    "to_budget_line_id": "2026-DZB-30211-01",
    "amount": "1000.50",
    "reason": "差旅费不足",
}


def test_a_clerk_adjusts_only_their_own_units_lines_finance_any(client, fake):
    fake.on("budget", "submit_adjustment", ADJUSTMENT)
    response = client.post("/api/v1/budget-adjustments", json=TRANSFER, headers=bearer())
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/v1/budget-adjustments/{ADJUSTMENT['id']}"
    assert fake.calls[0].kwargs == {**TRANSFER, "unit": "dzb"}
    client.post("/api/v1/budget-adjustments", json=TRANSFER, headers=bearer(FINANCE))
    assert "unit" not in fake.calls[1].kwargs


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"reason": " "}, "reason"),
        ({"kind": "swap"}, "kind"),
        ({"to_budget_line_id": "a;b"}, "to_budget_line_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_adjustments_are_refused_before_any_call(client, fake, change, field):
    response = client.post("/api/v1/budget-adjustments", json={**TRANSFER, **change}, headers=bearer())
    assert_error(response, 422, "invalid_input")
    assert any(f.endswith(field) for f in fields(response)), fields(response)
    assert fake.calls == []


def test_the_adjustment_comes_with_its_route_or_none_yet(client, fake):
    fake.on("budget", "get_adjustment", ADJUSTMENT).on("approval", "get_route", {"steps": [], "round": 1})
    body = client.get(f"/api/v1/budget-adjustments/{ADJUSTMENT['id']}", headers=bearer()).json()
    assert body["no"] == "TZ-2026-000001" and body["route"] == {"steps": [], "round": 1}
    route_call = fake.calls_to("approval", "get_route")[0]
    assert route_call.kwargs == {"document_type": "budget_adjustment", "document_id": ADJUSTMENT["id"]}


def test_listing_all_asks_for_everything_in_the_callers_data_scope(client, fake):
    # The budget service narrows "everything" to the caller's data scope (their unit, or all for finance).
    fake.on("budget", "list_adjustments", {"items": [], "total": 0, "page": 1, "page_size": 20})
    assert client.get("/api/v1/budget-adjustments?all=true", headers=bearer()).status_code == 200
    assert client.get("/api/v1/budget-adjustments?all=true", headers=bearer(FINANCE)).status_code == 200
    assert [c.kwargs for c in fake.calls] == [{"mine": False, "page": 1, "page_size": 20}] * 2


def test_an_override_request_is_passed_on_with_the_callers_unit(client, fake):
    fake.on("budget", "request_override", {"id": "x", "no": "CY-2026-000001"})
    body = {
        "budget_line_id": "2026-DZB-30201-01",
        "document": {"type": "matter_application", "id": "m-1"},
        "amount": "300",
        "reason": "会议规模扩大",
    }
    assert client.post("/api/v1/budget-overrides", json=body, headers=bearer()).status_code == 201
    assert fake.calls[0].kwargs == {**body, "amount": "300.00", "unit": "dzb"}


def test_only_finance_or_admin_close_a_year_or_ask_to_reopen_it(client, fake):
    fake.on("budget", "close_year", {"fiscal_year": 2026}).on("budget", "request_reopen", {"id": "r"})
    assert_error(
        client.post("/api/v1/fiscal-years/2026/close", json={"reason": "年终结账"}, headers=bearer()), 403, "forbidden"
    )
    assert (
        client.post("/api/v1/fiscal-years/2026/close", json={"reason": "年终结账"}, headers=bearer(ADMIN)).status_code
        == 200
    )
    assert fake.calls[0].kwargs == {"fiscal_year": 2026, "reason": "年终结账"}
    assert_error(client.post("/api/v1/fiscal-years/2026/close", json={}, headers=bearer(FINANCE)), 422, "invalid_input")
    assert (
        client.post(
            "/api/v1/fiscal-years/2026/reopen-requests", json={"reason": "补记"}, headers=bearer(FINANCE)
        ).status_code
        == 201
    )
    assert fake.calls_to("budget", "request_reopen")[0].kwargs == {"fiscal_year": 2026, "reason": "补记", "unit": "czb"}


def test_final_accounts_pass_year_unit_and_paging(client, fake):
    fake.on("budget", "final_accounts", {"items": []})
    client.get("/api/v1/reports/final-accounts?fiscal_year=2026&unit=dzb&page_size=50", headers=bearer())
    assert fake.calls[0].kwargs == {"fiscal_year": 2026, "unit": "dzb", "page": 1, "page_size": 50}
    assert_error(client.get("/api/v1/reports/final-accounts?fiscal_year=1999", headers=bearer()), 422, "invalid_input")
