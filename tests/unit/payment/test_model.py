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


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.RESERVING])
def test_only_a_returned_application_is_resubmitted(status):
    app = application(status)
    with pytest.raises(Conflict) as refused:
        app.resubmit("clerk", title="改")
    assert refused.value.http_status == 409 and "已退回" in refused.value.message
    assert (app.status, app.title) == (status, "t")


def test_a_returned_application_is_neither_approved_nor_rejected_directly():
    for target in (Status.APPROVED, Status.REJECTED):
        with pytest.raises(Conflict):
            application(Status.RETURNED).move_to(target)
