"""Registering and signing a contract: the award it stands on, its terms, its route and its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.contract.domain import terms
from services.contract.domain.contract import Status
from services.contract.domain.errors import ContractForbidden, ContractInputInvalid, ContractRefused
from services.contract.domain.events import (
    ContractApproved,
    ContractRegistered,
    ContractRejected,
    ContractSigned,
    ContractSubmitted,
)
from services.contract.domain.policy import Action
from services.contract.domain.terms import Condition, Milestone
from tests.unit.contract.factories import (
    MATTER,
    NOTICE,
    POLICY,
    SUPPLIER,
    award,
    contract,
    matter,
    ms,
    refusal,
    signed,
)


def test_a_contract_on_its_award_registers_with_resolved_terms_and_its_parties():
    c = contract("100000.00", award_amount="100000.00")
    assert [m.amount for m in c.milestones] == [D("30000.00"), D("65000.00"), D("5000.00")]
    assert c.retention == D("5000.00") and c.amount == c.original_amount == D("100000.00")
    assert c.parties == {"drafter": "clerk", "purchaser": "buyer", "supplier_registrar": "reg"}


def test_registration_records_an_event_with_the_terms():
    from services.contract.domain.contract import Contract

    c = Contract.register(
        "c1",
        "HT-1",
        "org",
        "dzb",
        "t",
        award(),
        SUPPLIER,
        D("100000.00"),
        date(2026, 4, 15),
        date(2026, 12, 31),
        ms(("100%", Condition.ON_ACCEPTANCE)),
        "clerk",
        "buyer",
        POLICY,
        on=NOTICE,
    )
    (event,) = c.events
    assert isinstance(event, ContractRegistered)
    payload = event.payload()
    assert payload["basis"]["type"] == "award" and payload["milestones"][0]["amount"] == "100000.00"
    assert payload["retention"] == "0.00" and payload["warranty_end"] is None


def test_the_counterparty_must_be_the_awarded_supplier():
    other = replace(SUPPLIER, id="s2", name="另一家公司")
    error = refusal(contract, supplier=other)
    assert error.code == "contract_supplier_not_awarded" and error.details["awarded_supplier_id"] == "s1"
    assert error.message.startswith("合同相对方须为中标（成交）供应商") and "另一家公司" in error.message


def test_the_amount_may_not_exceed_the_award():
    error = refusal(contract, "100000.01", basis=award("100000.00"))
    assert error.code == "contract_amount_exceeds_award" and "超出 0.01 元" in error.message
    assert contract("99000.00", basis=award("100000.00")).amount == D("99000.00")


def test_a_supplier_not_in_good_standing_cannot_contract():
    bad = replace(SUPPLIER, standing="blacklisted", standing_reason="围标串标")
    error = refusal(contract, supplier=bad)
    assert error.code == "supplier_not_in_good_standing" and "围标串标" in error.message


def test_no_procurement_only_below_the_policys_amount_on_an_approved_application():
    terms_ = ms(("100%", Condition.ON_ACCEPTANCE))
    ok = contract("30000.00", basis=matter(), milestones=terms_, warranty_end=None)
    assert ok.signing_budget(D("40000.00")).from_document == MATTER
    error = refusal(contract, "50000.00", basis=matter("60000.00"), milestones=terms_)
    assert error.code == "contract_requires_procurement" and "须低于 50000.00 元" in error.message
    assert refusal(contract, "45000.00", basis=matter("40000.00"), milestones=terms_).code == (
        "contract_exceeds_application"
    )
    assert refusal(contract, "1.00", basis=matter(status="submitted"), milestones=terms_).code == (
        "application_not_approved"
    )


def test_a_contract_names_its_parties_and_ends_after_it_starts():
    for kw, rule in (
        ({"drafter": ""}, "contract_parties_missing"),
        ({"end_date": date(2026, 4, 14)}, "contract_term_invalid"),
    ):
        with pytest.raises(ContractInputInvalid) as caught:
            contract(**kw)
        assert caught.value.code == rule


def test_no_basis_and_no_amount_are_bad_input():
    from services.contract.domain.contract import check_basis

    with pytest.raises(ContractInputInvalid) as caught:
        check_basis(None, SUPPLIER, D("1.00"), "dzb", POLICY)
    assert caught.value.code == "contract_basis_missing"
    with pytest.raises(ContractInputInvalid) as caught:
        check_basis(award(), SUPPLIER, D("0.00"), "dzb", POLICY)
    assert caught.value.code == "contract_amount_not_positive"
    assert refusal(check_basis, award(unit="czb"), SUPPLIER, D("1.00"), "dzb", POLICY).code == "contract_unit_mismatch"


# ── terms ──
def test_terms_must_add_up_to_the_amount():
    error = refusal(contract, milestones=ms(("30%", Condition.ON_SIGNING), ("60000.00", Condition.ON_ACCEPTANCE)))
    assert error.code == "terms_do_not_add_up" and "相差 -10000.00 元" in error.message


@pytest.mark.parametrize(
    "milestones, rule",
    [
        ((), "terms_missing"),
        ((Milestone(1, "x", Condition.ON_SIGNING),), "milestone_amount_or_share"),
        ((Milestone(1, "x", Condition.ON_SIGNING, amount=D("1"), share=D("1")),), "milestone_amount_or_share"),
        ((Milestone(2, "x", Condition.ON_SIGNING, share=D("100")),), "milestone_numbers_invalid"),
        ((Milestone(1, "x", Condition.ON_SIGNING, amount=D("-1")),), "milestone_amount_not_positive"),
        ((Milestone(1, "x", Condition.ON_SIGNING, share=D("101")),), "milestone_share_invalid"),
        ((Milestone(1, "x", Condition.ON_PROGRESS, share=D("100")),), "milestone_progress_invalid"),
        ((Milestone(1, "x", Condition.ON_SIGNING, share=D("100"), payment_days=-1),), "milestone_payment_days_invalid"),
    ],
)
def test_each_malformed_milestone_is_named(milestones, rule):
    with pytest.raises(ContractInputInvalid) as caught:
        contract(milestones=milestones)
    assert caught.value.code == rule


def test_an_sme_is_paid_within_sixty_days_at_most():
    sme = replace(SUPPLIER, sme=True)
    late = ms(("100%", Condition.ON_ACCEPTANCE, {"payment_days": 61}))
    error = refusal(contract, supplier=sme, milestones=late, warranty_end=None)
    assert error.code == "payment_days_exceed_sme_limit" and "上限 60 天" in error.message
    contract(supplier=replace(SUPPLIER), milestones=late, warranty_end=None)  # not an SME: agreed terms stand


def test_retention_needs_a_warranty_end_after_the_start():
    with pytest.raises(ContractInputInvalid) as caught:
        contract(warranty_end=None)
    assert caught.value.code == "retention_without_warranty_end"
    with pytest.raises(ContractInputInvalid) as caught:
        contract(warranty_end=date(2026, 4, 15))
    assert caught.value.code == "warranty_end_invalid"


def test_works_retention_is_capped_at_three_percent_as_data():
    works = award(category="works")
    error = refusal(contract, basis=works)  # STANDARD holds 5 %
    assert error.code == "retention_exceeds_limit" and "上限 3%" in error.message
    three = ms(("97%", Condition.ON_ACCEPTANCE), ("3%", Condition.AFTER_WARRANTY))
    assert contract(basis=works, milestones=three).retention == D("3000.00")


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(
    st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2),
    st.lists(st.integers(1, 100), min_size=1, max_size=6),
)
def test_shares_of_a_hundred_percent_resolve_to_exactly_the_amount(amount, weights):
    # Shares with two places that add up to exactly 100.
    total = sum(weights)
    shares = [(D(w) * 100 / total).quantize(D("0.01")) for w in weights]
    shares[-1] += D("100") - sum(shares)
    if any(s <= 0 for s in shares):
        return
    milestones = tuple(Milestone(i, "x", Condition.ON_ACCEPTANCE, share=s) for i, s in enumerate(shares, 1))
    resolved = terms.resolve(milestones, amount)
    assert sum(m.amount for m in resolved) == amount
    for m in resolved[:-1]:
        assert m.amount == (amount * m.share / 100).quantize(D("0.01"), rounding="ROUND_DOWN")


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(
    st.decimals(min_value=D("100.00"), max_value=D("9999999.99"), places=2),
    st.decimals(min_value=D("0.01"), max_value=D("99.99"), places=2),
)
def test_a_fixed_part_stays_as_written_and_the_terms_pass_exactly_when_they_meet_the_amount(amount, share):
    fixed = (amount * (100 - share) / 100).quantize(D("0.01"))
    milestones = (
        Milestone(1, "预付", Condition.ON_SIGNING, amount=fixed),
        Milestone(2, "尾款", Condition.ON_ACCEPTANCE, share=share),
    )
    resolved = terms.resolve(milestones, amount)
    assert resolved[0].amount == fixed
    assert resolved[1].amount == (amount * share / 100).quantize(D("0.01"), rounding="ROUND_DOWN")
    total = resolved[0].amount + resolved[1].amount
    try:
        terms.check_adds_up(resolved, amount)
    except ContractRefused as error:
        assert total != amount and error.code == "terms_do_not_add_up"
    except ContractInputInvalid as error:
        assert error.code == "milestone_amount_not_positive" and resolved[1].amount == 0
    else:
        assert total == amount


# ── the signing route ──
def test_routing_facts_name_legal_review_and_major_matter_by_amount():
    assert contract("99999.99").routing_facts(POLICY) == {
        "amount": "99999.99",
        "legal_review": False,
        "major_matter": False,
        "basis": "award",
    }
    assert contract("100000.00").routing_facts(POLICY)["legal_review"] is True
    big = contract("500000.00").routing_facts(POLICY)
    assert big["legal_review"] and big["major_matter"]


def test_only_the_drafter_submits_and_the_submission_carries_route_and_parties():
    c = contract()
    with pytest.raises(ContractForbidden):
        c.submit("someone", POLICY)
    c.submit("clerk", POLICY)
    (event,) = c.events
    assert isinstance(event, ContractSubmitted) and event.routing["legal_review"] is True
    assert event.parties["purchaser"] == "buyer" and event.round == 1


def test_signing_without_approval_is_refused():
    c = contract()
    error = refusal(c.sign, NOTICE, POLICY, D("100000.00"))
    assert error.code == "contract_not_approved" and "草稿" in error.message
    c.submit("clerk", POLICY)
    assert refusal(c.sign, NOTICE, POLICY, D("100000.00")).code == "contract_not_approved"


def test_approval_rejection_return_and_resubmission():
    c = contract()
    c.submit("clerk", POLICY)
    c.return_("补充附件")
    c.submit("clerk", POLICY)
    assert c.round == 2
    c.reject("无必要")
    assert c.status is Status.REJECTED and isinstance(c.events[-1], ContractRejected)
    assert refusal(c.submit, "clerk", POLICY).code == "invalid_status_transition"


def test_signing_commits_the_amount_taking_over_the_pre_commitment_and_releasing_the_difference():
    c = contract("90000.00", award_amount="95000.00")
    c.submit("clerk", POLICY)
    c.approve()
    budget, flags = c.sign(date(2026, 4, 20), POLICY, held=D("100000.00"))
    assert (budget.commit, budget.release, budget.budget_line_id) == (D("90000.00"), D("10000.00"), "L1")
    assert budget.from_document.type == "procurement_application" and flags == []
    assert c.status is Status.SIGNED and c.signed_on == date(2026, 4, 20)
    assert [type(e) for e in c.events][-2:] == [ContractApproved, ContractSigned]
    assert c.events[-1].payload()["days_after_award"] == 10


def test_a_pre_commitment_smaller_than_the_amount_releases_nothing():
    assert contract().signing_budget(D("80000.00")).release == D("0.00")


def test_signing_before_the_award_notice_is_refused():
    c = contract()
    c.submit("clerk", POLICY)
    c.approve()
    error = refusal(c.sign, NOTICE - timedelta(days=1), POLICY, D("0"))
    assert error.code == "contract_signed_before_award"


def test_signing_later_than_thirty_days_after_the_notice_is_flagged_or_refused_as_data():
    c = contract()
    c.submit("clerk", POLICY)
    c.approve()
    strict = replace(POLICY, late_signing=Action.REFUSE)
    error = refusal(c.sign, NOTICE + timedelta(days=31), strict, D("0"))
    assert error.code == "contract_signed_late" and "相隔 31 天，超过 30 天" in error.message
    _, flags = c.sign(NOTICE + timedelta(days=31), POLICY, D("0"))
    assert flags[0].rule == "contract_signed_late" and c.events[-1].payload()["flags"][0]["details"]["days"] == 31


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.integers(0, 60))
def test_the_signing_window_is_exactly_the_policys_days(days):
    c = contract()
    c.submit("clerk", POLICY)
    c.approve()
    _, flags = c.sign(NOTICE + timedelta(days=days), POLICY, D("0"))
    assert bool(flags) == (days > POLICY.signing_days)


def test_the_supplier_is_checked_again_on_the_signing_day():
    c = contract()
    c.submit("clerk", POLICY)
    c.approve()
    bad = replace(SUPPLIER, standing="suspended")
    assert refusal(c.sign, NOTICE, POLICY, D("0"), bad).code == "supplier_not_in_good_standing"


def test_completion_needs_full_payment():
    c = signed()
    assert refusal(c.complete, D("99999.99"), date(2028, 1, 5)).code == "invalid_status_transition"
    c.complete(D("100000.00"), date(2028, 1, 5))
    assert c.status is Status.COMPLETED
