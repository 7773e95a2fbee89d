"""付款校验 (POST /payments/check) through the gateway: the payment gate as a dry run for the payment form.

On a signed contract (test_payments' fixtures): a request that would pass answers ok and changes nothing (the
same body checked twice is still ok, the line's figures and the contract's payments stay as they were); one
with several faults answers each refusal with its rule at once (the contract's milestone condition, the payee,
the invoice issuer); an invoice used by a submitted request is refused naming it; the contract of another unit
answers 404 as if it did not exist; bad input answers 422 naming the field in Chinese."""

from __future__ import annotations

import pytest

from tests.integration.test_payments import API, figures, request_body

pytestmark = pytest.mark.integration


def rules(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["rule"] for r in response.json()["refusals"]]


def test_a_passing_request_is_ok_and_nothing_is_written(deal, supplier, login):
    clerk = login("clerk")
    body = request_body(deal, supplier, "10800.00", 1)
    before = figures(clerk, deal["line_id"])
    listed = clerk.get(f"{API}/payments", params={"contract_id": deal["contract"]["id"]}).json()["total"]
    for _ in range(2):  # nothing reserved, no invoice claimed: the same check passes again
        checked = clerk.post(f"{API}/payments/check", json=body)
        assert checked.status_code == 200, checked.text
        assert checked.json() == {"ok": True, "refusals": []}
    assert figures(clerk, deal["line_id"]) == before
    assert clerk.get(f"{API}/payments", params={"contract_id": deal["contract"]["id"]}).json()["total"] == listed
    # The check reserved nothing: the whole milestone can still be requested, with the invoice just checked.
    submitted = clerk.post(f"{API}/payments", json=body)
    assert submitted.status_code == 201, submitted.text

    # That invoice is now the submitted request's: a check with it is refused naming the request.
    again = request_body(deal, supplier, "100.00", 1)
    again["invoices"] = body["invoices"]
    checked = clerk.post(f"{API}/payments/check", json=again)
    assert "invoice_already_used" in rules(checked)
    used = next(r for r in checked.json()["refusals"] if r["rule"] == "invoice_already_used")
    assert submitted.json()["no"] in used["message"] and "不能重复" in used["message"]


def test_every_refusal_is_answered_at_once_with_its_rule(deal, supplier, login):
    clerk = login("clerk")
    body = request_body(deal, supplier, "23400.00", 2, name="别的公司", credit_code="91110108MA01ABCD2X")
    checked = clerk.post(f"{API}/payments/check", json=body)
    found = rules(checked)
    assert checked.json()["ok"] is False
    # The contract's milestone condition (not accepted yet) and the payee are both reported, each in Chinese.
    assert "payment_condition_not_met" in found and "payee_not_contract_party" in found, found
    messages = {r["rule"]: r["message"] for r in checked.json()["refusals"]}
    assert "验收合格后" in messages["payment_condition_not_met"]
    assert messages["payee_not_contract_party"].startswith("收款人须为合同相对方")


def test_another_units_contract_is_not_found_and_bad_input_names_the_field(deal, supplier, login):
    body = request_body(deal, supplier, "100.00", 1)
    other = login("clerk_czb").post(f"{API}/payments/check", json=body)
    assert other.status_code == 404, other.text

    clerk = login("clerk")
    bad = clerk.post(f"{API}/payments/check", json={**body, "amount": "一百"})
    assert bad.status_code == 422, bad.text
    error = bad.json()["error"]
    assert [f["field"] for f in error["details"]["fields"]] == ["amount"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    no_milestone = {**body, "basis": {"type": "contract_milestone", "id": deal["contract"]["id"]}}
    missing = clerk.post(f"{API}/payments/check", json=no_milestone)
    assert missing.status_code == 422 and "付款节点" in missing.json()["error"]["message"]
