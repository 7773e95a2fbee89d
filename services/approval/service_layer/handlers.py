"""Approval use cases. Each takes a command (or an event), a unit of work and the caller's context."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform import metrics
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.money import money_str, parse_money
from ic_platform.paging import page_window, paged
from ic_platform.tracing import current_trace_id
from services.approval.domain import definitions, errors
from services.approval.domain.directory import DecidingBody, Unit, User
from services.approval.domain.model import (
    Decision,
    DecisionResult,
    DocumentRef,
    PlannedStep,
    Route,
    RouteStatus,
    Task,
)
from services.approval.domain.trail import TrailAction, TrailDraft
from services.approval.service_layer import commands, conflicts, delegation, major_matter, scoping, views, watch
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

PRODUCER = "approval"


# ── the org cache ──
def on_unit_registered(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    uow.directory.upsert_unit(event.org, Unit.from_payload(event.payload["unit"]), _announced(event))


def on_user_registered(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    uow.directory.upsert_user(event.org, User.from_payload(event.payload["user"]), _announced(event))


def on_deciding_body_registered(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    uow.directory.upsert_body(event.org, DecidingBody.from_payload(event.payload["body"]), _announced(event))


def _announced(event: Envelope) -> datetime:
    return datetime.fromisoformat(event.occurred_at)


# ── a document enters approval ──
# The events that put a document into approval, and those that bring a returned one back, from whichever
# service owns the document. Their payloads share the approval request's fields (see
# `ic_platform.catalogue.fragments.approval_request`); the document's type picks the process definition.
SUBMITTED = (
    "payment.matter_application_submitted",
    "procurement.application_submitted",
    "procurement.method_change_requested",
    "budget.adjustment_submitted",
    "budget.override_requested",
    "budget.year_reopen_requested",
    "contract.submitted",
    "contract.amendment_submitted",
    "payment.expense_claim_submitted",
    "payment.payment_requested",
)  # noqa: E501
RESUBMITTED = (
    "payment.matter_application_resubmitted",
    "procurement.application_resubmitted",
    "budget.adjustment_resubmitted",
    "contract.resubmitted",
    "payment.expense_claim_resubmitted",
    "payment.payment_request_resubmitted",
)


def on_document_submitted(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """Draw and freeze the route, open the first step's task.

    If no approver can be named (RouteRefused: the unit or a person is missing from the org cache), this
    raises: the inbox retries with backoff, which covers org events that are merely late, then parks the
    event as a dead letter with the Chinese reason in `last_error`. Ops fix the org data and call
    `replay_dead_letters`; until then the document has no route and `get_route` answers 404."""
    p = event.payload
    document = DocumentRef(**p["document"])
    conflicts.record_parties(event, uow)
    # A republished submission (the route exists) is told by `routes.add` below, in the statement that stores
    # the route: no look-up first on the path every submission takes.
    definition = definitions.current(document.type)
    amount = parse_money(p["amount"])
    economic_class = p.get("economic_class")
    why = major_matter.reasons(uow, event.org, document.type, amount, economic_class, event.occurred_at)
    attributes = {
        "amount": amount,
        "unit": p["unit"],
        "initiator": p["applicant"],
        "major_matter": p.get("major_matter", False) or bool(why),  # a rule's 三重一大 cannot be unticked
        "major_matter_why": "；".join(why),
        "extra_approval": p.get("extra_approval", False),  # procurement: a method that needs reasons
    }
    try:
        steps = definition.resolve(attributes, uow.directory.of(event.org))
    except errors.RouteRefused:
        if uow.routes.find(document.type, document.id) is not None:
            return  # heard before, routed while the organisation still named its approvers
        raise
    route, task = Route.start(
        steps,
        document=document,
        org=event.org,
        title=p["title"],
        amount=amount,
        initiator=p["applicant"],
        unit=p["unit"],
        definition_version=definition.version,
        economic_class=economic_class,
        major_matter=attributes["major_matter"],
        major_reasons=tuple(why),
    )
    if not uow.routes.add(route):
        return  # heard before (a republished submission, or a concurrent delivery): one route per document
    uow.tasks.add(route.id, task)
    watch.on_round_started(uow, event, route)  # approval-watch: decisions wait for risk's assessment
    ctx = CallContext.from_envelope(event).with_client_of(p)  # the trail records where it came from
    uow.publish(
        ctx.event(
            "approval.submitted",
            {"document": document.as_dict(), "initiator": route.initiator, "route": [s.as_dict() for s in route.steps]},
            subject=document.subject,
        )
    )
    _assigned(uow, ctx, route, task)
    trail = _Trail(uow, ctx, route, actor=event.actor or route.initiator, traceparent=event.traceparent)
    trail.add(TrailAction.SUBMITTED, to_step=task.step_no)
    trail.assigned(task, from_step=None)


def on_document_resubmitted(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """A returned (or withdrawn) document, corrected by its initiator, comes back: a new round. The route is
    drawn again from the definition in force now (the organisation or the rules may have changed while it was being
    corrected); the earlier rounds' steps and tasks stay stored, and `get_route` shows them."""
    p = event.payload
    document = DocumentRef(**p["document"])
    conflicts.record_parties(event, uow)
    found = uow.routes.find(document.type, document.id)
    if found is None:
        raise LookupError(f"no route for {document.subject}")  # retried, then parked for ops
    route = uow.routes.lock(found.id)
    if not route.status.resubmittable:
        return  # heard before: the new round is already under way
    definition = definitions.current(document.type)
    why = major_matter.reasons(uow, event.org, document.type, route.amount, route.economic_class, event.occurred_at)
    attributes = {
        "amount": route.amount,
        "unit": route.unit,
        "initiator": route.initiator,
        "major_matter": p.get("major_matter", False) or bool(why),
        "major_matter_why": "；".join(why),
        "extra_approval": p.get("extra_approval", False),
    }
    route.major_matter, route.major_reasons = attributes["major_matter"], tuple(why)
    steps = definition.resolve(attributes, uow.directory.of(event.org))
    task = route.restart(steps, definition.version, p.get("title") or route.title)
    uow.routes.save_new_round(route)
    uow.tasks.add(route.id, task)
    watch.on_round_started(uow, event, route)  # approval-watch: decisions wait for risk's assessment
    ctx = CallContext.from_envelope(event).with_client_of(p)  # the trail records where it came from
    _assigned(uow, ctx, route, task)
    trail = _Trail(uow, ctx, route, actor=event.actor or route.initiator, traceparent=event.traceparent)
    trail.add(TrailAction.RESUBMITTED, to_step=task.step_no, comment=f"第 {route.round} 轮送审")
    trail.assigned(task, from_step=None)


