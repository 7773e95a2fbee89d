"""Withdraw (撤回), return to an earlier step (退回指定节点) and reassign (转办), as pure rules."""

from __future__ import annotations

import pytest

from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput
from services.approval.domain import actions, eligibility
from services.approval.domain.directory import Unit, User
from services.approval.domain.errors import sod_rule
from services.approval.domain.model import Decision, PlannedStep, RouteStatus, Task, TaskStatus

from .test_decisions import STEPS, start

THREE = [*STEPS, PlannedStep(3, "主要领导审批", "principal", "principal", "金额 ≥ 200,000.00 元 → 主要领导审批")]
LEADER_2 = User("leader_party", "刘秀英", "dzb", ("leader_in_charge",))
HEAD_2 = User("head2", "黄二", "dzb", ("unit_head",))
DZB = Unit("dzb", "党政综合办公室", "office", "leader")


def reassign(*args, scope="unit", unit=DZB, **kwargs):
    """A reassignment on a step of the given scope, for a document of `unit` (default: a dzb unit-head step)."""
    return actions.reassign(*args, scope=scope, unit=unit, **kwargs)


# ── withdraw ──
def test_the_initiator_withdraws_before_anyone_acted():
    route, task = start()
    closed = actions.withdraw(route, "clerk", [task], "  金额填错 ")
    assert closed == [task]
    assert (task.status, task.decided_by, task.comment) == (TaskStatus.WITHDRAWN, "clerk", "金额填错")
    assert (route.status, route.current_step) == (RouteStatus.WITHDRAWN, None)
    assert route.status.resubmittable


def test_a_withdrawal_needs_no_reason():
    route, task = start()
    actions.withdraw(route, "clerk", [task], None)
    assert task.comment is None and route.status is RouteStatus.WITHDRAWN


def test_only_the_initiator_withdraws():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        actions.withdraw(route, "head", [task], "")
    assert refused.value.code == "approval_not_initiator"
    assert task.status is TaskStatus.PENDING and route.status is RouteStatus.IN_PROGRESS


def test_no_withdrawal_once_an_approver_acted_on_the_round():
    route, task = start()
    following = route.decide(task, "head", Decision.APPROVE, "同意").next_task
    with pytest.raises(Conflict) as refused:
        actions.withdraw(route, "clerk", [task, following], "")
    assert refused.value.code == "approval_withdraw_too_late" and "部门负责人审批" in refused.value.message
    assert following.status is TaskStatus.PENDING and route.status is RouteStatus.IN_PROGRESS


def test_a_reassignment_is_an_action_too():
    route, task = start()
    handover = reassign(route, task, "head", HEAD_2, "head2", "出差")
    with pytest.raises(Conflict):
        actions.withdraw(route, "clerk", [task, handover.opened], "")


def test_earlier_rounds_do_not_count():
    route, task = start()
    route.decide(task, "head", Decision.RETURN, "请补充")
    fresh = route.restart(STEPS, 1, route.title)
    actions.withdraw(route, "clerk", [task, fresh], "")
    assert fresh.status is TaskStatus.WITHDRAWN and task.status is TaskStatus.RETURNED


def test_a_finished_route_cannot_be_withdrawn():
    route, task = start(STEPS[:1])
    route.decide(task, "head", Decision.APPROVE, "")
    with pytest.raises(Conflict) as refused:
        actions.withdraw(route, "clerk", [], "")
    assert refused.value.code == "approval_route_not_in_progress"


def test_a_returned_route_may_be_withdrawn_by_its_initiator_only():
    route, task = start(STEPS[:1])
    route.decide(task, "head", Decision.RETURN, "金额有误")
    with pytest.raises(Forbidden):
        actions.withdraw(route, "head", [task], "")
    assert actions.withdraw(route, "clerk", [task], "不再需要") == []
    assert route.status is RouteStatus.WITHDRAWN and route.status.resubmittable


