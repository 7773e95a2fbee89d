"""Actions on a route besides deciding: withdraw (撤回), return to an earlier step (退回指定节点) and reassign
(转办). Pure: no I/O. Each closes the task(s) it affects with a status of its own (not a decision on the
document) and says what follows; the service layer stores it, tells the others and writes the trail."""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.approval.domain import eligibility, errors
from services.approval.domain.directory import Unit, User
from services.approval.domain.model import Route, RouteStatus, Task, TaskStatus, skip


@dataclass(frozen=True)
class Handover:
    """A task closed, the task that carries the document on from it, and the closed task's parallel tasks that
    are no longer needed."""

    closed: Task
    opened: Task
    skipped: tuple[Task, ...] = ()
    also_opened: tuple[Task, ...] = ()  # returned to a parallel step: its other assignees' tasks


def _reason(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise errors.field_required("reason", message)
    return text


def withdraw(route: Route, actor: str | None, round_tasks: list[Task], reason: str | None) -> list[Task]:
    """The initiator takes the document back (撤回).

    Allowed exactly while nobody but the initiator has acted on the current round: every task of the round is
    still pending (no decision, no return to a step, no reassignment). So a withdrawal can never undo an
    approver's work. After one, the document is like a returned one: the initiator may correct and resubmit
    it (a new round). Returns the pending tasks it closed; the reason is optional.

    A document returned to the initiator may be withdrawn too (nobody else holds it): the one way to take a
    document out of approval, whatever its type, so that its owner releases what it holds."""
    if not actor:
        raise errors.actor_required()
    if actor != route.initiator:
        raise errors.not_initiator(actor, route.initiator)
    if route.status is RouteStatus.RETURNED:
        route.status = RouteStatus.WITHDRAWN
        return []
    if route.status is not RouteStatus.IN_PROGRESS:
        raise errors.not_in_progress(route.document.no, route.status.value)
    tasks = [t for t in round_tasks if t.round == route.round]
    acted = next((t for t in tasks if t.status is not TaskStatus.PENDING), None)
    if acted is not None:
        raise errors.withdraw_too_late(route.document.no, route.step(acted.step_no).name)
    comment = (reason or "").strip() or None
    for task in tasks:
        task.status, task.decided_by, task.comment = TaskStatus.WITHDRAWN, actor, comment
    route.status, route.current_step = RouteStatus.WITHDRAWN, None
    return tasks


def return_to_step(
    route: Route,
    task: Task,
    actor: str | None,
    to_step: int,
    reason: str | None,
    *,
    acting_for: str | None = None,
    parallel: list[Task] = (),
) -> Handover:
    """The approver holding the document sends it back to an earlier step k of the same round (退回指定节点);
    that step's approver gets a new task and the route climbs again from there. On a parallel step this
    decides the step: the other assignees' tasks (`parallel`) are skipped. Returning to a parallel step opens
    a task for each of its assignees again."""
    route._check_may_decide(task, actor, acting_for)
    comment = _reason(reason, "退回必须填写理由")
    current = route.current_step or task.step_no
    if to_step >= current or not any(s.step_no == to_step for s in route.steps):
        raise errors.no_earlier_step(to_step, current)
    task.status, task.decided_by, task.comment, task.acting_for = (
        TaskStatus.RETURNED_TO_STEP,
        actor,
        comment,
        acting_for,
    )
    route.current_step = to_step
    skipped = skip([t for t in parallel if t.id != task.id and t.status is TaskStatus.PENDING])
    first, *rest = route.step(to_step).tasks(route.round)
    return Handover(task, first, skipped, also_opened=tuple(rest))


def reassign(
    route: Route,
    task: Task,
    actor: str | None,
    target: User | None,
    target_name: str,
    reason: str | None,
    *,
    actor_is_admin: bool = False,
    scope: str = "unit",
    unit: Unit | None = None,
) -> Handover:
    """The assignee (or an administrator) hands the pending task to another approver (转办) whom the step's rule
    could have chosen (eligibility.could_hold: the step's role, in its `scope` around the document's `unit`).
    The new holder must be allowed on this document: not its initiator, and not holding another of its steps.
    The step's assignee becomes the new holder; the trail keeps who held it before."""
    if not actor:
        raise errors.actor_required()
    if (
        task.status is not TaskStatus.PENDING
        or route.status is not RouteStatus.IN_PROGRESS
        or task.step_no != route.current_step
        or task.round != route.round
    ):
        raise errors.already_decided(task.id, task.status.value)
    if actor != task.assignee and not actor_is_admin:
        raise errors.reassign_not_allowed(actor)
    comment = _reason(reason, "转办必须填写理由")
    if target is None:
        raise errors.user_unknown(target_name, "assignee")
    if target.username == task.assignee:
        raise errors.reassign_to_self(target.username)
    step = route.step(task.step_no)
    eligibility.check_reassignee(target, step.roles, scope, unit, step.name)
    if target.username == route.initiator:
        raise errors.self_approval(target.username, route.document.no)
    # Another step, or a second signature on this parallel step.
    held = next((s for s in route.steps if target.username in s.assignees), None)
    if held is not None:
        raise errors.one_step_per_person(target.username, route.document.no, held.name)
    task.status, task.decided_by, task.comment = TaskStatus.REASSIGNED, actor, comment
    people = tuple(target.username if who == task.assignee else who for who in step.assignees)
    route.steps = [
        replace(s, assignee=people[0], co_assignees=people[1:]) if s.step_no == step.step_no else s for s in route.steps
    ]
    return Handover(task, Task(step_no=step.step_no, assignee=target.username, round=route.round))
