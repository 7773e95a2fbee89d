"""Recording a collective decision (集体决策): the meeting completes the collective-decision step's task."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform.context import CallContext
from services.approval.domain import errors
from services.approval.domain.meeting import Meeting
from services.approval.domain.model import StepKind
from services.approval.domain.trail import TrailAction
from services.approval.service_layer import commands, delegation, views
from services.approval.service_layer.actions import _locked_task, sod_counted
from services.approval.service_layer.handlers import _record, _Trail
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


def record_meeting(cmd: commands.RecordMeeting, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The step's assignee (the chair, or their delegate) records the meeting; its decision decides the step.
    The same rules as any decision hold (the route lock, segregation of duties, one decision per task)."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        route, task = _locked_task(uow, cmd.task_id)
        step = route.step(task.step_no) if task.round == route.round else None
        if step is None or step.kind is not StepKind.COLLECTIVE:
            raise errors.not_collective(step.name if step else f"第 {task.step_no} 步")
        directory = uow.directory.of(route.org)
        meeting = Meeting.record(
            meeting_date=cmd.meeting_date,
            attendees=cmd.attendees,
            decision=cmd.decision,
            minutes=cmd.minutes,
            attachment=cmd.attachment,
            is_member=lambda name: directory.user(name) is not None,
            today=datetime.now(UTC).date(),
        )
        acting_for = delegation.acting_for_on(uow, ctx, task)
        with sod_counted():
            result = route.decide(
                task, ctx.actor, meeting.decision, meeting.summary, acting_for=acting_for, by_meeting=True
            )
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
