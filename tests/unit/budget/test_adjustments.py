"""Budget adjustments' pure rules (预算调整): what a transfer or a supplementary may do, and the document's
status changes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from ic_platform.errors import Conflict, Forbidden, InvalidInput
from services.budget.domain import adjustments as adj
from services.budget.domain.model import ControlMode
from tests.unit.budget.test_model import make_line

NONE = adj.CrossKindRules()


def lines(**to):
    source = make_line("1000.00", pre_committed="300.00")
    return source, replace(make_line("500.00"), **{"id": "T", **to})


def refusal(source, target, amount, rules=NONE) -> Conflict:
    with pytest.raises(Conflict) as caught:
        adj.check_transfer(source, target, D(amount), rules)
    return caught.value


def test_a_transfer_within_the_available_balance_passes():
    source, target = lines()
    adj.check_transfer(source, target, D("700.00"), NONE)  # exactly the available balance


def test_a_transfer_never_takes_more_than_available_even_from_a_warn_line():
    source, target = lines()
    error = refusal(replace(source, control_mode=ControlMode.WARN), target, "700.01")
    assert error.details["rule"] == "transfer_exceeds_available" and error.details["available"] == "700.00"
    assert "可用余额 700.00 元" in error.message


@pytest.mark.parametrize(
    "change, rule",
    [
        ({"id": "L"}, "same_line"),
        ({"org": "other"}, "other_org"),
        ({"fiscal_year": 2027}, "other_fiscal_year"),
        ({"closed": True}, "line_closed"),
        ({"expenditure_kind": "project"}, "basic_project_transfer"),
    ],
)
def test_each_rule_refuses_with_its_name(change, rule):
    source, target = lines(**change)
    assert refusal(source, target, "10.00").details["rule"] == rule


def test_basic_to_project_is_refused_by_name_unless_a_rule_for_that_year_allows_it():
    source, target = lines(expenditure_kind="project")
    error = refusal(source, target, "10.00")
    assert adj.BASIC_PROJECT_RULE in error.message and error.details["rule_name"] == "基本支出与项目支出不得相互调剂"
    allowed = adj.CrossKindRules.parse("2026:basic>project")
    adj.check_transfer(source, target, D("10.00"), allowed)
    # The allowance is per year and per direction.
    assert refusal(source, replace(target, fiscal_year=2027), "10.00", allowed).details["rule"] == "other_fiscal_year"
    assert refusal(replace(target, id="P"), source, "10.00", allowed).details["rule"] == "basic_project_transfer"


@pytest.mark.parametrize("text", ["2026", "2026:basic>basic", "abc:basic>project", "2026:basic-project"])
def test_a_bad_cross_kind_rule_is_refused_at_load(text):
    with pytest.raises(ValueError):
        adj.CrossKindRules.parse(text)


def test_no_configuration_allows_no_cross_kind_transfer():
    assert adj.CrossKindRules.parse(None).allowed == frozenset()
    assert adj.CrossKindRules.parse("2026:basic>project，2027:project>basic").allowed == {
        (2026, "basic", "project"),
        (2027, "project", "basic"),
    }


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_zero_or_negative_amounts_are_refused_naming_the_field(amount):
    source, target = lines()
    with pytest.raises(InvalidInput) as caught:
        adj.check_transfer(source, target, D(amount), NONE)
    assert caught.value.details["fields"][0]["field"] == "amount"


def test_a_supplementary_needs_a_fund_source_and_an_open_line():
    _, target = lines()
    adj.check_supplementary(target, D("100.00"), "general_public_budget")
    with pytest.raises(InvalidInput) as caught:
        adj.check_supplementary(target, D("100.00"), None)
    assert caught.value.details["fields"][0]["field"] == "fund_source"
    with pytest.raises(Conflict):
        adj.check_supplementary(replace(target, closed=True), D("100.00"), "general_public_budget")


def make_adjustment(**kw) -> adj.Adjustment:
    return adj.Adjustment(
        **{
            "id": "a",
            "no": "TZ-2026-000001",
            "org": "o",
            "kind": adj.Kind.TRANSFER,
            "fiscal_year": 2026,
            "from_line_id": "L",
            "to_line_id": "T",
            "amount": D("10.00"),
            "reason": "r",
            "initiator": "clerk",
            "unit": "dzb",
            "status": adj.Status.SUBMITTED,
            **kw,
        }
    )


def test_status_changes_follow_approval_and_a_redelivery_changes_nothing():
    a = make_adjustment()
    assert a.move_to(adj.Status.RETURNED, "补充测算")
    assert a.move_to(adj.Status.SUBMITTED)
    assert a.move_to(adj.Status.APPROVED) and not a.move_to(adj.Status.APPROVED)
    with pytest.raises(Conflict):
        a.move_to(adj.Status.REJECTED)
    assert a.document.as_dict() == {"type": "budget_adjustment", "id": "a", "no": "TZ-2026-000001"}
    assert a.title == "预算调剂：L → T"


def test_only_the_initiator_resubmits():
    with pytest.raises(Forbidden):
        make_adjustment().check_initiator("head", "重新提交")
    make_adjustment().check_initiator("clerk", "重新提交")


def test_amounts_record_before_and_after():
    assert adj.amounts_record({"T": D("500"), "L": D("1000")}, {"T": D("510"), "L": D("990")}) == {
        "L": {"before": "1000.00", "after": "990.00"},
        "T": {"before": "500.00", "after": "510.00"},
    }
