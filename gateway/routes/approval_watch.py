"""审批时的风险提示与审批时效: one task with its document's risk warnings, and the cycle-time report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from gateway.auth import require_any_role
from gateway.errors import ApiError
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import DocumentType, Ident, optional
from ic_platform.commands import Day

router = api_router("approval")
reports = api_router("reports", "/reports")
dossiers = api_router("dossiers")

# Who reads how long approvals take across the office: the leadership, audit and discipline inspection.
CYCLE_READERS = ("principal", "leader_in_charge", "auditor", "inspector", "admin")
DocumentTypeQuery = Annotated[
    str | None, Query(pattern=r"^[a-z][a-z_]{0,63}$", description="单据类型，如 matter_application；不填则全部")
]


cycle_reader = require_any_role(*CYCLE_READERS)


@router.get(
    "/approval/tasks/{task_id}", summary="查看一项审批任务：单据、节点、办理时限与风险预警（审批前须确认高风险预警）"
)
async def get_task(task_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "get_task", {"task_id": task_id})


@reports.get(
    "/approval-cycle",
    summary="审批时效：按单据类型、审批节点统计用时（平均、中位、90 分位、最长）与当日办结率",
    dependencies=[Depends(cycle_reader)],
)
async def approval_cycle(
    rpc: UserRpc,
    document_type: DocumentTypeQuery = None,
    date_from: Annotated[Day | None, Query(alias="from", description="起始日期（含），如 2026-03-01")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="截止日期（含），如 2026-03-31")] = None,
) -> dict[str, Any]:
    if date_from and date_to and date_from > date_to:
        raise ApiError(
            422,
            "invalid_input",
            "起始日期不能晚于截止日期",
            {"fields": [{"field": "from", "reason": "不能晚于截止日期"}]},
        )
    kwargs = optional(
        document_type=document_type,
        date_from=date_from and date_from.isoformat(),
        date_to=date_to and date_to.isoformat(),
    )
    return await rpc.call("approval", "approval_cycle_report", kwargs)


@dossiers.get("/documents/{document_type}/{document_id}/risk-warnings", summary="单据的风险预警（风险服务判定）")
async def risk_warnings(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "warnings_for", {"document_type": document_type, "document_id": document_id})
