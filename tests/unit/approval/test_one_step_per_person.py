"""One person holds at most one step of a document: route resolution merges a person's steps into the higher
one, and a delegate cannot take a second step by acting for someone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ic_platform.errors import Forbidden
from services.approval.domain.definitions import resolve_route
from services.approval.domain.directory import InMemoryDirectory, Unit, User
from services.approval.domain.errors import sod_rule
from services.approval.domain.model import Decision, PlannedStep, TaskStatus

from .conftest import UNITS, USERS
from .test_decisions import start


def directory_where(**unit_leaders: str) -> InMemoryDirectory:
    """The small organisation, with some units' leader in charge replaced."""
    units = [
        Unit(u.code, u.name, u.kind, unit_leaders.get(u.code, u.leader_in_charge), u.responsible_for) for u in UNITS
    ]
    return InMemoryDirectory.of(units, USERS)


def resolve(directory, amount: str, initiator: str = "clerk", unit: str = "dzb", **flags):
    attributes = {"amount": Decimal(amount), "unit": unit, "initiator": initiator, **flags}
    return resolve_route("matter_application", attributes, directory)


def test_a_unit_head_who_is_also_its_leader_in_charge_approves_once_at_the_higher_step():
    directory = directory_where(dzb="head")  # 黄志强 heads the unit and is also the leader in charge of it
    steps = resolve(directory, "60000.00")
    assert [(s.step_no, s.approver_role, s.assignee) for s in steps] == [(1, "leader_in_charge", "head")]
    assert "同一人只承担一个审批节点" in steps[0].reason and "部门负责人" in steps[0].reason
    assert steps[0].reason.endswith("金额 ≥ 50,000.00 元 → 分管领导审批")


def test_the_merge_keeps_the_steps_above_and_renumbers():
    steps = resolve(directory_where(dzb="head"), "250000.00")
    assert [(s.step_no, s.assignees) for s in steps] == [
        (1, ("head",)),
        (2, ("finance", "finance2", "inspector")),
        (3, ("principal",)),
    ]
    everyone = [who for s in steps for who in s.assignees]
    assert len(set(everyone)) == len(everyone)


def test_the_same_person_across_three_steps_keeps_only_the_top_one():
    # 黄志强 heads dzb, is its leader in charge and the principal: one step, the top one.
    users = [u for u in USERS if u.username not in ("head", "principal")]
    users.append(User("head", "黄志强", "dzb", ("unit_head", "principal"), "主任"))
    directory = InMemoryDirectory.of([Unit("dzb", "党政综合办公室", "office", "head")], users)
    steps = resolve(directory, "250000.00")
    assert [(s.step_no, s.approver_role, s.assignee) for s in steps] == [
        (1, "finance_reviewer,inspector", "finance"),
        (2, "principal", "head"),
    ]
    assert "部门负责人、分管领导" in steps[1].reason


def test_distinct_people_are_untouched(directory):
    steps = resolve(directory, "250000.00")
    assert [s.assignee for s in steps] == ["head", "leader", "finance", "principal"]
    assert "同一人" not in "".join(s.reason for s in steps)


def test_a_delegate_may_not_take_a_second_step_of_the_document():
    route, task = start()  # head at step 1, leader at step 2
    following = route.decide(task, "head", Decision.APPROVE, "").next_task
    with pytest.raises(Forbidden) as refused:
        route.decide(following, "head", Decision.APPROVE, "", acting_for="leader")
    assert sod_rule(refused.value) == "one_step_per_person"
    assert "部门负责人审批" in refused.value.message
    assert following.status is TaskStatus.PENDING


def test_a_delegate_decides_as_the_assignee_and_it_is_recorded():
    route, task = start([PlannedStep(1, "部门负责人审批", "unit_head", "head", "申请单位负责人审核")])
    route.decide(task, "deputy", Decision.APPROVE, "同意", acting_for="head")
    assert (task.status, task.decided_by, task.acting_for) == (TaskStatus.APPROVED, "deputy", "head")


def test_acting_for_someone_else_than_the_assignee_is_refused():
    route, task = start()
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "deputy", Decision.APPROVE, "", acting_for="leader")
    assert refused.value.code == "approval_not_assignee"


def test_a_delegate_may_not_act_on_a_document_they_initiated():
    route, task = start()  # initiated by clerk
    with pytest.raises(Forbidden) as refused:
        route.decide(task, "clerk", Decision.APPROVE, "", acting_for="head")
    assert sod_rule(refused.value) == "self_approval"