def on_document_given_up(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """A document its owner cancelled (作废: a matter application, an expense claim) while it was returned to its
    initiator: the route is closed as withdrawn, so no list shows it waiting for a resubmission that cannot
    come. The trail says why."""
    document = DocumentRef(**event.payload["document"])
    found = uow.routes.find(document.type, document.id)
    if found is None:
        return  # refused by the budget before it was ever routed
    route = uow.routes.lock(found.id)
    if route.status is not RouteStatus.RETURNED:
        return  # withdrawn already (or heard before)
    route.status = RouteStatus.WITHDRAWN
    uow.routes.save_progress(route)
    ctx = CallContext.from_envelope(event)
    trail = _Trail(uow, ctx, route, actor=event.actor or route.initiator, traceparent=event.traceparent)
    trail.add(TrailAction.WITHDRAWN, comment=f"作废：{event.payload['reason']}")


# ── an approver decides ──
def decide(cmd: commands.Decide, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Lock the route first, then read the task: two decisions on one route queue up on the lock, and the
    second sees what the first left (a decided task), so only one can move the route on."""
    if not ctx.actor:
        raise errors.actor_required()
    decision = Decision(cmd.decision)
    with uow:
        route_id = uow.tasks.route_of(cmd.task_id)
        if route_id is None:
            raise errors.task_not_found(cmd.task_id)
        route = uow.routes.lock(route_id)
        task = uow.tasks.get(cmd.task_id)
        if task.decided_by == ctx.actor and task.status is decision.status:
            return views.decision_result(route, task, replayed=True)  # a double click, answered again
        acting_for = delegation.acting_for_on(uow, ctx, task)
        parallel = uow.tasks.pending_at(route.id, task.round, task.step_no)
        try:
            result = route.decide(task, ctx.actor, decision, cmd.comment, acting_for=acting_for, parallel=parallel)
        except DomainError as exc:
            if (rule := errors.sod_rule(exc)) is not None:
                metrics.sod_violations.labels(PRODUCER, rule).inc()
            raise
        watch.on_decision(uow, ctx, route, result, cmd)  # approval-watch: risk acknowledgement, cycle time
        _record(uow, ctx, route, result)
        uow.commit()
    return views.decision_result(route, result.task, replayed=False)


def _record(uow: ApprovalUnitOfWork, ctx: CallContext, route: Route, result: DecisionResult) -> None:
    task, document = result.task, route.document
    uow.watch.knows(route)  # the notifications of a return or an end name it without reading it back
    uow.tasks.save_decision(task)
    uow.routes.save_progress(route)
    trail = _Trail(uow, ctx, route, actor=ctx.actor)
    trail.add(
        TrailAction(task.status.value),
        task=task,
        from_step=task.step_no,
        to_step=result.next_task.step_no if result.next_task else None,
        comment=task.comment,
        acting_for=task.acting_for,
    )
    record_skipped(uow, trail, result.skipped)
    if result.outcome is RouteStatus.RETURNED:
        # Back to the initiator, who is told which step returned it and why; not an end of approval.
        uow.publish(
            ctx.event(
                "approval.returned",
                {
                    "document": document.as_dict(),
                    "task_id": task.id,
                    "step_no": task.step_no,
                    "step_name": route.step(task.step_no).name,
                    "returned_by": task.decided_by,
                    "reason": task.comment,
                    "round": route.round,
                    **({"acting_for": task.acting_for} if task.acting_for else {}),
                },
                subject=document.subject,
            )
        )
        return
    decided = {
        "document": document.as_dict(),
        "task_id": task.id,
        "step_no": task.step_no,
        "decision": task.status.value,
        "decided_by": task.decided_by,
    }
    if task.comment:
        decided["comment"] = task.comment
    if task.acting_for:
        decided["acting_for"] = task.acting_for
    uow.publish(ctx.event("approval.step_decided", decided, subject=document.subject))
    if result.waiting:
        return  # a countersign step waits for its other assignees
    if result.next_task is not None:
        for opened in result.opened:
            uow.tasks.add(route.id, opened)
            _assigned(uow, ctx, route, opened)
            trail.assigned(opened, from_step=task.step_no)
    else:
        uow.publish(ctx.event("approval.completed", completed(uow, route, result), subject=document.subject))
        trail.add(TrailAction.COMPLETED, from_step=task.step_no, comment=result.reason)


def completed(uow: ApprovalUnitOfWork, route: Route, result: DecisionResult) -> dict[str, Any]:
    """`approval.completed`: the outcome, and what the round was decided on and by whom (amount, 三重一大, each
    approving decision in its capacity), so a reader of the event (risk's approver_above_authority) judges the
    decision without keeping the route."""
    definition = definitions.version(route.document.type, route.definition_version)

    def authority_of(step: PlannedStep) -> str | None:
        found = definition.authority_of_step(step.name, step.roles) if definition else None
        return found.role if found else None

    return {
        "document": route.document.as_dict(),
        "outcome": result.outcome.value,
        "reason": result.reason,
        "amount": money_str(route.amount),
        "major_matter": route.major_matter,
        "major_reasons": list(route.major_reasons),
        "round": route.round,
        "approvals": route.approvals(uow.tasks.of_round(route.id, route.round), authority_of),
    }


def record_skipped(uow: ApprovalUnitOfWork, trail: _Trail, skipped: tuple[Task, ...]) -> None:
    """A parallel step was decided: its other tasks are closed as not needed, each with a trail entry."""
    for other in skipped:
        uow.tasks.save_decision(other)
        trail.add(
            TrailAction.SKIPPED, task=other, assignee=other.assignee, from_step=other.step_no, comment=other.comment
        )


def _assigned(uow: ApprovalUnitOfWork, ctx: CallContext, route: Route, task: Task) -> None:
    uow.watch.knows(route)  # its notification names the route's title without reading it back
    uow.publish(
        ctx.event(
            "approval.step_assigned",
            {
                "document": route.document.as_dict(),
                "task_id": task.id,
                "step_no": task.step_no,
                "step_name": route.step(task.step_no).name,
                "assignee": task.assignee,
            },
            subject=route.document.subject,
        )
    )
    watch.on_assigned(uow, route, task)  # approval-watch: the task's due time


class _Trail:
    """Appends one action's entries to the trail, in the action's transaction (see domain/trail.py)."""

    def __init__(
        self,
        uow: ApprovalUnitOfWork,
        ctx: CallContext,
        route: Route,
        *,
        actor: str | None,
        traceparent: str | None = None,
    ):
        self.uow, self.ctx, self.route, self.actor = uow, ctx, route, actor
        self.at = datetime.now(UTC)  # one action, one moment
        self.trace_id = current_trace_id() or _trace_id_of(traceparent)

    def add(
        self,
        action: TrailAction,
        *,
        task: Task | None = None,
        assignee: str | None = None,
        from_step: int | None = None,
        to_step: int | None = None,
        comment: str | None = None,
        acting_for: str | None = None,
    ) -> None:
        route, document = self.route, self.route.document
        self.uow.trail.append(
            TrailDraft(
                action=action.value,
                org=route.org,
                actor=self.actor,
                acting_for=acting_for,
                document_type=document.type,
                document_id=document.id,
                document_no=document.no,
                task_id=task.id if task else None,
                assignee=assignee,
                from_step=from_step,
                to_step=to_step,
                amount=route.amount,
                comment=comment,
                occurred_at=self.at,
                client_ip=self.ctx.client_ip,
                user_agent=self.ctx.user_agent,
                trace_id=self.trace_id,
            )
        )

    def assigned(self, task: Task, *, from_step: int | None) -> None:
        self.add(
            TrailAction.STEP_ASSIGNED,
            task=task,
            assignee=task.assignee,
            from_step=from_step,
            to_step=task.step_no,
            comment=self.route.step(task.step_no).reason,
        )


def _trace_id_of(traceparent: str | None) -> str | None:
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


def get_trail(cmd: commands.GetRoute, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Every trail entry of one document, oldest first: who did what, when, from where, and why."""
    with uow:
        route = uow.routes.find(cmd.document_type, cmd.document_id)
        readable = (
            route is not None
            and route.org == ctx.org
            and scoping.readable(uow, ctx, cmd.document_type, cmd.document_id, route.unit, route.initiator)
        )
        entries = [e.as_dict() for e in uow.trail.for_document(cmd.document_type, cmd.document_id)] if readable else []
        entries = [e for e in entries if e["org"] == ctx.org]
        # The sealed entries name people by username (a name may change; the seal must not); the reader is
        # told who they are beside them.
        named = {e[k] for e in entries for k in ("actor", "acting_for", "assignee") if e.get(k)}
        people = uow.directory.full_names(ctx.org, named) if entries else {}
    if not entries:
        raise errors.route_not_found(cmd.document_type, cmd.document_id)
    return {
        "document": {"type": cmd.document_type, "id": cmd.document_id, "no": entries[-1]["document_no"]},
        "entries": entries,
        "people": people,
    }


# ── what people look at ──
def my_tasks(cmd: commands.Page, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The caller's pending tasks, the longest waiting first."""
    if not ctx.actor:
        raise errors.actor_required()
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        principals = delegation.principals_of(uow, ctx)
        total, rows = uow.queries.pending_tasks(ctx.org, ctx.actor, limit, offset, acting_for=principals)
    return paged([views.task_item(r, viewer=ctx.actor) for r in rows], total, cmd.page, limit)


def my_submissions(cmd: commands.MySubmissions, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """What the caller submitted, the latest first: the step holding each document and who holds it, so an
    initiator always sees where their document is."""
    if not ctx.actor:
        raise errors.actor_required()
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, rows = uow.queries.submissions(ctx.org, ctx.actor, cmd.status, limit, offset)
    return paged([views.submission_item(r) for r in rows], total, cmd.page, limit)


def decided_by_me(cmd: commands.Page, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """What the caller decided, the latest first."""
    if not ctx.actor:
        raise errors.actor_required()
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, rows = uow.queries.decided_tasks(ctx.org, ctx.actor, limit, offset)
    return paged([views.task_item(r) for r in rows], total, cmd.page, limit)


def get_route(cmd: commands.GetRoute, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Which step holds the document, and what happened at each one."""
    with uow:
        found = uow.queries.route(ctx.org, cmd.document_type, cmd.document_id)
        readable = found is not None and scoping.readable(
            uow, ctx, cmd.document_type, cmd.document_id, found[0].unit, found[0].initiator
        )
    if not readable:
        raise errors.route_not_found(cmd.document_type, cmd.document_id)
    return views.route_detail(*found)


EVENT_HANDLERS = {
    "org.unit_registered": [on_unit_registered],
    "org.user_registered": [on_user_registered],
    "org.deciding_body_registered": [on_deciding_body_registered],
    **{event_type: [on_document_submitted] for event_type in SUBMITTED},
    **{event_type: [on_document_resubmitted] for event_type in RESUBMITTED},
    "payment.application_cancelled": [on_document_given_up],
    "contract.cancelled": [on_document_given_up],
    "payment.expense_claim_cancelled": [on_document_given_up],
}
