"""Acceptance (验收): result, members, committee from an amount, segregation by the conflict matrix; a failed
acceptance blocks the milestone's payment until a later one passes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ic_platform.errors import DomainError
from services.approval.domain.conflicts import INCOMPATIBLE
from services.contract.domain import acceptance, execution
from services.contract.domain.execution import AcceptanceResult as R
from tests.unit.contract.factories import POLICY, contract, signed

TODAY = date(2026, 9, 1)


def record(c, **kw):
    args = {
        "milestone_no": 2,
        "delivery": None,
        "result": R.PASSED,
        "accepted_on": date(2026, 8, 20),
        "members": ("head", "leader", "expert"),
        "acceptor": "head",
        "findings": "",
        "earlier": [],
        "policy": POLICY,
        "today": TODAY,
    }
    args.update(kw)
    return acceptance.record(c, "a1", **args)


def rule(fn, *args, **kw) -> tuple[str, DomainError]:
    with pytest.raises(DomainError) as caught:
        fn(*args, **kw)
    return caught.value.details.get("rule", caught.value.code), caught.value


def test_a_passed_acceptance_of_a_milestone_is_recorded_with_its_amount_and_members():
    r = record(signed())
    assert r.amount == D("65000.00") and r.members == ("head", "leader", "expert") and r.acceptor == "head"
    assert r.fact == execution.Acceptance(2, R.PASSED, date(2026, 8, 20))


def test_the_acceptor_is_counted_among_the_members():
    r = record(signed("50000.00"), members=("leader",))
    assert r.members == ("head", "leader")


def test_the_purchaser_may_not_accept_the_rule_of_the_matrix_named():
    name, error = rule(record, signed(), acceptor="buyer", members=("head", "leader"))
    assert error.code == "sod_incompatible_roles" and name == "acceptor/purchaser"
    assert "采购经办" in error.message and "验收" in error.message and error.http_status == 403


def test_the_drafter_may_not_be_a_member_either():
    name, error = rule(record, signed(), members=("head", "clerk", "leader"))
    assert name == "acceptor/drafter" and error.details["person"] == "clerk"


def test_the_drafter_pair_is_in_the_one_conflict_matrix():
    assert ("drafter", "acceptor") in INCOMPATIBLE


def test_a_committee_of_three_from_the_policys_amount():
    name, error = rule(record, signed("200000.00"), members=("leader",))  # milestone 2: 130,000
    assert name == "acceptance_committee_required" and "不少于 3 人" in error.message
    assert record(signed(), members=("leader",)).members == ("head", "leader")  # 65,000 below 100,000


def test_a_failed_or_reserved_result_needs_findings():
    assert rule(record, signed(), result=R.FAILED)[0] == "acceptance_findings_required"
    assert rule(record, signed(), result=R.PASSED_WITH_REMARKS)[0] == "acceptance_findings_required"


def test_only_a_signed_contract_and_an_on_acceptance_milestone_are_accepted():
    assert rule(record, contract())[0] == "acceptance_contract_not_signed"
    assert rule(record, signed(), milestone_no=1)[0] == "acceptance_milestone_not_on_acceptance"
    assert rule(record, signed(), milestone_no=9)[0] == "milestone_unknown"


def test_a_delivery_acceptance_names_what_was_delivered():
    assert rule(record, signed(), milestone_no=None)[0] == "acceptance_delivery_required"
    r = record(signed(), milestone_no=None, delivery="第一批 20 台电脑")
    assert r.amount is None and r.fact is None


def test_the_date_is_after_signing_and_not_in_the_future():
    assert rule(record, signed(), accepted_on=date(2026, 4, 1))[0] == "acceptance_date_invalid"
    assert rule(record, signed(), accepted_on=date(2026, 9, 2))[0] == "acceptance_date_invalid"


def test_a_passed_milestone_is_not_accepted_again_but_a_failed_one_is():
    c = signed()
    failed = record(c, result=R.FAILED, findings="两台无法开机")
    again = record(c, earlier=[failed], accepted_on=date(2026, 8, 25))
    assert again.result is R.PASSED
    assert rule(record, c, earlier=[failed, again])[0] == "acceptance_already_passed"


def test_a_failed_acceptance_blocks_the_milestones_payment_and_a_later_pass_releases_it():
    c = signed()
    failed = record(c, result=R.FAILED, findings="不合格")
    ex = execution.compute(c, TODAY, POLICY, acceptances=[failed.fact])
    assert rule(execution.check_payment, ex, 2, D("1000.00"))[0] == "acceptance_failed"
    passed = record(c, earlier=[failed], accepted_on=date(2026, 8, 25))
    ex = execution.compute(c, TODAY, POLICY, acceptances=[failed.fact, passed.fact])
    execution.check_payment(ex, 2, D("65000.00"))
