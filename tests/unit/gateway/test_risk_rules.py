"""The rule book's gateway routes: what they pass to the risk service, and what they refuse themselves."""

from __future__ import annotations

from .conftest import assert_error, bearer


def test_the_rule_book_is_read_from_risk(client, fake):
    fake.on("risk", "rule_book", {"items": [], "total": 0})
    response = client.get("/api/v1/risk/rules", headers=bearer())
    assert response.status_code == 200, response.text
    assert fake.calls_to("risk", "rule_book")


def test_a_version_is_forwarded_with_its_day_and_values_as_text(client, fake):
    fake.on("risk", "set_rule_parameters", {"rule": "split_purchase"})
    response = client.put(
        "/api/v1/risk/rules/split_purchase/parameters/2026-12-01",
        headers=bearer(),
        json={"parameters": {"threshold": 40000, "min_part": "5000.00", "window_days": 30}},
    )
    assert response.status_code == 200, response.text
    assert fake.calls[0].kwargs == {
        "rule": "split_purchase",
        "effective_from": "2026-12-01",
        "parameters": {"threshold": "40000", "min_part": "5000.00", "window_days": "30"},
    }


def test_a_bad_day_or_rule_is_refused_by_the_gateway(client, fake):
    body = {"parameters": {"level": 90}}
    assert_error(
        client.put("/api/v1/risk/rules/x/parameters/2026-13-01", headers=bearer(), json=body), 422, "invalid_input"
    )
    assert_error(
        client.put("/api/v1/risk/rules/Bad-Rule/parameters/2026-12-01", headers=bearer(), json=body),
        422,
        "invalid_input",
    )
    assert not fake.calls
