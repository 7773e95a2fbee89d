"""Intention, market research, tenders, bids and awards."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.procurement.domain import award, intention, market_research, tender
from services.procurement.domain.application import Status
from services.procurement.domain.errors import ProcurementInputInvalid
from services.procurement.domain.events import (
    AwardDecided,
    BidDisqualified,
    BidReceived,
    BidsEvaluated,
    IntentionPublished,
    MarketResearchCompleted,
    TenderFailed,
    TenderPublished,
)
from services.procurement.domain.kinds import Method
from services.procurement.domain.policy import Action
from services.procurement.domain.seed import DEMO_POLICY
from tests.unit.procurement.factories import POLICY, TODAY, approved, refusal, supplier, with_account

Quote = market_research.Quote
SUPPLIERS = {s.id: s for s in (supplier(1), supplier(2), supplier(3), supplier(4))}
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def quotes(*amounts: str, on: date = TODAY) -> list[Quote]:
    return [Quote(f"s{i}", D(a), on) for i, a in enumerate(amounts, start=1)]


def research(app, qs, chosen="s1", justification=None, suppliers=SUPPLIERS):
    return market_research.conclude(app, "w1", qs, suppliers, chosen, TODAY, TODAY, POLICY, justification)


# ── intention ──
def tendered(amount="2000000.00", method=Method.COMPETITIVE_NEGOTIATION, published_on=date(2026, 2, 1)):
    app = approved(amount, method)
    if published_on:
        intention.publish(app, "i1", published_on, "中国政府采购网")
    app.events.clear()
    return app


def test_the_intention_is_published_once_with_its_date_kept():
    app = tendered(published_on=None)
    intention.publish(app, "i1", date(2026, 2, 1), "中国政府采购网", expected_start=date(2026, 4, 1))
    assert app.intention.published_on == date(2026, 2, 1) and isinstance(app.events[-1], IntentionPublished)
    assert refusal(intention.publish, app, "i2", date(2026, 2, 5), "x").code == "intention_already_published"


def test_government_procurement_cannot_start_without_an_intention():
    app = tendered(published_on=None)
    error = refusal(intention.check_start, app, date(2026, 4, 1), POLICY)
    assert error.code == "intention_required"


def test_self_procurement_needs_no_intention():
    assert intention.check_start(approved("30000.00"), TODAY, POLICY) == []


def test_a_start_before_the_intention_is_refused():
    app = tendered(published_on=date(2026, 4, 2))
    assert refusal(intention.check_start, app, date(2026, 4, 1), POLICY).code == "intention_after_start"


def test_a_notice_shorter_than_the_policys_days_is_flagged_or_refused_as_the_policy_says():
    app = tendered(published_on=date(2026, 3, 3))
    assert intention.check_start(app, date(2026, 4, 2), POLICY) == []  # exactly 30 days
    (flag,) = intention.check_start(app, date(2026, 4, 1), POLICY)  # 29 days
    assert flag.rule == "intention_notice_too_short" and flag.details["days"] == 29
    strict = replace(DEMO_POLICY, intention_short_notice=Action.REFUSE)
    error = refusal(intention.check_start, app, date(2026, 4, 1), strict)
    assert error.code == "intention_notice_too_short" and "间隔 29 天，少于规定的 30 天" in error.message


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.integers(0, 60))
def test_the_notice_rule_holds_exactly_at_the_policys_number_of_days(days):
    app = tendered(published_on=date(2026, 1, 1))
    flags = intention.check_start(app, date(2026, 1, 1) + timedelta(days=days), POLICY)
    assert bool(flags) == (days < POLICY.intention_notice_days)


# ── market research ──
def test_three_valid_quotes_from_different_suppliers_award_the_lowest():
    app = approved("60000.00")
    result = research(app, quotes("58000.00", "59000.00", "59500.00"))
    assert (result.supplier_id, result.amount, result.method) == ("s1", D("58000.00"), Method.SELF_PROCUREMENT)
    assert app.status is Status.AWARDED and app.award_id == "w1"
    assert [type(e) for e in app.events] == [MarketResearchCompleted, AwardDecided]


def test_fewer_than_three_quotes_are_refused_above_the_research_amount():
    error = refusal(research, approved("60000.00"), quotes("58000.00", "59000.00"))
    assert error.code == "quotes_fewer_than_required" and "实有 2 家" in error.message
    assert error.details == {"rule": "quotes_fewer_than_required", "quotes": 2, "required": 3}


def test_below_the_research_amount_one_quote_is_a_direct_purchase():
    assert research(approved("49999.99"), quotes("49000.00")).amount == D("49000.00")


def test_quotes_must_come_from_different_registered_suppliers():
    same = [Quote("s1", D("1.00"), TODAY), Quote("s1", D("2.00"), TODAY), Quote("s2", D("3.00"), TODAY)]
    assert refusal(research, approved("60000.00"), same).code == "quotes_same_supplier"
    unknown = quotes("1.00", "2.00") + [Quote("nobody", D("3.00"), TODAY)]
    assert refusal(research, approved("60000.00"), unknown).code == "supplier_unregistered"


def test_a_quote_of_nothing_is_bad_input():
    with pytest.raises(ProcurementInputInvalid) as caught:
        research(approved("60000.00"), quotes("0.00", "2.00", "3.00"))
    assert caught.value.details["fields"][0]["field"] == "quotes[0].amount"


def test_a_suspended_supplier_cannot_quote_on_a_day_of_its_suspension():
    suspended = supplier(2)
    suspended.suspend("提供虚假材料", date(2026, 3, 1), date(2026, 5, 31), "inspector", T0)
    suppliers = {**SUPPLIERS, "s2": suspended}
    error = refusal(research, approved("60000.00"), quotes("1.00", "2.00", "3.00"), suppliers=suppliers)
    assert error.code == "supplier_not_in_good_standing" and error.details["standing"] == "suspended"
    assert research(approved("60000.00"), quotes("1.00", "2.00", "3.00", on=date(2026, 2, 28)), suppliers=suppliers)


def test_choosing_other_than_the_lowest_needs_a_reason_which_the_award_keeps():
    error = refusal(research, approved("60000.00"), quotes("58000.00", "59000.00", "59500.00"), chosen="s2")
    assert error.code == "chosen_not_lowest_unjustified" and "最低报价 58000.00 元" in error.message
    app = approved("60000.00")
    result = research(app, quotes("58000.00", "59000.00", "59500.00"), chosen="s2", justification="交货期最短")
    assert result.justification == "交货期最短" and app.events[0].lowest_amount == D("58000.00")


def test_the_chosen_quote_must_be_one_of_the_quotes():
    assert refusal(research, approved("60000.00"), quotes("1.00", "2.00", "3.00"), chosen="s4").code == (
        "chosen_quote_unknown"
    )


def test_market_research_is_for_self_procurement():
    app = approved("2000000.00", Method.COMPETITIVE_NEGOTIATION)
    assert refusal(research, app, quotes("1.00", "2.00", "3.00")).code == "research_method_mismatch"


def test_related_suppliers_are_flagged_on_the_award():
    a, b = supplier(11, legal_representative="张三"), supplier(12, legal_representative="张三")
    c = with_account(supplier(13), "6222020200001234567")
    d = with_account(supplier(14), "6222020200001234567")
    flags = market_research.related_suppliers([a, b, c, d])
    assert sorted(f.details["shared"] for f in flags) == ["bank_account", "legal_representative"]
    app = approved("60000.00")
    result = research(
        app, [Quote(s.id, D("100.00"), TODAY) for s in (a, b, c)], "s11", suppliers={s.id: s for s in (a, b, c)}
    )
    assert result.flags[0].rule == "related_suppliers" and app.events[-1].payload()["flags"][0]["severity"] == "high"


def test_a_failed_research_changes_nothing():
    app = approved("60000.00")
    refusal(research, app, quotes("58000.00", "70000.00", "80000.00"), chosen="s3", justification="品牌")
    assert app.status is Status.APPROVED and app.events == [] and app.award_id is None


# ── awards ──
def test_an_award_above_the_budget_is_refused():
    app = approved("60000.00", Method.SINGLE_SOURCE, justification="唯一供应商")
    error = refusal(award.decide_directly, app, "w1", supplier(1), D("60000.01"), TODAY, TODAY)
    assert error.code == "award_exceeds_budget" and "超出 0.01 元" in error.message


def test_the_notice_cannot_precede_the_decision_and_an_award_is_made_once():
    app = approved("60000.00", Method.SINGLE_SOURCE, justification="唯一供应商")
    error = refusal(award.decide_directly, app, "w1", supplier(1), D("1.00"), TODAY, TODAY - timedelta(days=1))
    assert error.code == "award_notice_before_decision"
    award.decide_directly(app, "w1", supplier(1), D("1.00"), TODAY, TODAY)
    assert refusal(award.decide_directly, app, "w2", supplier(1), D("1.00"), TODAY, TODAY).code == "already_awarded"


def test_a_blacklisted_supplier_cannot_be_awarded():
    bad = supplier(5)
    bad.blacklist("围标串标", date(2025, 1, 1), date(2027, 12, 31), "inspector", T0)
    app = approved("60000.00", Method.SINGLE_SOURCE, justification="唯一供应商")
    error = refusal(award.decide_directly, app, "w1", bad, D("1.00"), TODAY, TODAY)
    assert error.code == "supplier_not_in_good_standing" and "黑名单" in error.message


def test_direct_awards_are_for_single_source_and_framework_agreements():
    app = approved("60000.00")
    assert refusal(award.decide_directly, app, "w1", supplier(1), D("1.00"), TODAY, TODAY).code == (
        "direct_award_method_mismatch"
    )


# ── tenders ──
def published(method=Method.COMPETITIVE_NEGOTIATION, amount="2000000.00", deadline_days=10, **kw):
    app = tendered(amount, method)
    t, _ = tender.publish(app, "t1", T0, T0 + timedelta(days=deadline_days), POLICY, **kw)
    t.events.clear()
    app.events.clear()
    return app, t


def bid(app, t, n, amount, at=None):
    return t.receive_bid(app, f"b{n}", SUPPLIERS.get(f"s{n}") or supplier(n), D(amount), at or T0 + timedelta(days=1))


def test_publishing_starts_sourcing_and_records_the_deadline():
    app = tendered()
    t, flags = tender.publish(app, "t1", T0, T0 + timedelta(days=10), POLICY)
    assert app.status is Status.SOURCING and flags == []
    assert isinstance(t.events[0], TenderPublished) and t.events[0].payload()["submission_deadline"].startswith("2026")


def test_a_short_intention_notice_travels_with_the_tender_as_a_flag():
    app = tendered(published_on=date(2026, 3, 20))
    _, flags = tender.publish(app, "t1", T0, T0 + timedelta(days=10), POLICY)
    assert flags[0].rule == "intention_notice_too_short"


@pytest.mark.parametrize(
    "method, days", [(Method.OPEN_TENDER, 20), (Method.COMPETITIVE_CONSULTATION, 10), (Method.REQUEST_FOR_QUOTATION, 3)]
)
def test_the_submission_period_has_the_methods_minimum(method, days):
    amount = "5000000.00" if method is Method.OPEN_TENDER else "2000000.00"
    app = tendered(amount, method)
    error = refusal(tender.publish, app, "t1", T0, T0 + timedelta(days=days - 1), POLICY)
    assert error.code == "submission_period_too_short" and error.details["required_days"] == days
    tender.publish(app, "t1", T0, T0 + timedelta(days=days), POLICY)


def test_a_deadline_before_publication_and_a_non_competitive_method_are_refused():
    assert refusal(tender.publish, tendered(), "t1", T0, T0, POLICY).code == "submission_period_invalid"
    assert refusal(tender.publish, approved(), "t1", T0, T0 + timedelta(days=30), POLICY).code == (
        "tender_method_not_competitive"
    )


def test_a_bid_after_the_deadline_is_recorded_late_and_never_valid():
    app, t = published()
    late = bid(app, t, 1, "100.00", at=t.submission_deadline + timedelta(seconds=1))
    on_time = bid(app, t, 2, "100.00", at=t.submission_deadline)
    assert late.status is tender.BidStatus.LATE and on_time.status is tender.BidStatus.VALID
    assert [e.late for e in t.events] == [True, False] and all(isinstance(e, BidReceived) for e in t.events)


def test_a_bid_above_the_budget_is_disqualified_with_the_reason():
    app, t = published()
    over = bid(app, t, 1, "2000000.01")
    assert over.status is tender.BidStatus.DISQUALIFIED and tender.OVER_BUDGET in over.reason
    assert isinstance(t.events[-1], BidDisqualified)


def test_one_supplier_one_bid_and_no_bid_from_a_supplier_in_bad_standing():
    app, t = published()
    bid(app, t, 1, "100.00")
    assert refusal(bid, app, t, 1, "90.00").code == "bid_duplicate_supplier"
    bad = supplier(9)
    bad.suspend("未履约", date(2026, 1, 1), None, "inspector", T0)
    assert refusal(t.receive_bid, app, "b9", bad, D("1.00"), T0).code == "supplier_not_in_good_standing"


def test_disqualifying_needs_a_reason():
    app, t = published()
    bid(app, t, 1, "100.00")
    with pytest.raises(ProcurementInputInvalid):
        t.disqualify(app, "b1", " ")
    t.disqualify(app, "b1", "资格证明文件不全")
    assert t.bid("b1").reason == "资格证明文件不全"


def test_evaluation_waits_for_the_deadline():
    app, t = published()
    assert refusal(t.evaluate, app, T0, POLICY).code == "evaluation_before_deadline"


def test_fewer_valid_bids_than_required_fail_the_tender():
    app, t = published()
    bid(app, t, 1, "100.00")
    bid(app, t, 2, "100.00")
    bid(app, t, 3, "100.00", at=T0 + timedelta(days=30))  # late
    assert t.evaluate(app, t.submission_deadline, POLICY) == []
    assert t.status is tender.TenderStatus.FAILED and isinstance(t.events[-1], TenderFailed)
    assert t.events[-1].valid_bids == 2 and t.events[-1].required == 3


def test_lowest_price_ranks_by_amount_then_by_who_came_first():
    app, t = published()
    bid(app, t, 1, "300.00")
    bid(app, t, 2, "200.00", at=T0 + timedelta(days=2))
    bid(app, t, 3, "200.00", at=T0 + timedelta(days=1))
    ranked = t.evaluate(app, t.submission_deadline, POLICY)
    assert [b.id for b in ranked] == ["b3", "b2", "b1"] and isinstance(t.events[-1], BidsEvaluated)


def test_scoring_ranks_by_score_and_needs_every_score():
    app, t = published(evaluation_method=tender.EvaluationMethod.SCORE)
    for n, amount in ((1, "300.00"), (2, "200.00"), (3, "250.00")):
        bid(app, t, n, amount)
    assert refusal(t.evaluate, app, t.submission_deadline, POLICY, {"b1": D("90")}).code == "scores_missing"
    ranked = t.evaluate(app, t.submission_deadline, POLICY, {"b1": D("92.5"), "b2": D("88"), "b3": D("92.5")})
    assert [b.id for b in ranked] == ["b3", "b1", "b2"]


def test_the_award_goes_to_the_first_ranked_or_another_with_reasons():
    app, t = published()
    for n, amount in ((1, "300.00"), (2, "200.00"), (3, "250.00")):
        bid(app, t, n, amount)
    t.evaluate(app, t.submission_deadline, POLICY)
    day = t.submission_deadline.date()
    error = refusal(t.award, app, "w1", "b3", SUPPLIERS["s3"], day, day)
    assert error.code == "award_not_top_ranked_unjustified" and error.details["rank"] == 2
    result = t.award(app, "w1", "b2", SUPPLIERS["s2"], day, day + timedelta(days=1))
    assert (result.amount, result.tender_id, result.method) == (D("200.00"), "t1", Method.COMPETITIVE_NEGOTIATION)
    assert t.status is tender.TenderStatus.AWARDED and app.status is Status.AWARDED
    assert isinstance(app.events[-1], AwardDecided) and app.events[-1].payload()["notice_date"] == "2026-04-12"


def test_a_disqualified_or_late_bid_cannot_win():
    app, t = published()
    for n in (1, 2, 3, 4):
        bid(app, t, n, f"{n}00.00")
    t.evaluate(app, t.submission_deadline, POLICY)
    t.disqualify(app, "b1", "评审后发现资质造假")
    day = t.submission_deadline.date()
    assert refusal(t.award, app, "w1", "b1", SUPPLIERS["s1"], day, day).code == "award_bid_invalid"


def test_after_a_failed_tender_the_method_may_change_with_approval():
    app, t = published(Method.OPEN_TENDER, "5000000.00", deadline_days=20)
    bid(app, t, 1, "100.00")
    t.evaluate(app, t.submission_deadline, POLICY)
    app.request_method_change(Method.COMPETITIVE_NEGOTIATION, "投标人不足三家", TODAY, tender_failed=True)
    app.method_change_decided(approved=True)
    assert app.method is Method.COMPETITIVE_NEGOTIATION


def test_setting_aside_the_first_ranked_after_evaluation_moves_the_others_up():
    app, t = published()
    for n in (1, 2, 3, 4):
        bid(app, t, n, f"{n}00.00")
    t.evaluate(app, t.submission_deadline, POLICY)
    t.disqualify(app, "b1", "评审后发现资质造假")
    assert [(b.id, b.rank) for b in t.valid_bids] == [("b2", 1), ("b3", 2), ("b4", 3)]
    day = t.submission_deadline.date()
    assert t.award(app, "w1", "b2", SUPPLIERS["s2"], day, day).amount == D("200.00")


def test_submitting_an_approved_application_again_is_refused_and_changes_nothing():
    app = approved()
    error = refusal(app.submit, POLICY, TODAY)
    assert error.code == "invalid_status_transition" and app.round == 1 and app.status is Status.APPROVED
