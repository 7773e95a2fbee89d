"""运维: each service's dead letters, for administrators only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path

from gateway.auth import require_any_role
from gateway.errors import ApiError
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Paging, ReplayBody, optional, paging
from ic_platform.config import SERVICES

router = api_router("ops", "/ops", dependencies=[Depends(require_any_role("admin"))])

ServiceName = Annotated[str, Path(max_length=64, description="服务名，如 budget、approval")]


def _known(service: str) -> str:
    if service not in SERVICES:
        raise ApiError(
            404, "service_not_found", f"服务不存在: {service}", {"service": service, "services": list(SERVICES)}
        )
    return service


@router.get("/dead-letters/{service}", summary="查看服务的死信（处理失败的事件）")
async def dead_letters(service: ServiceName, rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    answer = await rpc.call(_known(service), "dead_letters", page.window())
    return {"items": answer.get("items", []), "total": answer.get("total", 0), **page.kwargs()}


@router.post("/dead-letters/{service}/replay", summary="重放服务的死信")
async def replay_dead_letters(service: ServiceName, body: ReplayBody, rpc: UserRpc) -> dict[str, Any]:
    event_id = str(body.event_id) if body.event_id else None
    return await rpc.call(_known(service), "replay_dead_letters", optional(event_id=event_id, handler=body.handler))
