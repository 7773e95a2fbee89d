"""Approval's use cases on an in-memory unit of work (tests/unit/approval/fakes.py) with the service's own bus:
a submission heard draws the route and tells the assignee; decisions wait for risk's assessment, need high
warnings acknowledged, move the route on and tell the initiator; a refused decision leaves nothing, not even a
notification. Milliseconds each; the full-stack tests keep the database, the broker and concurrency."""

from __future__ import annotations

import pytest

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.approval.domain.directory import InMemoryDirectory
from services.approval.domain.model import TaskStatus
from services.approval.service_layer import actions, commands, handlers, warnings
from services.approval.service_layer.bus import BUS
from tests.unit.approval.conftest import UNITS, USERS
from tests.unit.approval.fakes import FakeApprovalUnitOfWork

ORG = "xinqiao"
DOC = {"type": "matter_application", "id": "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10", "no": "SQ-2026-000001"}


@pytest.fixture
def uow() -> FakeApprovalUnitOfWork:
    return FakeApprovalUnitOfWork(InMemoryDirectory.of(UNITS, USERS), BUS)


def hear(uow: FakeApprovalUnitOfWork, event: Envelope) -> None:
    """As the inbox runs an event: every handler the bus registered for its type, in one transaction."""
    with uow:
        for handler in BUS.heard[event.type]:
            handler(event, uow)
        uow.commit()


def submitted(uow, amount="12000.00", **extra) -> Envelope:
    event = Envelope(
        type="payment.matter_application_submitted",
        org=ORG,
        producer="payment",
        actor="clerk",
        payload={
            "document": DOC,
            "unit": "dzb",
            "applicant": "clerk",
            "amount": amount,
            "title": "采购办公用品",
            "major_matter": False,
            "budget_line_id": "2026-DZB-30201-01",
            **extra,
        },
    )
    hear(uow, event)
    return event


def assessed(uow, submission: Envelope, *warnings_: dict) -> None:
    hear(
        uow,
        Envelope(
            type="risk.document_assessed",
            org=ORG,
            producer="risk",
            payload={
                "document": DOC,
                "submission": {"event_id": submission.event_id, "type": submission.type},
                "assessed_at": "2026-06-01T09:00:01+00:00",
                "warnings": list(warnings_),
            },
        ),
    )


def warning(warning_id: int, severity: str = "high") -> dict:
    return {"warning_id": warning_id, "rule": "split_purchase", "severity": severity, "message": "疑似拆分采购"}


def decide(uow, who: str, decision: str = "approve", comment: str = "", acknowledge=()) -> dict:
    task = uow.tasks.pending(who)[0]
    cmd = warnings.Decide(task_id=task.id, decision=decision, comment=comment, acknowledge_warnings=list(acknowledge))
    return handlers.decide(cmd, uow, CallContext(org=ORG, actor=who, viewer=Viewer.of(who, "dzb", ["unit_head"])))


def test_a_submission_draws_the_route_and_tells_the_first_assignee_in_the_same_transaction(uow):
    submitted(uow)
    assert uow.types() == ["approval.submitted", "approval.step_assigned"]
    assert [t.assignee for t in uow.tasks.pending("head")] == ["head"]
    assert [(n.recipient, n.kind) for n in uow.watch.notified] == [("head", "step_assigned")]
    assert "「采购办公用品」" in uow.watch.notified[0].message
    assert [e.action for e in uow.trail.entries] == ["submitted", "step_assigned"]


def test_a_submission_heard_twice_draws_one_route_and_tells_once(uow):
    event = submitted(uow)
    hear(uow, event)
    assert len(uow.routes.rows) == 1 and len(uow.tasks.rows) == 1
    assert len(uow.watch.notified) == 1 and uow.types().count("approval.step_assigned") == 1


def test_a_decision_waits_for_risks_assessment_and_a_refused_one_leaves_nothing(uow):
    submitted(uow)
    before = (uow.types(), len(uow.trail.entries), len(uow.watch.notified))
    with pytest.raises(DomainError) as held:
        decide(uow, "head")
    assert held.value.code == "risk_assessment_pending" and held.value.http_status == 409
    assert uow.tasks.pending("head")[0].status is TaskStatus.PENDING
    assert (uow.types(), len(uow.trail.entries), len(uow.watch.notified)) == before


def test_approved_by_the_last_step_completes_and_tells_the_initiator(uow):
    assessed(uow, submitted(uow))
    answer = decide(uow, "head")
    assert answer["route"]["status"] == "approved" and answer["replayed"] is False
    assert uow.routes.find(DOC["type"], DOC["id"]).status.value == "approved"
    completed = uow.published[-1]
    assert completed.type == "approval.completed" and completed.payload["outcome"] == "approved"
    assert [a["decided_by"] for a in completed.payload["approvals"]] == ["head"]
    assert (uow.watch.notified[-1].recipient, uow.watch.notified[-1].kind) == ("clerk", "completed")
    assert "审批通过" in uow.watch.notified[-1].title


