"""关联查询: everything the risk service saw about one document."""

from __future__ import annotations

from typing import Any

from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import DocumentType, Ident

router = api_router("dossiers")


@router.get("/dossiers/{document_type}/{document_id}", summary="单据关联查询（申请、审批、预算、支付全链条）")
async def get_dossier(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "get_dossier", {"document_type": document_type, "document_id": document_id})
