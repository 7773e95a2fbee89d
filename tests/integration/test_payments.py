"""Acceptance (验收), payment requests (付款申请) and execution (支付) through the gateway on real services.

A supplier is registered with a bank account; a contract on its award is signed (helpers of test_contracts);
the milestone paid on acceptance is refused before acceptance; the purchaser may not accept; an acceptance
passes; a payment of the signing milestone is refused for another payee, another account and (the retention)
before the warranty ends; it is approved, refused to a cashier who approved it, executed by the cashier: the
line moves committed → actual exactly. Its invoice, written differently, is refused for another request. The
contract is then terminated at a settlement, a payment beyond it is
refused, and a second payment under the terms brings committed down and actual up to the settlement exactly."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal

import pytest

from services.procurement.domain import credit_code
from tests.integration.budget_docs import approve_seeing_warnings
from tests.integration.conftest import eventually
from tests.integration.identity import rpc_context
from tests.integration.test_contracts import (
    rule_of,
)

pytestmark = pytest.mark.integration

API = "/api/v1"
TODAY_ACCEPTED = "2026-05-10"
MILESTONES = [
    {"name": "预付款", "condition": "on_signing", "share": "30"},
    {"name": "验收款", "condition": "on_acceptance", "share": "65"},
    {"name": "质保金", "condition": "after_warranty", "share": "5"},
]


def new_credit_code() -> str:
    body = f"{random.randrange(10**8):08d}"
    first17 = "91350102" + body + credit_code.org_check_character(body)
    return first17 + credit_code.check_character(first17)


def invoice_number() -> str:
    return "2644" + "".join(random.choice("0123456789") for _ in range(16))


def figures(api, line_id) -> dict[str, Decimal]:
    body = api.get(f"{API}/budget-lines/{line_id}").json()
    return {k: Decimal(body[k]) for k in ("pre_committed", "committed", "actual", "available")}


@pytest.fixture(scope="module")
def approving_cashier(rpc, login):
    """A finance reviewer who is also a cashier: may approve a payment, then may not execute it."""
    username = f"fincash_{uuid.uuid4().hex[:6]}"
    user = {"username": username, "full_name": "测试兼岗", "unit": "czb", "roles": ["finance_reviewer", "cashier"]}
    rpc.call("org", "register_user", {**user, "password": "demo1234"}, context=rpc_context("admin", "dzb", ["admin"]))
    return login(username)


def request_body(deal, supplier, amount, milestone, **payee):
    return {
        "title": f"{deal['contract']['title']} 第 {milestone} 期付款",
        "amount": amount,
        "basis": {"type": "contract_milestone", "id": deal["contract"]["id"], "milestone_no": milestone},
        "payee": {
            "name": supplier["name"],
            "credit_code": supplier["credit_code"],
            "account_no": supplier["account_no"],
            **payee,
        },
        "invoices": [
            {
                "number": invoice_number(),
                "issued_on": "2026-05-12",
                "issuer_credit_code": supplier["credit_code"],
                "amount": amount,
                "tax": "0.00",
            }
        ],
    }


def payment(api, payment_id):
    response = api.get(f"{API}/payments/{payment_id}")
    assert response.status_code == 200, response.text
    return response.json()


def approved_payment(login, head, finance_api, body):
    clerk = login("clerk")
    submitted = clerk.post(f"{API}/payments", json=body)
    assert submitted.status_code == 201, submitted.text
    p = submitted.json()
    assert p["status"] == "submitted" and p["no"].startswith("FK-")
    approve_seeing_warnings(head, p["id"])  # the supplier's account was registered today: risk says so
    approve_seeing_warnings(finance_api, p["id"])
    return eventually(lambda: (x := payment(clerk, p["id"]))["status"] == "approved" and x)


def test_acceptance_then_two_payments_under_the_terms_move_committed_to_actual_exactly(
    deal, supplier, login, approving_cashier
):
    clerk, head, principal, cashier = login("clerk"), login("head"), login("principal"), login("cashier")
    c, line_id = deal["contract"], deal["line_id"]

    # The acceptance milestone before its acceptance: refused with the rule named.
    early = clerk.post(f"{API}/payments", json=request_body(deal, supplier, "23400.00", 2))
    assert rule_of(early) == "payment_condition_not_met" and "验收合格后" in early.json()["error"]["message"]

    # The purchaser may not accept (the conflict matrix's pair); the principal's committee does.
    acceptance = {"milestone_no": 2, "result": "passed", "accepted_on": TODAY_ACCEPTED, "members": ["head", "admin"]}
    by_purchaser = head.post(f"{API}/contracts/{c['id']}/acceptances", json=acceptance)
    assert rule_of(by_purchaser, 403) == "sod_incompatible_roles"
    assert by_purchaser.json()["error"]["details"]["rule"] == "acceptor/purchaser"
    accepted = principal.post(
        f"{API}/contracts/{c['id']}/acceptances", json={**acceptance, "members": ["principal", "admin"]}
    )
    assert accepted.status_code == 201, accepted.text
    listed = clerk.get(f"{API}/contracts/{c['id']}/acceptances").json()["items"]
    assert [(a["result"], a["acceptor"]) for a in listed] == [("passed", "principal")]

    # Another payee, another account, the retention before the warranty ends: each refused with its rule.
    other = clerk.post(
        f"{API}/payments",
        json=request_body(deal, supplier, "10800.00", 1, name="别的公司", credit_code="91110108MA01ABCD2X"),
    )
    assert rule_of(other) == "payee_not_contract_party"
    account = clerk.post(
        f"{API}/payments", json=request_body(deal, supplier, "10800.00", 1, account_no="6222020200999999999")
    )
    assert rule_of(account) == "bank_account_not_registered" and "供应商库" in account.json()["error"]["message"]
    retention = clerk.post(f"{API}/payments", json=request_body(deal, supplier, "1800.00", 3))
    assert rule_of(retention) == "retention_before_warranty_end"

    # First payment: approved by head and a finance reviewer who is also a cashier; that one may not execute.
    before = figures(clerk, line_id)
    first_body = request_body(deal, supplier, "10800.00", 1)
    first = approved_payment(login, head, approving_cashier, first_body)
    assert approving_cashier.username in first["approvers"]
    pay = {"reference": "ICBC-20260512-0001", "executed_on": "2026-05-12"}
    refused = approving_cashier.post(f"{API}/payments/{first['id']}/execute", json=pay)
    assert rule_of(refused, 403) == "sod_incompatible_roles"
    assert refused.json()["error"]["details"]["rule"] == "payment_approver/payment_executor"
    assert figures(clerk, line_id) == before, "a refused execution moves no money"
    assert rule_of(clerk.post(f"{API}/payments/{first['id']}/execute", json=pay), 403) == "not_cashier"
    done = cashier.post(f"{API}/payments/{first['id']}/execute", json=pay)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["reference"], done.json()["executor"]) == (
        "executed",
        "ICBC-20260512-0001",
        "cashier",
    )
    after = figures(clerk, line_id)
    assert after["committed"] == before["committed"] - Decimal("10800.00")
    assert after["actual"] == before["actual"] + Decimal("10800.00")
    assert after["available"] == before["available"]

    # Its invoice again, written with blanks and full-width digits: refused naming the request that holds it
    # (the database's key), and the reservation it took against the contract is given back at once.
    number = first_body["invoices"][0]["number"]
    reused = request_body(deal, supplier, "10800.00", 2)
    reused["invoices"][0]["number"] = " ".join(number[i : i + 4] for i in range(0, 20, 4)).replace("2", "２")
    again = clerk.post(f"{API}/payments", json=reused)
    assert rule_of(again) == "invoice_already_used" and first["no"] in again.json()["error"]["message"]

    # Terminated at a settlement of 30,000: beyond it is beyond the contract, within it is paid.
    end = {"kind": "termination", "terminated_on": "2026-06-30", "reason": "提前终止", "settlement_amount": "30000.00"}
    terminated = clerk.post(f"{API}/contracts/{c['id']}/termination", json=end)
    assert terminated.status_code == 200, terminated.text
    beyond = clerk.post(f"{API}/payments", json=request_body(deal, supplier, "23400.00", 2))
    assert rule_of(beyond) == "payment_exceeds_contract"
    finance = login("finance")
    second = approved_payment(login, head, finance, request_body(deal, supplier, "19200.00", 2))
    done = cashier.post(f"{API}/payments/{second['id']}/execute", json={"reference": "ICBC-20260701-0002"})
    assert done.status_code == 200, done.text
    final = figures(clerk, line_id)
    assert final["actual"] == before["actual"] + Decimal("30000.00")
    assert final["committed"] == before["committed"] - Decimal("36000.00")
    listed = clerk.get(f"{API}/payments", params={"contract_id": c["id"]}).json()
    assert {p["status"] for p in listed["items"]} == {"executed"} and listed["total"] == 2
