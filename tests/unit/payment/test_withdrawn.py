"""A matter application withdrawn from approval by its applicant (撤回) behaves like a returned one."""

from __future__ import annotations

import pytest

from ic_platform.errors import Conflict
from services.payment.domain.model import STATUS_LABELS, Status

from .test_model import application


def test_withdrawn_then_resubmitted_then_approved():
    app = application(Status.SUBMITTED)
    assert app.move_to(Status.WITHDRAWN, "金额填错")
    assert (app.status, STATUS_LABELS[app.status]) == (Status.WITHDRAWN, "已撤回")
    app.resubmit("clerk", title="改正后的标题")
    assert (app.status, app.title) == (Status.SUBMITTED, "改正后的标题")
    assert app.move_to(Status.APPROVED)


@pytest.mark.parametrize("start", [Status.RESERVING, Status.APPROVED, Status.REJECTED, Status.RETURNED])
def test_only_an_application_in_approval_is_withdrawn(start):
    with pytest.raises(Conflict):
        application(start).move_to(Status.WITHDRAWN)


@pytest.mark.parametrize("target", [Status.APPROVED, Status.REJECTED, Status.RETURNED])
def test_a_withdrawn_application_only_goes_back_into_approval(target):
    with pytest.raises(Conflict):
        application(Status.WITHDRAWN).move_to(target)
