"""The procurement application: items and their sum, the category, where the money comes from, its states."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.procurement.domain import application as pa
from services.procurement.domain.errors import ProcurementForbidden, ProcurementInputInvalid
from services.procurement.domain.events import (
    ApplicationApproved,
    ApplicationCancelled,
    ApplicationRejected,
    ApplicationSubmitted,
    MethodChanged,
    MethodChangeRejected,
    MethodChangeRequested,
)
from services.procurement.domain.kinds import Category, Method
from tests.unit.procurement.factories import POLICY, TODAY, application, approved, item, matter, refusal

Status = pa.Status


def test_the_budget_amount_is_the_sum_of_quantity_times_estimated_unit_price():
    app = application(items=(item("3500.00", quantity="4"), item("0.33", quantity="3", name="签字笔")))
    assert app.amount == D("14000.99")


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3),
            st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_budget_amount_is_exactly_the_sum_of_the_rounded_item_amounts(lines):
    items = tuple(item(str(price), quantity=str(qty)) for qty, price in lines)
    app = application(items=items)
    assert app.amount == sum(i.amount for i in items)
    assert app.amount == app.amount.quantize(D("0.01"))


@pytest.mark.parametrize(
    "bad, field, rule",
    [
        (dict(quantity="0"), "items[0].quantity", "item_quantity_not_positive"),
        (dict(quantity="-1"), "items[0].quantity", "item_quantity_not_positive"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(bad, field, rule):
    with pytest.raises(ProcurementInputInvalid) as caught:
        application(items=(item("10.00", **bad),))
    assert caught.value.code == rule and caught.value.details["fields"][0]["field"] == field


def test_a_price_of_zero_and_no_items_are_refused():
    with pytest.raises(ProcurementInputInvalid, match="预估单价必须大于零"):
        application(items=(item("0.00"),))
    with pytest.raises(ProcurementInputInvalid, match="至少包含一项"):
        pa.ProcurementApplication.draft("a", "n", "o", "u", "c", "t", (), Method.SELF_PROCUREMENT, budget_line_id="L")


def test_the_category_is_that_of_the_largest_part_of_the_money():
    items = (item("600.00", Category.GOODS), item("400.00", Category.WORKS), item("500.00", Category.SERVICES))
    assert application(items=items).category is Category.GOODS
    assert application(items=(item("500.00", Category.GOODS), item("500.00", Category.WORKS))).category is (
        Category.WORKS
    )


def test_funding_names_a_matter_application_or_a_budget_line_never_both_nor_none():
    with pytest.raises(ProcurementInputInvalid) as caught:
        pa.fund(D("1.00"), "dzb", matter(), "L1")
    assert caught.value.code == "application_funding_missing"
    with pytest.raises(ProcurementInputInvalid):
        pa.fund(D("1.00"), "dzb", None, None)


def test_from_a_matter_application_the_pre_commitment_is_taken_over_not_reserved_again():
    app = application("30000.00", funded_by_matter=True, matter_amount="50000.00")
    funding = app.funding
    assert (funding.reserve, funding.taken_over, funding.left_with_matter) == (D("0"), D("30000.00"), D("20000.00"))
    assert funding.budget_line_id == "L1" and app.pre_commitment_holder.type == "matter_application"
    app.submit(POLICY, TODAY)
    assert app.status is Status.SUBMITTED  # nothing to reserve: straight into approval


def test_on_its_own_budget_line_the_application_reserves_its_amount_and_holds_it():
    app = application("30000.00")
    assert app.funding.reserve == D("30000.00") and app.pre_commitment_holder == app.document
    app.submit(POLICY, TODAY)
    assert app.status is Status.RESERVING
    app.reserved()
    assert app.status is Status.SUBMITTED


@pytest.mark.parametrize(
    "facts, rule",
    [
        (dict(status="submitted"), "application_not_approved"),
        (dict(unit="czb"), "application_unit_mismatch"),
    ],
)
def test_the_matter_application_must_be_approved_and_of_the_same_unit(facts, rule):
    assert refusal(pa.fund, D("1.00"), "dzb", matter(**facts), None).code == rule


def test_the_budget_may_not_exceed_the_approved_matter_amount():
    error = refusal(pa.fund, D("50000.01"), "dzb", matter("50000.00"), None)
    assert error.code == "budget_exceeds_application" and "超出 0.01 元" in error.message


def test_submission_determines_and_checks_the_method_and_records_why():
    app = application("1200000.00", Method.SELF_PROCUREMENT)
    assert refusal(app.submit, POLICY, TODAY).code == "method_weaker_than_required"
    assert app.status is Status.DRAFT and app.events == [] and app.round == 0
    app = application("1200000.00", Method.COMPETITIVE_NEGOTIATION)
    app.submit(POLICY, TODAY)
    (event,) = app.events
    assert isinstance(event, ApplicationSubmitted) and event.requirement["tier"] == "decentralised"
    payload = event.payload()
    assert payload["amount"] == "1200000.00" and payload["document"]["type"] == "procurement_application"
    assert payload["funding"]["reserve"] == "1200000.00" and payload["major_matter"] is True


def test_single_source_is_routed_to_an_extra_approval_step():
    app = application("20000.00", Method.SINGLE_SOURCE, justification="唯一授权服务商")
    app.submit(POLICY, TODAY)
    assert app.routing_facts()["extra_approval"] is True


def test_catalogue_and_non_catalogue_items_are_not_mixed():
    items = (item("20000.00", catalogue_code="A02010104", name="台式计算机"), item("1000.00", name="文件柜"))
    app = application(items=items, method=Method.FRAMEWORK_AGREEMENT)
    error = refusal(app.submit, POLICY, TODAY)
    assert error.code == "catalogue_items_mixed" and "文件柜" in error.message


def test_approval_rejection_and_their_events():
    app = application()
    app.submit(POLICY, TODAY)
    app.reserved()
    app.approve()
    app.approve()  # a redelivered completion changes nothing
    assert [type(e) for e in app.events] == [ApplicationSubmitted, ApplicationApproved]
    other = application()
    other.submit(POLICY, TODAY)
    other.reserved()
    other.reject("不需要")
    assert isinstance(other.events[-1], ApplicationRejected) and other.events[-1].release == D("30000.00")


def test_a_returned_application_is_resubmitted_by_its_applicant_as_a_new_round_under_todays_policy():
    app = application()
    app.submit(POLICY, TODAY)
    app.reserved()
    app.return_("补充说明")
    with pytest.raises(ProcurementForbidden):
        app.resubmit("someone", POLICY, TODAY)
    app.resubmit("clerk", POLICY, TODAY)
    assert app.status is Status.SUBMITTED and app.round == 2 and app.events[-1].round == 2


def test_an_approved_application_cannot_be_resubmitted():
    app = approved()
    assert refusal(app.resubmit, "clerk", POLICY, TODAY).code == "invalid_status_transition"


def test_cancelling_releases_only_what_the_application_itself_reserved():
    own = approved("30000.00")
    assert own.cancel("clerk", "需求取消") == D("30000.00")
    assert isinstance(own.events[-1], ApplicationCancelled)
    taken = approved("30000.00", funded_by_matter=True)
    assert taken.cancel("clerk", "需求取消") == D("0.00")
    draft = application()
    assert draft.cancel("clerk", "不要了") == D("0.00")  # a draft reserved nothing


def test_an_awarded_application_cannot_be_cancelled():
    app = approved()
    app.awarded("w1")
    assert refusal(app.cancel, "clerk", "x").code == "invalid_status_transition"


def test_a_method_change_is_requested_approved_or_rejected_and_blocks_sourcing_meanwhile():
    app = approved("2000000.00", Method.REQUEST_FOR_QUOTATION)
    app.request_method_change(Method.OPEN_TENDER, "扩大竞争", TODAY)
    assert isinstance(app.events[-1], MethodChangeRequested)
    assert refusal(app.request_method_change, Method.INVITED_TENDER, "x", TODAY).code == "method_change_pending"
    assert refusal(app.start_sourcing).code == "method_change_pending"
    app.method_change_decided(approved=True)
    assert app.method is Method.OPEN_TENDER and isinstance(app.events[-1], MethodChanged)
    app.request_method_change(Method.COMPETITIVE_CONSULTATION, "改为磋商", TODAY)
    app.method_change_decided(approved=False)
    assert app.method is Method.OPEN_TENDER and isinstance(app.events[-1], MethodChangeRejected)
    app.method_change_decided(approved=True)  # redelivered: nothing pending, nothing changes
    assert app.method is Method.OPEN_TENDER


def test_a_method_change_before_approval_is_refused():
    app = application("2000000.00", Method.REQUEST_FOR_QUOTATION)
    assert refusal(app.request_method_change, Method.OPEN_TENDER, "x", TODAY).code == "invalid_status_transition"


def test_parties_name_the_purchaser_for_segregation_of_duties():
    assert application().parties == {"applicant": "clerk", "purchaser": "clerk"}
    assert application(purchaser="buyer").parties["purchaser"] == "buyer"
