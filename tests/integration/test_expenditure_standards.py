"""Expenditure standards (支出标准) and 三公经费 caps, end to end through the gateway and the real services."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import sqlalchemy as sa

from deploy.seed import standards as standards_seed
from ic_platform.db import make_engine
from ic_platform.rpc_client import RemoteError
from tests.integration.conftest import eventually
from tests.integration.identity import FINANCE

pytestmark = pytest.mark.integration

MEETING_LINE = "2026-DZB-30215-01"  # 党政综合办公室 会议费, 60,000.00
TRAVEL_LINE = "2026-DZB-30211-01"  # 党政综合办公室 差旅费, 80,000.00


def apply(api, line_id, amount, expense=None, title="专项工作"):
    body = {"title": title, "purpose": "按标准测算", "budget_line_id": line_id, "amount": amount}
    if expense is not None:
        body["expense"] = expense
    return api.post("/api/v1/matter-applications", json=body)


def line(api, line_id):
    response = api.get(f"/api/v1/budget-lines/{line_id}")
    assert response.status_code == 200, response.text
    return response.json()


def meeting(persons, days, amount, on="2026-05-12", category="二类"):
    return {
        "kind": "meeting",
        "expense_date": on,
        "details": {"category": category, "persons": persons, "days": days, "amount": amount},
    }


def trip(lodging, on="2026-05-12", city=None, tier="一类", days=2):
    details = {
        "city_tier": tier,
        "rank": "其余人员",
        "persons": 1,
        "days": days,
        "lodging": lodging,
        "meals": f"{100 * days}.00",
        "transport": f"{80 * days}.00",
    }
    if city:
        details["city"] = city
    return {"kind": "travel", "expense_date": on, "details": details}


def test_a_meeting_over_a_block_standard_is_refused_citing_the_standard_and_its_version(login):
    clerk = login("clerk")
    before = line(clerk, MEETING_LINE)["pre_committed"]
    # 二类会议 650 元/人·天 (demo), 10 persons × 1 day = 6,500; asking 8,000
    refused = apply(clerk, MEETING_LINE, "8000.00", meeting(10, 1, "8000.00"), title="全街道工作推进会")
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "expenditure_standard_exceeded"
    assert "《会议费开支标准（二类会议）（演示）》（MEETING-2）第 1 版（生效日期 2026-01-01）" in error["message"]
    assert "限额 6500.00 元，申请 8000.00 元，超出 1500.00 元" in error["message"]
    assert "刚性控制" in error["message"]
    assert line(clerk, MEETING_LINE)["pre_committed"] == before, "nothing may be reserved"

    within = apply(clerk, MEETING_LINE, "6500.00", meeting(10, 1, "6500.00"), title="全街道工作推进会")
    assert within.status_code == 201, within.text
    assert Decimal(line(clerk, MEETING_LINE)["pre_committed"]) == Decimal(before) + Decimal("6500.00")


def test_a_flag_standard_lets_the_application_through_and_the_excess_is_on_its_dossier(stack, login):
    clerk = login("clerk")
    # 一类城市 其余人员 lodging 450 元/天 (demo, flag): 2 days × 450 = 900; asking 1,200
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"title": "赴省城学习考察", "budget_line_id": TRAVEL_LINE, "amount": "1560.00", "expense": trip("1200.00")}
    response = clerk.post("/api/v1/matter-applications", json=body, headers=key)
    assert response.status_code == 201, response.text
    app = response.json()
    assert app["status"] == "submitted"
    again = clerk.post("/api/v1/matter-applications", json=body, headers=key)  # a retry: the same answer
    assert again.status_code == 201 and again.json()["id"] == app["id"]

    def exceeded():
        body = clerk.get(f"/api/v1/dossiers/matter_application/{app['id']}").json()
        return next((e for e in body.get("entries", []) if e["type"] == "payment.standard_exceeded"), None)

    entry = eventually(exceeded)
    assert entry["actor"] == "clerk" and entry["producer"] == "payment"
    payload = published_payload(stack, "payment.standard_exceeded", f"matter_application/{app['id']}")
    assert payload["standard_code"] == "TRAVEL-T1-R3" and payload["standard_version"] == 1
    assert payload["citation"].endswith("（TRAVEL-T1-R3）第 1 版（生效日期 2026-01-01）")
    assert payload["items"] == [
        {"item": "lodging", "label": "住宿费（元/人·天）", "limit": "900.00", "asked": "1200.00", "excess": "300.00"}
    ]
    assert payload["excess_total"] == "300.00" and payload["document"]["no"] == app["no"]

    # Within the standard: no such event.
    ok = apply(clerk, TRAVEL_LINE, "1260.00", trip("900.00"), title="赴省城学习考察")
    assert ok.status_code == 201, ok.text
    eventually(
        lambda: any(
            e["type"] == "budget.pre_committed"
            for e in clerk.get(f"/api/v1/dossiers/matter_application/{ok.json()['id']}").json().get("entries", [])
        )
    )
    entries = clerk.get(f"/api/v1/dossiers/matter_application/{ok.json()['id']}").json()["entries"]
    assert "payment.standard_exceeded" not in {e["type"] for e in entries}


def published_payload(stack, type_, subject):
    """The event as the payment service published it (its outbox row), for the fields a dossier does not show;
    exactly one such event (scalar_one)."""
    engine = sa.create_engine(stack.settings.database_url("payment"), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            envelope = conn.execute(
                sa.text("SELECT envelope FROM outbox WHERE type = :t AND envelope->>'subject' = :s"),
                {"t": type_, "s": subject},
            ).scalar_one()
    finally:
        engine.dispose()
    return envelope["payload"]


def test_a_new_version_applies_only_to_expenses_dated_from_its_effective_date(login):
    finance, clerk = login("finance"), login("clerk")
    tag = uuid.uuid4().hex[:6]
    code, city = f"TRAVEL-TEST-{tag}", f"测试市{tag}"
    first = {
        "code": code,
        "kind": "travel",
        "name": f"差旅费开支标准（{city}·其余人员）",
        "key": {"city_tier": city, "rank": "其余人员"},
        "limits": {"lodging": "400.00", "meals": "100.00", "transport": "80.00"},
        "action": "block",
        "effective_from": "2026-01-01",
    }
    assert clerk.post("/api/v1/expenditure-standards", json=first).status_code == 403
    created = finance.post("/api/v1/expenditure-standards", json=first)
    assert created.status_code == 201, created.text
    assert created.json()["standard"]["version"] == 1
    second = finance.post(
        "/api/v1/expenditure-standards",
        json={
            "code": code,
            "limits": {"lodging": "300.00", "meals": "100.00", "transport": "80.00"},
            "action": "block",
            "effective_from": "2026-09-01",
        },
    )
    assert second.status_code == 201, second.text
    assert second.json()["superseded"]["effective_to"] == "2026-08-31"
    too_early = finance.post(
        "/api/v1/expenditure-standards",
        json={
            "code": code,
            "limits": {"lodging": "200.00", "meals": "100.00", "transport": "80.00"},
            "action": "block",
            "effective_from": "2026-09-01",
        },
    )
    assert too_early.status_code == 422 and "晚于" in too_early.json()["error"]["message"]
    same_scope = finance.post("/api/v1/expenditure-standards", json={**first, "code": f"{code}-B"})
    assert same_scope.status_code == 409 and same_scope.json()["error"]["code"] == "expenditure_standard_duplicate"
    other_scope = finance.post(
        "/api/v1/expenditure-standards",
        json={**first, "key": {"city_tier": city, "rank": "厅局级"}, "effective_from": "2026-12-01"},
    )
    assert other_scope.status_code == 409
    assert other_scope.json()["error"]["code"] == "expenditure_standard_key_changed"

    def check(on):
        response = clerk.post("/api/v1/expenditure-standards/check", json=trip("700.00", on=on, city=city))
        assert response.status_code == 200, response.text
        return response.json()

    before, after = check("2026-08-31"), check("2026-09-01")  # 2 days × 350 asked
    assert before["within"] and before["standard"]["version"] == 1 and "第 1 版" in before["citation"]
    assert after["blocked"] and after["standard"]["version"] == 2
    assert after["citation"] == f"《差旅费开支标准（{city}·其余人员）》（{code}）第 2 版（生效日期 2026-09-01）"
    assert after["items"][0] == {
        "item": "lodging",
        "label": "住宿费（元/人·天）",
        "limit": "600.00",
        "asked": "700.00",
        "excess": "100.00",
        "exceeded": True,
    }
    # Another city of the same tier is not touched by this standard: the tier's own applies.
    assert check_tier(clerk)["standard"]["code"] == "TRAVEL-T1-R3"

    assert apply(clerk, TRAVEL_LINE, "1060.00", trip("700.00", on="2026-08-20", city=city)).status_code == 201
    refused = apply(clerk, TRAVEL_LINE, "1060.00", trip("700.00", on="2026-09-02", city=city))
    assert refused.status_code == 409 and f"（{code}）第 2 版" in refused.json()["error"]["message"]

    listed = clerk.get("/api/v1/expenditure-standards", params={"code": code, "as_of": "2026-08-31"}).json()
    assert listed["total"] == 1 and listed["items"][0]["version"] == 1
    assert listed["items"][0]["effective_to"] == "2026-08-31"
    every = clerk.get("/api/v1/expenditure-standards", params={"kind": "travel", "page_size": 5}).json()
    assert every["total"] >= 14 and len(every["items"]) == 5


def check_tier(api):
    response = api.post("/api/v1/expenditure-standards/check", json=trip("700.00", city="无单独标准的城市"))
    assert response.status_code == 200, response.text
    return response.json()


def test_wrong_details_and_missing_standards_are_refused_naming_the_field(login):
    clerk = login("clerk")
    bad = clerk.post("/api/v1/expenditure-standards/check", json=meeting(0, 1, "100.00", category="五类"))
    assert bad.status_code == 422
    fields = {f["field"] for f in bad.json()["error"]["details"]["fields"]}
    assert {"details.category", "details.persons"} <= fields
    negative = clerk.post("/api/v1/expenditure-standards/check", json=meeting(1, 1, "-5.00"))
    assert negative.status_code == 422
    missing = clerk.post("/api/v1/expenditure-standards/check", json=meeting(1, 1, "100.00", on="2025-12-31"))
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "expenditure_standard_missing"


def test_the_demo_seed_is_idempotent_and_the_three_public_report_shows_its_caps(stack, login):
    engine = make_engine(stack.settings.database_url("budget"), pool_size=1)
    try:
        assert standards_seed.load(engine, "xinqiao", 2026) == {"standards": 0, "three_public_caps": 0}
    finally:
        engine.dispose()
    report = login("finance").get("/api/v1/reports/three-public", params={"fiscal_year": 2026})
    assert report.status_code == 200, report.text
    rows = {r["category"]: r for r in report.json()["items"]}
    assert rows["official_reception"]["cap"] == "180000.00" and rows["overseas_trips"]["cap"] == "0.00"
    assert rows["official_reception"]["category_label"] == "公务接待费"


def test_reservations_on_reception_lines_stop_at_the_category_cap_under_concurrency(rpc, login):
    """24 applications of 3,000 race on two units' 公务接待费 lines (100,000 each) under a 50,000 street
    cap: exactly 16 fit, the category total never passes the cap, the refusals say why in Chinese."""
    year, tag = 2031, uuid.uuid4().hex[:6].upper()
    lines = {"dzb": f"{year}-DZB-30217-{tag}", "czb": f"{year}-CZB-30217-{tag}"}
    for unit, line_id in lines.items():
        rpc.call(
            "budget",
            "create_line",
            {
                "id": line_id,
                "fiscal_year": year,
                "unit": unit,
                "functional_class": "2010301",
                "economic_class": "30217",
                "economic_class_name": "公务接待费",
                "expenditure_kind": "basic",
                "fund_source": "general_public_budget",
                "amount": "100000.00",
            },
            context=FINANCE,
        )
    finance = login("finance")
    assert (
        login("clerk")
        .post(
            "/api/v1/three-public-caps",
            json={"fiscal_year": year, "category": "official_reception", "amount": "50000.00"},
        )
        .status_code
        == 403
    )
    cap = finance.post(
        "/api/v1/three-public-caps", json={"fiscal_year": year, "category": "official_reception", "amount": "50000.00"}
    )
    assert cap.status_code == 200, cap.text

    clerks = {"dzb": login("clerk"), "czb": login("clerk_czb")}

    def submit(i):
        unit = "dzb" if i % 2 else "czb"
        return apply(clerks[unit], lines[unit], "3000.00", title=f"接待来访调研 {i}")

    with ThreadPoolExecutor(24) as pool:
        outcomes = list(pool.map(submit, range(24)))
    codes = [r.status_code for r in outcomes]
    assert codes.count(201) == 16 and codes.count(409) == 8, [r.text for r in outcomes if r.status_code >= 300]
    refusal = next(r.json()["error"] for r in outcomes if r.status_code == 409)
    assert refusal["code"] == "three_public_cap_exceeded"
    assert f"{year} 年全街道公务接待费年度控制数 50000.00 元" in refusal["message"]
    assert "已使用 48000.00 元，本次申请 3000.00 元" in refusal["message"]

    consumed = sum(Decimal(line(finance, line_id)["pre_committed"]) for line_id in lines.values())
    assert consumed == Decimal("48000.00")
    report = finance.get("/api/v1/reports/three-public", params={"fiscal_year": year}).json()
    reception = next(r for r in report["items"] if r["category"] == "official_reception")
    assert (reception["cap"], reception["consumed"], reception["available"], reception["rate"]) == (
        "50000.00",
        "48000.00",
        "2000.00",
        "96.00",
    )


def test_racing_reserves_straight_to_the_budget_service_never_pass_the_cap(rpc):
    """The same race without the gateway in front, so more of it overlaps inside the budget service: 64
    reservations of 1,000 on two 公务接待费 lines (and two units) under a 20,000 cap."""
    year, tag = 2032, uuid.uuid4().hex[:6].upper()
    ctx = FINANCE
    lines = [f"{year}-DZB-30217-{tag}", f"{year}-CZB-30217-{tag}"]
    for unit, line_id in zip(("dzb", "czb"), lines, strict=True):
        rpc.call(
            "budget",
            "create_line",
            {
                "id": line_id,
                "fiscal_year": year,
                "unit": unit,
                "functional_class": "2010301",
                "economic_class": "30217",
                "expenditure_kind": "basic",
                "fund_source": "general_public_budget",
                "amount": "50000.00",
            },
            context=ctx,
        )
    rpc.call(
        "budget",
        "set_three_public_cap",
        {"fiscal_year": year, "category": "official_reception", "amount": "20000.00"},
        context=ctx,
    )

    def reserve(i):
        try:
            rpc.call(
                "budget",
                "reserve",
                {
                    "budget_line_id": lines[i % 2],
                    "amount": "1000.00",
                    "document": {"type": "matter_application", "id": str(uuid.uuid4())},
                },
                context=ctx,
                timeout=60,
            )
            return "reserved"
        except RemoteError as exc:
            assert exc.exc_args[0] == "three_public_cap_exceeded", exc
            return "refused"

    with ThreadPoolExecutor(32) as pool:
        outcomes = list(pool.map(reserve, range(64)))
    assert outcomes.count("reserved") == 20 and outcomes.count("refused") == 44
    held = [Decimal(rpc.call("budget", "get_line", {"budget_line_id": x}, context=ctx)["pre_committed"]) for x in lines]
    assert sum(held) == Decimal("20000.00") and all(h > 0 for h in held)


def test_a_unit_cap_holds_for_that_units_lines_only(rpc):
    year, tag = 2033, uuid.uuid4().hex[:6].upper()
    ctx = FINANCE
    lines = {unit: f"{year}-{unit.upper()}-30231-{tag}" for unit in ("dzb", "czb")}
    for unit, line_id in lines.items():
        rpc.call(
            "budget",
            "create_line",
            {
                "id": line_id,
                "fiscal_year": year,
                "unit": unit,
                "functional_class": "2010301",
                "economic_class": "30231",
                "expenditure_kind": "basic",
                "fund_source": "general_public_budget",
                "amount": "50000.00",
            },
            context=ctx,
        )
    rpc.call(
        "budget",
        "set_three_public_cap",
        {"fiscal_year": year, "category": "official_vehicles", "amount": "5000.00", "unit": "dzb"},
        context=ctx,
    )

    def reserve(unit, amount):
        return rpc.call(
            "budget",
            "reserve",
            {
                "budget_line_id": lines[unit],
                "amount": amount,
                "document": {"type": "matter_application", "id": str(uuid.uuid4())},
            },
            context=ctx,
        )

    reserve("dzb", "3000.00")
    with pytest.raises(RemoteError) as refused:
        reserve("dzb", "2000.01")
    assert refused.value.exc_args[0] == "three_public_cap_exceeded"
    assert "单位 dzb公务用车购置及运行费年度控制数 5000.00 元，已使用 3000.00 元" in refused.value.exc_args[1]
    reserve("dzb", "2000.00")
    reserve("czb", "20000.00")  # no cap for czb, none for the street
    report = rpc.call("budget", "three_public_report", {"fiscal_year": year, "unit": "dzb"}, context=ctx)
    vehicles = next(r for r in report["items"] if r["category"] == "official_vehicles")
    assert (vehicles["cap"], vehicles["consumed"], vehicles["rate"]) == ("5000.00", "5000.00", "100.00")
    street = rpc.call("budget", "three_public_report", {"fiscal_year": year}, context=ctx)
    vehicles = next(r for r in street["items"] if r["category"] == "official_vehicles")
    assert (vehicles["cap"], vehicles["consumed"]) == (None, "25000.00")
