"""Route actions besides deciding: withdraw (撤回), return to an earlier step (退回指定节点), reassign (转办).

Each locks the route first, like `decide`, so it queues behind (and sees the result of) any decision on the
same route; each writes the trail and tells the others in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ic_platform import metrics
from ic_platform.context import CallContext
from ic_platform.errors import DomainError
from services.approval.domain import actions, definitions, eligibility, errors
from services.approval.domain.model import Route, Task
from services.approval.domain.trail import TrailAction
from services.approval.service_layer import commands, delegation
from services.approval.service_layer.handlers import PRODUCER, _assigned, _Trail, record_skipped
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


@contextmanager
def sod_counted() -> Iterator[None]:
    """Counts a segregation-of-duties refusal in `ic_segregation_of_duties_violations_total`, by rule."""
    try:
        yield
    except DomainError as exc:
        if (rule := errors.sod_rule(exc)) is not None:
            metrics.sod_violations.labels(PRODUCER, rule).inc()
        raise


def _locked_task(uow: ApprovalUnitOfWork, task_id: str) -> tuple[Route, Task]:
    route_id = uow.tasks.route_of(task_id)
    if route_id is None:
        raise errors.task_not_found(task_id)
    route = uow.routes.lock(route_id)
    return route, uow.tasks.get(task_id)


def _outcome(route: Route, **extra: Any) -> dict[str, Any]:
    return {
        "route": {
            "document": route.document.as_dict(),
            "status": route.status.value,
            "current_step": route.current_step,
            "round": route.round,
        },
        **extra,
    }


def withdraw(cmd: commands.Withdraw, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The initiator takes the document back while no approver has acted on this round (see
    domain.actions.withdraw for the exact rule). The owning service hears `approval.withdrawn`."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        found = uow.routes.find(cmd.document_type, cmd.document_id)
        if found is None or found.org != ctx.org:
            raise errors.route_not_found(cmd.document_type, cmd.document_id)
        route = uow.routes.lock(found.id)
        round_tasks = uow.tasks.of_round(route.id, route.round)
        at_step = route.current_step or _returned_at(round_tasks)
        closed = actions.withdraw(route, ctx.actor, round_tasks, cmd.reason)
        for task in closed:
            uow.tasks.save_decision(task)
        uow.routes.save_progress(route)
        payload = {
            "document": route.document.as_dict(),
            "withdrawn_by": ctx.actor,
            "round": route.round,
            "step_no": at_step,
        }
        if cmd.reason:
            payload["reason"] = cmd.reason
        uow.publish(ctx.event("approval.withdrawn", payload, subject=route.document.subject))
        _Trail(uow, ctx, route, actor=ctx.actor).add(
            TrailAction.WITHDRAWN, from_step=at_step, comment=cmd.reason or None
        )
        uow.commit()
    return _outcome(route, withdrawn_tasks=[t.id for t in closed])


def _returned_at(round_tasks: list[Task]) -> int:
    """The step that returned the document to its initiator (where a returned document is withdrawn from)."""
    return max((t.step_no for t in round_tasks if t.status.value == "returned"), default=1)


def return_to_step(cmd: commands.ReturnToStep, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The approver holding the document (or their delegate) sends it back to an earlier step."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        route, task = _locked_task(uow, cmd.task_id)
        acting_for = delegation.acting_for_on(uow, ctx, task)
        parallel = uow.tasks.pending_at(route.id, task.round, task.step_no)
        with sod_counted():
            handover = actions.return_to_step(
                route, task, ctx.actor, cmd.to_step, cmd.reason, acting_for=acting_for, parallel=parallel
            )
        closed, opened = handover.closed, handover.opened
        uow.tasks.save_decision(closed)
        uow.routes.save_progress(route)
        for reopened in (opened, *handover.also_opened):
            uow.tasks.add(route.id, reopened)
        decided = {
            "document": route.document.as_dict(),
            "task_id": closed.id,
            "step_no": closed.step_no,
            "decision": closed.status.value,
            "decided_by": ctx.actor,
            "comment": closed.comment,
            "to_step": opened.step_no,
        }
        if acting_for:
            decided["acting_for"] = acting_for
        uow.publish(ctx.event("approval.step_decided", decided, subject=route.document.subject))
        trail = _Trail(uow, ctx, route, actor=ctx.actor)
        trail.add(
            TrailAction.RETURNED_TO_STEP,
            task=closed,
            from_step=closed.step_no,
            to_step=opened.step_no,
            comment=closed.comment,
            acting_for=acting_for,
        )
        record_skipped(uow, trail, handover.skipped)
        for reopened in (opened, *handover.also_opened):
            _assigned(uow, ctx, route, reopened)
            trail.assigned(reopened, from_step=closed.step_no)
        uow.commit()
    return _outcome(
        route, task_id=closed.id, status=closed.status.value, next_task_id=opened.id, next_assignee=opened.assignee
    )


def reassign(cmd: commands.Reassign, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The assignee (or an administrator) hands a pending task to another approver of the same role."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        route, task = _locked_task(uow, cmd.task_id)
        closed, opened = hand_over(
            uow, ctx, route, task, cmd.assignee, cmd.reason, actor_is_admin=delegation.is_admin(uow, ctx)
        )
        uow.commit()
    return _outcome(
        route, task_id=closed.id, status=closed.status.value, next_task_id=opened.id, next_assignee=opened.assignee
    )


def hand_over(
    uow: ApprovalUnitOfWork,
    ctx: CallContext,
    route: Route,
    task: Task,
    assignee: str,
    reason: str | None,
    *,
    actor_is_admin: bool,
) -> tuple[Task, Task]:
    """Reassign (转办) in the caller's transaction, the route locked: the closed task and the opened one."""
    directory = uow.directory.of(route.org)
    target = directory.user(assignee)
    step = route.step(task.step_no)
    definition = definitions.version(route.document.type, route.definition_version)
    with sod_counted():
        handover = actions.reassign(
            route,
            task,
            ctx.actor,
            target,
            assignee,
            reason,
            actor_is_admin=actor_is_admin,
            scope=eligibility.step_scope(definition, step.name, step.roles),
            unit=directory.unit(route.unit),
        )
    closed, opened = handover.closed, handover.opened
    uow.tasks.save_decision(closed)
    uow.routes.save_assignee(route, opened.step_no)
    uow.tasks.add(route.id, opened)
    uow.publish(
        ctx.event(
            "approval.task_reassigned",
            {
                "document": route.document.as_dict(),
                "task_id": closed.id,
                "new_task_id": opened.id,
                "step_no": opened.step_no,
                "step_name": route.step(opened.step_no).name,
                "from_assignee": closed.assignee,
                "to_assignee": opened.assignee,
                "reassigned_by": ctx.actor,
                "reason": closed.comment,
            },
            subject=route.document.subject,
        )
    )
    _assigned(uow, ctx, route, opened)
    trail = _Trail(uow, ctx, route, actor=ctx.actor)
    trail.add(
        TrailAction.REASSIGNED,
        task=closed,
        assignee=opened.assignee,
        from_step=closed.step_no,
        to_step=opened.step_no,
        comment=closed.comment,
    )
    trail.assigned(opened, from_step=closed.step_no)
    return closed, opened
