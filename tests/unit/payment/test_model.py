from __future__ import annotations

from decimal import Decimal

import pytest

from ic_platform.errors import Conflict, Forbidden
from services.payment.domain.model import MatterApplication, Status


def application(status=Status.RESERVING) -> MatterApplication:
    return MatterApplication(
        id="a",
        no="SQ-2026-000001",
        org="o",
        title="t",
        purpose="",
        unit="dzb",
        applicant="clerk",
        budget_line_id="L",
        amount=Decimal("10.00"),
        status=status,
    )


def test_a_submission_moves_forward_once_and_a_repeat_is_a_no_op():
    app = application()
    assert app.move_to(Status.SUBMITTED)
    assert not app.move_to(Status.SUBMITTED)
    assert app.move_to(Status.APPROVED)


@pytest.mark.parametrize(
    "start, target",
    [
        (Status.RESERVING, Status.APPROVED),
        (Status.REFUSED, Status.SUBMITTED),
        (Status.APPROVED, Status.REJECTED),
    ],
)
def test_impossible_transitions_are_refused_in_chinese(start, target):
    with pytest.raises(Conflict) as caught:
        application(start).move_to(target)
    assert "不能变为" in caught.value.message


def test_returned_then_resubmitted_then_approved():
    app = application(Status.SUBMITTED)
    assert app.move_to(Status.RETURNED, "请补充采购清单")
    assert (app.status, app.status_reason) == (Status.RETURNED, "请补充采购清单")
    app.resubmit("clerk", purpose="附采购清单")
    assert (app.status, app.status_reason, app.purpose, app.title) == (Status.SUBMITTED, None, "附采购清单", "t")
    assert app.move_to(Status.APPROVED)


def test_only_the_applicant_resubmits():
    app = application(Status.RETURNED)
    with pytest.raises(Forbidden) as refused:
        app.resubmit("head", title="改")
    assert refused.value.http_status == 403
    assert (app.status, app.title) == (Status.RETURNED, "t")


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.RESERVING, Status.CANCELLED, Status.CLOSED]
)
def test_only_a_returned_withdrawn_or_refused_application_is_resubmitted(status):
    app = application(status)
    with pytest.raises(Conflict) as refused:
        app.resubmit("clerk", title="改")
    assert refused.value.http_status == 409 and "已退回" in refused.value.message
    assert (app.status, app.title) == (status, "t")


def test_a_returned_application_is_neither_approved_nor_rejected_directly():
    for target in (Status.APPROVED, Status.REJECTED):
        with pytest.raises(Conflict):
            application(Status.RETURNED).move_to(target)


def test_a_refused_application_resubmitted_reserves_again_with_the_override_it_names():
    app = application(Status.REFUSED)
    assert app.resubmit("clerk", override_id="o-1")
    assert (app.status, app.reserve_step, app.override_id) == (Status.RESERVING, "submit:2", "o-1")


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.RETURNED, Status.REFUSED])
def test_the_applicant_cancels_what_is_not_in_approval(status):
    app = application(status)
    with pytest.raises(Forbidden):
        app.cancel("head", "不再需要")
    app.cancel("clerk", "不再需要")
    assert (app.status, app.status_reason) == (Status.CANCELLED, "不再需要")
    with pytest.raises(Conflict):
        app.resubmit("clerk")


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.RESERVING])
def test_what_is_in_approval_or_decided_is_not_cancelled(status):
    with pytest.raises(Conflict) as refused:
        application(status).cancel("clerk", "不再需要")
    assert refused.value.code == "matter_application_not_cancellable" and "作废" in refused.value.message


def test_an_approved_application_is_closed_by_its_applicant_or_finance_only():
    with pytest.raises(Forbidden):
        application(Status.APPROVED).close("head", {"unit_head"}, "已完成")
    application(Status.APPROVED).close("finance", {"finance_reviewer"}, "已完成")
    app = application(Status.APPROVED)
    app.close("clerk", set(), "活动已结束")
    assert (app.status, app.status_reason) == (Status.CLOSED, "活动已结束")
    with pytest.raises(Conflict) as refused:
        application(Status.SUBMITTED).close("clerk", set(), "x")
    assert refused.value.code == "matter_application_not_closable"
