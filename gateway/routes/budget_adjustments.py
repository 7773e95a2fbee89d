"""预算调整 (调剂/追加) and 超预算审批: budget documents that go through approval, owned by the budget service."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import Field

from gateway.auth import CurrentUser, User
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.approval_actions import WithdrawBody
from gateway.routes.base import api_router, with_route
from gateway.rpc import UserRpc
from gateway.schemas import Amount, Body, Ident, OptionalFiscalYear, Paging, optional, paging
from ic_platform.commands import Text
from ic_platform.money import money_str

router = api_router("budget_adjustments")

# Finance and administrators adjust any unit's lines and see every adjustment; others act for their own unit.
FINANCE_ROLES = ("finance_reviewer", "admin")
# Every status an adjustment can have (services/budget/domain/adjustments.py Status), told in Chinese.
AdjustmentStatus = Literal["draft", "submitted", "returned", "approved", "rejected", "withdrawn"]
ADJUSTMENT_STATUS_DESCRIPTION = (
    "状态：draft 草稿、submitted 审批中、returned 已退回、approved 已批准、rejected 已驳回、withdrawn 已撤回"
)
LineId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$", description="预算指标编号")]


class AdjustmentBody(Body):
    kind: Literal["transfer", "supplementary"] = Field(description="transfer 调剂 / supplementary 追加")
    from_budget_line_id: LineId | None = Field(None, description="调出指标（调剂必填）")
    to_budget_line_id: LineId = Field(description="调入（追加）指标")
    amount: Amount
    reason: Text = Field(description="调整理由（必填）")
    fund_source: str | None = Field(None, min_length=1, max_length=64, description="资金来源（追加必填）")


class ResubmitAdjustmentBody(Body):
    reason: Text | None = Field(None, description="调整理由（不填则不变）")


class DocumentBody(Body):
    type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z_]{0,63}$", description="单据类型")
    id: str = Field(min_length=1, max_length=64, description="单据 ID")
    no: str | None = Field(None, min_length=1, max_length=64, description="单据编号")


class OverrideBody(Body):
    budget_line_id: LineId
    document: DocumentBody = Field(description="要超出指标的单据（如被拒绝预占的事前申请）")
    amount: Amount = Field(description="申请超出可用余额的最高金额")
    reason: Text = Field(description="超预算理由（必填）")


def _own_unit(user: User) -> str | None:
    """The unit whose lines the caller may adjust; None: any (finance, administrators)."""
    return None if set(FINANCE_ROLES) & set(user.roles) else user.unit


@router.post(
    "/budget-adjustments",
    status_code=201,
    summary="提交预算调整（调剂冻结调出金额，进入审批）",
    dependencies=[IdempotencyKeyRequired],
)
async def submit_budget_adjustment(
    body: AdjustmentBody, user: CurrentUser, rpc: UserRpc, request: Request, response: Response
) -> dict[str, Any]:
    kwargs = {**body.model_dump(exclude_none=True), "amount": money_str(body.amount), **optional(unit=_own_unit(user))}
    result = await rpc.call("budget", "submit_adjustment", kwargs)
    response.headers["Location"] = request.app.url_path_for("get_budget_adjustment", adjustment_id=result["id"])
    return result


@router.get("/budget-adjustments", summary="预算调整单列表（默认本人发起的；all=true：数据权限范围内的全部）")
async def list_budget_adjustments(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[AdjustmentStatus | None, Query(description=ADJUSTMENT_STATUS_DESCRIPTION)] = None,
    fiscal_year: OptionalFiscalYear = None,
    all: Annotated[  # noqa: A002 - the query parameter's name
        bool, Query(description="查看数据权限范围内的全部：本单位、分管单位；财务、纪检、审计、主要领导为全部")
    ] = False,
) -> dict[str, Any]:
    # The budget service filters by the caller's data scope; `all` only widens "mine" to that scope.
    kwargs = {"mine": not all, **optional(status=status, fiscal_year=fiscal_year), **page.kwargs()}
    return await rpc.call("budget", "list_adjustments", kwargs)


@router.get("/budget-adjustments/{adjustment_id}", summary="预算调整单详情（含审批路线）")
async def get_budget_adjustment(adjustment_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await with_route(
        rpc, "budget_adjustment", adjustment_id, rpc.call("budget", "get_adjustment", {"adjustment_id": adjustment_id})
    )


@router.post(
    "/budget-adjustments/{adjustment_id}/resubmit",
    summary="重新提交被退回或已撤回的预算调整（仅发起人；撤回的重新冻结调出金额）",
)
async def resubmit_budget_adjustment(
    adjustment_id: Ident, body: ResubmitAdjustmentBody, rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call(
        "budget", "resubmit_adjustment", {"adjustment_id": adjustment_id, **body.model_dump(exclude_none=True)}
    )


@router.post(
    "/budget-adjustments/{adjustment_id}/withdraw",
    summary="撤回预算调整（同 /approval/documents/budget_adjustment/{id}/withdraw：审批中未经处理或已退回的；"
    "释放冻结，可再提交；仅发起人）",
)
async def withdraw_budget_adjustment(
    adjustment_id: Ident, rpc: UserRpc, body: WithdrawBody | None = None
) -> dict[str, Any]:
    # One way to withdraw, whatever the document: approval takes it back and the budget service hears
    # approval.withdrawn (releasing the hold). This path is kept for the clients that know it.
    reason = (body.reason or "").strip() if body else ""
    kwargs = {"document_type": "budget_adjustment", "document_id": adjustment_id, "reason": reason}
    return await rpc.call("approval", "withdraw", kwargs)


@router.post(
    "/budget-overrides",
    status_code=201,
    summary="申请超预算审批（批准后该单据可一次性超出指标）",
    dependencies=[IdempotencyKeyRequired],
)
async def request_budget_override(body: OverrideBody, user: CurrentUser, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {
        "budget_line_id": body.budget_line_id,
        "document": body.document.model_dump(exclude_none=True),
        "amount": money_str(body.amount),
        "reason": body.reason,
        **optional(unit=_own_unit(user)),
    }
    return await rpc.call("budget", "request_override", kwargs)


@router.get("/budget-overrides/{override_id}", summary="超预算审批单详情（含审批路线）")
async def get_budget_override(override_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await with_route(
        rpc, "budget_override", override_id, rpc.call("budget", "get_override", {"override_id": override_id})
    )
