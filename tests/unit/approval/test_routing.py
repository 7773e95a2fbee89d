"""Drawing a matter application's route: authority tiers, self-approval skips, refusals."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from services.approval.domain.definitions import MATTER_APPLICATION_V1, current, resolve_route
from services.approval.domain.directory import InMemoryDirectory, Unit, User
from services.approval.domain.errors import RouteRefused
from services.approval.domain.model import StepKind
from services.approval.domain.process import ProcessDefinition


def route(directory, amount: str, initiator: str = "clerk", unit: str = "dzb", **flags):
    attributes = {"amount": Decimal(amount), "unit": unit, "initiator": initiator, **flags}
    return resolve_route("matter_application", attributes, directory)


def who(steps) -> list[tuple[int, str, str]]:
    return [(s.step_no, s.approver_role, s.assignee) for s in steps]


def test_below_the_first_threshold_only_the_unit_head_approves(directory):
    [step] = route(directory, "49999.99")
    assert (step.step_no, step.name, step.approver_role, step.assignee) == (1, "部门负责人审批", "unit_head", "head")
    assert step.reason == "申请单位负责人审核"


def test_the_unit_head_is_the_documents_unit_head(directory):
    assert who(route(directory, "100.00", initiator="clerk_czb", unit="czb")) == [(1, "unit_head", "head_czb")]


def test_from_fifty_thousand_the_leader_in_charge_of_the_unit_approves_next(directory):
    steps = route(directory, "50000.00")
    assert who(steps) == [(1, "unit_head", "head"), (2, "leader_in_charge", "leader")]
    assert steps[1].name == "分管领导审批"
    assert steps[1].reason == "金额 ≥ 50,000.00 元 → 分管领导审批"


def test_the_leader_in_charge_is_the_one_named_on_the_unit(directory):
    steps = route(directory, "60000.00", initiator="clerk_sq", unit="sq_xinqiao")
    assert steps[1].assignee == "leader_party"


COUNTERSIGN = (3, "finance_reviewer,inspector", "finance")


def test_from_two_hundred_thousand_finance_and_inspection_countersign_before_the_principal(directory):
    steps = route(directory, "200000.00")
    assert who(steps) == [
        (1, "unit_head", "head"),
        (2, "leader_in_charge", "leader"),
        COUNTERSIGN,
        (4, "principal", "principal"),
    ]
    assert (steps[2].kind, steps[2].assignees) == (StepKind.COUNTERSIGN, ("finance", "finance2", "inspector"))
    assert steps[2].name == "财务、纪检会签" and steps[2].reason == "金额 ≥ 200,000.00 元 → 财务、纪检会签"
    assert steps[3].reason == "金额 ≥ 200,000.00 元 → 主要领导审批"


def test_a_major_matter_is_countersigned_and_decided_collectively_whatever_the_amount(directory):
    steps = route(directory, "1000.00", major_matter=True)
    assert who(steps) == [
        (1, "unit_head", "head"),
        (2, "finance_reviewer,inspector", "finance"),
        (3, "principal", "principal"),
    ]
    assert (steps[2].kind, steps[2].name) == (StepKind.COLLECTIVE, "集体决策（党工委会议）")
    assert steps[2].reason == "三重一大事项 → 集体决策（党工委会议）"


def test_every_reason_that_applies_is_told(directory):
    steps = route(directory, "300000.00", major_matter=True)
    assert steps[2].reason == "金额 ≥ 200,000.00 元，三重一大事项 → 财务、纪检会签"
    # The principal chairs the meeting: they decide once, there, and the reason says so.
    assert [s.name for s in steps] == ["部门负责人审批", "分管领导审批", "财务、纪检会签", "集体决策（党工委会议）"]
    assert steps[3].reason.startswith("principal 同时为主要领导，同一人只承担一个审批节点")
    assert steps[3].reason.endswith("三重一大事项 → 集体决策（党工委会议）")


def test_a_countersigner_who_initiated_the_document_is_left_out(directory):
    steps = route(directory, "250000.00", initiator="finance2", unit="czb")
    assert steps[2].assignees == ("finance", "inspector")


def test_a_countersigner_holding_another_step_is_left_out(directory):
    directory.users["inspector"] = User("inspector", "唐建新", "dzb", ("inspector", "unit_head"))
    del directory.users["head"]
    steps = route(directory, "250000.00")
    assert steps[0].assignee == "inspector"
    assert steps[2].assignees == ("finance", "finance2") and "inspector 已承担其他审批节点" in steps[2].reason


def test_a_unit_head_does_not_approve_their_own_application_and_it_goes_up(directory):
    [step] = route(directory, "1000.00", initiator="head")
    assert (step.step_no, step.approver_role, step.assignee) == (1, "leader_in_charge", "leader")
    assert "申请人即部门负责人" in step.reason and "跳过部门负责人审批" in step.reason
    assert step.reason.endswith("上报上一级：分管领导审批")


def test_a_skipped_step_covered_by_a_higher_one_is_told_there(directory):
    steps = route(directory, "60000.00", initiator="head")
    assert who(steps) == [(1, "leader_in_charge", "leader")]
    assert steps[0].reason.startswith("申请人即部门负责人，本人不审批本人单据，跳过部门负责人审批；")
    assert steps[0].reason.endswith("金额 ≥ 50,000.00 元 → 分管领导审批")


def test_a_leader_whose_own_tier_is_needed_sends_it_to_the_next_authority(directory):
    # The leader in charge of dzb applies for 60,000 for dzb: their tier is needed, so it must go higher.
    steps = route(directory, "60000.00", initiator="leader")
    assert who(steps) == [(1, "unit_head", "head"), (2, "principal", "principal")]
    assert "申请人即分管领导" in steps[1].reason and steps[1].reason.endswith("上报上一级：主要领导审批")


def test_nobody_on_the_route_is_the_initiator(directory):
    for initiator in ("clerk", "head", "leader", "principal"):
        for amount in ("10.00", "60000.00", "199999.99"):
            assert initiator not in [s.assignee for s in route(directory, amount, initiator=initiator)]


def test_the_principals_own_top_tier_application_is_refused(directory):
    with pytest.raises(RouteRefused) as refused:
        route(directory, "300000.00", initiator="principal")
    assert refused.value.code == "approval_no_higher_authority"
    assert "主要领导" in refused.value.message


def test_an_unknown_unit_is_refused(directory):
    with pytest.raises(RouteRefused) as refused:
        route(directory, "10.00", unit="nowhere")
    assert refused.value.code == "approval_unit_unknown" and "nowhere" in refused.value.message


def test_a_unit_without_a_head_is_refused_with_a_clear_reason(directory):
    del directory.users["head_czb"]
    with pytest.raises(RouteRefused) as refused:
        route(directory, "10.00", initiator="clerk_czb", unit="czb")
    assert refused.value.code == "approval_approver_missing"
    assert refused.value.message == "单位 财政办公室（czb）没有登记部门负责人，无法确定审批人"


def test_two_heads_are_refused_rather_than_picked_by_table_order(directory):
    directory.users["head2"] = User("head2", "副主任", "dzb", ("unit_head",))
    with pytest.raises(RouteRefused) as refused:
        route(directory, "10.00")
    assert refused.value.code == "approval_approver_ambiguous"
    assert refused.value.details["candidates"] == ["head", "head2"]


def test_a_leader_in_charge_who_is_not_registered_is_refused(directory):
    directory.units["dzb"] = Unit("dzb", "党政综合办公室", "office", "ghost")
    with pytest.raises(RouteRefused) as refused:
        route(directory, "60000.00")
    assert refused.value.code == "approval_approver_missing" and "分管领导" in refused.value.message


def test_a_document_type_without_a_definition_is_refused(directory):
    with pytest.raises(RouteRefused) as refused:
        resolve_route("no_such_document", {"amount": Decimal("1.00"), "unit": "dzb", "initiator": "clerk"}, directory)
    assert refused.value.code == "approval_definition_missing"


def test_a_payment_request_goes_to_the_unit_head_then_finance_and_up_by_amount(directory):
    small = resolve_route(
        "payment_request", {"amount": Decimal("10800.00"), "unit": "dzb", "initiator": "clerk"}, directory
    )
    assert [s.name for s in small] == ["部门负责人审批", "财务审核（或签）"]
    large = resolve_route(
        "payment_request", {"amount": Decimal("250000.00"), "unit": "dzb", "initiator": "clerk"}, directory
    )
    assert [s.name for s in large] == ["部门负责人审批", "财务审核（或签）", "分管领导审批", "主要领导审批"]


def test_thresholds_are_data_of_a_versioned_definition():
    data = copy.deepcopy(MATTER_APPLICATION_V1)
    data["version"], data["thresholds"]["leader_in_charge"] = 2, "10000.00"
    definition = ProcessDefinition.from_dict(data)
    attributes = {"amount": Decimal("10000.00"), "unit": "dzb", "initiator": "clerk"}
    directory = InMemoryDirectory.of(
        [Unit("dzb", "党政综合办公室", "office", "leader")],
        [User("head", "黄", "dzb", ("unit_head",)), User("leader", "王", "dzb", ("leader_in_charge",))],
    )
    assert [s.assignee for s in definition.resolve(attributes, directory)] == ["head", "leader"]
    assert current("matter_application").version == 2


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["steps"].reverse(),  # steps must climb the authorities
        lambda d: d["steps"][1]["when"][0].update(amount_at_least="nope"),  # unknown threshold
        lambda d: d["steps"].append({"role": "mayor"}),  # unknown authority
        lambda d: d["steps"][0].update(when=[{"flag": "major_matter"}]),  # the first step is always there
    ],
)
def test_a_bad_definition_is_refused_when_loaded(change):
    data = copy.deepcopy(MATTER_APPLICATION_V1)
    change(data)
    with pytest.raises(ValueError):
        ProcessDefinition.from_dict(data)
