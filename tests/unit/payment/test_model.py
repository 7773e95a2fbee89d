from __future__ import annotations

from decimal import Decimal

import pytest

from ic_platform.errors import Conflict
from services.payment.domain.model import MatterApplication, Status


def application(status=Status.RESERVING) -> MatterApplication:
    return MatterApplication(id="a", no="SQ-2026-000001", org="o", title="t", purpose="", unit="dzb",
                             applicant="clerk", budget_line_id="L", amount=Decimal("10.00"), status=status)


def test_a_submission_moves_forward_once_and_a_repeat_is_a_no_op():
    app = application()
    assert app.move_to(Status.SUBMITTED)
    assert not app.move_to(Status.SUBMITTED)
    assert app.move_to(Status.APPROVED)


@pytest.mark.parametrize("start, target", [
    (Status.RESERVING, Status.APPROVED), (Status.REFUSED, Status.SUBMITTED), (Status.APPROVED, Status.REJECTED),
])
def test_impossible_transitions_are_refused_in_chinese(start, target):
    with pytest.raises(Conflict) as caught:
        application(start).move_to(target)
    assert "不能变为" in caught.value.message
