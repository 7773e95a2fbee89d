"""Payment's use cases with fakes: a withdrawn or refused application resubmitted reserves again under its next
step (with the override named), as a first submission or a new round; a withdrawal of a returned one is heard;
cancel and close publish what the budget releases by."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ic_platform import catalogue
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict
from ic_platform.identity import Viewer
from services.payment.domain.model import MatterApplication, Status
from services.payment.service_layer import commands, handlers

APP_ID = "6f0e3a52-3c1b-4d8e-9b0a-7d1f2c4e5a61"


class FakeApplications:
    def __init__(self, app: MatterApplication):
        self.app = app

    def get(self, app_id: str, *, for_update: bool = False) -> MatterApplication | None:
        return self.app if app_id == self.app.id else None

    def save_status(self, app: MatterApplication, routed: bool = False) -> None: ...
    def save_resubmission(self, app: MatterApplication) -> None: ...


class FakeDesk:
    def holds(self, *args: Any) -> bool:
        return False


class FakeClaims:
    def __init__(self, live: str | None = None):
        self.live = live

    def live_on(self, application_id: str) -> str | None:
        return self.live


class FakeUow:
    def __init__(self, app: MatterApplication, claim_in_progress: str | None = None):
        self.applications, self.desk, self.events = FakeApplications(app), FakeDesk(), []
        self.claims = FakeClaims(claim_in_progress)

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    def publish(self, envelope: Envelope) -> None:
        catalogue.validate(envelope.as_dict())  # what is published is what the catalogue says
        self.events.append(envelope)


class FakeBudget:
    def __init__(self, refuse: bool = False):
        self.calls, self.refuse = [], refuse

    def reserve(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.refuse:
            raise Conflict("budget_insufficient", "预算指标可用余额不足", {"allowed": False})
        return {"allowed": True, "rule": "budget_override" if kwargs.get("override_id") else "block_ok"}


def application(status: Status, routed: bool = True) -> MatterApplication:
    return MatterApplication(
        id=APP_ID,
        no="SQ-2026-000001",
        org="xinqiao",
        title="t",
        purpose="",
        unit="dzb",
        applicant="clerk",
        budget_line_id="L",
        amount=Decimal("100.00"),
        status=status,
        routed=routed,
    )


def ctx(username: str = "clerk", roles: tuple[str, ...] = ("clerk",)) -> CallContext:
    return CallContext(org="xinqiao", actor=username, viewer=Viewer.of(username, "dzb", roles))


def resubmit(uow: FakeUow, budget: FakeBudget, **kwargs: Any) -> dict[str, Any]:
    cmd = commands.ResubmitMatterApplication.parse({"application_id": APP_ID, **kwargs})
    return handlers.resubmit_matter_application(cmd, uow, ctx(), budget)


def test_a_withdrawn_application_reserves_again_and_starts_a_new_round():
    uow, budget = FakeUow(application(Status.WITHDRAWN)), FakeBudget()
    assert resubmit(uow, budget)["status"] == "submitted"
    assert budget.calls[0]["step"] == "submit:2"
    assert [e.type for e in uow.events] == ["payment.matter_application_resubmitted"]


def test_a_refused_application_resubmitted_with_an_override_is_a_first_submission():
    uow, budget = FakeUow(application(Status.REFUSED, routed=False)), FakeBudget()
    result = resubmit(uow, budget, override_id="o-1")
    assert (result["status"], result["override_id"], result["funds"]["rule"]) == ("submitted", "o-1", "budget_override")
    assert budget.calls[0]["override_id"] == "o-1"
    assert [e.type for e in uow.events] == ["payment.matter_application_submitted"]


def test_a_refusal_again_leaves_it_refused_and_nothing_published():
    uow = FakeUow(application(Status.WITHDRAWN))
    with pytest.raises(Conflict):
        resubmit(uow, FakeBudget(refuse=True))
    assert uow.applications.app.status is Status.REFUSED and uow.events == []


def test_a_returned_application_goes_back_into_approval_without_asking_the_budget():
    uow, budget = FakeUow(application(Status.RETURNED)), FakeBudget()
    assert resubmit(uow, budget)["status"] == "submitted" and budget.calls == []


def test_a_withdrawal_of_a_returned_application_is_heard():
    uow = FakeUow(application(Status.RETURNED))
    event = Envelope(
        type="approval.withdrawn",
        payload={
            "document": {"type": "matter_application", "id": APP_ID},
            "withdrawn_by": "clerk",
            "round": 1,
            "step_no": 1,
        },
        org="xinqiao",
        producer="approval",
    )
    handlers.on_approval_withdrawn(event, uow)
    assert uow.applications.app.status is Status.WITHDRAWN


@pytest.mark.parametrize(
    "status, use_case, who, event",
    [
        (Status.REFUSED, handlers.cancel_matter_application, ("clerk", ("clerk",)), "payment.application_cancelled"),
        (
            Status.APPROVED,
            handlers.close_matter_application,
            ("finance", ("finance_reviewer",)),
            "payment.application_closed",
        ),
    ],
)
def test_cancel_and_close_publish_what_the_budget_releases_by(status, use_case, who, event):
    uow = FakeUow(application(status))
    cmd = commands.EndMatterApplication.parse({"application_id": APP_ID, "reason": " 活动取消 "})
    use_case(cmd, uow, ctx(*who))
    (published,) = uow.events
    assert published.type == event and published.payload["reason"] == "活动取消"
    assert published.payload["by"] == who[0] and published.payload["budget_line_id"] == "L"


def test_an_application_whose_claim_is_in_progress_is_not_closed_by_hand():
    """Its claim settles it (takes its amount over, releases the rest, then closes it)."""
    uow = FakeUow(application(Status.APPROVED), claim_in_progress="BX-2026-000007")
    with pytest.raises(Conflict) as err:
        handlers.close_matter_application(
            commands.EndMatterApplication.parse({"application_id": APP_ID, "reason": "结束"}), uow, ctx()
        )
    assert err.value.code == "matter_application_claim_in_progress" and "BX-2026-000007" in err.value.message
    assert uow.events == []
