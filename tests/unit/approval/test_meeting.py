"""Collective decisions (集体决策): the meeting's record, and a collective step decided only by one."""

from __future__ import annotations

from datetime import date

import pytest

from ic_platform.errors import Conflict, InvalidInput
from services.approval.domain.meeting import Meeting
from services.approval.domain.model import Decision, PlannedStep, RouteStatus, StepKind

from .test_decisions import STEPS, start

MEMBERS = {"principal", "leader", "leader_party", "leader_urban", "leader_discipline"}
TODAY = date(2026, 11, 25)


def record(**changes):
    values = dict(
        meeting_date=date(2026, 11, 20),
        attendees=["principal", "leader", "leader_party"],
        decision="approve",
        minutes="经党工委会议研究，同意实施。",
        attachment=None,
        is_member=MEMBERS.__contains__,
        today=TODAY,
    )
    return Meeting.record(**{**values, **changes})


def test_a_meeting_is_recorded_with_its_summary():
    meeting = record(attachment=" DA-2026-118 ")
    assert meeting.decision is Decision.APPROVE and meeting.attachment == "DA-2026-118"
    assert meeting.summary.startswith("2026-11-20 集体决策会议（出席 3 人：principal、leader、leader_party）决定：同意")
    assert meeting.as_dict()["attendees"] == ["principal", "leader", "leader_party"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"attendees": ["principal", "leader"]}, "attendees"),
        ({"attendees": ["principal", "leader", "leader"]}, "attendees"),
        ({"attendees": ["principal", "leader", "ghost"]}, "attendees"),
        ({"meeting_date": date(2026, 11, 26)}, "meeting_date"),
        ({"decision": "return"}, "decision"),
        ({"minutes": "  "}, "minutes"),
    ],
)
def test_a_bad_record_is_refused_naming_the_field(changes, field):
    with pytest.raises(InvalidInput) as refused:
        record(**changes)
    assert refused.value.details["field"] == field


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
