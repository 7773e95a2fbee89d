"""决算与结转: final accounts, closing a fiscal year (finance or administrators) and reopening it through
approval."""

from __future__ import annotations

import base64
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Path, Query
from fastapi.responses import Response
from pydantic import Field

from gateway.auth import CurrentUser, User
from gateway.errors import ApiError
from gateway.idempotency import IdempotencyKeyRequired
from gateway.openapi import answers
from gateway.routes.base import api_router
from gateway.routes.budget_adjustments import FINANCE_ROLES, with_route
from gateway.rpc import UserRpc
from gateway.schemas import Body, Ident, Paging, optional, paging
from ic_platform.commands import Text

router = api_router("budget_year_end")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FiscalYear = Annotated[int, Query(ge=2000, le=2100, description="预算年度")]
YearInPath = Annotated[int, Path(ge=2000, le=2100, description="预算年度")]
Unit = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$", description="单位代码")]


class ReasonBody(Body):
    reason: Text = Field(description="理由（必填）")


@answers(403)
async def finance_or_admin(user: CurrentUser) -> User:
    if not set(FINANCE_ROLES) & set(user.roles):
        raise ApiError(
            403, "forbidden", "只有财务审核人员或系统管理员可以执行年度结账", {"required_role": list(FINANCE_ROLES)}
        )
    return user


Finance = Annotated[User, Depends(finance_or_admin)]


@router.get("/reports/final-accounts", summary="预算决算表（按指标：预算数、决算数、差异、执行率；按单位合计）")
async def final_accounts(
    rpc: UserRpc, fiscal_year: FiscalYear, page: Annotated[Paging, Depends(paging)], unit: Unit = None
) -> dict[str, Any]:
    return await rpc.call(
        "budget", "final_accounts", {"fiscal_year": fiscal_year, **optional(unit=unit), **page.kwargs()}
    )


@router.get(
    "/reports/final-accounts.xlsx",
    summary="导出预算决算表（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}},
)
async def final_accounts_xlsx(rpc: UserRpc, fiscal_year: FiscalYear, unit: Unit = None) -> Response:
    result = await rpc.call("budget", "final_accounts_xlsx", {"fiscal_year": fiscal_year, **optional(unit=unit)})
    chinese = quote(f"预算决算表-{fiscal_year}.xlsx")
    return Response(
        base64.b64decode(result["content_base64"]),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="final-accounts-{fiscal_year}.xlsx"; '
            f"filename*=UTF-8''{chinese}"
        },
    )


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
