"""Returning a document to its initiator (退回) and the new round after a resubmission."""

from __future__ import annotations

import pytest

from ic_platform.errors import DomainError, Forbidden
from services.approval.domain.errors import sod_rule
from services.approval.domain.model import Decision, PlannedStep, RouteStatus, Task, TaskStatus

from .test_decisions import STEPS, start


def test_a_return_sends_the_document_back_with_the_reason():
    route, task = start()
    result = route.decide(task, "head", Decision.RETURN, "  请补充采购清单 ")
    assert (task.status, task.decided_by, task.comment) == (TaskStatus.RETURNED, "head", "请补充采购清单")
    assert result.outcome is RouteStatus.RETURNED and result.next_task is None
    assert result.reason == "部门负责人审批退回：请补充采购清单"
    assert (route.status, route.current_step, route.round) == (RouteStatus.RETURNED, None, 1)


def test_a_later_step_may_return_too():
    route, task = start()
    following = route.decide(task, "head", Decision.APPROVE, "").next_task
    route.decide(following, "leader", Decision.RETURN, "金额依据不足")
    assert (route.status, following.status) == (RouteStatus.RETURNED, TaskStatus.RETURNED)


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_a_return_without_a_reason_is_refused_naming_the_comment(comment):
    route, task = start()
    with pytest.raises(DomainError) as refused:
        route.decide(task, "head", Decision.RETURN, comment)
    assert (refused.value.code, refused.value.http_status) == ("approval_reason_required", 422)
    assert refused.value.message == "退回必须填写理由" and refused.value.details == {"field": "comment"}
    assert task.status is TaskStatus.PENDING and route.status is RouteStatus.IN_PROGRESS


def test_only_the_assignee_may_return():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "leader", Decision.RETURN, "请补充")
    assert refused.value.code == "approval_not_assignee"
    assert task.status is TaskStatus.PENDING


def test_the_initiator_cannot_return_their_own_document():
    route, task = start([PlannedStep(1, "部门负责人审批", "unit_head", "clerk", "申请单位负责人审核")])
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "clerk", Decision.RETURN, "自己退回")
    assert sod_rule(refused.value) == "self_approval"
    assert task.status is TaskStatus.PENDING


def test_nothing_is_decided_on_a_returned_route():
    route, task = start()
    route.decide(task, "head", Decision.RETURN, "请补充")
    with pytest.raises(DomainError) as refused:
        route.decide(Task(step_no=1, assignee="head"), "head", Decision.APPROVE, "")
    assert refused.value.code == "approval_task_decided"


def test_a_resubmission_starts_a_new_round_on_the_route_drawn_now():
    route, task = start()
    route.decide(task, "head", Decision.RETURN, "请补充采购清单")
    redrawn = [STEPS[0], PlannedStep(2, "主要领导审批", "principal", "principal", "规则已变更")]
    first = route.restart(redrawn, definition_version=2, title="办公设备采购（补充清单）")
    assert (route.round, route.status, route.current_step) == (2, RouteStatus.IN_PROGRESS, 1)
    assert (first.round, first.step_no, first.assignee, first.status) == (2, 1, "head", TaskStatus.PENDING)
    assert route.steps == redrawn and route.definition_version == 2 and route.title.endswith("（补充清单）")
    # A task of the earlier round cannot be decided in the new one.
    with pytest.raises(DomainError):
        route.decide(Task(step_no=1, assignee="head", round=1), "head", Decision.APPROVE, "")
    following = route.decide(first, "head", Decision.APPROVE, "").next_task
    assert (following.round, following.assignee) == (2, "principal")
    assert route.decide(following, "principal", Decision.APPROVE, "").outcome is RouteStatus.APPROVED


def test_only_a_returned_route_can_be_resubmitted():
    route, _ = start()
    with pytest.raises(DomainError) as refused:
        route.restart(STEPS, definition_version=1, title="x")
    assert (refused.value.code, refused.value.http_status) == ("approval_route_not_returned", 409)
    assert route.round == 1


def test_return_reads_as_returned():
    assert Decision.RETURN.status is TaskStatus.RETURNED
