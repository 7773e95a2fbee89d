"""审批台的 Excel (issue 14): my pending tasks and my submissions as workbooks that read like the desk, every
row (not one page), names beside codes and usernames, amounts `#,##0.00`, a title row with the day, whose
desk it is and the time of export."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform import list_workbook as xl
from ic_platform.context import CallContext
from services.approval.domain import errors
from services.approval.service_layer import commands, delegation, views
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

DOC = xl.DOCUMENT_LABELS


def _doc_kind(r: dict[str, Any]) -> str:
    return DOC.get(r["document"]["type"], r["document"]["type"])


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    return f"{datetime.fromisoformat(iso).astimezone(xl.LOCAL_TIME):%Y-%m-%d %H:%M}"


TASK_COLUMNS = [
    xl.Column("单据类型", _doc_kind, width=12),
    xl.Column("单据编号", lambda r: r["document"].get("no") or r["document"]["id"], width=22),
    xl.Column("事由", lambda r: r["title"], width=36),
    xl.Column("金额（元）", lambda r: r["amount"], money=True),
    xl.Column("申请单位", lambda r: xl.named(r["unit"], r.get("unit_name")), width=28),
    xl.Column("申请人", lambda r: xl.named(r["initiator"], r.get("initiator_name")), width=16),
    xl.Column("当前节点", lambda r: f"第 {r['step_no']} 步 {r['step_name'] or ''}".strip(), width=22),
    xl.Column("到达时间", lambda r: _when(r["created_at"]), width=18),
    xl.Column("代理", lambda r: f"代 {r['acting_for']} 办理" if r.get("acting_for") else "", width=14),
]
SUBMISSION_COLUMNS = [
    xl.Column("单据类型", _doc_kind, width=12),
    xl.Column("单据编号", lambda r: r["document"].get("no") or r["document"]["id"], width=22),
    xl.Column("事由", lambda r: r["title"], width=36),
    xl.Column("金额（元）", lambda r: r["amount"], money=True),
    xl.Column("单位", lambda r: xl.named(r["unit"], r.get("unit_name")), width=28),
    xl.Column("状态", lambda r: r["status_label"], width=10),
    xl.Column(
        "当前节点",
        lambda r: f"第 {r['current_step']} 步 {r['current_step_name'] or ''}".strip() if r["current_step"] else "",
        width=22,
    ),
    xl.Column("办理人", lambda r: "、".join(r["held_by"]), width=28),
    xl.Column("提交时间", lambda r: _when(r["submitted_at"]), width=18),
    xl.Column("办结时间", lambda r: _when(r["completed_at"]), width=18),
]


def _me(uow: ApprovalUnitOfWork, ctx: CallContext) -> str:
    return xl.named(ctx.actor, uow.queries.full_name(ctx.org, ctx.actor))


def _unit_names(uow: ApprovalUnitOfWork, org: str) -> dict[str, str]:
    return uow.queries.unit_names(org)


def tasks_xlsx(uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """我的待办 as on the desk, oldest first (it waited longest), every one of them."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        principals = delegation.principals_of(uow, ctx)
        _, rows = uow.queries.pending_tasks(ctx.org, ctx.actor, xl.MAX_ROWS, 0, acting_for=principals)
        me = _me(uow, ctx)
    items = [views.task_item(r, viewer=ctx.actor) for r in rows]
    day = xl.exported_day()
    content = xl.list_workbook(
        "我的待办审批", TASK_COLUMNS, items, period=f"截至 {day}", scope=f"{me} 的待办（含代理）", sheet="我的待办"
    )
    return xl.as_attachment(f"我的待办审批-{day}.xlsx", content, len(items))


def submissions_xlsx(cmd: commands.MySubmissions, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """我提交的 as on the desk, the latest first, with the step holding each and who holds it."""
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        _, rows = uow.queries.submissions(ctx.org, ctx.actor, cmd.status, xl.MAX_ROWS, 0)
        names = _unit_names(uow, ctx.org)
        me = _me(uow, ctx)
    items = [{**views.submission_item(r), "unit_name": names.get(r.unit)} for r in rows]
    day = xl.exported_day(datetime.now(UTC))
    shown = f"{me} 提交的单据" + (f"（{views.ROUTE_STATUS_LABELS.get(cmd.status, cmd.status)}）" if cmd.status else "")
    content = xl.list_workbook(
        "我提交的单据", SUBMISSION_COLUMNS, items, period=f"截至 {day}", scope=shown, sheet="我提交的"
    )
    return xl.as_attachment(f"我提交的单据-{day}.xlsx", content, len(items))
