"""审批: my tasks, what I decided, deciding, and a document's route."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import DecisionBody, DocumentType, Ident, Paging, paging

router = api_router("approval")


@router.get("/approval/tasks", summary="我的待办审批")
async def my_tasks(rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("approval", "my_tasks", page.kwargs())


@router.get("/approval/decided", summary="我已审批的事项")
async def decided_by_me(rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("approval", "decided_by_me", page.kwargs())


@router.post("/approval/tasks/{task_id}/decision", summary="审批决定：同意或驳回（驳回须填写理由）")
async def decide(task_id: Ident, body: DecisionBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {"task_id": task_id, "decision": body.decision, "comment": body.comment}
    return await rpc.call("approval", "decide", kwargs)


@router.get("/documents/{document_type}/{document_id}/route", summary="单据的审批路线（当前所在节点）")
async def get_route(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "get_route", {"document_type": document_type, "document_id": document_id})
