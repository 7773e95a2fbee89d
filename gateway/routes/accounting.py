"""会计核算 (accounting), owned by the accounting service: vouchers (posted from acceptances and executed
payments; reversed by the accountant), month end (结账), the trial balance (科目余额表, and its Excel), the
general ledger of an account and the reconciliation with the budget ledger. The accountant posts and closes;
finance, audit, inspection and the principal read (the service checks both again)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Request, Response
from pydantic import Field

from gateway.auth import require_any_role
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import Body, FiscalYearQuery, Ident, Paging, UnitQuery, optional, paging
from ic_platform.commands import Text

ACCOUNTANTS = ("accountant",)
READERS = ("accountant", "finance_reviewer", "auditor", "inspector", "principal")
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
Period = Annotated[str, Query(pattern=PERIOD_PATTERN, description="会计期间（YYYY-MM）")]
OptionalPeriod = Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="会计期间（YYYY-MM）")]
AccountCode = Annotated[str, Query(pattern=r"^[0-9]{4,8}$", description="会计科目代码，如 2302 应付账款")]


readers = Depends(require_any_role(*READERS, message="没有权限：会计账簿仅会计、财务、审计、纪检和主要领导可查阅"))
accountants = Depends(require_any_role(*ACCOUNTANTS, message="没有权限：只有会计可以冲销凭证和结账"))
router = api_router("accounting", "/accounting")


class ReverseBody(Body):
    reason: Text = Field(description="冲销原因（必填）")


@router.get("/vouchers", dependencies=[readers], summary="记账凭证列表（按期间、类型；最新在前）")
async def list_vouchers(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    period: OptionalPeriod = None,
    kind: Annotated[
        Literal["accrual", "payment", "reversal"] | None,
        Query(description="凭证类型：accrual 确认应付、payment 支付、reversal 冲销"),
    ] = None,
    unit: UnitQuery = None,
) -> dict[str, Any]:
    kwargs = {**optional(period=period, kind=kind, unit=unit), **page.kwargs()}
    return await rpc.call("accounting", "list_vouchers", kwargs)


@router.get("/vouchers/{voucher_id}", dependencies=[readers], summary="记账凭证（分录：财务会计与预算会计）")
async def get_voucher(voucher_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("accounting", "get_voucher", {"voucher_id": voucher_id})


@router.post(
    "/vouchers/{voucher_id}/reversal",
    status_code=201,
    dependencies=[accountants, IdempotencyKeyRequired],
    summary="冲销凭证（原凭证不改不删；生成借贷相反的冲销凭证，记入当前未结账期间）",
)
async def reverse_voucher(
    voucher_id: Ident, body: ReverseBody, rpc: UserRpc, request: Request, response: Response
) -> dict[str, Any]:
    result = await rpc.call("accounting", "reverse_voucher", {"voucher_id": voucher_id, "reason": body.reason})
    if isinstance(result, dict) and result.get("id"):
        response.headers["Location"] = request.app.url_path_for("get_voucher", voucher_id=str(result["id"]))
    return result


@router.get("/periods", dependencies=[readers], summary="会计期间（已记账或已结账的月份、凭证张数、结账人）")
async def list_periods(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("accounting", "list_periods", {})


@router.post(
    "/periods/{period}/close",
    dependencies=[accountants],
    summary="结账：该月不再记账（须按月顺序；迟到的业务记入下一个未结账月份）",
)
async def close_period(
    period: Annotated[str, Path(pattern=PERIOD_PATTERN, description="会计期间（YYYY-MM）")], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("accounting", "close_period", {"period": period})


@router.get(
    "/trial-balance", dependencies=[readers], summary="科目余额表（期初、本期借贷发生额、期末；按会计基础合计）"
)
async def trial_balance(rpc: UserRpc, period: Period, unit: UnitQuery = None) -> dict[str, Any]:
    return await rpc.call("accounting", "trial_balance", {"period": period, **optional(unit=unit)})


@router.get(
    "/trial-balance.xlsx",
    dependencies=[readers],
    summary="导出科目余额表（Excel）",
    **EXCEL,
)
async def trial_balance_xlsx(rpc: UserRpc, period: Period, unit: UnitQuery = None) -> Response:
    result = await rpc.call("accounting", "trial_balance_xlsx", {"period": period, **optional(unit=unit)})
    return xlsx_response(result, f"trial-balance-{period}.xlsx", f"科目余额表-{period}.xlsx")


@router.get("/ledger", dependencies=[readers], summary="总账（按科目、期间范围分页；含期初、逐笔余额、期末）")
async def ledger(
    rpc: UserRpc,
    account_code: AccountCode,
    period_from: Period,
    period_to: Period,
    page: Annotated[Paging, Depends(paging)],
    unit: UnitQuery = None,
) -> dict[str, Any]:
    kwargs = {
        "account_code": account_code,
        "period_from": period_from,
        "period_to": period_to,
        **optional(unit=unit),
        **page.kwargs(),
    }
    return await rpc.call("accounting", "ledger", kwargs)


@router.get(
    "/reconciliation",
    dependencies=[readers],
    summary="对账：各预算指标的预算会计支出与预算台账实际支出核对，列出差额",
)
async def reconciliation(rpc: UserRpc, fiscal_year: FiscalYearQuery, unit: UnitQuery = None) -> dict[str, Any]:
    return await rpc.call("accounting", "reconciliation", {"fiscal_year": fiscal_year, **optional(unit=unit)})
