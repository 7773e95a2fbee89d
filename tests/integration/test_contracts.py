"""Contracts through the gateway on real services: a matter application pre-commits, an award is heard (made
here as procurement would publish it, through the procurement database's outbox), a contract is drafted on it,
approved, signed (the line moves from pre-committed to committed exactly), amended within 10 % and refused
beyond; the auditors' findings are refused with their rule named; another unit's clerk sees nothing."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import sqlalchemy as sa

from deploy.seed.procurement import code_for
from ic_platform.config import DEFAULT_ORG
from ic_platform.db import make_engine
from ic_platform.envelope import Envelope
from ic_platform.rpc_client import RpcClient
from ic_platform.uow import OUTBOX
from tests.integration.budget_docs import new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.identity import rpc_context

pytestmark = pytest.mark.integration

TRAVEL_LINE = "2026-DZB-30211-01"  # 党政综合办公室 差旅费, 80,000.00: another line, so no split purchase is suspected
NOTICE = "2026-03-02"
CLAIM_ISSUER = code_for(12)  # a valid credit code for the claims' invoices


def line(api, line_id):
    response = api.get(f"/api/v1/budget-lines/{line_id}")
    assert response.status_code == 200, response.text
    return {k: Decimal(response.json()[k]) for k in ("pre_committed", "committed", "available")}


def task_for(api, document_id):
    tasks = api.get("/api/v1/approval/tasks", params={"page_size": 200}).json()["items"]
    return next((t for t in tasks if t["document"]["id"] == document_id), None)


def approve(head, document_id):
    task = eventually(lambda: task_for(head, document_id))
    assessed(head, task["task_id"])
    decided = head.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text


def approved_application(clerk, head, amount, line_id):
    body = {"title": "采购办公设备", "purpose": "合同测试", "budget_line_id": line_id, "amount": amount}
    app = clerk.post("/api/v1/matter-applications", json=body)
    assert app.status_code == 201, app.text
    app = app.json()
    approve(head, app["id"])
    eventually(lambda: clerk.get(f"/api/v1/matter-applications/{app['id']}").json()["status"] == "approved")
    return app


def valid_supplier(api, n=0):
    """A supplier of the demo registry in good standing (drafting and signing ask the registry), not one a test
    had the approver `head` register (the conflict matrix would keep head from approving its contracts)."""
    listed = api.get("/api/v1/suppliers", params={"page_size": 50}).json()["items"]
    return [s["id"] for s in listed if s["standing"] == "valid" and s["registrar"] != "head"][n]


def publish_award(stack, holder, amount, supplier_id, line_id):
    """An award as procurement publishes it (procurement.award_decided), put into procurement's outbox."""
    award_id = str(uuid.uuid4())
    payload = {
        "document": holder,
        "award_id": award_id,
        "unit": "dzb",
        "supplier_id": supplier_id,
        "supplier_name": "新桥办公设备有限公司",
        "credit_code": "91110108MA01ABCD2X",
        "amount": amount,
        "budget_amount": amount,
        "method": "request_for_quotation",
        "category": "goods",
        "decided_on": NOTICE,
        "notice_date": NOTICE,
        "tender_id": None,
        "justification": None,
        "flags": [],
        "budget_line_id": line_id,
        "pre_commitment_holder": holder,
    }
    event = Envelope(
        type="procurement.award_decided",
        payload=payload,
        org=DEFAULT_ORG,
        producer="procurement",
        actor="clerk",
        subject=f"{holder['type']}/{holder['id']}",
        correlation_id=str(uuid.uuid4()),
    )
    engine = make_engine(stack.settings.database_url("procurement"), pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(OUTBOX).values(event_id=event.event_id, type=event.type, envelope=event.as_dict()))
    finally:
        engine.dispose()
    return award_id


def draft_body(award_id, supplier_id, amount, **extra):
    return {
        "award_id": award_id,
        "title": "办公设备采购合同",
        "supplier_id": supplier_id,
        "amount": amount,
        "start_date": "2026-03-10",
        "end_date": "2026-12-31",
        "purchaser": "clerk",
        "milestones": [
            {"name": "预付款", "condition": "on_signing", "share": "30"},
            {"name": "验收款", "condition": "on_acceptance", "share": "70"},
        ],
        **extra,
    }