def test_a_high_warning_must_be_acknowledged_with_a_comment_before_approving(uow):
    assessed(uow, submitted(uow), warning(7), warning(8, severity="low"))
    with pytest.raises(DomainError):
        decide(uow, "head")  # not acknowledged
    with pytest.raises(DomainError):
        decide(uow, "head", acknowledge=[7])  # acknowledged without saying why
    assert uow.watch.acks == {} and "approval.completed" not in uow.types()
    decide(uow, "head", comment="已核实，非拆分采购", acknowledge=[7])
    task_id = next(iter(uow.tasks.rows))
    assert uow.watch.acks == {(7, task_id): ("head", "已核实，非拆分采购")}
    assert warnings.ACKNOWLEDGED in [e.action for e in uow.trail.entries]
    assert uow.types()[-1] == "approval.completed"


def test_rejecting_needs_no_acknowledgement(uow):
    assessed(uow, submitted(uow), warning(7))
    decide(uow, "head", decision="reject", comment="超出预算范围")
    assert uow.published[-1].payload["outcome"] == "rejected" and uow.watch.acks == {}


def test_returned_tells_the_initiator_why(uow):
    assessed(uow, submitted(uow))
    decide(uow, "head", decision="return", comment="请补充报价单")
    returned = uow.published[-1]
    assert returned.type == "approval.returned" and returned.payload["reason"] == "请补充报价单"
    told = uow.watch.notified[-1]
    assert (told.recipient, told.kind) == ("clerk", "returned") and "请补充报价单" in told.message


def test_only_the_assignee_decides_and_a_refusal_tells_nobody(uow):
    assessed(uow, submitted(uow))
    task = uow.tasks.pending("head")[0]
    notified = len(uow.watch.notified)
    with pytest.raises(DomainError):
        handlers.decide(
            warnings.Decide(task_id=task.id, decision="approve"),
            uow,
            CallContext(org=ORG, actor="finance", viewer=Viewer.of("finance", "czb", ["finance_reviewer"])),
        )
    assert uow.tasks.get(task.id).status is TaskStatus.PENDING and len(uow.watch.notified) == notified


def test_a_larger_amount_goes_on_to_the_next_step_whose_assignee_is_told(uow):
    assessed(uow, submitted(uow, amount="250000.00"))
    route = uow.routes.find(DOC["type"], DOC["id"])
    assert len(route.steps) > 1
    decide(uow, "head")
    nxt = [t for _, t in uow.tasks.rows.values() if t.status is TaskStatus.PENDING]
    assert nxt and {n.recipient for n in uow.watch.notified[1:]} == {t.assignee for t in nxt}
    assert "approval.completed" not in uow.types()


# ── withdrawal (撤回) and resubmission ──
def withdraw(uow, who: str = "clerk", reason: str = "金额有误"):
    cmd = commands.Withdraw(document_type=DOC["type"], document_id=DOC["id"], reason=reason)
    return actions.withdraw(cmd, uow, CallContext(org=ORG, actor=who, viewer=Viewer.of(who, "dzb", ["clerk"])))


def test_the_initiator_withdraws_while_nobody_has_acted_and_the_owner_is_told_by_event(uow):
    submitted(uow)
    answer = withdraw(uow)
    assert answer["route"]["status"] == "withdrawn" and len(answer["withdrawn_tasks"]) == 1
    assert uow.tasks.pending("head") == []
    withdrawn = uow.published[-1]
    assert withdrawn.type == "approval.withdrawn" and withdrawn.payload["reason"] == "金额有误"
    assert uow.trail.entries[-1].action == "withdrawn"


def test_nobody_but_the_initiator_withdraws(uow):
    submitted(uow)
    before = uow.types()
    with pytest.raises(DomainError):
        withdraw(uow, who="head")
    assert uow.tasks.pending("head") and uow.types() == before


def test_once_an_approver_acted_the_document_is_not_withdrawn(uow):
    assessed(uow, submitted(uow, amount="250000.00"))
    decide(uow, "head")
    before = uow.types()
    with pytest.raises(DomainError):
        withdraw(uow)
    assert uow.routes.find(DOC["type"], DOC["id"]).status.value == "in_progress" and uow.types() == before


def test_a_returned_document_resubmitted_opens_a_new_round_that_waits_for_its_own_assessment(uow):
    first = submitted(uow)
    assessed(uow, first)
    decide(uow, "head", decision="return", comment="请补充报价单")
    hear(
        uow,
        Envelope(
            type="payment.matter_application_resubmitted",
            org=ORG,
            producer="payment",
            actor="clerk",
            payload={**first.payload, "title": "采购办公用品（补充报价）"},
        ),
    )
    route = uow.routes.find(DOC["type"], DOC["id"])
    assert route.round == 2 and route.title == "采购办公用品（补充报价）"
    assert uow.watch.notified[-1].recipient == "head" and uow.watch.notified[-1].kind == "step_assigned"
    with pytest.raises(DomainError) as held:  # round 2's assessment is not round 1's
        decide(uow, "head")
    assert held.value.code == "risk_assessment_pending"
