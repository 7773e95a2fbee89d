"""How routes and tasks look to people and to the gateway: JSON-ready dictionaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ic_platform.money import money_str
from services.approval.domain.model import Route, Task


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def document(row: Any) -> dict[str, str]:
    return {k: v for k, v in (("type", row.document_type), ("id", row.document_id), ("no", row.document_no)) if v}


def task_item(row: Any, viewer: str | None = None) -> dict[str, Any]:
    """One line of a task list (my tasks, decided by me). `acting_for`: the person the viewer acts (or
    acted) for on it, as their delegate (代理); None when it is the viewer's own task."""
    delegated = row.assignee if viewer and row.assignee != viewer and row.status == "pending" else None
    return {
        "assignee": row.assignee,
        "acting_for": row.acting_for or delegated,
        "task_id": str(row.task_id),
        "document": document(row),
        "title": row.title,
        "amount": money_str(row.amount),
        "initiator": row.initiator,
        "initiator_name": row.initiator_name,
        "unit": row.unit,
        "unit_name": row.unit_name,
        "round": row.round,
        "step_no": row.step_no,
        "step_name": row.step_name,
        "status": row.status,
        "comment": row.comment,
        "created_at": iso(row.created_at),
        "decided_at": iso(row.decided_at),
        "route_status": row.route_status,
    }


ROUTE_STATUS_LABELS = {
    "in_progress": "审批中",
    "approved": "已通过",
    "rejected": "已驳回",
    "returned": "已退回",
    "withdrawn": "已撤回",
}


def submission_item(row: Any) -> dict[str, Any]:
    """One of my submissions: where it stands, and with whom."""
    return {
        "document": document(row),
        "title": row.title,
        "amount": money_str(row.amount),
        "unit": row.unit,
        "status": row.status,
        "status_label": ROUTE_STATUS_LABELS.get(row.status, row.status),
        "round": row.round,
        "current_step": row.current_step,
        "current_step_name": row.step_name,
        "held_by": sorted(row.holders or []),
        "submitted_at": iso(row.created_at),
        "completed_at": iso(row.completed_at),
    }


