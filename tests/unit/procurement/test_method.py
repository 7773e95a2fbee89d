"""The method by rule: thresholds by category on a date, the central catalogue, and the methods refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.procurement.domain import method as m
from services.procurement.domain.errors import ProcurementRefused
from services.procurement.domain.kinds import TIER_ORDER, Category, Form, Method, Tier
from services.procurement.domain.policy import ProcurementPolicy, Thresholds
from tests.unit.procurement.factories import POLICY, TODAY, refusal

GOODS, SERVICES, WORKS = Category.GOODS, Category.SERVICES, Category.WORKS


def need(amount: str, category: Category = GOODS, codes: dict | None = None, on: date = TODAY):
    return m.determine(category, D(amount), POLICY, on, codes)


@pytest.mark.parametrize(
    "amount, tier, default",
    [
        ("999999.99", Tier.SELF, Method.SELF_PROCUREMENT),
        ("1000000.00", Tier.DECENTRALISED, Method.REQUEST_FOR_QUOTATION),
        ("3999999.99", Tier.DECENTRALISED, Method.REQUEST_FOR_QUOTATION),
        ("4000000.00", Tier.TENDER, Method.OPEN_TENDER),
    ],
)
def test_a_threshold_is_reached_at_its_exact_amount(amount, tier, default):
    requirement = need(amount)
    assert (requirement.tier, requirement.default) == (tier, default)


def test_market_research_from_the_policys_amount_in_self_procurement_only():
    assert not need("49999.99").market_research
    assert need("50000.00").market_research
    assert not need("1000000.00").market_research


def test_intention_is_required_for_government_procurement():
    assert not need("999999.99").intention_required and need("1000000.00").intention_required


def test_services_and_works_default_to_consultation_in_the_middle_band():
    assert need("2000000.00", SERVICES).default is Method.COMPETITIVE_CONSULTATION
    assert need("2000000.00", WORKS).default is Method.COMPETITIVE_CONSULTATION


def test_self_procurement_above_the_decentralised_threshold_is_refused_as_weaker_with_the_figures():
    error = refusal(m.check, need("1200000.00"), Method.SELF_PROCUREMENT, None, None)
    assert error.code == "method_weaker_than_required" and error.details["rule"] == error.code
    assert error.message.startswith("采购方式不得低于限额标准要求的方式")
    assert "1200000.00" in error.message and "分散采购限额标准 1000000.00 元" in error.message
    assert "不得采用自行采购" in error.message and error.details["requirement"]["tier"] == "decentralised"


@pytest.mark.parametrize(
    "method", [Method.COMPETITIVE_NEGOTIATION, Method.REQUEST_FOR_QUOTATION, Method.SELF_PROCUREMENT]
)
def test_above_the_tender_threshold_only_a_tender_will_do(method):
    assert refusal(m.check, need("4000000.00"), method, None, None).code == "method_weaker_than_required"


def test_open_tender_is_always_strong_enough():
    for amount in ("100.00", "1000000.00", "9000000.00"):
        assert m.check(need(amount), Method.OPEN_TENDER, None, None).extra_approval is False


def test_invited_tender_above_the_threshold_needs_reasons_and_an_extra_approval():
    error = refusal(m.check, need("5000000.00"), Method.INVITED_TENDER, None, "  ")
    assert error.code == "invited_tender_justification_required"
    decision = m.check(need("5000000.00"), Method.INVITED_TENDER, None, "只有三家供应商能够提供")
    assert decision.extra_approval and decision.justification == "只有三家供应商能够提供"


def test_invited_tender_below_the_threshold_is_an_ordinary_competitive_method():
    assert m.check(need("2000000.00"), Method.INVITED_TENDER, None, None).extra_approval is False


@pytest.mark.parametrize("amount", ["100.00", "2000000.00", "9000000.00"])
def test_single_source_at_any_amount_needs_reasons_and_an_extra_approval(amount):
    assert refusal(m.check, need(amount), Method.SINGLE_SOURCE, None, None).code == (
        "single_source_justification_required"
    )
    assert m.check(need(amount), Method.SINGLE_SOURCE, None, "原有系统扩容，须与原供应商兼容").extra_approval


@pytest.mark.parametrize("category", [SERVICES, WORKS])
def test_request_for_quotation_is_for_goods_only(category):
    error = refusal(m.check, need("2000000.00", category), Method.REQUEST_FOR_QUOTATION, None, None)
    assert error.code == "rfq_goods_only"


def test_a_catalogue_item_must_be_bought_centrally_and_never_by_self_procurement():
    requirement = need("20000.00", codes={"A02010104": D("20000.00")})
    assert requirement.central and requirement.form is Form.CENTRAL
    assert requirement.default is Method.FRAMEWORK_AGREEMENT
    assert refusal(m.check, requirement, Method.SELF_PROCUREMENT, None, None).code == "method_weaker_than_required"
    error = refusal(m.check, requirement, Method.FRAMEWORK_AGREEMENT, Form.DECENTRALISED, None)
    assert error.code == "central_procurement_required" and "台式计算机" in error.message
    assert m.check(requirement, Method.FRAMEWORK_AGREEMENT, None, None).form is Form.CENTRAL


def test_a_catalogue_item_below_its_batch_amount_is_bought_like_any_other():
    assert not need("99999.99", SERVICES, codes={"C081401": D("99999.99")}).central
    assert need("100000.00", SERVICES, codes={"C081401": D("100000.00")}).central


def test_framework_agreement_outside_the_catalogue_is_refused():
    assert refusal(m.check, need("20000.00"), Method.FRAMEWORK_AGREEMENT, None, None).code == (
        "framework_agreement_catalogue_only"
    )


def test_thresholds_are_those_in_force_on_the_day():
    old = Thresholds(
        effective_from=date(2020, 1, 1),
        effective_to=date(2025, 12, 31),
        category=GOODS,
        decentralised=D("500000.00"),
        open_tender=D("2000000.00"),
    )
    new = Thresholds(
        effective_from=date(2026, 1, 1),
        effective_to=None,
        category=GOODS,
        decentralised=D("1000000.00"),
        open_tender=D("4000000.00"),
    )
    policy = ProcurementPolicy(thresholds=(old, new))
    assert m.determine(GOODS, D("600000.00"), policy, date(2025, 12, 31)).tier is Tier.DECENTRALISED
    assert m.determine(GOODS, D("600000.00"), policy, date(2026, 1, 1)).tier is Tier.SELF


def test_no_thresholds_in_force_is_refused_by_name():
    policy = ProcurementPolicy(thresholds=tuple(t for t in POLICY.thresholds if t.category is not WORKS))
    error = refusal(m.determine, WORKS, D("1.00"), policy, TODAY)
    assert error.code == "no_thresholds_in_force" and "工程" in error.message


def test_overlapping_threshold_versions_are_refused_when_the_policy_is_built():
    first = POLICY.thresholds[0]
    with pytest.raises(ValueError, match="重叠"):
        ProcurementPolicy(thresholds=(first, replace(first, effective_from=date(2024, 1, 1))))


AMOUNTS = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(AMOUNTS, st.sampled_from(list(Category)))
def test_the_tier_is_monotonic_and_exactly_at_the_thresholds(amount, category):
    t = POLICY.thresholds_on(category, TODAY)
    tier = m.tier_of(amount, t)
    assert (tier is Tier.TENDER) == (amount >= t.open_tender)
    assert (tier is Tier.SELF) == (amount < t.decentralised)
    assert TIER_ORDER.index(tier) <= TIER_ORDER.index(m.tier_of(amount + D("0.01"), t))


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(AMOUNTS, st.sampled_from(list(Category)), st.sampled_from(list(Method)))
def test_a_method_accepted_for_an_amount_is_accepted_for_every_smaller_amount(amount, category, method):
    """Thresholds only ever ask more as the amount grows: no amount is a hole where a weaker method slips in."""
    reasons = "理由"
    try:
        m.check(need(str(amount), category), method, None, reasons)
    except ProcurementRefused:
        return
    smaller = (amount / 2).quantize(D("0.01"))
    if smaller > 0:
        m.check(need(str(smaller), category), method, None, reasons)


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(AMOUNTS, st.sampled_from(list(Category)))
def test_the_default_method_always_passes_its_own_check(amount, category):
    requirement = need(str(amount), category)
    assert m.check(requirement, requirement.default, None, None).method is requirement.default


def test_method_change_needs_a_reason_and_a_different_method_and_no_award():
    requirement = need("2000000.00")
    change = m.check_change
    assert refusal(change, requirement, Method.REQUEST_FOR_QUOTATION, Method.OPEN_TENDER, "").code == (
        "method_change_reason_required"
    )
    assert refusal(change, requirement, Method.OPEN_TENDER, Method.OPEN_TENDER, "x").code == "method_change_same_method"
    assert refusal(change, requirement, Method.OPEN_TENDER, Method.REQUEST_FOR_QUOTATION, "x", awarded=True).code == (
        "method_change_after_award"
    )
    decision = change(requirement, Method.REQUEST_FOR_QUOTATION, Method.OPEN_TENDER, "供应商较多，改为公开招标")
    assert decision.method is Method.OPEN_TENDER and decision.extra_approval


def test_a_weaker_method_after_a_tender_is_allowed_only_after_the_tender_failed():
    requirement = need("5000000.00")
    error = refusal(m.check_change, requirement, Method.OPEN_TENDER, Method.COMPETITIVE_NEGOTIATION, "改谈判")
    assert error.code == "method_change_not_allowed" and "原招标未失败" in error.message
    decision = m.check_change(
        requirement, Method.OPEN_TENDER, Method.COMPETITIVE_NEGOTIATION, "投标人不足三家", tender_failed=True
    )
    assert decision.method is Method.COMPETITIVE_NEGOTIATION
    error = refusal(
        m.check_change, requirement, Method.OPEN_TENDER, Method.SELF_PROCUREMENT, "流标", tender_failed=True
    )
    assert error.code == "method_change_not_allowed"
