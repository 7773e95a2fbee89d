"""决算与结转: final accounts, closing a fiscal year (finance or administrators) and reopening it through
approval."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path
from fastapi.responses import Response
from pydantic import Field

from gateway.auth import User, require_any_role
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import EXCEL, api_router, with_route, xlsx_response
from gateway.routes.budget_adjustments import FINANCE_ROLES
from gateway.rpc import UserRpc
from gateway.schemas import Body, FiscalYearQuery, Ident, Paging, UnitQuery, optional, paging
from ic_platform.commands import Text

router = api_router("budget_year_end")

YearInPath = Annotated[int, Path(ge=2000, le=2100, description="预算年度")]


class ReasonBody(Body):
    reason: Text = Field(description="理由（必填）")


finance_or_admin = require_any_role(*FINANCE_ROLES, message="只有财务审核人员或系统管理员可以执行年度结账")
Finance = Annotated[User, Depends(finance_or_admin)]


@router.get("/reports/final-accounts", summary="预算决算表（按指标：预算数、决算数、差异、执行率；按单位合计）")
async def final_accounts(
    rpc: UserRpc, fiscal_year: FiscalYearQuery, page: Annotated[Paging, Depends(paging)], unit: UnitQuery = None
) -> dict[str, Any]:
    return await rpc.call(
        "budget", "final_accounts", {"fiscal_year": fiscal_year, **optional(unit=unit), **page.kwargs()}
    )


@router.get(
    "/reports/final-accounts.xlsx",
    summary="导出预算决算表（Excel）",
    **EXCEL,
)
async def final_accounts_xlsx(rpc: UserRpc, fiscal_year: FiscalYearQuery, unit: UnitQuery = None) -> Response:
    result = await rpc.call("budget", "final_accounts_xlsx", {"fiscal_year": fiscal_year, **optional(unit=unit)})
    return xlsx_response(result, f"final-accounts-{fiscal_year}.xlsx", f"预算决算表-{fiscal_year}.xlsx")


@router.get("/fiscal-years/{fiscal_year}", summary="预算年度状态（是否已结账、结转情况）")
async def fiscal_year_status(fiscal_year: YearInPath, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("budget", "fiscal_year_status", {"fiscal_year": fiscal_year})


@router.post("/fiscal-years/{fiscal_year}/close", summary="年度结账：停止记账并结转未执行完的预占与承诺（财务）")
async def close_fiscal_year(fiscal_year: YearInPath, body: ReasonBody, rpc: UserRpc, _: Finance) -> dict[str, Any]:
    return await rpc.call("budget", "close_year", {"fiscal_year": fiscal_year, "reason": body.reason}, timeout=120.0)


@router.post(
    "/fiscal-years/{fiscal_year}/reopen-requests",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="申请重新开放已结账年度（须主要领导审批；财务、管理员）",
)
async def request_reopen(fiscal_year: YearInPath, body: ReasonBody, rpc: UserRpc, user: Finance) -> dict[str, Any]:
    return await rpc.call(
        "budget", "request_reopen", {"fiscal_year": fiscal_year, "reason": body.reason, "unit": user.unit or ""}
    )


@router.get("/fiscal-year-reopens/{reopen_id}", summary="年度重新开放申请详情（含审批路线）")
async def get_reopen(reopen_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await with_route(
        rpc, "fiscal_year_reopen", reopen_id, rpc.call("budget", "get_reopen", {"reopen_id": reopen_id})
    )