def route_detail(
    head: Any,
    steps: list[Any],
    tasks: list[Any],
    meetings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Where a document stands: every step of its frozen route (the current round), with what happened there,
    and the earlier rounds (each returned to the initiator: by whom, at which step, why), oldest first."""
    rounds = [
        _round(n, steps, tasks, head.status if n == head.round else _ended(n, tasks), meetings or {})
        for n in range(1, head.round + 1)
    ]
    current = next((s.name for s in steps if s.round == head.round and s.step_no == head.current_step), None)
    this = rounds[-1]
    return {
        "document": document(head),
        "title": head.title,
        "amount": money_str(head.amount),
        "initiator": head.initiator,
        "initiator_name": head.initiator_name,
        "unit": head.unit,
        "unit_name": head.unit_name,
        "definition_version": head.definition_version,
        "status": head.status,
        "current_step": head.current_step,
        "current_step_name": current,
        "created_at": iso(head.created_at),
        "completed_at": iso(head.completed_at),
        "round": head.round,
        # 三重一大: as ticked or as a rule made it; `major_matter_rules` names the rules (the applicant cannot untick).
        "major_matter": head.major_matter,
        "major_matter_rules": list(head.major_reasons or []),
        "steps": this["steps"],
        "returned": this["returned"],
        "withdrawn": this["withdrawn"],
        "earlier_rounds": rounds[:-1],
    }


def _ended(number: int, tasks: list[Any]) -> str:
    """How an earlier round ended: withdrawn by the initiator, or returned to them (nothing else starts a new
    round)."""
    return "withdrawn" if any(t.round == number and t.status == "withdrawn" for t in tasks) else "returned"


def _round(number: int, steps: list[Any], tasks: list[Any], status: str, meetings: dict[str, Any]) -> dict[str, Any]:
    tasks = [t for t in tasks if t.round == number]
    by_step: dict[int, list[Any]] = {}
    for t in tasks:  # oldest first
        by_step.setdefault(t.step_no, []).append(t)
    returned = next((t for t in tasks if t.status == "returned"), None)
    withdrawn = next((t for t in tasks if t.status == "withdrawn"), None)
    return {
        "round": number,
        "status": status,
        "steps": [_step(s, by_step.get(s.step_no, []), status, meetings) for s in steps if s.round == number],
        "returned": None
        if returned is None
        else {
            "step_no": returned.step_no,
            "returned_by": returned.decided_by,
            "returned_by_name": returned.decided_by_name,
            "reason": returned.comment,
            "returned_at": iso(returned.decided_at),
        },
        "withdrawn": None
        if withdrawn is None
        else {
            "step_no": withdrawn.step_no,
            "withdrawn_by": withdrawn.decided_by,
            "reason": withdrawn.comment,
            "withdrawn_at": iso(withdrawn.decided_at),
        },
    }


PARALLEL = ("countersign", "any_one")
# What a parallel step's signatures add up to, strongest first: any of these decides the step.
_DECIDING = ("rejected", "returned", "returned_to_step")


def _step(step: Any, tasks: list[Any], route_status: str, meetings: dict[str, Any]) -> dict[str, Any]:
    task = tasks[-1] if tasks else None  # the last one wins (a return to this step opens it again)
    signatures = _signatures(step, tasks) if step.kind in PARALLEL else []
    if signatures:
        status = _parallel_status(step.kind, [s["status"] for s in signatures])
    elif task is not None:
        status = task.status
    else:  # never reached: still ahead, or the route ended before it
        status = "waiting" if route_status == "in_progress" else "not_reached"
    meeting = meetings.get(str(task.id)) if task is not None else None
    return {
        "kind": step.kind,
        "assignees": [step.assignee, *step.co_assignees],
        "signatures": signatures,
        "meeting": None
        if meeting is None
        else {
            "meeting_date": meeting.meeting_date.isoformat(),
            "attendees": list(meeting.attendees),
            "decision": meeting.decision,
            "minutes": meeting.minutes,
            "attachment": meeting.attachment,
            "recorded_by": meeting.recorded_by,
            "recorded_at": iso(meeting.recorded_at),
        },
        "step_no": step.step_no,
        "name": step.name,
        "approver_role": step.approver_role,
        "assignee": step.assignee,
        "assignee_name": step.assignee_name,
        "reason": step.reason,
        "status": status,
        "task_id": str(task.id) if task is not None else None,
        "decided_by": task.decided_by if task is not None else None,
        "decided_by_name": task.decided_by_name if task is not None else None,
        "acting_for": task.acting_for if task is not None else None,
        "comment": task.comment if task is not None else None,
        "decided_at": iso(task.decided_at) if task is not None else None,
    }


def _signatures(step: Any, tasks: list[Any]) -> list[dict[str, Any]]:
    """A parallel step's latest task per assignee (会签/或签)."""
    latest = {t.assignee: t for t in tasks}
    return [
        {
            "assignee": t.assignee,
            "status": t.status,
            "decided_by": t.decided_by,
            "acting_for": t.acting_for,
            "comment": t.comment,
            "decided_at": iso(t.decided_at),
            "task_id": str(t.id),
        }
        for t in latest.values()
        if t.status != "reassigned"
    ]


def _parallel_status(kind: str, statuses: list[str]) -> str:
    decided = next((s for s in statuses if s in _DECIDING), None)
    if decided:
        return decided
    if "pending" in statuses and (kind == "countersign" or "approved" not in statuses):
        return "pending"
    return "approved" if "approved" in statuses else statuses[-1]


def decision_result(route: Route, task: Task, *, replayed: bool) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "step_no": task.step_no,
        "decision": task.status.value,
        "comment": task.comment,
        "acting_for": task.acting_for,
        "route": {
            "document": route.document.as_dict(),
            "status": route.status.value,
            "current_step": route.current_step,
            "round": route.round,
        },
        "replayed": replayed,
    }
