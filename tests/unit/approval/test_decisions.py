"""Deciding a task: who may, what a rejection needs, and where the route goes next."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ic_platform.errors import DomainError, Forbidden
from services.approval.domain.errors import sod_rule
from services.approval.domain.model import (
    Decision,
    DocumentRef,
    PlannedStep,
    Route,
    RouteStatus,
    Task,
    TaskStatus,
)

STEPS = [
    PlannedStep(1, "部门负责人审批", "unit_head", "head", "申请单位负责人审核"),
    PlannedStep(2, "分管领导审批", "leader_in_charge", "leader", "金额 ≥ 50,000.00 元 → 分管领导审批"),
]


def start(steps=STEPS):
    return Route.start(
        steps,
        document=DocumentRef("matter_application", "d-1", "SQ-2026-000001"),
        org="xinqiao",
        title="办公设备采购",
        amount=Decimal("60000.00"),
        initiator="clerk",
        unit="dzb",
        definition_version=1,
    )


def test_a_route_starts_at_its_first_step_with_a_pending_task():
    route, task = start()
    assert (route.status, route.current_step) == (RouteStatus.IN_PROGRESS, 1)
    assert (task.step_no, task.assignee, task.status) == (1, "head", TaskStatus.PENDING)


def test_a_route_without_steps_cannot_start():
    with pytest.raises(ValueError):
        start([])


def test_approving_a_step_assigns_the_next_one():
    route, task = start()
    result = route.decide(task, "head", Decision.APPROVE, "同意")
    assert (task.status, task.decided_by, task.comment) == (TaskStatus.APPROVED, "head", "同意")
    assert result.outcome is None and route.current_step == 2
    assert (result.next_task.step_no, result.next_task.assignee) == (2, "leader")
    assert result.next_task.status is TaskStatus.PENDING and result.next_task.id != task.id


def test_approving_the_last_step_approves_the_route():
    route, task = start()
    following = route.decide(task, "head", Decision.APPROVE, "").next_task
    result = route.decide(following, "leader", Decision.APPROVE, None)
    assert result.outcome is RouteStatus.APPROVED and result.next_task is None
    assert (route.status, route.current_step) == (RouteStatus.APPROVED, None)
    assert following.comment is None  # an empty comment is no comment


def test_rejecting_ends_the_route_and_says_why():
    route, task = start()
    result = route.decide(task, "head", Decision.REJECT, "  预算依据不足  ")
    assert result.outcome is RouteStatus.REJECTED and result.next_task is None
    assert task.comment == "预算依据不足"
    assert result.reason == "部门负责人审批驳回：预算依据不足"
    assert (route.status, route.current_step) == (RouteStatus.REJECTED, None)


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(comment):
    route, task = start()
    with pytest.raises(DomainError) as refused:
        route.decide(task, "head", Decision.REJECT, comment)
    assert refused.value.code == "approval_reason_required"
    assert task.status is TaskStatus.PENDING and route.current_step == 1


def test_the_initiator_cannot_approve_their_own_document():
    # A frozen route that names the initiator (it cannot be drawn so today, but data outlives rules).
    route, task = start([PlannedStep(1, "部门负责人审批", "unit_head", "clerk", "申请单位负责人审核")])
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "clerk", Decision.APPROVE, "")
    assert (refused.value.code, sod_rule(refused.value), refused.value.http_status) == (
        "sod_self_approval",
        "self_approval",
        403,
    )
    assert "SQ-2026-000001" in refused.value.message
    assert task.status is TaskStatus.PENDING


def test_the_initiator_is_told_about_segregation_not_about_assignment():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "clerk", Decision.APPROVE, "")
    assert refused.value.code == "sod_self_approval"


def test_only_the_assignee_may_decide():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "leader", Decision.APPROVE, "")
    assert refused.value.code == "approval_not_assignee"
    assert sod_rule(refused.value) is None


def test_an_unknown_actor_is_refused():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        route.decide(task, None, Decision.APPROVE, "")
    assert refused.value.code == "actor_required"


def test_a_task_is_decided_once():
    route, task = start()
    route.decide(task, "head", Decision.APPROVE, "")
    with pytest.raises(DomainError) as refused:
        route.decide(task, "head", Decision.REJECT, "改主意了")
    assert refused.value.code == "approval_task_decided"


def test_nothing_is_decided_on_a_completed_route():
    route, task = start()
    route.decide(task, "head", Decision.REJECT, "不同意")
    with pytest.raises(DomainError) as refused:
        route.decide(Task(step_no=2, assignee="leader"), "leader", Decision.APPROVE, "")
    assert refused.value.code == "approval_task_decided"


def test_a_decision_reads_as_the_status_it_leaves():
    assert Decision.APPROVE.status is TaskStatus.APPROVED and Decision.REJECT.status is TaskStatus.REJECTED
    assert DocumentRef("matter_application", "d-1").as_dict() == {"type": "matter_application", "id": "d-1"}
    assert DocumentRef("matter_application", "d-1").subject == "matter_application/d-1"