def test_a_withdrawn_route_is_resubmitted_as_a_new_round():
    route, task = start()
    actions.withdraw(route, "clerk", [task], "")
    first = route.restart(STEPS, 1, route.title)
    assert (route.round, route.status, first.round) == (2, RouteStatus.IN_PROGRESS, 2)


def test_nothing_is_decided_on_a_withdrawn_route():
    route, task = start()
    actions.withdraw(route, "clerk", [task], "")
    with pytest.raises(DomainError) as refused:
        route.decide(Task(step_no=1, assignee="head"), "head", Decision.APPROVE, "")
    assert refused.value.code == "approval_task_decided"


# ── return to an earlier step ──
def to_step_three():
    route, task = start(THREE)
    second = route.decide(task, "head", Decision.APPROVE, "").next_task
    third = route.decide(second, "leader", Decision.APPROVE, "").next_task
    return route, third


def test_return_to_an_earlier_step_opens_a_task_there():
    route, third = to_step_three()
    handover = actions.return_to_step(route, third, "principal", 1, "请部门负责人复核金额")
    assert (third.status, third.decided_by, third.comment) == (
        TaskStatus.RETURNED_TO_STEP,
        "principal",
        "请部门负责人复核金额",
    )
    assert (handover.opened.step_no, handover.opened.assignee, handover.opened.round) == (1, "head", 1)
    assert (route.status, route.current_step) == (RouteStatus.IN_PROGRESS, 1)
    # The route climbs again from there, through every later step.
    again = route.decide(handover.opened, "head", Decision.APPROVE, "已复核").next_task
    assert (again.step_no, again.assignee) == (2, "leader")


@pytest.mark.parametrize("to_step", [3, 4, 7])
def test_only_an_earlier_step(to_step):
    route, third = to_step_three()
    with pytest.raises(InvalidInput) as refused:
        actions.return_to_step(route, third, "principal", to_step, "理由")
    assert refused.value.code == "approval_step_not_earlier" and refused.value.details["field"] == "to_step"
    assert third.status is TaskStatus.PENDING and route.current_step == 3


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_return_to_a_step_needs_a_reason(reason):
    route, third = to_step_three()
    with pytest.raises(InvalidInput) as refused:
        actions.return_to_step(route, third, "principal", 1, reason)
    assert refused.value.details == {"field": "reason"} and refused.value.message == "退回必须填写理由"


def test_only_the_assignee_returns_to_a_step():
    route, third = to_step_three()
    with pytest.raises(Forbidden) as refused:
        actions.return_to_step(route, third, "leader", 1, "理由")
    assert refused.value.code == "approval_not_assignee"


def test_a_delegate_returns_to_a_step_acting_for_the_assignee():
    route, third = to_step_three()
    actions.return_to_step(route, third, "deputy", 2, "理由", acting_for="principal")
    assert (third.decided_by, third.acting_for) == ("deputy", "principal")


# ── reassign ──
def test_the_assignee_reassigns_to_someone_the_steps_rule_could_have_chosen():
    route, task = start()
    following = route.decide(task, "head", Decision.APPROVE, "").next_task
    # The leader in charge of dzb is `leader`: another leader in charge is outside the step's line of authority...
    with pytest.raises(InvalidInput) as outside:
        reassign(route, following, "leader", LEADER_2, "leader_party", "外出学习", scope="unit_leader")
    assert outside.value.code == "approval_reassign_scope" and outside.value.details["field"] == "assignee"
    # ...until the organisation puts dzb in their charge (分管调整): then the rule would choose them.
    now_theirs = Unit("dzb", "党政综合办公室", "office", "leader_party")
    handover = reassign(
        route, following, "leader", LEADER_2, "leader_party", "外出学习", scope="unit_leader", unit=now_theirs
    )
    assert (following.status, following.decided_by, following.comment) == (TaskStatus.REASSIGNED, "leader", "外出学习")
    assert (handover.opened.step_no, handover.opened.assignee) == (2, "leader_party")
    assert route.step(2).assignee == "leader_party" and route.current_step == 2
    assert route.decide(handover.opened, "leader_party", Decision.APPROVE, "").outcome is RouteStatus.APPROVED


