"""The whole spending chain through the gateway and the real services, nothing made by hand: budget line →
matter application → procurement application (three quotes) → award → contract approved and signed → acceptance
→ two payments under the terms (executed by the cashier) → vouchers. The line moves pre-committed → committed →
actual exactly, the trial balance of the month balances, and the reconciliation of the books with the budget
ledger shows no difference on the line."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.integration.budget_docs import (
    approve_seeing_warnings,
    decide,
    new_line,
    status_of,
)
from tests.integration.conftest import eventually
from tests.integration.test_payments import invoice_number, new_credit_code
from tests.integration.test_walking_skeleton import submit

pytestmark = pytest.mark.integration

API = "/api/v1"
TODAY = datetime.now(UTC).date().isoformat()
PERIOD = TODAY[:7]


def figures(api, line_id):
    body = api.get(f"{API}/budget-lines/{line_id}").json()
    return {k: Decimal(body[k]) for k in ("pre_committed", "committed", "actual", "available")}


def a_supplier_with_an_account(clerk, finance):
    name = f"榕城办公设备有限公司{uuid.uuid4().hex[:4]}"
    code = new_credit_code()
    registered = clerk.post(
        f"{API}/suppliers", json={"credit_code": code, "name": name, "legal_representative": "陈平"}
    )
    assert registered.status_code == 201, registered.text
    account_no = f"62220202{uuid.uuid4().int % 10**11:011d}"
    account = {"bank_name": "中国建设银行福州分行", "account_name": name, "account_no": account_no}
    added = finance.post(
        f"{API}/suppliers/{registered.json()['id']}/accounts",
        json={"change": "add", "account": account, "reason": "供应商提供开户许可证"},
    )
    assert added.status_code == 200, added.text
    return {"id": registered.json()["id"], "name": name, "credit_code": code, "account_no": account_no}


def pay(clerk, approvers, cashier, contract, supplier, milestone, amount):
    body = {
        "title": f"{contract['title']} 第 {milestone} 期付款",
        "amount": amount,
        "basis": {"type": "contract_milestone", "id": contract["id"], "milestone_no": milestone},
        "payee": {k: supplier[k] for k in ("name", "credit_code", "account_no")},
        "invoices": [
            {
                "number": invoice_number(),
                "issued_on": TODAY,
                "issuer_credit_code": supplier["credit_code"],
                "amount": amount,
                "tax": "0.00",
            }
        ],
    }
    submitted = clerk.post(f"{API}/payments", json=body)
    assert submitted.status_code == 201, submitted.text
    payment_id = submitted.json()["id"]
    for approver in approvers:
        approve_seeing_warnings(approver, payment_id)
    status_of(clerk, f"{API}/payments/{payment_id}", "approved")
    executed = cashier.post(f"{API}/payments/{payment_id}/execute", json={"reference": f"ZF-{milestone}"})
    assert executed.status_code == 200, executed.text
    assert executed.json()["status"] == "executed"
    return executed.json()


def test_from_the_budget_line_to_the_vouchers(login, rpc):
    clerk, head, leader, finance = login("clerk"), login("head"), login("leader"), login("finance")
    cashier, accountant = login("cashier"), login("accountant")
    line_id = new_line(rpc, "200000.00")
    supplier = a_supplier_with_an_account(clerk, finance)

    # 1. The matter application pre-commits 60,000; the procurement application takes it over.
    matter = submit(clerk, "60000.00", line_id)
    assert matter.status_code == 201, matter.text
    for approver in (head, leader):
        decide(approver, matter.json()["id"])
    status_of(clerk, f"{API}/matter-applications/{matter.json()['id']}", "approved")
    items = [{"name": "会议室设备", "category": "goods", "quantity": "1", "unit_price": "58000.00", "unit": "套"}]
    app = clerk.post(
        f"{API}/procurement-applications",
        json={
            "title": "会议室设备",
            "items": items,
            "method": "self_procurement",
            "matter_application_id": matter.json()["id"],
        },
    )
    assert app.status_code == 201, app.text
    for approver in (head, leader):
        decide(approver, app.json()["id"])
    status_of(clerk, f"{API}/procurement-applications/{app.json()['id']}", "approved")

    # 2. Three quotes; the new supplier's is the lowest and is awarded.
    others = [
        s for s in clerk.get(f"{API}/suppliers", params={"page_size": 50}).json()["items"] if s["standing"] == "valid"
    ]
    others = [s for s in others if s["id"] != supplier["id"]][:2]
    quotes = [
        {"supplier_id": s["id"], "amount": amount, "quoted_on": TODAY, "evidence": ["报价单"]}
        for s, amount in ((others[0], "57000.00"), (others[1], "56500.00"), (supplier, "50000.00"))
    ]
    award = clerk.post(
        f"{API}/procurement-applications/{app.json()['id']}/market-research",
        json={"quotes": quotes, "chosen_supplier_id": supplier["id"], "decided_on": TODAY, "notice_date": TODAY},
    )
    assert award.status_code == 201, award.text

    # 3. The contract: 40 % on signing, 60 % on acceptance; approved, signed.
    body = {
        "award_id": award.json()["id"],
        "title": "会议室设备采购合同",
        "supplier_id": supplier["id"],
        "amount": "50000.00",
        "start_date": TODAY,
        "end_date": f"{int(TODAY[:4]) + 1}-06-30",
        "purchaser": "clerk",
        "milestones": [
            {"name": "预付款", "condition": "on_signing", "share": "40"},
            {"name": "验收款", "condition": "on_acceptance", "share": "60"},
        ],
    }
    key = str(uuid.uuid4())
    drafted = eventually(
        lambda: (
            (r := clerk.post(f"{API}/contracts", json=body, headers={"Idempotency-Key": key})).status_code != 422 and r
        )
    )
    assert drafted.status_code == 201, drafted.text
    contract = drafted.json()
    assert clerk.post(f"{API}/contracts/{contract['id']}/submit").status_code == 200
    decide(head, contract["id"])
    status_of(clerk, f"{API}/contracts/{contract['id']}", "approved")
    start = figures(clerk, line_id)
    signed = clerk.post(f"{API}/contracts/{contract['id']}/sign", json={"signed_on": TODAY})
    assert signed.status_code == 200, signed.text
    committed = figures(clerk, line_id)
    assert committed["pre_committed"] == start["pre_committed"] - Decimal("60000.00")
    assert committed["committed"] == start["committed"] + Decimal("50000.00")

    # 4. Acceptance by someone who is neither purchaser nor drafter; then both milestones paid.
    accepted = head.post(
        f"{API}/contracts/{contract['id']}/acceptances",
        json={"milestone_no": 2, "result": "passed", "accepted_on": TODAY, "members": ["head", "leader"]},
    )
    assert accepted.status_code == 201, accepted.text
    first = pay(clerk, (head, finance), cashier, contract, supplier, 1, "20000.00")
    second = pay(clerk, (head, finance), cashier, contract, supplier, 2, "30000.00")
    paid = figures(clerk, line_id)
    assert paid["committed"] == committed["committed"] - Decimal("50000.00")
    assert paid["actual"] == committed["actual"] + Decimal("50000.00")
    assert paid["available"] == committed["available"]

    # 5. The books: an accrual on acceptance and a voucher per payment; the month balances; no difference.
    def vouchers():
        listed = accountant.get(f"{API}/accounting/vouchers", params={"period": PERIOD, "page_size": 200})
        assert listed.status_code == 200, listed.text
        mine = [
            v for v in listed.json()["items"] if v["source"]["id"] in {first["id"], second["id"], accepted.json()["id"]}
        ]
        return mine if len(mine) == 3 else None

    kinds = sorted(v["kind"] for v in eventually(vouchers))
    assert kinds == ["accrual", "payment", "payment"]
    tb = accountant.get(f"{API}/accounting/trial-balance", params={"period": PERIOD}).json()
    assert tb["balanced"] and tb["totals"]["financial"]["balanced"] and tb["totals"]["budgetary"]["balanced"]
    report = accountant.get(f"{API}/accounting/reconciliation", params={"fiscal_year": int(TODAY[:4])}).json()
    row = next(r for r in report["items"] if r["budget_line_id"] == line_id)
    assert (row["budgetary_expenditure"], row["budget_actual"], row["difference"]) == ("50000.00", "50000.00", "0.00")
