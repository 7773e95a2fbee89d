"""A matter application withdrawn from approval by its applicant (撤回) holds nothing: resubmitting it asks the
budget again (it becomes `reserving`, with the next reservation step)."""

from __future__ import annotations

import pytest

from ic_platform.errors import Conflict
from services.payment.domain.model import STATUS_LABELS, Status

from .test_model import application


def test_withdrawn_then_resubmitted_then_approved():
    app = application(Status.SUBMITTED)
    assert app.move_to(Status.WITHDRAWN, "金额填错")
    assert (app.status, STATUS_LABELS[app.status]) == (Status.WITHDRAWN, "已撤回")
    assert app.resubmit("clerk", title="改正后的标题")  # the budget is asked again
    assert (app.status, app.title, app.reserve_step) == (Status.RESERVING, "改正后的标题", "submit:2")
    assert app.move_to(Status.SUBMITTED)
    assert app.move_to(Status.APPROVED)


def test_a_returned_application_may_be_withdrawn_too():
    app = application(Status.RETURNED)
    assert app.move_to(Status.WITHDRAWN, "申请人已撤回")


@pytest.mark.parametrize("start", [Status.RESERVING, Status.APPROVED, Status.REJECTED, Status.REFUSED])
def test_only_an_application_in_approval_is_withdrawn(start):
    with pytest.raises(Conflict):
        application(start).move_to(Status.WITHDRAWN)


@pytest.mark.parametrize("target", [Status.APPROVED, Status.REJECTED, Status.RETURNED])
def test_a_withdrawn_application_is_only_reserved_again_or_cancelled(target):
    with pytest.raises(Conflict):
        application(Status.WITHDRAWN).move_to(target)
