"""Amendments (the 10 % supplementary limit, the budget they move) and termination."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.contract.domain import amendments as am
from services.contract.domain.contract import BasisHolder, Status
from services.contract.domain.errors import ContractInputInvalid, ContractRefused
from services.contract.domain.events import AmendmentRejected, AmendmentSubmitted, ContractAmended, ContractTerminated
from services.contract.domain.terms import Condition
from tests.unit.contract.factories import POLICY, award, contract, ms, refusal, signed

ON = date(2026, 6, 1)


def propose(c, amount=None, **kw):
    n = len(c.amendments) + 1
    return am.propose(
        c, f"g{n}", f"BG-{n}", kw.pop("reason", "增加数量"), ON, POLICY, amount=D(amount) if amount else None, **kw
    )


def test_an_increase_within_ten_percent_commits_the_increase_once_approved():
    c = signed("100000.00")
    amendment = propose(c, "110000.00")
    assert isinstance(c.events[-1], AmendmentSubmitted) and c.events[-1].cumulative_increase == D("10000.00")
    assert c.amount == D("100000.00")  # nothing applies before approval
    am.decide(c, amendment.id, approved=True, on=ON)
    assert c.amount == D("110000.00") and c.cumulative_increase == D("10000.00")
    event = c.events[-1]
    assert isinstance(event, ContractAmended) and event.budget == {"commit": "10000.00", "relieve": "0.00"}
    assert [m.amount for m in c.milestones] == [D("33000.00"), D("71500.00"), D("5500.00")]  # shares follow


def test_an_increase_beyond_ten_percent_is_refused_with_the_figures():
    c = signed("100000.00")
    error = refusal(propose, c, "110000.01")
    assert error.code == "supplementary_exceeds_limit"
    assert "本次追加 10000.01 元" in error.message and "超过上限 10%（10000.00 元）" in error.message
    assert error.details["limit"] == "10000.00" and c.amendments == []


def test_increases_accumulate_and_a_decrease_gives_no_room_back():
    c = signed("100000.00")
    am.decide(c, propose(c, "106000.00").id, True, ON)
    am.decide(c, propose(c, "96000.00").id, True, ON)  # a decrease of 10,000
    error = refusal(propose, c, "100000.01")  # +4,000.01: 6,000 + 4,000.01 > 10,000
    assert error.code == "supplementary_exceeds_limit" and error.details["cumulative_increase"] == "6000.00"
    am.decide(c, propose(c, "100000.00").id, True, ON)
    assert c.cumulative_increase == D("10000.00") and c.cumulative_change == D("0.00")


def test_a_new_procurement_for_the_same_supplier_covers_an_increase_beyond_the_limit():
    c = signed("100000.00")
    other = award("50000.00", award_id="w9", supplier_id="s2")
    assert refusal(propose, c, "150000.00", new_award=other).code == "new_procurement_other_supplier"
    small = award("40000.00", award_id="w9")
    assert refusal(propose, c, "150000.00", new_award=small).code == "new_procurement_insufficient"
    amendment = propose(c, "150000.00", new_award=award("50000.00", award_id="w9"))
    am.decide(c, amendment.id, True, ON)
    assert (c.cumulative_increase, c.increase_via_procurement) == (D("0.00"), D("50000.00"))


def test_the_award_covering_an_increase_is_used_once():
    """Its one use: not while a contract, or another amendment, already uses it (the repository says which)."""
    c = signed("100000.00")
    new = award("50000.00", award_id="w9")
    elsewhere = BasisHolder("c2", "HT-2026-000002", Status.SIGNED)
    error = refusal(propose, c, "150000.00", new_award=new, new_award_taken_by=elsewhere)
    assert (error.code, error.details["contract_no"], error.details["used_by"]) == (
        "basis_already_contracted",
        "HT-2026-000002",
        "basis",
    )
    by_amendment = BasisHolder("c3", "HT-2026-000003", Status.SIGNED, "amendment", "BG-2026-000007")
    error = refusal(propose, c, "150000.00", new_award=new, new_award_taken_by=by_amendment)
    assert "变更 BG-2026-000007" in error.message and c.amendments == []
    # The contract's own basis is a use too: its award cannot also cover its increase.
    own = BasisHolder(c.id, c.no, Status.SIGNED)
    assert refusal(propose, c, "150000.00", new_award=new, new_award_taken_by=own).code == "basis_already_contracted"


def test_an_increase_within_ten_percent_leaves_an_offered_award_unused():
    c = signed("100000.00")
    taken = BasisHolder("c2", "HT-2026-000002", Status.SIGNED)
    amendment = propose(c, "105000.00", new_award=award("50000.00", award_id="w9"), new_award_taken_by=taken)
    assert amendment.via_procurement is None
    am.decide(c, amendment.id, True, ON)
    assert (c.cumulative_increase, c.increase_via_procurement) == (D("5000.00"), D("0.00"))


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.lists(st.integers(-5000, 5000).filter(lambda n: n != 0), min_size=1, max_size=8))
def test_the_supplementary_increases_never_exceed_ten_percent_of_the_original(steps):
    c = signed("100000.00")
    for step in steps:
        target = c.amount + D(step)
        try:
            amendment = propose(c, str(target))
        except ContractRefused as error:  # a refusal is fine; what matters is what was accepted
            assert error.code in ("supplementary_exceeds_limit", "amount_below_paid")
            continue
        am.decide(c, amendment.id, True, ON)
        assert c.cumulative_increase <= D("10000.00")
    increases = sum((a.delta for a in c.amendments if a.applied and a.delta > 0), D("0.00"))
    assert increases == c.cumulative_increase
    assert c.amount == D("100000.00") + c.cumulative_change


def test_a_decrease_relieves_and_may_not_go_below_what_was_paid():
    c = signed("100000.00")
    assert refusal(propose, c, "39999.99", paid=D("40000.00")).code == "amount_below_paid"
    amendment = propose(c, "80000.00", paid=D("40000.00"))
    assert amendment.budget() == {"commit": "0.00", "relieve": "20000.00"}


def test_a_term_or_scope_change_moves_no_money():
    c = signed()
    amendment = propose(c, end_date=date(2027, 3, 31), scope="增加安装调试")
    am.decide(c, amendment.id, True, ON)
    assert c.end_date == date(2027, 3, 31) and c.scope == "增加安装调试" and c.events[-1].budget["commit"] == "0.00"


@pytest.mark.parametrize(
    "kw, rule",
    [
        ({}, "amendment_without_change"),
        ({"reason": " ", "scope": "x"}, "amendment_reason_required"),
        ({"end_date": date(2026, 1, 1)}, "contract_term_invalid"),
    ],
)
def test_malformed_amendments_are_bad_input(kw, rule):
    with pytest.raises(ContractInputInvalid) as caught:
        propose(signed(), **kw)
    assert caught.value.code == rule


def test_fixed_milestones_must_be_restated_when_the_amount_changes():
    fixed = ms(("30000.00", Condition.ON_SIGNING), ("70000.00", Condition.ON_ACCEPTANCE))
    c = signed(milestones=fixed, warranty_end=None)
    assert refusal(propose, c, "105000.00").code == "terms_do_not_add_up"
    restated = ms(("30000.00", Condition.ON_SIGNING), ("75000.00", Condition.ON_ACCEPTANCE))
    am.decide(c, propose(c, "105000.00", milestones=restated).id, True, ON)
    assert c.milestones[1].amount == D("75000.00")


def test_one_amendment_at_a_time_and_only_on_a_signed_contract():
    c = signed()
    propose(c, "101000.00")
    assert refusal(propose, c, "102000.00").code == "amendment_pending"
    assert refusal(propose, contract(), "101000.00").code == "contract_not_in_force"


def test_a_rejected_amendment_changes_nothing_and_a_redelivered_decision_is_a_no_op():
    c = signed()
    amendment = propose(c, "105000.00")
    am.decide(c, amendment.id, False, ON, "没有必要")
    am.decide(c, amendment.id, True, ON)
    assert c.amount == D("100000.00") and isinstance(c.events[-1], AmendmentRejected)
    assert refusal(am.decide, c, "nope", True, ON).code == "amendment_unknown"


def test_termination_relieves_the_commitment_beyond_the_settlement():
    c = signed("100000.00")
    assert refusal(
        am.terminate, c, am.TerminationKind.RESCISSION, ON, "供应商违约", D("40000.00"), D("39999.99")
    ).code == ("settlement_invalid")
    relieve = am.terminate(c, am.TerminationKind.RESCISSION, ON, "供应商违约", D("40000.00"), D("45000.00"))
    assert relieve == D("55000.00") and c.status is Status.TERMINATED and c.payable_ceiling == D("45000.00")
    event = c.events[-1]
    assert isinstance(event, ContractTerminated) and event.payload()["kind"] == "rescission"


def test_termination_by_default_settles_at_what_was_paid():
    c = signed("100000.00")
    assert am.terminate(c, am.TerminationKind.TERMINATION, ON, "项目取消", D("30000.00")) == D("70000.00")
    assert refusal(am.terminate, c, am.TerminationKind.TERMINATION, ON, "再次", D("0")).code == "contract_not_in_force"


def test_the_limit_rate_is_data():
    c = signed("100000.00")
    generous = replace(POLICY, supplementary_limit_rate=D("20"))
    am.propose(c, "g1", "BG-1", "追加", ON, generous, amount=D("120000.00"))
