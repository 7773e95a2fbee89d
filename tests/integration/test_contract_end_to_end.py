"""One purchase from the budget line to the signed contract, through the gateway and the real services (no award
made by hand): a matter application is approved; a procurement application takes its money over; self
procurement with three quotes awards the lowest; the contract is drafted on that award, approved through its
route and signed; the line shows the amount moved from pre-committed to committed exactly, and procurement
shows the purchase contracted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.integration.budget_docs import decide, line, new_line, status_of
from tests.integration.conftest import eventually
from tests.integration.test_walking_skeleton import submit

pytestmark = pytest.mark.integration

API = "/api/v1"
TODAY = datetime.now(UTC).date().isoformat()


def figures(api, line_id):
    body = line(api, line_id)
    return {k: Decimal(body[k]) for k in ("pre_committed", "committed", "available")}


def test_a_purchase_from_the_budget_line_to_the_signed_contract(login, rpc):
    clerk, head, leader = login("clerk"), login("head"), login("leader")
    line_id = new_line(rpc, "200000.00")
    start = figures(clerk, line_id)

    # 1. The matter application (事前申请) pre-commits 60,000 on the line.
    matter = submit(clerk, "60000.00", line_id)
    assert matter.status_code == 201, matter.text
    matter_id = matter.json()["id"]
    for approver in (head, leader):  # from 50,000 the leader in charge too
        decide(approver, matter_id)
    status_of(clerk, f"{API}/matter-applications/{matter_id}", "approved")
    assert figures(clerk, line_id)["pre_committed"] == start["pre_committed"] + Decimal("60000.00")

    # 2. The procurement application takes the money over (nothing reserved twice) and is approved.
    items = [{"name": "办公电脑", "category": "goods", "quantity": "2", "unit_price": "28000.00", "unit": "台"}]
    app = clerk.post(
        f"{API}/procurement-applications",
        json={
            "title": "采购办公电脑",
            "items": items,
            "method": "self_procurement",
            "matter_application_id": matter_id,
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert app.status_code == 201, app.text
    app = app.json()
    for approver in (head, leader):
        decide(approver, app["id"])
    status_of(clerk, f"{API}/procurement-applications/{app['id']}", "approved")
    assert figures(clerk, line_id)["pre_committed"] == start["pre_committed"] + Decimal("60000.00")

    # 3. Market research: three quotes from valid suppliers; the lowest is chosen and awarded.
    listed = clerk.get(f"{API}/suppliers", params={"page_size": 50}).json()["items"]
    suppliers = [s for s in listed if s["standing"] == "valid"][:3]
    quotes = [
        {"supplier_id": s["id"], "amount": f"{56000 - n * 1000}.00", "quoted_on": TODAY, "evidence": [f"报价单-{n}"]}
        for n, s in enumerate(suppliers)
    ]
    award = clerk.post(
        f"{API}/procurement-applications/{app['id']}/market-research",
        json={"quotes": quotes, "chosen_supplier_id": suppliers[2]["id"], "decided_on": TODAY, "notice_date": TODAY},
    )
    assert award.status_code == 201, award.text
    award = award.json()
    assert (award["amount"], award["supplier_id"]) == ("54000.00", suppliers[2]["id"])

    # 4. The contract on the award (heard from procurement.award_decided), through its route, signed.
    body = {
        "award_id": award["id"],
        "title": "办公电脑采购合同",
        "supplier_id": suppliers[2]["id"],
        "amount": "54000.00",
        "start_date": TODAY,
        "end_date": f"{int(TODAY[:4]) + 1}{TODAY[4:]}" if TODAY[5:] != "02-29" else f"{int(TODAY[:4]) + 1}-03-01",
        "purchaser": "clerk",
        "milestones": [
            {"name": "预付款", "condition": "on_signing", "share": "30"},
            {"name": "验收款", "condition": "on_acceptance", "share": "70"},
        ],
    }
    key = str(uuid.uuid4())

    def drafted():
        response = clerk.post(f"{API}/contracts", json=body, headers={"Idempotency-Key": key})
        return response if response.status_code != 422 else None  # until the award is heard

    contract = eventually(drafted)
    assert contract.status_code == 201, contract.text
    contract = contract.json()
    assert contract["supplier"]["name"] == suppliers[2]["name"]
    assert clerk.post(f"{API}/contracts/{contract['id']}/submit").status_code == 200
    decide(head, contract["id"])  # below the legal-review amount: the unit head
    status_of(clerk, f"{API}/contracts/{contract['id']}", "approved")
    before = figures(clerk, line_id)
    signed = clerk.post(f"{API}/contracts/{contract['id']}/sign", json={"signed_on": TODAY})
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed" and signed.json()["flags"] == []

    # 5. The line: the matter application's 60,000 left pre-committed; 54,000 committed; 6,000 available again.
    after = figures(clerk, line_id)
    assert after["pre_committed"] == before["pre_committed"] - Decimal("60000.00") == start["pre_committed"]
    assert after["committed"] == before["committed"] + Decimal("54000.00") == start["committed"] + Decimal("54000.00")
    assert after["available"] == start["available"] - Decimal("54000.00")

    # 6. Procurement heard the signing: the purchase is contracted.
    contracted = eventually(
        lambda: (d := clerk.get(f"{API}/procurement-applications/{app['id']}").json())["contract"] and d
    )
    assert (contracted["contract"]["id"], contracted["contracted_on"]) == (contract["id"], TODAY)
