"""Approval's part in working risk warnings (issue 13 §3, docs/supervision.md).

- At a decision, the warnings the approver acknowledges are announced (`approval.warnings_acknowledged`, in the
  decision's transaction) so the risk service moves them to `acknowledged`; the trail entry is the
  `risk_acknowledged` one the decision already appends.
- Risk's later moves of a warning (dismissed, confirmed as a finding, rectification closed) are heard and
  appended to the document's hash-chained trail, as approval's own actions are: who, when, what, why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.tracing import current_trace_id
from services.approval.domain.model import Route, Task
from services.approval.domain.trail import TrailDraft
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

# The trail actions of risk's moves of a warning.
DISMISSED, CONFIRMED, RECTIFIED = "risk_dismissed", "risk_confirmed", "rectification_closed"


def announce_acknowledged(
    uow: ApprovalUnitOfWork, ctx: CallContext, route: Route, task: Task, warning_ids: list[int], comment: str
) -> None:
    payload: dict[str, Any] = {
        "document": route.document.as_dict(),
        "task_id": task.id,
        "step_no": task.step_no,
        "warning_ids": sorted(warning_ids),
        "acknowledged_by": ctx.actor,
        "comment": comment,
        "acknowledged_at": datetime.now(UTC).isoformat(),
    }
    if task.acting_for:
        payload["acting_for"] = task.acting_for
    uow.publish(ctx.event("approval.warnings_acknowledged", payload, subject=route.document.subject))


def _comment(event: Envelope) -> tuple[str, str, datetime]:
    p = event.payload
    label = f"风险预警 #{p['warning_id']}（{p['rule']}）"
    if event.type == "risk.warning_dismissed":
        return DISMISSED, f"纪检监察排除{label}：{p['reason']}", datetime.fromisoformat(p["dismissed_at"])
    if event.type == "risk.warning_confirmed":
        text = f"纪检监察核实{label}，转为整改：{p['finding']}；责任单位 {p['responsible_unit']}，期限 {p['due_date']}"
        return CONFIRMED, text, datetime.fromisoformat(p["confirmed_at"])
    timing = "按期" if p["on_time"] else "逾期"
    text = f"{label}整改销号（{timing}，期限 {p['due_date']}）：{p['closing_note']}"
    return RECTIFIED, text, datetime.fromisoformat(p["closed_at"])


def on_warning_worked(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """A risk warning's move, appended to its document's trail (in the inbox's transaction: once)."""
    action, comment, at = _comment(event)
    document = event.payload["document"]
    actor = event.payload.get("dismissed_by") or event.payload.get("confirmed_by") or event.payload.get("closed_by")
    uow.trail.append(
        TrailDraft(
            action=action,
            org=event.org,
            actor=actor or event.actor,
            document_type=document["type"],
            document_id=document["id"],
            document_no=document.get("no"),
            comment=comment,
            occurred_at=at,
            trace_id=current_trace_id(),
        )
    )


EVENT_HANDLERS = {
    "risk.warning_dismissed": [on_warning_worked],
    "risk.warning_confirmed": [on_warning_worked],
    "risk.rectification_closed": [on_warning_worked],
}
