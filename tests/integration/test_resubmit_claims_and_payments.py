"""Returned expense claims and payment requests, corrected and resubmitted (退回后修改重新提交), through the gateway
on the real stack: the head returns a travel claim, the claimant corrects its lodging and resubmits it (a new
round: the standards and invoices examined again, its own invoice not "used twice", yet refused to anyone
else's claim meanwhile); it is approved and settled; the payment reimbursing it is returned, corrected,
resubmitted, approved and paid. Only the initiator resubmits (another unit's: 404; a reader of the unit: 403),
and only a returned document (409, the rule named in Chinese)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.budget_docs import decide, new_line
from tests.integration.conftest import eventually
from tests.integration.test_contracts import approve, approved_application, task_for
from tests.integration.test_contracts import line as funds
from tests.integration.test_expense_claims import claim_of, invoice, number, seed, travel, trip

pytestmark = pytest.mark.integration
API = "/api/v1"
LODGING = "住宿费请按出差标准核减"


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return error


def test_a_returned_claim_and_its_returned_payment_are_corrected_resubmitted_approved_and_paid(
    login,
    rpc,
):
    clerk, head, finance, cashier = login("clerk"), login("head"), login("finance"), login("cashier")
    stranger, auditor = login("clerk_djb"), login("auditor")
    line_id = new_line(rpc, "100000.00", economic_class="30211")
    app = approved_application(clerk, head, "3000.00", line_id)
    no = number(seed())
    body = travel("赴广州学习考察差旅费", [trip()], [invoice(no, "1400.00")], application_id=app["id"])
    claim = clerk.post(f"{API}/expense-claims", json=body)
    assert claim.status_code == 201, claim.text
    claim = claim.json()
    resubmit = f"{API}/expense-claims/{claim['id']}/resubmit"

    # In approval it is not returned: nothing to resubmit, and the rule is named in Chinese.
    error = refused(clerk.post(resubmit, json={}), 409, "expense_claim_not_returned")
    assert "只有被退回的报销单可以修改后重新提交" in error["message"] and "审批中" in error["message"]

    first = eventually(lambda: task_for(head, claim["id"]))
    decide(head, claim["id"], "return", LODGING)
    returned = eventually(lambda: (c := claim_of(clerk, claim["id"]))["status"] == "returned" and c)
    assert LODGING in returned["status_reason"]

    # Returned, it still holds its invoice: another unit's claim may not use it.
    other_line = new_line(rpc, "50000.00", unit="djb", economic_class="30201")
    other = {
        "title": "办公用品",
        "kind": "other",
        "budget_line_id": other_line,
        "detail": {"spent_on": "2026-05-13", "items": [{"description": "打印纸", "amount": "1400.00"}]},
        "invoices": [invoice(no, "1400.00")],
    }
    used = refused(stranger.post(f"{API}/expense-claims", json=other), 409, "invoice_already_used")
    assert used["details"]["used_by"]["no"] == claim["no"]

    # Only its claimant resubmits: another unit's clerk does not see it, the unit head sees it but may not.
    corrected = {"detail": {**body["detail"], "trips": [trip(lodging="600.00")]}}
    assert stranger.post(resubmit, json=corrected).status_code == 404
    refused(head.post(resubmit, json=corrected), 403, "expense_claim_not_claimant")
    # Examined again as on submission: more than the application is refused, and nothing changes.
    beyond = {"detail": {**body["detail"], "trips": [trip(fare="2500.00")]}, "invoices": [invoice(no, "3300.00")]}
    refused(clerk.post(resubmit, json=beyond), 409, "expense_claim_exceeds_application")
    assert claim_of(clerk, claim["id"])["status"] == "returned"

    # Its own invoice, listed again however written, is not "used twice".
    spaced = " ".join(no[i : i + 4] for i in range(0, 20, 4))
    again = clerk.post(resubmit, json={**corrected, "invoices": [invoice(spaced, "1400.00")]})
    assert again.status_code == 200, again.text
    again = again.json()
    assert (again["status"], again["round"], again["amount"], again["release_on_approval"]) == (
        "submitted",
        2,
        "1740.00",
        "1260.00",
    )
    assert again["detail"]["trips"][0]["lodging"] == "600.00" and again["invoices"][0]["key"] == no
    refused(clerk.post(resubmit, json={}), 409, "expense_claim_not_returned")  # once only

    second = eventually(lambda: task_for(head, claim["id"]))
    assert second["task_id"] != first["task_id"] and second["round"] == 2
    approve(head, claim["id"])
    approve(finance, claim["id"])
    eventually(lambda: (c := claim_of(clerk, claim["id"]))["status"] == "approved" and c["settled"])
    assert funds(clerk, line_id) == {
        "pre_committed": Decimal("0.00"),  # the application's 3,000.00: 1,740.00 taken over, the rest released
        "committed": Decimal("1740.00"),
        "available": Decimal("98260.00"),
    }
    trail = auditor.get(f"{API}/documents/expense_claim/{claim['id']}/trail").json()["entries"]
    assert [(e["action"], e["actor"]) for e in trail if e["action"] in ("returned", "resubmitted")] == [
        ("returned", "head"),
        ("resubmitted", "clerk"),
    ]

    # The payment reimbursing it: returned for its amount, corrected, resubmitted, approved and paid.
    payee = {"name": "李晓敏", "account_no": "6217000010012345678"}
    request = {"title": "差旅费报销付款", "amount": "1700.00", "basis": {"type": "expense_claim", "id": claim["id"]}}
    paying = clerk.post(f"{API}/payments", json={**request, "payee": payee, "invoices": []})
    assert paying.status_code == 201, paying.text
    paying = paying.json()
    pay_again = f"{API}/payments/{paying['id']}/resubmit"
    error = refused(clerk.post(pay_again, json={"amount": "1740.00"}), 409, "payment_not_returned")
    assert error["message"].startswith("只有被退回的付款申请可以修改后重新提交") and "审批中" in error["message"]
    decide(head, paying["id"], "return", "付款金额应与报销单一致")
    eventually(lambda: clerk.get(f"{API}/payments/{paying['id']}").json()["status"] == "returned")
    assert stranger.post(pay_again, json={"amount": "1740.00"}).status_code == 404
    refused(head.post(pay_again, json={"amount": "1740.00"}), 403, "payment_not_requester")
    refused(clerk.post(pay_again, json={"amount": "1740.01"}), 409, "payment_exceeds_claim")  # the gate again
    resubmitted = clerk.post(pay_again, json={"amount": "1740.00"})
    assert resubmitted.status_code == 200, resubmitted.text
    assert (resubmitted.json()["status"], resubmitted.json()["round"]) == ("submitted", 2)
    approve(head, paying["id"])
    approve(finance, paying["id"])
    eventually(lambda: clerk.get(f"{API}/payments/{paying['id']}").json()["status"] == "approved")
    executed = cashier.post(f"{API}/payments/{paying['id']}/execute", json={"reference": "GK-20261128-0002"})
    assert executed.status_code == 200, executed.text
    assert (executed.json()["status"], executed.json()["amount"]) == ("executed", "1740.00")
    after = clerk.get(f"{API}/budget-lines/{line_id}").json()
    assert (Decimal(after["committed"]), Decimal(after["actual"])) == (Decimal("0.00"), Decimal("1740.00"))
