"""Due times, reminders and escalation of approval tasks (see domain/deadlines.py).

A task gets its due time when it is assigned. A timer sweeps: past due and still pending, the assignee is
reminded once (`approval.task_overdue`); reminded, still pending and a further period past due, the task is
escalated once (`approval.task_escalated`). The marks are set in the transaction that publishes, and rows
being swept elsewhere are skipped, so each event goes out once however many sweeps run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ic_platform import metrics
from ic_platform.config import Settings, settings
from ic_platform.context import CallContext
from services.approval.domain.deadlines import DuePolicy, escalation_target
from services.approval.domain.model import DocumentRef, Route, Task
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


def due_policy(cfg: Settings | None = None) -> DuePolicy:
    """The deployment's due times (IC_APPROVAL_*), the per-step table staying the domain's."""
    cfg = cfg or settings()
    override = cfg.approval_due_seconds
    return DuePolicy(
        default_hours=cfg.approval_default_due_hours,
        escalate_after=timedelta(seconds=cfg.approval_escalate_after_s),
        due_override=timedelta(seconds=override) if override else None,
    )


def schedule(uow: ApprovalUnitOfWork, route: Route, task: Task, policy: DuePolicy | None = None) -> None:
    policy = policy or due_policy()
    now = datetime.now(UTC)
    step = route.step(task.step_no)
    uow.watch.add_deadline(task.id, route.id, now, policy.due_at(now, route.document.type, step.approver_role))


def sweep(
    uow: ApprovalUnitOfWork, policy: DuePolicy | None = None, now: datetime | None = None, limit: int = 100
) -> dict[str, int]:
    """One pass of the timer: remind what fell due, escalate what stayed undone. Returns how many of each."""
    policy, now = policy or due_policy(), now or datetime.now(UTC)
    reminded = escalated = 0
    with uow:
        for row in uow.watch.to_remind(now, limit):
            if uow.watch.mark_reminded(row.task_id, now):
                uow.publish(_ctx(row).event("approval.task_overdue", _payload(row), subject=_document(row).subject))
                reminded += 1
        uow.commit()
    with uow:
        directory = None
        for row in uow.watch.to_escalate(policy.escalation_due_before(now), limit):
            directory = directory if directory is not None and directory.org == row.org else uow.directory.of(row.org)
            unit = directory.unit(row.unit)
            target = escalation_target(
                row.assignee,
                uow.watch.later_steps(row.route_id, row.round, row.step_no),
                unit.leader_in_charge if unit else None,
                [u.username for u in directory.users_with_role("principal")],
            )
            if not uow.watch.mark_escalated(row.task_id, now, target.to if target else None) or target is None:
                continue  # nobody above the assignee: marked, so it is not looked at again
            uow.publish(
                _ctx(row).event(
                    "approval.task_escalated",
                    {**_payload(row), "escalated_to": target.to, "reason": target.reason},
                    subject=_document(row).subject,
                )
            )
            escalated += 1
        overdue, overdue_escalated = uow.watch.count_overdue(now)
        uow.commit()
    metrics.approval_overdue_tasks.labels("overdue").set(overdue)
    metrics.approval_overdue_tasks.labels("escalated").set(overdue_escalated)
    metrics.approval_tasks_overdue.labels("reminded").inc(reminded)
    metrics.approval_tasks_overdue.labels("escalated").inc(escalated)
    return {"reminded": reminded, "escalated": escalated}


def _ctx(row: Any) -> CallContext:
    # The timer acts for nobody: the story of a reminder starts here.
    return CallContext(org=row.org, correlation_id=str(uuid.uuid4()))


def _document(row: Any) -> DocumentRef:
    return DocumentRef(row.document_type, row.document_id, row.document_no)


def _payload(row: Any) -> dict[str, Any]:
    return {
        "document": _document(row).as_dict(),
        "task_id": str(row.task_id),
        "step_no": row.step_no,
        "step_name": row.step_name,
        "assignee": row.assignee,
        "due_at": row.due_at.isoformat(),
    }