def draft(clerk, award_id, supplier_id, amount, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return clerk.post("/api/v1/contracts", json=draft_body(award_id, supplier_id, amount), headers=headers)


def contract(api, contract_id):
    response = api.get(f"/api/v1/contracts/{contract_id}")
    assert response.status_code == 200, response.text
    return response.json()


def rule_of(response, status=409):
    assert response.status_code == status, response.text
    return response.json()["error"]["code"]


@pytest.fixture(scope="module")
def office_line(stack):
    """A line of this module's own: its 40,000 would otherwise join other tests' applications on the demo line
    into a suspected split purchase (a warning to acknowledge) for whoever comes next."""
    client = RpcClient(stack.settings.amqp_uri, name="test-contracts")
    client.start()
    try:
        yield new_line(client, "420000.00")
    finally:
        client.stop()


@pytest.fixture(scope="module")
def signed(stack, login, office_line):
    """award → contract drafted → approved → signed, with the line's figures before and after."""
    clerk, head = login("clerk"), login("head")
    app = approved_application(clerk, head, "40000.00", office_line)
    before = line(clerk, office_line)
    supplier = valid_supplier(clerk, 0)
    award_id = publish_award(stack, app["document"], "36000.00", supplier, office_line)
    key = f"ht-{uuid.uuid4()}"

    def drafted():  # the award arrives asynchronously: until heard, drafting names award_id (422)
        response = draft(clerk, award_id, supplier, "36000.00", key)
        return response if response.status_code != 422 else None

    response = eventually(drafted)
    assert response.status_code == 201, response.text
    c = response.json()
    assert c["status"] == "draft" and c["no"].startswith("HT-")
    assert [m["amount"] for m in c["milestones"]] == ["10800.00", "25200.00"]
    again = draft(clerk, award_id, supplier, "36000.00", key)
    assert again.status_code == 201 and again.json()["id"] == c["id"], "a retried key drafts nothing new"

    assert rule_of(clerk.post(f"/api/v1/contracts/{c['id']}/sign", json={"signed_on": "2026-03-10"})) == (
        "contract_not_approved"
    )
    submitted = clerk.post(f"/api/v1/contracts/{c['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.text
    approve(head, c["id"])
    eventually(lambda: contract(clerk, c["id"])["status"] == "approved")

    early = clerk.post(f"/api/v1/contracts/{c['id']}/sign", json={"signed_on": "2026-03-01"})
    assert rule_of(early) == "contract_signed_before_award"
    assert "中标（成交）通知书日期" in early.json()["error"]["message"]
    assert line(clerk, office_line) == before, "a refused signing moves no money"

    sign = clerk.post(f"/api/v1/contracts/{c['id']}/sign", json={"signed_on": "2026-03-10"})
    assert sign.status_code == 200, sign.text
    assert sign.json()["status"] == "signed" and sign.json()["signed_on"] == "2026-03-10"
    return {
        "contract": sign.json(),
        "award_id": award_id,
        "supplier": supplier,
        "before": before,
        "app": app,
        "line_id": office_line,
    }


def test_signing_moves_the_line_from_pre_committed_to_committed_exactly(signed, login):
    after = line(login("clerk"), signed["line_id"])
    before = signed["before"]
    # 40,000 pre-committed by the application: 36,000 became the contract's commitment, 4,000 released.
    assert after["pre_committed"] == before["pre_committed"] - Decimal("40000.00")
    assert after["committed"] == before["committed"] + Decimal("36000.00")
    assert after["available"] == before["available"] + Decimal("4000.00")


def test_an_amendment_within_ten_percent_applies_once_approved_and_beyond_is_refused(signed, login):
    clerk, head = login("clerk"), login("head")
    c = signed["contract"]
    committed = line(clerk, signed["line_id"])["committed"]
    within = clerk.post(
        f"/api/v1/contracts/{c['id']}/amendments",
        json={"reason": "增加两台打印机", "amount": "39600.00"},
        headers={"Idempotency-Key": f"bg-{uuid.uuid4()}"},
    )
    assert within.status_code == 201, within.text
    amendment = within.json()
    assert amendment["delta"] == "3600.00" and amendment["status"] == "submitted"
    approve(head, amendment["id"])
    eventually(lambda: contract(clerk, c["id"])["amount"] == "39600.00")
    eventually(lambda: line(clerk, signed["line_id"])["committed"] == committed + Decimal("3600.00"))
    assert contract(clerk, c["id"])["cumulative_increase"] == "3600.00"

    beyond = clerk.post(f"/api/v1/contracts/{c['id']}/amendments", json={"reason": "再增加一台", "amount": "39600.01"})
    assert rule_of(beyond) == "supplementary_exceeds_limit"
    assert "政府采购法第四十九条" in beyond.json()["error"]["message"]


def test_a_contract_with_another_supplier_or_above_the_award_is_refused(signed, login):
    clerk = login("clerk")
    other = draft(clerk, signed["award_id"], str(uuid.uuid4()), "36000.00")
    assert rule_of(other) == "contract_supplier_not_awarded"
    assert other.json()["error"]["details"]["awarded_supplier_id"] == signed["supplier"]
    above = draft(clerk, signed["award_id"], signed["supplier"], "36000.01")
    assert rule_of(above) == "contract_amount_exceeds_award"


def test_another_units_clerk_gets_404_and_does_not_see_it_listed(signed, login):
    other = login("clerk_djb")
    c = signed["contract"]
    assert other.get(f"/api/v1/contracts/{c['id']}").status_code == 404
    assert other.post(f"/api/v1/contracts/{c['id']}/submit").status_code == 404
    listed = other.get("/api/v1/contracts", params={"page_size": 200}).json()
    assert c["id"] not in {x["id"] for x in listed["items"]}
    mine = login("clerk").get("/api/v1/contracts", params={"page_size": 1}).json()
    assert mine["total"] >= 1 and len(mine["items"]) == 1 and mine["page_size"] == 1


def test_bad_input_is_a_422_naming_the_field_in_chinese(signed, login):
    clerk = login("clerk")
    bad = clerk.post("/api/v1/contracts", json=draft_body(signed["award_id"], signed["supplier"], "abc"))
    assert bad.status_code == 422, bad.text
    assert "amount" in {f["field"] for f in bad.json()["error"]["details"]["fields"]}
    assert "输入有误" in bad.json()["error"]["message"]
    no_terms = clerk.post(
        "/api/v1/contracts", json=draft_body(signed["award_id"], signed["supplier"], "100.00", milestones=[])
    )
    assert no_terms.status_code == 422, no_terms.text
    c = signed["contract"]
    bad_day = clerk.post(f"/api/v1/contracts/{c['id']}/sign", json={"signed_on": "3月10日"})
    assert bad_day.status_code == 422 and bad_day.json()["error"]["details"]["fields"][0]["field"] == "signed_on"
    assert clerk.get("/api/v1/contracts/not-a-contract").status_code == 404


def test_termination_relieves_the_uncommitted_remainder(stack, login):
    clerk, head = login("clerk"), login("head")
    app = approved_application(clerk, head, "20000.00", TRAVEL_LINE)
    supplier = valid_supplier(clerk, 1)
    award_id = publish_award(stack, app["document"], "20000.00", supplier, TRAVEL_LINE)
    c = eventually(lambda: (r := draft(clerk, award_id, supplier, "20000.00")).status_code != 422 and r)
    assert c.status_code == 201, c.text
    c = c.json()
    assert clerk.post(f"/api/v1/contracts/{c['id']}/submit").status_code == 200
    approve(head, c["id"])
    eventually(lambda: contract(clerk, c["id"])["status"] == "approved")
    assert clerk.post(f"/api/v1/contracts/{c['id']}/sign", json={"signed_on": "2026-03-05"}).status_code == 200
    committed = line(clerk, TRAVEL_LINE)["committed"]

    no_reason = clerk.post(
        f"/api/v1/contracts/{c['id']}/termination", json={"kind": "rescission", "terminated_on": "2026-06-30"}
    )
    assert no_reason.status_code == 422 and no_reason.json()["error"]["details"]["fields"][0]["field"] == "reason"
    ended = clerk.post(
        f"/api/v1/contracts/{c['id']}/termination",
        json={
            "kind": "rescission",
            "terminated_on": "2026-06-30",
            "reason": "供应商违约",
            "settlement_amount": "5000.00",
        },
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "terminated" and ended.json()["settlement_amount"] == "5000.00"
    assert line(clerk, TRAVEL_LINE)["committed"] == committed - Decimal("15000.00")
    again = clerk.post(
        f"/api/v1/contracts/{c['id']}/termination",
        json={"kind": "rescission", "terminated_on": "2026-06-30", "reason": "供应商违约"},
    )
    assert rule_of(again) == "contract_not_in_force"


def test_a_returned_contract_is_resubmitted_into_a_new_round(stack, login):
    clerk, head = login("clerk"), login("head")
    supplier = valid_supplier(clerk, 2)
    holder = {"type": "matter_application", "id": str(uuid.uuid4()), "no": "SQ-2026-999999"}
    award_id = publish_award(stack, holder, "8000.00", supplier, TRAVEL_LINE)
    c = eventually(lambda: (r := draft(clerk, award_id, supplier, "8000.00")).status_code != 422 and r).json()
    assert clerk.post(f"/api/v1/contracts/{c['id']}/submit").status_code == 200
    task = eventually(lambda: task_for(head, c["id"]))
    assessed(head, task["task_id"])
    returned = head.post(
        f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "return", "comment": "付款条件需细化"}
    )
    assert returned.status_code == 200, returned.text
    eventually(lambda: contract(clerk, c["id"])["status"] == "returned")
    again = clerk.post(f"/api/v1/contracts/{c['id']}/submit")
    assert again.status_code == 200 and again.json()["round"] == 2, again.text
    approve(head, c["id"])  # the new round's task
    eventually(lambda: contract(clerk, c["id"])["status"] == "approved")


def pay_on_the_ledger(stack, c, amount, milestone_no, paid_on):
    """A payment against the contract as payment's gate makes it: reserved on the contract's payment ledger, then
    settled (paid) when the cashier executes it (the RPCs the payment service calls)."""
    payment = {"type": "payment_request", "id": str(uuid.uuid4()), "no": "FK-2026-900001"}
    client = RpcClient(stack.settings.amqp_uri, name="test-contracts-pay")
    client.start()
    try:
        clerk = rpc_context("clerk", "dzb", ["clerk"])
        cashier = rpc_context("cashier", "czb", ["cashier"])
        reserve = {"contract_id": c["id"], "milestone_no": milestone_no, "amount": amount, "payment": payment}
        client.call("contract", "reserve_payment", reserve, context=clerk)
        settle = {"contract_id": c["id"], "payment": payment, "paid_on": paid_on, "reference": "BANK-REF-1"}
        client.call("contract", "settle_payment", settle, context=cashier)
    finally:
        client.stop()


def report_row(api, contract_id, **params):
    body = api.get("/api/v1/contracts/execution-report", params={"page_size": 200, **params})
    assert body.status_code == 200, body.text
    return next((r for r in body.json()["items"] if r["contract"]["id"] == contract_id), None), body.json()


def test_the_execution_report_counts_the_ledgers_payments_and_exports_to_excel(stack, signed, login):
    clerk = login("clerk")
    c = contract(clerk, signed["contract"]["id"])
    as_of = {"as_of": "2026-03-31"}
    row, body = report_row(clerk, c["id"], **as_of)
    first = c["milestones"][0]["amount"]  # on signing: met on 2026-03-10
    assert (row["paid"], row["payable_now"], row["amount"]) == ("0.00", first, c["amount"])
    assert row["next_milestone"]["no"] == 1 and row["unit_name"] == "党政综合办公室"
    assert row["supplier_name"] == c["supplier"]["name"] and body["as_of"] == "2026-03-31"
    assert row["overdue"] == [] and row["lapsed"] is False  # due 30 days after signing: 2026-04-09
    late, _ = report_row(clerk, c["id"], as_of="2026-04-10")
    assert late["overdue"] == [1]

    pay_on_the_ledger(stack, c, first, 1, "2026-03-20")
    paid, _ = report_row(clerk, c["id"], **as_of)
    assert paid["paid"] == first
    assert paid["payable_now"] == "0.00" and paid["next_milestone"]["no"] == 2
    assert Decimal(paid["remaining"]) == Decimal(c["amount"]) - Decimal(first)

    by_unit = clerk.get("/api/v1/contracts/execution-report", params={"group_by": "unit", **as_of}).json()
    dzb = next(g for g in by_unit["items"] if g["unit"] == "dzb")
    assert dzb["unit_name"] == "党政综合办公室" and dzb["contracts"] >= 1
    assert Decimal(by_unit["totals"]["paid"]) >= Decimal(first)
    other = login("clerk_djb").get("/api/v1/contracts/execution-report", params={"group_by": "supplier"}).json()
    assert all(g["supplier_id"] != c["supplier"]["id"] for g in other["items"]) or other["totals"]["contracts"] == 0
    book = clerk.get("/api/v1/contracts/execution-report.xlsx", params={"group_by": "unit", **as_of})
    assert book.status_code == 200 and book.headers["content-type"].startswith("application/vnd.openxml")
    detail = clerk.get(f"/api/v1/contracts/{c['id']}/execution", params=as_of)
    assert detail.status_code == 200 and detail.json()["paid"] == first
    bad = clerk.get("/api/v1/contracts/execution-report", params={"as_of": "3月31日"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["fields"][0]["field"] == "as_of"


def test_a_contract_on_an_approved_matter_application_needs_no_procurement_below_the_direct_amount(stack, login):
    clerk, head = login("clerk"), login("head")
    client = RpcClient(stack.settings.amqp_uri, name="test-contracts-direct")
    client.start()
    try:
        line_id = new_line(client, "100000.00")
    finally:
        client.stop()
    app = approved_application(clerk, head, "30000.00", line_id)
    before = line(clerk, line_id)
    body = {**draft_body(None, valid_supplier(clerk, 3), "28000.00"), "matter_application_id": app["id"]}
    del body["award_id"]
    # At or above the direct-contract amount (demo 50,000) a contract needs a procurement first.
    refused = clerk.post("/api/v1/contracts", json={**body, "amount": "50000.00"})
    assert rule_of(refused) == "contract_requires_procurement"
    assert "50000.00" in refused.json()["error"]["message"]
    both = clerk.post("/api/v1/contracts", json={**body, "award_id": str(uuid.uuid4())})
    assert (both.status_code, both.json()["error"]["code"]) == (422, "contract_basis_missing")

    c = clerk.post("/api/v1/contracts", json=body)
    assert c.status_code == 201, c.text
    c = c.json()
    assert c["basis"]["type"] == "matter_application" and c["budget_line_id"] == line_id
    assert clerk.post(f"/api/v1/contracts/{c['id']}/submit").status_code == 200
    approve(head, c["id"])
    eventually(lambda: contract(clerk, c["id"])["status"] == "approved")
    assert clerk.post(f"/api/v1/contracts/{c['id']}/sign", json={"signed_on": "2026-03-12"}).status_code == 200
    after = line(clerk, line_id)
    assert after["pre_committed"] == before["pre_committed"] - Decimal("30000.00")
    assert after["committed"] == before["committed"] + Decimal("28000.00")


def test_the_suppliers_registrar_may_not_approve_its_contract(stack, login):
    """The registrar is a party (supplier_registrar): approving the contract would be approving its payment."""
    clerk, head = login("clerk"), login("head")
    registered = head.post(
        "/api/v1/suppliers",
        json={
            "credit_code": code_for(500 + uuid.uuid4().int % 400),
            "name": "登记人测试有限公司",
            "legal_representative": "测",
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert registered.status_code == 201, registered.text
    supplier = registered.json()["id"]
    holder = {"type": "matter_application", "id": str(uuid.uuid4()), "no": "SQ-2026-999998"}
    award_id = publish_award(stack, holder, "6000.00", supplier, TRAVEL_LINE)
    c = eventually(lambda: (r := draft(clerk, award_id, supplier, "6000.00")).status_code != 422 and r)
    assert c.status_code == 201, c.text
    assert clerk.post(f"/api/v1/contracts/{c.json()['id']}/submit").status_code == 200
    task = eventually(lambda: task_for(head, c.json()["id"]))
    assessed(head, task["task_id"])
    decided = head.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})
    assert decided.status_code == 403, decided.text
    assert decided.json()["error"]["code"] == "sod_incompatible_roles"
    assert "供应商登记" in decided.json()["error"]["message"]


# ── one basis, one contract ──
def heard_award(stack, clerk, amount, n):
    """A fresh award (its own holder), once contract has heard it: a draft above it is refused for its amount
    (nothing stored), not for an award not heard (422)."""
    supplier = valid_supplier(clerk, n)
    holder = {"type": "matter_application", "id": str(uuid.uuid4()), "no": "SQ-2026-999990"}
    award_id = publish_award(stack, holder, amount, supplier, TRAVEL_LINE)
    above = str(Decimal(amount) + Decimal("0.01"))
    eventually(lambda: draft(clerk, award_id, supplier, above).status_code == 409)
    return award_id, supplier


def test_a_second_contract_on_an_award_is_refused_until_the_first_is_cancelled(stack, login):
    clerk = login("clerk")
    award_id, supplier = heard_award(stack, clerk, "7000.00", 5)
    first = draft(clerk, award_id, supplier, "7000.00")
    assert first.status_code == 201, first.text
    first = first.json()
    second = draft(clerk, award_id, supplier, "6000.00")
    assert rule_of(second) == "basis_already_contracted"
    error = second.json()["error"]
    assert error["message"].startswith("一项中标（成交）结果或事前申请只能订立一份合同")
    assert first["no"] in error["message"] and error["details"]["contract_no"] == first["no"]

    # 作废 by the drafter only, with a reason; then the award is free for another contract.
    by_head = login("head").post(f"/api/v1/contracts/{first['id']}/cancel", json={"reason": "不签了"})
    assert rule_of(by_head, 403) == "not_drafter"
    no_reason = clerk.post(f"/api/v1/contracts/{first['id']}/cancel", json={})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["details"]["fields"][0]["field"] == "reason"
    cancelled = clerk.post(f"/api/v1/contracts/{first['id']}/cancel", json={"reason": "供应商放弃签约"})
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["status_label"]) == ("cancelled", "已作废")
    listed = clerk.get("/api/v1/contracts", params={"status": "cancelled", "page_size": 200}).json()
    assert first["id"] in {c["id"] for c in listed["items"]}
    again = draft(clerk, award_id, supplier, "7000.00")
    assert again.status_code == 201, again.text


def test_racing_drafts_on_one_award_exactly_one_wins(stack, login):
    clerk = login("clerk")
    award_id, supplier = heard_award(stack, clerk, "9000.00", 6)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: draft(clerk, award_id, supplier, "9000.00"), range(8)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 7, [a.text[:200] for a in answers]
    winner = next(a.json() for a in answers if a.status_code == 201)
    for lost in (a for a in answers if a.status_code == 409):
        error = lost.json()["error"]
        assert error["code"] == "basis_already_contracted" and error["details"]["contract_no"] == winner["no"]
    mine = clerk.get("/api/v1/contracts", params={"page_size": 200}).json()["items"]
    assert sum(1 for c in mine if c["basis"].get("award_id") == award_id) == 1


def test_a_second_direct_contract_on_a_matter_application_is_refused(stack, login):
    clerk, head = login("clerk"), login("head")
    client = RpcClient(stack.settings.amqp_uri, name="test-contracts-basis")
    client.start()
    try:
        line_id = new_line(client, "60000.00")
    finally:
        client.stop()
    app = approved_application(clerk, head, "20000.00", line_id)
    body = {**draft_body(None, valid_supplier(clerk, 7), "12000.00"), "matter_application_id": app["id"]}
    del body["award_id"]
    first = clerk.post("/api/v1/contracts", json=body)
    assert first.status_code == 201, first.text
    second = clerk.post("/api/v1/contracts", json={**body, "amount": "8000.00"})
    assert rule_of(second) == "basis_already_contracted"
    assert app["no"] in second.json()["error"]["message"]
    assert second.json()["error"]["details"]["basis_type"] == "matter_application"


def test_a_returned_contract_cancelled_closes_its_route_and_frees_its_award(stack, login):
    clerk, head = login("clerk"), login("head")
    award_id, supplier = heard_award(stack, clerk, "5000.00", 8)
    c = draft(clerk, award_id, supplier, "5000.00").json()
    assert clerk.post(f"/api/v1/contracts/{c['id']}/submit").status_code == 200
    task = eventually(lambda: task_for(head, c["id"]))
    assessed(head, task["task_id"])
    returned = head.post(
        f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "return", "comment": "改用框架协议"}
    )
    assert returned.status_code == 200, returned.text
    eventually(lambda: contract(clerk, c["id"])["status"] == "returned")
    assert rule_of(draft(clerk, award_id, supplier, "5000.00")) == "basis_already_contracted"

    cancelled = clerk.post(f"/api/v1/contracts/{c['id']}/cancel", json={"reason": "改用框架协议，不再签订"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text
    route = f"/api/v1/documents/contract/{c['id']}/route"
    eventually(lambda: clerk.get(route).json()["status"] == "withdrawn")
    assert rule_of(clerk.post(f"/api/v1/contracts/{c['id']}/submit")) == "invalid_status_transition"
    assert draft(clerk, award_id, supplier, "5000.00").status_code == 201


def test_an_award_covering_an_amendment_is_used_once(stack, signed, login):
    """The award of a new procurement that covers an increase beyond the 10 % (via_procurement) is that
    amendment's: no contract stands on it afterwards; and the contract's own award cannot cover its increase."""
    clerk, head = login("clerk"), login("head")
    c = signed["contract"]
    amount = Decimal(contract(clerk, c["id"])["amount"])
    grown = str(amount + Decimal("5000.00"))  # beyond the 10 % the amendment test already used up
    # The new procurement's money: 6,000 pre-committed on the contract's line by its application.
    holder = approved_application(clerk, head, "6000.00", signed["line_id"])["document"]
    new_award = publish_award(stack, holder, "5000.00", signed["supplier"], signed["line_id"])
    elsewhere = publish_award(stack, holder, "5000.00", signed["supplier"], TRAVEL_LINE)

    def amend(award_id, key=None):
        body = {"reason": "追加采购（新的采购结果）", "amount": grown, "new_award_id": award_id}
        return clerk.post(
            f"/api/v1/contracts/{c['id']}/amendments", json=body, headers={"Idempotency-Key": key or str(uuid.uuid4())}
        )

    own = amend(signed["award_id"])
    assert rule_of(own) == "basis_already_contracted" and c["no"] in own.json()["error"]["message"]
    unknown = amend(str(uuid.uuid4()))
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["fields"][0]["field"] == "new_award_id"
    other_line = eventually(lambda: (r := amend(elsewhere)).status_code != 422 and r)
    assert rule_of(other_line) == "new_procurement_other_line", other_line.text
    covered = eventually(lambda: (r := amend(new_award)).status_code != 422 and r)
    assert covered.status_code == 201, covered.text
    amendment = covered.json()
    before = line(clerk, signed["line_id"])
    approve(head, amendment["id"])
    eventually(lambda: contract(clerk, c["id"])["amount"] == grown)
    # The increase is the new procurement's money taken over, not the line's spent a second time.
    eventually(lambda: line(clerk, signed["line_id"])["committed"] == before["committed"] + Decimal("5000.00"))
    after = line(clerk, signed["line_id"])
    assert after["pre_committed"] == before["pre_committed"] - Decimal("6000.00")
    assert after["available"] == before["available"] + Decimal("1000.00")

    again = draft(clerk, new_award, signed["supplier"], "5000.00")
    assert rule_of(again) == "basis_already_contracted"
    error = again.json()["error"]
    assert error["details"]["used_by"] == "amendment" and amendment["no"] in error["message"]
    assert "一项中标（成交）结果或事前申请只能订立一份合同" in error["message"]


def test_one_matter_applications_money_goes_by_one_road(stack, login):
    """A matter application funding a procurement carries no direct contract; one carrying a direct contract
    funds no procurement. Each refused with its rule named, nothing written."""
    clerk, head = login("clerk"), login("head")
    client = RpcClient(stack.settings.amqp_uri, name="test-contracts-roads")
    client.start()
    try:
        line_id = new_line(client, "90000.00")
    finally:
        client.stop()
    supplier = valid_supplier(clerk, 4)
    item = {"name": "办公桌椅", "category": "goods", "quantity": "1", "unit_price": "20000.00"}

    def procure(matter):
        body = {"title": "采购办公桌椅", "items": [item], "method": "self_procurement", "matter_application_id": matter}
        return clerk.post("/api/v1/procurement-applications", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

    def direct(matter):
        body = {**draft_body(None, supplier, "20000.00"), "matter_application_id": matter}
        del body["award_id"]
        return clerk.post("/api/v1/contracts", json=body)

    funding = approved_application(clerk, head, "20000.00", line_id)
    procured = procure(funding["id"])
    assert procured.status_code == 201, procured.text
    refused = direct(funding["id"])
    assert rule_of(refused) == "matter_application_funds_procurement"
    assert procured.json()["no"] in refused.json()["error"]["message"]
    assert "已用于采购的事前申请不得再直接订立合同" in refused.json()["error"]["message"]

    contracted = approved_application(clerk, head, "20000.00", line_id)
    c = direct(contracted["id"])
    assert c.status_code == 201, c.text
    before = line(clerk, line_id)
    refused = procure(contracted["id"])
    assert rule_of(refused) == "matter_application_already_contracted"
    assert c.json()["no"] in refused.json()["error"]["message"]
    assert line(clerk, line_id) == before, "nothing taken over, nothing reserved"

    # A claim (事后报销) is a third road: refused on the two taken ones, and it closes both on its own.
    def claim(matter):
        number = f"2644{uuid.uuid4().int % 10**16:016d}"
        body = {
            "title": "办公桌椅报销",
            "kind": "other",
            "application_id": matter,
            "detail": {"spent_on": "2026-05-10", "items": [{"description": "办公桌椅", "amount": "1000.00"}]},
            "invoices": [
                {"number": number, "issued_on": "2026-05-10", "issuer_credit_code": CLAIM_ISSUER, "amount": "1000.00"}
            ],
        }
        return clerk.post("/api/v1/expense-claims", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

    for taken, road in ((funding, procured.json()["no"]), (contracted, c.json()["no"])):
        refused = claim(taken["id"])
        assert rule_of(refused) == "expense_claim_application_used" and road in refused.json()["error"]["message"]
    claimed = approved_application(clerk, head, "2000.00", line_id)  # three on one line stay below a split
    reimbursed = claim(claimed["id"])
    assert reimbursed.status_code == 201, reimbursed.text
    for refused in (direct(claimed["id"]), procure(claimed["id"])):
        assert rule_of(refused) == "matter_application_claimed", refused.text
        assert reimbursed.json()["no"] in refused.json()["error"]["message"]
    listed = clerk.get("/api/v1/procurement-applications", params={"page_size": 200}).json()["items"]
    assert all((a["funding"].get("matter_application") or {}).get("id") != contracted["id"] for a in listed)