def test_an_administrator_may_reassign():
    route, task = start()
    reassign(route, task, "admin", HEAD_2, "head2", "原审批人离职", actor_is_admin=True)
    assert task.status is TaskStatus.REASSIGNED


def test_nobody_else_reassigns():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        reassign(route, task, "leader", HEAD_2, "head2", "理由")
    assert refused.value.code == "approval_reassign_forbidden"


def test_reassigning_needs_a_reason_and_a_known_user_with_the_role():
    route, task = start()
    with pytest.raises(InvalidInput) as no_reason:
        reassign(route, task, "head", HEAD_2, "head2", " ")
    assert no_reason.value.details == {"field": "reason"}
    with pytest.raises(InvalidInput) as unknown:
        reassign(route, task, "head", None, "nobody", "理由")
    assert unknown.value.code == "approval_user_unknown" and unknown.value.details["field"] == "assignee"
    with pytest.raises(InvalidInput) as role:
        reassign(route, task, "head", LEADER_2, "leader_party", "理由")
    assert role.value.code == "approval_reassign_role"
    assert task.status is TaskStatus.PENDING


def test_not_to_the_head_of_another_unit():
    route, task = start()
    head_djb = User("head_djb", "陈丽娟", "djb", ("unit_head",))
    with pytest.raises(InvalidInput) as refused:
        reassign(route, task, "head", head_djb, "head_djb", "理由")
    assert refused.value.code == "approval_reassign_scope"
    with pytest.raises(InvalidInput):
        reassign(route, task, "admin", head_djb, "head_djb", "理由", actor_is_admin=True)  # nor may an admin
    assert route.step(1).assignee == "head" and task.status is TaskStatus.PENDING


def test_not_to_the_initiator():
    route, task = start()
    clerk_as_head = User("clerk", "李晓敏", "dzb", ("clerk", "unit_head"))
    with pytest.raises(Forbidden) as refused:
        reassign(route, task, "head", clerk_as_head, "clerk", "理由")
    assert sod_rule(refused.value) == "self_approval"


def test_not_to_someone_holding_another_step_of_the_document():
    route, task = start()  # leader holds step 2
    leader_as_head = User("leader", "王建华", "dzb", ("leader_in_charge", "unit_head"))
    with pytest.raises(Forbidden) as refused:
        reassign(route, task, "head", leader_as_head, "leader", "理由")
    assert sod_rule(refused.value) == "one_step_per_person"
    assert route.step(1).assignee == "head" and task.status is TaskStatus.PENDING


def test_a_decided_task_cannot_be_reassigned():
    route, task = start()
    route.decide(task, "head", Decision.APPROVE, "")
    with pytest.raises(Conflict):
        reassign(route, task, "head", HEAD_2, "head2", "理由")


# ── who may stand in (代理): someone who could hold the principal's steps ──
def test_a_delegate_holds_the_principals_approver_roles_in_their_unit():
    head = User("head", "黄志强", "dzb", ("unit_head",))
    eligibility.check_delegate(User("leader", "王建华", "dzb", ("leader_in_charge",)), LEADER_2)
    with pytest.raises(InvalidInput) as other_unit:
        eligibility.check_delegate(head, User("clerk_djb", "周文博", "djb", ("clerk",)))
    assert other_unit.value.code == "approval_delegation_scope" and other_unit.value.details["field"] == "delegate"
    with pytest.raises(InvalidInput):
        eligibility.check_delegate(head, User("clerk", "李晓敏", "dzb", ("clerk",)))  # same unit, no such post
    with pytest.raises(InvalidInput):
        eligibility.check_delegate(head, User("head_djb", "陈丽娟", "djb", ("unit_head",)))  # same post elsewhere
    with pytest.raises(InvalidInput) as no_duty:
        eligibility.check_delegate(User("clerk", "李晓敏", "dzb", ("clerk",)), head)
    assert no_duty.value.code == "approval_delegation_no_duty"
