"""审批: my tasks, what I decided, deciding, a document's route, and verifying the approval trail."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Response

from gateway.auth import require_any_role
from gateway.openapi import answers
from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import DecisionBody, DocumentType, Ident, Paging, paging

router = api_router("approval")

# Who may verify the trail: audit verifies it (审计), discipline inspection reads everything (纪检监察), admins.
TRAIL_VERIFIERS = ("auditor", "inspector", "admin")
# Verification reads the whole chain: about 75 s for a million entries, far longer than an ordinary call.
TRAIL_VERIFY_TIMEOUT_S = 300.0

# Deciding (and recording a meeting) waits for risk's assessment of the round's submission (docs/risk-assessment.md).
ASSESSMENT_PENDING = {
    409: "risk_assessment_pending：风险服务尚未完成对本轮送审的风险评估，暂不能作出决定，"
    "请稍后重试（details.retry_after_s）；risk_ack_required：有未确认的高风险预警"
}


trail_verifier = require_any_role(*TRAIL_VERIFIERS)


@router.get("/approval/tasks", summary="我的待办审批")
async def my_tasks(rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("approval", "my_tasks", page.kwargs())


@router.get("/approval/decided", summary="我已审批的事项")
async def decided_by_me(rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("approval", "decided_by_me", page.kwargs())


@router.get("/approval/submissions", summary="我提交的单据：当前所在节点与办理人")
async def my_submissions(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[
        Literal["in_progress", "approved", "rejected", "returned", "withdrawn"] | None, Query(description="审批状态")
    ] = None,
) -> dict[str, Any]:
    return await rpc.call("approval", "my_submissions", {**page.kwargs(), **({"status": status} if status else {})})


@router.get(
    "/approval/tasks.xlsx",
    summary="导出我的待办审批（Excel，全部待办，含代理）",
    **EXCEL,
)
async def my_tasks_xlsx(rpc: UserRpc) -> Response:
    return xlsx_response(await rpc.call("approval", "my_tasks_xlsx", {}), "my-tasks.xlsx")


@router.get(
    "/approval/submissions.xlsx",
    summary="导出我提交的单据（Excel：当前所在节点与办理人）",
    **EXCEL,
)
async def my_submissions_xlsx(
    rpc: UserRpc,
    status: Annotated[
        Literal["in_progress", "approved", "rejected", "returned", "withdrawn"] | None, Query(description="审批状态")
    ] = None,
) -> Response:
    result = await rpc.call("approval", "my_submissions_xlsx", {"status": status} if status else {})
    return xlsx_response(result, "my-submissions.xlsx")


@router.post(
    "/approval/tasks/{task_id}/decision", summary="审批决定：同意、驳回或退回申请人修改（驳回、退回须填写理由）"
)
@answers(409, why=ASSESSMENT_PENDING)
async def decide(task_id: Ident, body: DecisionBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {"task_id": task_id, "decision": body.decision, "comment": body.comment}
    if body.acknowledge_warnings:
        kwargs["acknowledge_warnings"] = body.acknowledge_warnings
    return await rpc.call("approval", "decide", kwargs)


@router.get("/documents/{document_type}/{document_id}/route", summary="单据的审批路线（当前所在节点）")
async def get_route(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "get_route", {"document_type": document_type, "document_id": document_id})


@router.get(
    "/approval/trail/verify",
    summary="校验审批留痕链（过程留痕）：重算哈希链并与链外锚点核对，指出第一处断点",
    dependencies=[Depends(trail_verifier)],
)
async def verify_trail(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "verify_trail", {}, timeout=TRAIL_VERIFY_TIMEOUT_S)


@router.get(
    "/documents/{document_type}/{document_id}/trail",
    summary="单据的审批留痕（谁、何时、何处、做了什么）",
    dependencies=[Depends(trail_verifier)],
)
async def get_trail(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "get_trail", {"document_type": document_type, "document_id": document_id})
