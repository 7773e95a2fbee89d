"""报表: the budget execution report (预算执行情况表), its monthly trend and its Excel export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import Response

from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import FiscalYearQuery, Paging, UnitQuery, optional, paging

router = api_router("reports", "/reports")

GroupBy = Annotated[
    Literal["line", "unit", "economic_class", "functional_class", "project", "expenditure_kind"],
    Query(
        description="汇总维度：line 指标、unit 单位、economic_class 经济分类、"
        "functional_class 功能分类、project 项目、expenditure_kind 支出类型"
    ),
]
LineId = Annotated[
    str | None, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:\-]+$", description="预算指标编号")
]


@router.get("/budget-execution", summary="预算执行情况表（按指标、单位、分类、项目汇总；含合计）")
async def budget_execution(
    rpc: UserRpc,
    fiscal_year: FiscalYearQuery,
    page: Annotated[Paging, Depends(paging)],
    group_by: GroupBy = "line",
    unit: UnitQuery = None,
) -> dict[str, Any]:
    kwargs = {"fiscal_year": fiscal_year, "group_by": group_by, **optional(unit=unit), **page.kwargs()}
    return await rpc.call("budget", "execution_report", kwargs)


@router.get("/budget-execution/trend", summary="预算执行月度趋势（逐月累计已安排、合同、已支付）")
async def budget_execution_trend(
    rpc: UserRpc, fiscal_year: FiscalYearQuery, unit: UnitQuery = None, budget_line_id: LineId = None
) -> dict[str, Any]:
    kwargs = {"fiscal_year": fiscal_year, **optional(unit=unit, budget_line_id=budget_line_id)}
    return await rpc.call("budget", "execution_trend", kwargs)


@router.get(
    "/budget-execution.xlsx",
    summary="导出预算执行情况表（Excel）",
    **EXCEL,
)
async def budget_execution_xlsx(
    rpc: UserRpc, fiscal_year: FiscalYearQuery, group_by: GroupBy = "line", unit: UnitQuery = None
) -> Response:
    kwargs = {"fiscal_year": fiscal_year, "group_by": group_by, **optional(unit=unit)}
    result = await rpc.call("budget", "execution_report_xlsx", kwargs)
    return xlsx_response(result, f"budget-execution-{fiscal_year}.xlsx", f"预算执行情况表-{fiscal_year}.xlsx")
