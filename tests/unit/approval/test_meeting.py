"""Collective decisions (集体决策): the meeting's record, and a collective step decided only by one."""

from __future__ import annotations

from datetime import date

import pytest

from ic_platform.errors import Conflict, InvalidInput
from services.approval.domain import definitions
from services.approval.domain.directory import DecidingBody
from services.approval.domain.meeting import Meeting
from services.approval.domain.model import Decision, PlannedStep, RouteStatus, StepKind, Task, TaskStatus

from .test_decisions import STEPS, start

DGW = DecidingBody(
    "dgw",
    "党工委会议",
    ("principal", "leader", "leader_party", "leader_urban", "leader_discipline", "leader_social"),
    4,
)
TODAY = date(2026, 11, 25)


def record(**changes):
    values = dict(
        meeting_date=date(2026, 11, 20),
        attendees=["principal", "leader", "leader_party", "leader_urban"],
        decision="approve",
        minutes="经党工委会议研究，同意实施。",
        attachment=None,
        body=DGW,
        applicant="clerk",
        submitted_on=date(2026, 11, 18),
        today=TODAY,
    )
    return Meeting.record(**{**values, **changes})


def test_a_meeting_is_recorded_with_its_summary():
    meeting = record(attachment=" DA-2026-118 ")
    assert meeting.decision is Decision.APPROVE and meeting.attachment == "DA-2026-118"
    assert meeting.summary.startswith(
        "2026-11-20 党工委会议（出席成员 4 人：principal、leader、leader_party、leader_urban）决定：同意"
    )
    assert meeting.as_dict()["counted"] == ["principal", "leader", "leader_party", "leader_urban"]


def test_the_applicant_may_be_present_but_is_never_counted():
    # A member who applied: present (列席), not counted, so three other members are one short of the quorum.
    with pytest.raises(InvalidInput) as short:
        record(attendees=["leader_party", "principal", "leader", "leader_urban"], applicant="leader_party")
    assert short.value.details == {"field": "attendees", "quorum": 4, "counted": 3, "body": "dgw"}
    assert "申请人列席" in short.value.message
    meeting = record(attendees=["clerk", "principal", "leader", "leader_party", "leader_urban"])
    assert meeting.present_not_counted == ("clerk",) and len(meeting.counted) == 4
    assert "申请人 clerk 列席不计" in meeting.summary


@pytest.mark.parametrize(
    "changes, field, says",
    [
        ({"attendees": ["principal", "leader", "leader_party"]}, "attendees", "法定人数"),
        ({"attendees": ["principal", "leader", "leader", "leader_urban"]}, "attendees", "重复"),
        ({"attendees": ["principal", "leader", "leader_party", "clerk_czb"]}, "attendees", "不是党工委会议成员"),
        ({"meeting_date": date(2026, 11, 26)}, "meeting_date", "晚于今天"),
        ({"meeting_date": date(2019, 3, 1)}, "meeting_date", "早于单据提交日期"),
        ({"meeting_date": date(2026, 11, 17)}, "meeting_date", "早于单据提交日期"),
        ({"decision": "return"}, "decision", "approve"),
        ({"minutes": "  "}, "minutes", "纪要"),
    ],
)
def test_a_bad_record_is_refused_naming_the_field_and_the_rule(changes, field, says):
    with pytest.raises(InvalidInput) as refused:
        record(**changes)
    assert refused.value.details["field"] == field and says in refused.value.message


def test_the_day_of_submission_and_today_are_allowed():
    assert record(meeting_date=date(2026, 11, 18)).meeting_date == date(2026, 11, 18)
    assert record(meeting_date=TODAY).meeting_date == TODAY


def collective_route():
    meeting_step = PlannedStep(
        2, "集体决策（党工委会议）", "principal", "principal", "三重一大事项", StepKind.COLLECTIVE
    )
    route, task = start([STEPS[0], meeting_step])
    return route, route.decide(task, "head", Decision.APPROVE, "").next_task


def test_a_collective_step_is_not_decided_by_one_person():
    route, task = collective_route()
    with pytest.raises(Conflict) as refused:
        route.decide(task, "principal", Decision.APPROVE, "")
    assert refused.value.code == "approval_meeting_required"


@pytest.mark.parametrize("decision, outcome", [("approve", RouteStatus.APPROVED), ("reject", RouteStatus.REJECTED)])
def test_the_meetings_decision_decides_the_step(decision, outcome):
    route, task = collective_route()
    meeting = record(decision=decision)
    result = route.decide(task, "principal", meeting.decision, meeting.summary, by_meeting=True)
    assert result.outcome is outcome and task.comment == meeting.summary


def test_the_completed_round_tells_each_approval_in_its_capacity_the_meetings_as_collective():
    """What approval.completed carries (risk's approver_above_authority judges it): the step's authority from the
    definition the route was drawn from, and whether the decision was a meeting's."""
    route, at_meeting = collective_route()
    meeting = record()
    route.decide(at_meeting, "principal", meeting.decision, meeting.summary, by_meeting=True)
    head_task = Task(step_no=1, assignee="head", status=TaskStatus.APPROVED, decided_by="head")
    earlier_round = Task(step_no=1, assignee="head", status=TaskStatus.APPROVED, decided_by="head", round=0)
    definition = definitions.version("matter_application", 2)

    def authority_of(step):  # noqa: ANN001, ANN202
        found = definition.authority_of_step(step.name, step.roles)
        return found.role if found else None

    approvals = route.approvals([earlier_round, head_task, at_meeting], authority_of)
    assert approvals == [
        {
            "step_no": 1,
            "step_name": "部门负责人审批",
            "authority": "unit_head",
            "decided_by": "head",
            "by_meeting": False,
        },
        {
            "step_no": 2,
            "step_name": "集体决策（党工委会议）",
            "authority": "collective_decision",
            "decided_by": "principal",
            "by_meeting": True,
        },
    ]


def test_a_delegates_approval_names_whom_it_acted_for():
    route, task = start()
    task.status, task.decided_by, task.acting_for = TaskStatus.APPROVED, "head_czb", "head"
    [approval] = route.approvals([task], lambda step: None)
    assert approval["acting_for"] == "head" and approval["authority"] == "unit_head", "the step's role, undefined"
