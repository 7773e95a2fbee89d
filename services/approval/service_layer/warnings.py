"""Risk warnings at the point of decision (审批时的风险提示).

The risk service announces each warning (`risk.warning_raised`); approval keeps them per document. An approver
sees them with the task (`get_task`, and a count and the highest severity in `my_tasks`); approving a document
with a high warning needs `acknowledge_warnings` naming it and a comment, recorded per task and in the trail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field

from ic_platform.commands import RowId
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.tracing import current_trace_id
from services.approval.domain import errors
from services.approval.domain.model import Decision, Route, Task
from services.approval.domain.trail import TrailDraft
from services.approval.domain.warnings import SEVERITY_LABELS, max_severity, to_acknowledge
from services.approval.service_layer import assessment, commands, scoping, supervision, views
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

# The trail action of an acknowledgement: one entry per acknowledging decision, naming the warnings.
ACKNOWLEDGED = "risk_acknowledged"


class Decide(commands.Decide):
    """A decision, with the warnings the approver acknowledges by it (ids from `get_task`)."""

    acknowledge_warnings: Annotated[list[RowId], Field(max_length=50)] = []


class GetTask(commands.Command):
    task_id: commands.Code


def on_warning_raised(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    uow.watch.add_warning(event.org, event.payload)


def check_and_acknowledge(
    uow: ApprovalUnitOfWork, ctx: CallContext, route: Route, task: Task, decision: Decision, cmd: commands.Decide
) -> None:
    """Before an approval is recorded: refuses it while a high warning is unacknowledged at this task;
    otherwise stores the acknowledgements it carries and adds them to the trail."""
    if decision is not Decision.APPROVE:
        return
    document = route.document
    warnings = uow.watch.warnings(document.type, document.id)
    requested = getattr(cmd, "acknowledge_warnings", [])
    if not warnings and not requested:
        return
    fresh = to_acknowledge(warnings, uow.watch.acknowledged(task.id), requested, cmd.comment or "")
    if not fresh:
        return
    comment = cmd.comment.strip()
    uow.watch.acknowledge([w.id for w in fresh], task.id, ctx.actor, comment)
    supervision.announce_acknowledged(uow, ctx, route, task, [w.id for w in fresh], comment)
    listed = "；".join(f"#{w.id}[{SEVERITY_LABELS[w.severity]}]{w.message}" for w in fresh)
    uow.trail.append(
        TrailDraft(
            action=ACKNOWLEDGED,
            org=route.org,
            actor=ctx.actor,
            document_type=document.type,
            document_id=document.id,
            document_no=document.no,
            task_id=task.id,
            from_step=task.step_no,
            amount=route.amount,
            comment=f"确认风险预警：{listed}；意见：{comment}",
            occurred_at=datetime.now(UTC),
            client_ip=ctx.client_ip,
            user_agent=ctx.user_agent,
            trace_id=current_trace_id(),
        )
    )


def get_task(cmd: GetTask, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """One task as its approver sees it before deciding: the document, the step, the due time, and the risk
    warnings on the document (with this task's acknowledgements)."""
    if not ctx.actor:
        raise errors.actor_required()
    task_id = _uuid_or_none(cmd.task_id)
    with uow:
        row = None if task_id is None else uow.queries.task_for_reader(ctx.org, task_id)
        # Whoever may read the document may open its task: the assignee and their delegate (who must see the
        # warnings to acknowledge them), the initiator, past deciders, and the document's other readers.
        if row is None or not scoping.readable(uow, ctx, row.document_type, row.document_id, row.unit, row.initiator):
            raise errors.task_not_found(cmd.task_id)
        warnings = uow.watch.warning_rows(row.document_type, row.document_id, str(row.task_id))
        deadline = uow.watch.deadline(str(row.task_id))
        risk_assessment = assessment.view_of_task(uow, row.document_type, row.document_id, row.round)
    item = views.task_item(row)
    item["assignee"] = row.assignee
    item["warnings"] = [_warning_view(w) for w in warnings]
    item["warning_count"] = len(warnings)
    item["max_severity"] = max_severity(w.severity for w in warnings)
    item["unacknowledged_high"] = [w.warning_id for w in warnings if w.severity == "high" and not w.acknowledged_by]
    item.update(_deadline_view(deadline))
    item["risk_assessment"] = risk_assessment  # until it is "assessed", deciding answers 409
    return item


def annotate(page: dict[str, Any], uow: ApprovalUnitOfWork) -> dict[str, Any]:
    """Task list items get their document's warning count and highest severity, their due time, and their
    round's risk assessment."""
    keys = [(i["document"]["type"], i["document"]["id"]) for i in page["items"]]
    with uow:
        found = uow.watch.summaries(keys)
        due = uow.watch.due_times([i["task_id"] for i in page["items"]])
        assessment.annotate(uow, page["items"])
    now = datetime.now(UTC)
    for item, key in zip(page["items"], keys, strict=True):
        severities = found.get(key, [])
        item["warning_count"], item["max_severity"] = len(severities), max_severity(severities)
        due_at = due.get(item["task_id"])
        item["due_at"] = views.iso(due_at)
        item["overdue"] = bool(due_at and item["status"] == "pending" and due_at <= now)
    return page


def _warning_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.warning_id,
        "rule": row.rule,
        "severity": row.severity,
        "severity_label": SEVERITY_LABELS.get(row.severity, row.severity),
        "message": row.message,
        "evidence": row.evidence,
        "raised_at": views.iso(row.raised_at),
        "must_acknowledge": row.severity == "high",
        "acknowledged": None
        if row.acknowledged_by is None
        else {"by": row.acknowledged_by, "comment": row.ack_comment, "at": views.iso(row.acknowledged_at)},
    }


def _deadline_view(row: Any) -> dict[str, Any]:
    if row is None:
        return {"due_at": None, "reminded_at": None, "escalated_at": None, "escalated_to": None}
    return {
        "due_at": views.iso(row.due_at),
        "reminded_at": views.iso(row.reminded_at),
        "escalated_at": views.iso(row.escalated_at),
        "escalated_to": row.escalated_to,
    }


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
