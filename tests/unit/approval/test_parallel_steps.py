"""Countersign (会签: all must approve) and any-one-of (或签: the first decides) steps."""

from __future__ import annotations

import pytest

from ic_platform.errors import DomainError, Forbidden
from services.approval.domain import actions
from services.approval.domain.directory import Unit, User
from services.approval.domain.errors import sod_rule
from services.approval.domain.model import Decision, PlannedStep, RouteStatus, StepKind, TaskStatus

from .test_decisions import STEPS, start

SIGNERS = ("finance", "finance2", "inspector")


def with_parallel(kind: StepKind):
    parallel = PlannedStep(
        2, "财务、纪检会签", "finance_reviewer,inspector", SIGNERS[0], "金额 ≥ 200,000.00 元", kind, SIGNERS[1:]
    )
    steps = [STEPS[0], parallel, PlannedStep(3, "主要领导审批", "principal", "principal", "金额 ≥ 200,000.00 元")]
    route, task = start(steps)
    result = route.decide(task, "head", Decision.APPROVE, "")
    assert [t.assignee for t in result.opened] == list(SIGNERS) and route.current_step == 2
    assert {t.step_no for t in result.opened} == {2}
    return route, list(result.opened)


def test_a_countersign_step_waits_for_every_assignee():
    route, tasks = with_parallel(StepKind.COUNTERSIGN)
    first = route.decide(tasks[0], "finance", Decision.APPROVE, "同意", parallel=tasks)
    assert first.waiting and first.next_task is None and first.outcome is None and route.current_step == 2
    second = route.decide(tasks[2], "inspector", Decision.APPROVE, "", parallel=tasks)
    assert second.waiting
    last = route.decide(tasks[1], "finance2", Decision.APPROVE, "", parallel=tasks)
    assert not last.waiting and (last.next_task.step_no, last.next_task.assignee) == (3, "principal")
    assert route.current_step == 3 and last.skipped == ()
    assert [t.status for t in tasks] == [TaskStatus.APPROVED] * 3


@pytest.mark.parametrize(
    "decision, outcome", [(Decision.REJECT, RouteStatus.REJECTED), (Decision.RETURN, RouteStatus.RETURNED)]
)
def test_any_other_decision_on_a_countersign_step_decides_it_and_skips_the_others(decision, outcome):
    route, tasks = with_parallel(StepKind.COUNTERSIGN)
    route.decide(tasks[0], "finance", Decision.APPROVE, "", parallel=tasks)
    result = route.decide(tasks[1], "finance2", decision, "票据不全", parallel=tasks)
    assert result.outcome is outcome and route.status is outcome
    assert result.skipped == (tasks[2],) and tasks[2].status is TaskStatus.SKIPPED and tasks[2].comment
    assert tasks[0].status is TaskStatus.APPROVED  # what was decided stays


def test_any_one_completes_with_the_first_approval():
    route, tasks = with_parallel(StepKind.ANY_ONE)
    result = route.decide(tasks[1], "finance2", Decision.APPROVE, "", parallel=tasks)
    assert (result.next_task.assignee, route.current_step) == ("principal", 3)
    assert result.skipped == (tasks[0], tasks[2])
    assert [t.status for t in tasks] == [TaskStatus.SKIPPED, TaskStatus.APPROVED, TaskStatus.SKIPPED]


def test_a_skipped_task_cannot_be_decided_afterwards():
    route, tasks = with_parallel(StepKind.ANY_ONE)
    route.decide(tasks[0], "finance", Decision.APPROVE, "", parallel=tasks)
    with pytest.raises(DomainError) as refused:
        route.decide(tasks[1], "finance2", Decision.APPROVE, "", parallel=tasks)
    assert refused.value.code == "approval_task_decided"


def test_a_cosigner_cannot_sign_twice_by_acting_for_another():
    route, tasks = with_parallel(StepKind.COUNTERSIGN)
    with pytest.raises(Forbidden) as refused:
        route.decide(tasks[1], "finance", Decision.APPROVE, "", acting_for="finance2", parallel=tasks)
    assert sod_rule(refused.value) == "one_step_per_person"


def test_a_return_to_an_earlier_step_from_a_countersign_step_skips_the_others():
    route, tasks = with_parallel(StepKind.COUNTERSIGN)
    handover = actions.return_to_step(route, tasks[2], "inspector", 1, "请说明采购必要性", parallel=tasks)
    assert handover.skipped == (tasks[0], tasks[1]) and route.current_step == 1
    assert handover.opened.assignee == "head"


def test_a_return_to_a_countersign_step_opens_a_task_for_every_signer_again():
    route, tasks = with_parallel(StepKind.COUNTERSIGN)
    results = [
        route.decide(task, signer, Decision.APPROVE, "", parallel=tasks)
        for signer, task in zip(SIGNERS, tasks, strict=True)
    ]
    at_principal = results[-1].next_task
    handover = actions.return_to_step(route, at_principal, "principal", 2, "请财务、纪检重新审核")
    reopened = (handover.opened, *handover.also_opened)
    assert route.current_step == 2 and [t.assignee for t in reopened] == list(SIGNERS)
    assert {(t.step_no, t.round, t.status) for t in reopened} == {(2, route.round, TaskStatus.PENDING)}


def test_a_countersign_task_is_reassigned_within_its_roles_and_not_to_a_cosigner():
    route, tasks = with_parallel(StepKind.COUNTERSIGN)
    finance3 = User("finance3", "财务三", "czb", ("finance_reviewer",))
    dzb = Unit("dzb", "党政综合办公室", "office", "leader")
    handover = actions.reassign(route, tasks[0], "finance", finance3, "finance3", "休假", scope="org", unit=dzb)
    assert route.step(2).assignees == ("finance3", "finance2", "inspector")
    assert handover.opened.assignee == "finance3"
    cosigner = User("finance2", "马晓峰", "czb", ("finance_reviewer",))
    with pytest.raises(Forbidden) as refused:
        actions.reassign(route, tasks[2], "inspector", cosigner, "finance2", "休假", scope="org", unit=dzb)
    assert sod_rule(refused.value) == "one_step_per_person"


def test_a_route_never_starts_with_a_parallel_step():
    parallel = PlannedStep(1, "会签", "finance_reviewer", "finance", "", StepKind.COUNTERSIGN, ("finance2",))
    with pytest.raises(ValueError):
        start([parallel])
