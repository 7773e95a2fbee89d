"""审批操作: withdraw (撤回), return to an earlier step (退回指定节点), reassign (转办) and delegation (代理).
Who may do what is the approval service's rule (initiator, assignee, delegate, administrator); a
segregation-of-duties refusal comes back as 403 with the rule in its code (sod_<rule>)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends
from pydantic import Field

from gateway.openapi import answers
from gateway.routes.approval import ASSESSMENT_PENDING
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Body, DocumentType, Ident, Paging, paging
from ic_platform.commands import Day, Instant, Text

router = api_router("approval")

Username = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$", description="用户名")]


class WithdrawBody(Body):
    reason: str | None = Field(None, max_length=500, description="撤回原因（可不填）")


class ReturnToStepBody(Body):
    to_step: int = Field(ge=1, le=100, description="退回到第几个审批节点（须在当前节点之前）")
    reason: Text = Field(description="退回理由（必填）")


class ReassignBody(Body):
    assignee: Username = Field(description="转办给谁：须具有该节点的审批角色")
    reason: Text = Field(description="转办理由（必填）")


class MeetingBody(Body):
    meeting_date: Day = Field(description="会议日期，如 2026-11-20")
    attendees: list[Username] = Field(
        min_length=1,
        max_length=100,
        description="出席人员（用户名）：须为该议事决策机构成员且达到法定人数；申请人可列席，不计入",
    )
    decision: Literal["approve", "reject"] = Field(description="会议决定：approve 同意 / reject 不同意")
    minutes: str = Field(min_length=1, max_length=20000, description="会议纪要")
    attachment: str | None = Field(None, max_length=500, description="会议纪要扫描件的存档编号或链接（可不填）")
    acknowledge_warnings: list[int] | None = Field(
        None, max_length=50, description="会议同意时确认的风险预警编号（高风险预警须确认并填写意见）"
    )
    comment: str | None = Field(None, max_length=500, description="确认风险预警时的说明（为何会议仍同意）")


class DelegationBody(Body):
    delegate: Username = Field(description="代理人")
    starts_at: Instant = Field(description="代理开始时间（含），带时区，如 2026-11-26T00:00:00+08:00")
    ends_at: Instant = Field(description="代理结束时间（不含），带时区")
    reason: Text = Field(description="事由，如 外出学习、休假（必填）")
    principal: Username | None = Field(None, description="委托人；不填为本人（仅系统管理员可为他人设置）")

    def rpc_kwargs(self) -> dict[str, Any]:
        kwargs = {
            "delegate": self.delegate,
            "starts_at": _iso(self.starts_at),
            "ends_at": _iso(self.ends_at),
            "reason": self.reason,
        }
        return {**kwargs, "principal": self.principal} if self.principal else kwargs


def _iso(value: datetime) -> str:
    return value.isoformat()


@router.post(
    "/approval/documents/{document_type}/{document_id}/withdraw",
    summary="撤回（仅申请人；须在任何审批人处理之前；撤回后可修改再提交）",
)
async def withdraw(document_type: DocumentType, document_id: Ident, body: WithdrawBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {"document_type": document_type, "document_id": document_id, "reason": (body.reason or "").strip()}
    return await rpc.call("approval", "withdraw", kwargs)


@router.post("/approval/tasks/{task_id}/return-to-step", summary="退回到之前的审批节点（须填写理由）")
async def return_to_step(task_id: Ident, body: ReturnToStepBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {"task_id": task_id, "to_step": body.to_step, "reason": body.reason}
    return await rpc.call("approval", "return_to_step", kwargs)


@router.post(
    "/approval/tasks/{task_id}/reassign", summary="转办给同岗位的其他审批人（审批人本人或系统管理员；须填写理由）"
)
async def reassign(task_id: Ident, body: ReassignBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {"task_id": task_id, "assignee": body.assignee, "reason": body.reason}
    return await rpc.call("approval", "reassign", kwargs)


@router.post(
    "/approval/tasks/{task_id}/meeting",
    summary="录入集体决策会议记录（三重一大：会议日期、出席人员、决定、纪要），完成集体决策节点",
)
@answers(409, why=ASSESSMENT_PENDING)
async def record_meeting(task_id: Ident, body: MeetingBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {
        "task_id": task_id,
        "meeting_date": body.meeting_date.isoformat(),
        "attendees": body.attendees,
        "decision": body.decision,
        "minutes": body.minutes,
        **({"attachment": body.attachment} if body.attachment else {}),
        **({"acknowledge_warnings": body.acknowledge_warnings} if body.acknowledge_warnings else {}),
        **({"comment": body.comment} if body.comment else {}),
    }
    return await rpc.call("approval", "record_meeting", kwargs)


@router.post("/approval/delegations", status_code=201, summary="设置审批代理（代理期间代理人可代为审批，留痕注明“代”）")
async def grant_delegation(body: DelegationBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "grant_delegation", body.rpc_kwargs())


@router.get("/approval/delegations", summary="我设置的和我承担的审批代理（含已撤销、已到期的历史）")
async def list_delegations(rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("approval", "list_delegations", page.kwargs())


@router.delete("/approval/delegations/{delegation_id}", summary="撤销审批代理（委托人本人或系统管理员；记录保留）")
async def revoke_delegation(delegation_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "revoke_delegation", {"delegation_id": delegation_id})
