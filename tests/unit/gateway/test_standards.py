"""The standards and 三公 routes: who may change what, what reaches the budget service, what is refused."""

from __future__ import annotations

from gateway.auth import User
from tests.unit.gateway.conftest import ADMIN, assert_error, bearer, fields

FINANCE = User(username="finance", name="财务", unit="czb", roles=("finance_reviewer",), org="xinqiao")
VERSION = {"code": "MEETING-2", "limits": {"total": "700.00"}, "action": "block", "effective_from": "2026-07-01"}
EXPENSE = {
    "kind": "meeting",
    "expense_date": "2026-05-12",
    "details": {"category": "二类", "persons": 10, "days": 1, "amount": "6500.00"},
}


def test_only_finance_or_admin_may_add_a_version(client, fake):
    fake.on("budget", "add_standard_version", {"standard": {"version": 2}, "superseded": None})
    assert_error(client.post("/api/v1/expenditure-standards", json=VERSION, headers=bearer()), 403, "forbidden")
    assert fake.calls_to("budget", "add_standard_version") == []
    for user in (FINANCE, ADMIN):
        response = client.post("/api/v1/expenditure-standards", json=VERSION, headers=bearer(user))
        assert response.status_code == 201, response.text
    sent = fake.calls_to("budget", "add_standard_version")[0].kwargs
    assert sent == VERSION  # kind, name and key are optional and not sent when absent


def test_a_float_limit_or_an_unknown_field_is_refused_before_any_call(client, fake):
    bad = {**VERSION, "limits": {"total": 700.5}}
    response = client.post("/api/v1/expenditure-standards", json=bad, headers=bearer(FINANCE))
    assert response.status_code == 422
    assert any(name.startswith("limits.total") for name in fields(response))
    response = client.post("/api/v1/expenditure-standards", json={**VERSION, "extra": 1}, headers=bearer(FINANCE))
    assert response.status_code == 422 and "extra" in fields(response)
    assert fake.calls_to("budget", "add_standard_version") == []


def test_list_passes_filters_and_paging(client, fake):
    fake.on("budget", "list_standards", {"items": [], "total": 0, "page": 2, "page_size": 5, "as_of": None})
    response = client.get(
        "/api/v1/expenditure-standards",
        params={"kind": "travel", "as_of": "2026-09-01", "page": 2, "page_size": 5},
        headers=bearer(),
    )
    assert response.status_code == 200, response.text
    assert fake.calls_to("budget", "list_standards")[0].kwargs == {
        "kind": "travel",
        "as_of": "2026-09-01",
        "page": 2,
        "page_size": 5,
    }
    assert client.get("/api/v1/expenditure-standards", params={"kind": "car"}, headers=bearer()).status_code == 422


def test_check_sends_the_expense_as_is(client, fake):
    fake.on("budget", "check_standard", {"within": True})
    response = client.post("/api/v1/expenditure-standards/check", json=EXPENSE, headers=bearer())
    assert response.status_code == 200 and response.json() == {"within": True}
    assert fake.calls_to("budget", "check_standard")[0].kwargs == EXPENSE
    bad = client.post(
        "/api/v1/expenditure-standards/check", json={**EXPENSE, "expense_date": "5月12日"}, headers=bearer()
    )
    assert bad.status_code == 422 and "expense_date" in fields(bad)


def test_a_matter_application_carries_its_expense_section_to_payment(client, fake):
    fake.on("payment", "submit_matter_application", {"id": "a1"})
    body = {"title": "工作推进会", "budget_line_id": "2026-DZB-30215-01", "amount": "6500.00", "expense": EXPENSE}
    response = client.post("/api/v1/matter-applications", json=body, headers=bearer())
    assert response.status_code == 201, response.text
    assert fake.calls_to("payment", "submit_matter_application")[0].kwargs["expense"] == EXPENSE
    plain = {k: v for k, v in body.items() if k != "expense"}
    assert client.post("/api/v1/matter-applications", json=plain, headers=bearer()).status_code == 201
    assert "expense" not in fake.calls_to("payment", "submit_matter_application")[1].kwargs


def test_caps_are_set_by_finance_and_reported_to_anyone_signed_in(client, fake):
    fake.on("budget", "set_three_public_cap", {"cap": "50000.00"})
    fake.on("budget", "three_public_report", {"items": []})
    cap = {"fiscal_year": 2026, "category": "official_reception", "amount": "50000.00"}
    assert_error(client.post("/api/v1/three-public-caps", json=cap, headers=bearer()), 403, "forbidden")
    assert client.post("/api/v1/three-public-caps", json=cap, headers=bearer(FINANCE)).status_code == 200
    assert fake.calls_to("budget", "set_three_public_cap")[0].kwargs == cap
    assert (
        client.post("/api/v1/three-public-caps", json={**cap, "amount": "-1"}, headers=bearer(FINANCE)).status_code
        == 422
    )
    response = client.get("/api/v1/reports/three-public", params={"fiscal_year": 2026}, headers=bearer())
    assert response.status_code == 200
    assert fake.calls_to("budget", "three_public_report")[0].kwargs == {"fiscal_year": 2026}
    assert client.get("/api/v1/reports/three-public", headers=bearer()).status_code == 422
