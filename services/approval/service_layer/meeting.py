"""Recording a collective decision (集体决策): the meeting completes the collective-decision step's task."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field

from ic_platform.context import CallContext
from services.approval.domain import definitions, errors
from services.approval.domain.meeting import Meeting, body_unknown
from services.approval.domain.model import Route, StepKind, Task
from services.approval.domain.trail import TrailAction
from services.approval.service_layer import commands, delegation, views, watch
from services.approval.service_layer.actions import _locked_task, sod_counted
from services.approval.service_layer.handlers import _record, _Trail
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

# Meetings are dated as people date them: in the office's time zone, not UTC.
LOCAL = ZoneInfo("Asia/Shanghai")


class RecordMeeting(commands.RecordMeeting):
    """The meeting, and the risk warnings its recorder acknowledges on the body's behalf (ids from get_task),
    with a comment saying why the meeting still decided so: a meeting honours high warnings like any decision."""

    acknowledge_warnings: Annotated[list[int], Field(max_length=50)] = []
    comment: commands.Comment = ""


def record_meeting(cmd: RecordMeeting, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The step's assignee (the chair, or their delegate) records the meeting; its decision decides the step.
    The same rules as any decision hold (the route lock, segregation of duties, incompatible positions, risk
    acknowledgement, one decision per task), and the meeting must be a real one of the step's deciding body."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        route, task = _locked_task(uow, cmd.task_id)
        step = route.step(task.step_no) if task.round == route.round else None
        if step is None or step.kind is not StepKind.COLLECTIVE:
            raise errors.not_collective(step.name if step else f"第 {task.step_no} 步")
        definition = definitions.version(route.document.type, route.definition_version)
        authority = definition.authority_of_step(step.name, step.roles) if definition else None
        code = authority.body if authority else None
        body = uow.directory.body(route.org, code) if code else None
        if body is None:
            raise body_unknown(code, step.name)
        meeting = Meeting.record(
            meeting_date=cmd.meeting_date,
            attendees=cmd.attendees,
            decision=cmd.decision,
            minutes=cmd.minutes,
            attachment=cmd.attachment,
            body=body,
            applicant=route.initiator,
            submitted_on=_submitted_on(uow, route, task),
            today=datetime.now(LOCAL).date(),
        )
        acting_for = delegation.acting_for_on(uow, ctx, task)
        with sod_counted():
            result = route.decide(
                task, ctx.actor, meeting.decision, meeting.summary, acting_for=acting_for, by_meeting=True
            )
        watch.on_decision(uow, ctx, route, result, cmd)  # incompatible positions, risk warnings, cycle time
        uow.meetings.add(route.id, task, meeting, ctx.actor)
        _Trail(uow, ctx, route, actor=ctx.actor).add(
            TrailAction.MEETING_RECORDED,
            task=task,
            from_step=task.step_no,
            comment=meeting.summary,
            acting_for=acting_for,
        )
        _record(uow, ctx, route, result)
        uow.commit()
    return {**views.decision_result(route, result.task, replayed=False), "meeting": meeting.as_dict()}


def _submitted_on(uow: ApprovalUnitOfWork, route: Route, task: Task) -> Any:
    """The day this round was submitted (its first task's assignment), in the office's time zone."""
    started = uow.meetings.round_started(route.id, task.round)
    return (started or datetime.now(LOCAL)).astimezone(LOCAL).date()
