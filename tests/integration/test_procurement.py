"""Procurement (采购) through the gateway on the real services: an approved matter application becomes a
procurement application (its pre-commitment taken over, not reserved twice), is approved, publishes its
intention, runs a tender with three bids and awards it; a weaker method than the thresholds require, self
procurement above the research amount without three quotes, and single source without reasons are refused
with their rule named; another unit's clerk is answered 404; bad input is a 422 naming the field."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.integration.budget_docs import decide, line, new_line, status_of
from tests.integration.conftest import eventually
from tests.integration.identity import CLERK
from tests.integration.test_walking_skeleton import submit

pytestmark = pytest.mark.integration

API = "/api/v1"
TODAY = datetime.now(UTC).date().isoformat()


def _item(unit_price: str, quantity: str = "1", category: str = "goods", **extra) -> dict:
    return {"name": "办公设备", "category": category, "quantity": quantity, "unit_price": unit_price, **extra}


def _apply(api, items, method, key=None, **body):
    headers = {"Idempotency-Key": key} if key else {}
    payload = {"title": "采购办公设备", "items": items, "method": method, **body}
    return api.post(f"{API}/procurement-applications", json=payload, headers=headers)


def _approved(api, head, app_id, *higher):
    for approver in (head, *higher):
        decide(approver, app_id)
    return status_of(api, f"{API}/procurement-applications/{app_id}", "approved")


def _valid_suppliers(api, count):
    items = api.get(f"{API}/suppliers", params={"page_size": 50}).json()["items"]
    valid = [s for s in items if s["standing"] == "valid"]
    assert len(valid) >= count, "the demo seed registers a dozen suppliers"
    return valid[:count]


def _approved_matter_application(clerk, head, line_id, amount):
    matter = submit(clerk, amount, line_id)
    assert matter.status_code == 201, matter.text
    matter_id = matter.json()["id"]
    decide(head, matter_id)
    status_of(clerk, f"{API}/matter-applications/{matter_id}", "approved")
    return matter_id


def test_from_an_approved_matter_application_through_a_tender_to_an_award(login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "100000.00")
    matter_id = _approved_matter_application(clerk, head, line_id, "30000.00")
    pre_committed = Decimal(line(clerk, line_id)["pre_committed"])
    assert pre_committed == Decimal("30000.00")

    key = str(uuid.uuid4())
    items = [_item("2800.00", "10", unit="台")]
    response = _apply(clerk, items, "open_tender", key, matter_application_id=matter_id)
    assert response.status_code == 201, response.text
    app = response.json()
    assert (app["status"], app["amount"], app["no"][:3]) == ("submitted", "28000.00", "CG-")
    assert app["funding"] == {
        "source": "matter_application",
        "budget_line_id": line_id,
        "matter_application": {
            "type": "matter_application",
            "id": matter_id,
            "no": app["funding"]["matter_application"]["no"],
        },
        "reserve": "0.00",
        "taken_over": "28000.00",
        "left_with_matter": "2000.00",
    }
    assert app["pre_commitment_holder"]["id"] == matter_id
    # The same key is the same application; the money is the matter application's, not reserved twice.
    assert _apply(clerk, items, "open_tender", key, matter_application_id=matter_id).json()["id"] == app["id"]
    assert Decimal(line(clerk, line_id)["pre_committed"]) == pre_committed
    # One matter application funds one live procurement application.
    again = _apply(clerk, items, "open_tender", str(uuid.uuid4()), matter_application_id=matter_id)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "matter_application_already_funds")

    _approved(clerk, head, app["id"])
    path = f"{API}/procurement-applications/{app['id']}"
    intention = clerk.post(f"{path}/intention", json={"published_on": TODAY, "where": "中国政府采购网"})
    assert intention.status_code == 201, intention.text
    assert intention.json()["intention"]["published_on"] == TODAY

    start = datetime.now(UTC)
    deadline = start + timedelta(days=21)
    tender = clerk.post(
        f"{path}/tenders",
        json={"published_at": start.isoformat(), "submission_deadline": deadline.isoformat()},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert tender.status_code == 201, tender.text
    tender_id = tender.json()["id"]
    suppliers = _valid_suppliers(clerk, 3)
    for n, supplier in enumerate(suppliers):
        bid = clerk.post(
            f"{API}/tenders/{tender_id}/bids",
            json={
                "supplier_id": supplier["id"],
                "amount": f"{27000 - n * 500}.00",
                "received_at": (start + timedelta(days=2)).isoformat(),
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert bid.status_code == 201, bid.text
    # The seed's blacklisted supplier cannot bid: refused with its rule named.
    listed = clerk.get(f"{API}/suppliers", params={"q": "鑫源"}).json()["items"]
    blacklisted = next(s for s in listed if s["standing"] == "blacklisted")
    refused = clerk.post(
        f"{API}/tenders/{tender_id}/bids",
        json={
            "supplier_id": blacklisted["id"],
            "amount": "25000.00",
            "received_at": (start + timedelta(days=2)).isoformat(),
        },
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "supplier_not_in_good_standing")
    early = clerk.post(f"{API}/tenders/{tender_id}/evaluation", json={"evaluated_at": start.isoformat()})
    assert (early.status_code, early.json()["error"]["code"]) == (409, "evaluation_before_deadline")
    evaluated = clerk.post(
        f"{API}/tenders/{tender_id}/evaluation", json={"evaluated_at": (deadline + timedelta(hours=1)).isoformat()}
    )
    assert evaluated.status_code == 200, evaluated.text
    first = next(b for b in evaluated.json()["bids"] if b["rank"] == 1)
    assert (first["supplier_id"], first["amount"]) == (suppliers[2]["id"], "26000.00")

    award = clerk.post(
        f"{API}/tenders/{tender_id}/award",
        json={
            "bid_id": first["id"],
            "decided_on": deadline.date().isoformat(),
            "notice_date": deadline.date().isoformat(),
        },
    )
    assert award.status_code == 201, award.text
    awarded = award.json()
    assert (awarded["supplier_id"], awarded["amount"], awarded["budget_line_id"]) == (
        suppliers[2]["id"],
        "26000.00",
        line_id,
    )
    assert awarded["pre_commitment_holder"]["id"] == matter_id  # what the contract's signing will take over
    # The contract service asks for the award by RPC and gets the same facts.
    heard = rpc.call("procurement", "get_award", {"award_id": awarded["id"]}, context=CLERK)
    assert heard["supplier_id"] == suppliers[2]["id"]
    detail = clerk.get(path).json()
    assert (detail["status"], detail["award"]["id"], len(detail["tenders"][0]["bids"])) == ("awarded", awarded["id"], 3)
    # Still nothing reserved twice: the line holds the matter application's 30,000 only.
    assert Decimal(line(clerk, line_id)["pre_committed"]) == pre_committed

    # Every step is an event (risk's dossier of the application heard them all).
    def heard():
        body = clerk.get(f"{API}/dossiers/procurement_application/{app['id']}").json()
        return {e["type"] for e in body.get("entries", [])}

    expected = {
        "procurement.application_submitted",
        "procurement.application_approved",
        "procurement.intention_published",
        "procurement.tender_published",
        "procurement.bid_received",
        "procurement.bids_evaluated",
        "procurement.award_decided",
    }
    eventually(lambda: expected <= heard())

    # The supplier analysis counts the award; another unit's clerk asking for 党政办 reads nothing.
    period = {"date_from": deadline.date().isoformat(), "date_to": deadline.date().isoformat()}
    analysis = clerk.get(f"{API}/reports/suppliers", params={**period, "unit": "dzb"}).json()
    winner = next(s for s in analysis["suppliers"] if s["supplier_id"] == suppliers[2]["id"])
    assert winner["awards_count"] >= 1 and Decimal(winner["awards_value"]) >= Decimal("26000.00")
    other = login("clerk_czb").get(f"{API}/reports/suppliers", params={**period, "unit": "dzb"}).json()
    assert other["awards_count"] == 0
    book = clerk.get(f"{API}/reports/suppliers.xlsx", params=period)
    assert book.status_code == 200 and book.headers["content-type"].startswith("application/vnd.openxml")


def test_a_method_weaker_than_the_thresholds_require_is_refused_with_its_rule_named(login, rpc):
    clerk = login("clerk")
    line_id = new_line(rpc, "2000000.00")
    response = _apply(clerk, [_item("1500000.00")], "self_procurement", budget_line_id=line_id)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "method_weaker_than_required"
    assert error["message"].startswith("采购方式不得低于限额标准要求的方式")
    assert "1500000.00" in error["message"]
    # Nothing written: no application, nothing reserved.
    assert Decimal(line(clerk, line_id)["pre_committed"]) == 0
    mine = clerk.get(f"{API}/procurement-applications", params={"page_size": 200}).json()["items"]
    assert all(a["funding"]["budget_line_id"] != line_id for a in mine)
    preview = clerk.post(f"{API}/procurement-applications/method-preview", json={"items": [_item("1500000.00")]})
    assert preview.status_code == 200, preview.text
    assert (preview.json()["tier"], preview.json()["thresholds_demo"]) == ("decentralised", True)


def test_self_procurement_above_the_research_amount_needs_three_quotes(login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "100000.00")
    response = _apply(clerk, [_item("30000.00", "2")], "self_procurement", budget_line_id=line_id)
    assert response.status_code == 201, response.text
    app = response.json()
    assert (app["status"], app["funding"]["reserve"]) == ("submitted", "60000.00")
    assert Decimal(line(clerk, line_id)["pre_committed"]) == Decimal("60000.00")  # its own line: reserved
    _approved(clerk, head, app["id"], login("leader"))  # from 50,000: the leader in charge too
    suppliers = _valid_suppliers(clerk, 3)
    quotes = [
        {"supplier_id": s["id"], "amount": f"{59000 - n * 1000}.00", "quoted_on": TODAY, "evidence": [f"att-{n}"]}
        for n, s in enumerate(suppliers)
    ]
    path = f"{API}/procurement-applications/{app['id']}/market-research"
    body = {"chosen_supplier_id": suppliers[1]["id"], "decided_on": TODAY, "notice_date": TODAY}
    two = clerk.post(path, json={**body, "quotes": quotes[:2]})
    assert two.status_code == 409, two.text
    assert two.json()["error"]["code"] == "quotes_fewer_than_required"
    assert two.json()["error"]["message"].startswith("市场调查须取得不少于规定数量的有效报价")
    not_lowest = clerk.post(path, json={**body, "quotes": quotes})
    assert not_lowest.json()["error"]["code"] == "chosen_not_lowest_unjustified"
    done = clerk.post(path, json={**body, "chosen_supplier_id": suppliers[2]["id"], "quotes": quotes})
    assert done.status_code == 201, done.text
    assert (done.json()["amount"], done.json()["pre_commitment_holder"]["id"]) == ("57000.00", app["id"])
    detail = clerk.get(f"{API}/procurement-applications/{app['id']}").json()
    assert (detail["status"], len(detail["quotes"])) == ("awarded", 3)
    assert [q["chosen"] for q in detail["quotes"]] == [True, False, False]


def test_single_source_needs_reasons_and_takes_an_extra_approval_step(login, rpc):
    clerk = login("clerk")
    line_id = new_line(rpc, "100000.00")
    bare = _apply(clerk, [_item("8000.00")], "single_source", budget_line_id=line_id)
    assert (bare.status_code, bare.json()["error"]["code"]) == (409, "single_source_justification_required")
    plain = _apply(clerk, [_item("8000.00")], "self_procurement", budget_line_id=line_id).json()
    justified = _apply(
        clerk, [_item("8000.00")], "single_source", budget_line_id=line_id, justification="原厂专利备件，仅此一家"
    )
    assert justified.status_code == 201, justified.text
    assert justified.json()["extra_approval"] is True

    def steps(app_id):
        route = clerk.get(f"{API}/procurement-applications/{app_id}").json()["route"]
        return route and [s["name"] for s in route["steps"]]

    assert eventually(lambda: steps(plain["id"])) == ["部门负责人审批"]
    single = eventually(lambda: steps(justified.json()["id"]))
    assert "财务、纪检会签" in single and "主要领导审批" in single and len(single) > 2


def test_another_units_clerk_is_answered_not_found(login, rpc):
    clerk, other = login("clerk"), login("clerk_czb")
    line_id = new_line(rpc, "100000.00")
    app = _apply(clerk, [_item("1000.00")], "self_procurement", budget_line_id=line_id).json()
    path = f"{API}/procurement-applications/{app['id']}"
    unknown = f"{API}/procurement-applications/{uuid.uuid4()}"
    assert other.get(path).status_code == 404
    assert other.get(path).json()["error"]["code"] == other.get(unknown).json()["error"]["code"]
    assert other.post(f"{path}/intention", json={"published_on": TODAY, "where": "网站"}).status_code == 404
    assert other.post(f"{path}/cancel", json={"reason": "试试"}).status_code == 404
    listed = other.get(f"{API}/procurement-applications", params={"all": "true", "page_size": 200}).json()
    assert app["id"] not in {a["id"] for a in listed["items"]}
    assert clerk.get(path).status_code == 200
    assert login("auditor").get(path).status_code == 200  # audit reads every unit's procurement


def test_bad_input_is_a_422_naming_the_field_and_a_bad_credit_code_is_refused(login):
    clerk = login("clerk")
    zero = _apply(clerk, [_item("100.00", "0")], "self_procurement", budget_line_id="2026-X")
    assert zero.status_code == 422, zero.text
    assert "quantity" in str(zero.json()["error"]["details"])
    no_items = _apply(clerk, [], "self_procurement", budget_line_id="2026-X")
    assert no_items.status_code == 422 and "items" in str(no_items.json()["error"]["details"])
    both = _apply(clerk, [_item("100.00")], "self_procurement")
    assert (both.status_code, both.json()["error"]["code"]) == (422, "application_funding_missing")
    bad = clerk.post(
        f"{API}/suppliers", json={"credit_code": "91110105000073019X", "name": "某公司", "legal_representative": "某人"}
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "credit_code_invalid")


def test_a_returned_application_is_corrected_and_resubmitted_into_a_new_round(login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "100000.00")
    app = _apply(clerk, [_item("9000.00")], "self_procurement", budget_line_id=line_id).json()
    decide(head, app["id"], "return", "请改用单一来源并说明理由")
    path = f"{API}/procurement-applications/{app['id']}"
    status_of(clerk, path, "returned")
    bare = clerk.post(f"{path}/resubmit", json={"method": "single_source"})
    assert (bare.status_code, bare.json()["error"]["code"]) == (409, "single_source_justification_required")
    assert clerk.post(f"{path}/resubmit", json={}).json()["status"] == "submitted"  # as it was, a new round
    assert head.post(f"{path}/resubmit", json={}).status_code in (403, 409)
    assert Decimal(line(clerk, line_id)["pre_committed"]) == Decimal("9000.00")  # reserved once, kept
    _approved(clerk, head, app["id"])


def test_changing_the_method_goes_through_approval_and_sourcing_waits_for_it(login, rpc):
    clerk, head, leader = login("clerk"), login("head"), login("leader")
    line_id = new_line(rpc, "100000.00")
    app = _apply(clerk, [_item("9000.00")], "self_procurement", budget_line_id=line_id).json()
    _approved(clerk, head, app["id"])
    path = f"{API}/procurement-applications/{app['id']}"
    no_reason = clerk.post(f"{path}/method-change", json={"method": "competitive_negotiation", "reason": " "})
    assert no_reason.status_code == 422, no_reason.text
    asked = clerk.post(f"{path}/method-change", json={"method": "competitive_negotiation", "reason": "须谈判确定方案"})
    assert asked.status_code == 201, asked.text
    change_id = asked.json()["method_change"]["id"]
    again = clerk.post(f"{path}/method-change", json={"method": "competitive_consultation", "reason": "再改"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "method_change_pending")
    decide(head, change_id)
    decide(leader, change_id)
    eventually(lambda: clerk.get(path).json()["method"] == "competitive_negotiation")


def test_a_suppliers_bank_account_changes_are_kept_and_only_finance_may_change_them(login):
    clerk, finance = login("clerk"), login("finance")
    code_body = {"credit_code": "91350100M000100Y43", "name": "福建测试供应商有限公司", "legal_representative": "张三"}
    registered = clerk.post(f"{API}/suppliers", json=code_body, headers={"Idempotency-Key": str(uuid.uuid4())})
    if registered.status_code == 409:  # registered by an earlier run of this session's stack
        supplier_id = registered.json()["error"]["details"]["supplier_id"]
    else:
        assert registered.status_code == 201, registered.text
        assert registered.json()["registrar"] == "clerk"
        supplier_id = registered.json()["id"]
    account = {"bank_name": "工商银行", "account_name": "福建测试供应商有限公司", "account_no": "6222020200012345678"}
    body = {"change": "add", "account": account, "reason": "开户"}
    assert clerk.post(f"{API}/suppliers/{supplier_id}/accounts", json=body).status_code == 403
    changed = finance.post(f"{API}/suppliers/{supplier_id}/accounts", json=body)
    assert changed.status_code == 200, changed.text
    assert clerk.get(f"{API}/suppliers/{supplier_id}").json()["accounts"][0]["account_no"] == "6222020200012345678"
    wrong_name = finance.post(
        f"{API}/suppliers/{supplier_id}/accounts",
        json={
            "change": "add",
            "account": {**account, "account_name": "别的公司", "account_no": "6222020200099999999"},
            "reason": "x",
        },
    )
    assert (wrong_name.status_code, wrong_name.json()["error"]["code"]) == (409, "bank_account_name_mismatch")
