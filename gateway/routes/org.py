"""组织机构: units."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Paging, optional, paging

router = api_router("org")

UnitKind = Annotated[
    Literal["office", "community"] | None, Query(description="单位类别：office 机关单位 / community 社区")
]


@router.get("/units", summary="单位列表（部门、社区）")
async def list_units(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    kind: UnitKind = None,
) -> dict[str, Any]:
    return await rpc.call("org", "list_units", {**optional(kind=kind), **page.kwargs()})
