"""预算指标."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Ident, Paging, optional, paging

router = api_router("budget")


@router.get("/budget-lines", summary="预算指标列表（可按单位、年度、关键字筛选）")
async def list_budget_lines(
    rpc: UserRpc, page: Annotated[Paging, Depends(paging)],
    unit: Annotated[str | None, Query(min_length=1, max_length=64, description="单位代码")] = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100, description="预算年度")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="关键字（名称、项目、分类）")] = None,
) -> dict[str, Any]:
    kwargs = {**optional(fiscal_year=fiscal_year, unit=unit, q=q), **page.kwargs()}
    return await rpc.call("budget", "list_lines", kwargs)


@router.get("/budget-lines/{line_id}", summary="预算指标详情（含可用余额）")
async def get_budget_line(line_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("budget", "get_line", {"budget_line_id": line_id})


@router.get("/budget-lines/{line_id}/moves", summary="预算指标执行明细（穿透到来源单据，最新在前）")
async def list_budget_line_moves(line_id: Ident, rpc: UserRpc,
                                 page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("budget", "line_moves", {"budget_line_id": line_id, **page.kwargs()})
