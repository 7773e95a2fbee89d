"""Notifications (消息通知): when approval publishes one of its events, it tells the one person the event
concerns, in the same transaction (its own events on the bus, bus.py), and nobody else: the new assignee, the
initiator of a returned or completed document, the assignee of an overdue task, the person an overdue task was
escalated to. The gateway lists them and pushes them (Server-Sent Events)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ic_platform.commands import MAX_ID, Command, PageNumber, PageSize, RowId
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import NotFound
from ic_platform.paging import page_window, paged
from services.approval.domain import errors
from services.approval.service_layer import views
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

OUTCOMES = {"approved": "审批通过", "rejected": "被驳回"}


class MyNotifications(Command):
    page: PageNumber = 1
    page_size: PageSize = 20
    unread_only: bool = False
    after_id: Annotated[int, Field(ge=0, le=MAX_ID)] | None = (
        None  # only those after this one, oldest first (a stream catching up)
    )


class MarkRead(Command):
    notification_id: RowId


def _no(p: dict[str, Any]) -> str:
    return p["document"].get("no") or p["document"]["id"]


def on_step_assigned(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    _notify(
        uow,
        event,
        p["assignee"],
        "step_assigned",
        f"待办：{_no(p)} {p['step_name']}",
        f"{_title(uow, p)}已分拨给您办理（{p['step_name']}）",
        p["task_id"],
    )


def on_returned(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    people = uow.watch.route_people(p["document"]["type"], p["document"]["id"])
    if people is not None:
        _notify(
            uow,
            event,
            people.initiator,
            "returned",
            f"退回：{_no(p)}",
            f"{_title(uow, p)}被退回修改（{p.get('step_name') or '审批'}）：{p['reason']}",
            p["task_id"],
        )


def on_completed(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    people = uow.watch.route_people(p["document"]["type"], p["document"]["id"])
    if people is not None:
        outcome = OUTCOMES.get(p["outcome"], p["outcome"])
        reason = f"：{p['reason']}" if p.get("reason") else ""
        _notify(uow, event, people.initiator, "completed", f"{outcome}：{_no(p)}", f"{_title(uow, p)}{outcome}{reason}")


def on_task_overdue(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    _notify(
        uow,
        event,
        p["assignee"],
        "task_overdue",
        f"催办：{_no(p)} 已超过办理时限",
        f"{_title(uow, p)}（{p['step_name']}）已超过办理时限，请尽快处理",
        p["task_id"],
    )


def on_task_escalated(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    _notify(
        uow,
        event,
        p["escalated_to"],
        "task_escalated",
        f"督办：{_no(p)} 超时未办",
        f"{_title(uow, p)}在 {p['assignee']}（{p['step_name']}）处超时未办，已上报您督办"
        f"（{p.get('reason') or '上一级'}）",
        p["task_id"],
    )


def _title(uow: ApprovalUnitOfWork, p: dict[str, Any]) -> str:
    people = uow.watch.route_people(p["document"]["type"], p["document"]["id"])
    return f"单据 {_no(p)}「{people.title}」" if people is not None else f"单据 {_no(p)}"


def _notify(
    uow: ApprovalUnitOfWork,
    event: Envelope,
    recipient: str,
    kind: str,
    title: str,
    message: str,
    task_id: str | None = None,
) -> None:
    uow.watch.notify(event.org, recipient, kind, event.event_id, event.payload["document"], title, message, task_id)


def my_notifications(cmd: MyNotifications, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The caller's own notifications, the newest first (or, after `after_id`, the oldest first)."""
    if not ctx.actor:
        raise errors.actor_required()
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, unread, rows = uow.watch.notifications(
            ctx.org, ctx.actor, unread_only=cmd.unread_only, after_id=cmd.after_id, limit=limit, offset=offset
        )
    return {**paged([_view(r) for r in rows], total, cmd.page, limit), "unread": unread}


def mark_read(cmd: MarkRead, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Only one's own: another person's notification is answered as not found."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        row = uow.watch.mark_read(ctx.org, ctx.actor, cmd.notification_id)
        if row is None:
            raise NotFound(
                "notification_not_found", f"消息不存在: {cmd.notification_id}", {"notification_id": cmd.notification_id}
            )
        uow.commit()
    return _view(row)


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "message": row.message,
        "document": views.document(row),
        "task_id": str(row.task_id) if row.task_id else None,
        "created_at": views.iso(row.created_at),
        "read_at": views.iso(row.read_at),
        "read": row.read_at is not None,
    }


# Approval's own events, and who each tells: on approval's bus (bus.py), run in the publishing transaction.
NOTIFY = {
    "approval.step_assigned": [on_step_assigned],
    "approval.returned": [on_returned],
    "approval.completed": [on_completed],
    "approval.task_overdue": [on_task_overdue],
    "approval.task_escalated": [on_task_escalated],
}
