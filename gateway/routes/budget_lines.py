"""预算指标管理: a line's change history (变更记录), decomposition to units (指标分解), control settings
(控制方式) and the Excel export. Changing lines is for finance reviewers and administrators (the same people
who import them); reading is for any signed-in user of the organisation.

Registered before `budget.router`, so `/budget-lines/export.xlsx` is not taken for a line id."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import Response
from pydantic import Field

from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.routes.budget import Importer
from gateway.rpc import UserRpc
from gateway.schemas import Amount, Body, Ident, OptionalFiscalYear, Paging, UnitQuery, optional, paging
from ic_platform.commands import Text
from ic_platform.money import money_str

router = api_router("budget")

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class DecompositionPartBody(Body):
    unit: Code = Field(description="接收指标的单位代码")
    amount: Amount


class DecomposeBody(Body):
    parts: list[DecompositionPartBody] = Field(min_length=1, max_length=200, description="分解到各单位的金额")
    reason: Text = Field(description="分解原因（必填，记入变更记录）")
    request_id: Code | None = Field(None, description="请求编号：同一编号重复提交只分解一次（也可用 Idempotency-Key）")

    def rpc_kwargs(self, line_id: str) -> dict[str, Any]:
        return {
            "budget_line_id": line_id,
            "reason": self.reason,
            "parts": [{"unit": p.unit, "amount": money_str(p.amount)} for p in self.parts],
            **optional(request_id=self.request_id),
        }


class ControlBody(Body):
    budget_line_id: Code | None = Field(None, description="预算指标编号（与经济分类二选一）")
    economic_class: Code | None = Field(None, description="经济分类编码前缀，如 302 覆盖 30201、30211 等")
    fiscal_year: int | None = Field(None, ge=2000, le=2100, description="按经济分类设置时的预算年度")
    control_mode: Literal["block", "warn", "tolerance"] = Field(description="block 刚性 / warn 预警 / tolerance 容差")
    tolerance_rate: Decimal | None = Field(
        None, gt=0, le=100, max_digits=5, decimal_places=2, description="容差比例（%），容差控制时与容差金额二选一"
    )
    tolerance: Amount | None = Field(None, description="容差金额（元），容差控制时与容差比例二选一")
    reason: Text = Field(description="变更原因（必填，记入变更记录）")

    def rpc_kwargs(self) -> dict[str, Any]:
        return {
            "control_mode": self.control_mode,
            "reason": self.reason,
            **optional(
                budget_line_id=self.budget_line_id,
                economic_class=self.economic_class,
                fiscal_year=self.fiscal_year,
                tolerance_rate=None if self.tolerance_rate is None else str(self.tolerance_rate),
                tolerance=None if self.tolerance is None else money_str(self.tolerance),
            ),
        }


@router.get(
    "/budget-lines/export.xlsx",
    summary="导出预算指标（Excel，列同导入模板，另含余额）",
    **EXCEL,
)
async def export_budget_lines(
    rpc: UserRpc,
    unit: UnitQuery = None,
    fiscal_year: OptionalFiscalYear = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="关键字（名称、项目、分类）")] = None,
) -> Response:
    result = await rpc.call(
        "budget", "export_lines_xlsx", optional(fiscal_year=fiscal_year, unit=unit, q=q), timeout=120.0
    )
    return xlsx_response(result, "budget-lines.xlsx")


@router.post("/budget-lines/control", summary="设置控制方式（单条指标，或某年度某经济分类下全部指标）")
async def set_budget_line_control(body: ControlBody, rpc: UserRpc, _: Importer) -> dict[str, Any]:
    return await rpc.call("budget", "set_control", body.rpc_kwargs())


@router.get("/budget-lines/{line_id}/history", summary="预算指标变更记录（谁、何时、为何，最新在前）")
async def budget_line_history(line_id: Ident, rpc: UserRpc, page: Annotated[Paging, Depends(paging)]) -> dict[str, Any]:
    return await rpc.call("budget", "line_history", {"budget_line_id": line_id, **page.kwargs()})


@router.post(
    "/budget-lines/{line_id}/decompose",
    summary="指标分解：将本指标的部分可用额度下达到各单位",
    dependencies=[IdempotencyKeyRequired],
)
async def decompose_budget_line(line_id: Ident, body: DecomposeBody, rpc: UserRpc, _: Importer) -> dict[str, Any]:
    # The Idempotency-Key header travels in the call context (gateway.rpc), and the service falls back to it
    # when the body names no request_id; it is declared here for the docs.
    return await rpc.call("budget", "decompose_line", body.rpc_kwargs(line_id))
