"""报销 (expense claims), owned by the payment (支出) service. Bodies are checked by the service's commands, so a
bad field is answered 422 naming it in Chinese (`detail.trips.0.nights`, `invoices.1.code`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Depends, Query, Request, Response

from gateway.auth import CurrentUser
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Ident, Paging, optional, paging

router = api_router("expense_claims", "/expense-claims")

ClaimStatus = Literal["reserving", "refused", "submitted", "approved", "rejected", "returned", "withdrawn", "cancelled"]
ClaimKind = Literal["travel", "meeting", "training", "reception", "other"]
STATUS_DESCRIPTION = (
    "状态：reserving 预算校验中、refused 预算不足未提交、submitted 审批中、approved 已批准、rejected 已驳回、"
    "returned 已退回、withdrawn 已撤回、cancelled 已作废"
)
TRAVEL_EXAMPLE = {
    "title": "赴广州学习考察差旅费",
    "kind": "travel",
    "application_id": "已批准的事前申请 ID（小额直接报销时省略，改填 budget_line_id）",
    "detail": {
        "traveller": "李明",
        "rank": "其余人员",
        "purpose": "学习基层治理经验",
        "trips": [
            {
                "departed_on": "2026-05-11",
                "returned_on": "2026-05-13",
                "from_city": "本市",
                "to_city": "广州",
                "city_tier": "一类",
                "nights": 2,
                "transport_mode": "火车",
                "transport_class": "二等座",
                "fare": "600.00",
                "lodging": "800.00",
                "meals": "300.00",
                "city_transport": "240.00",
            }
        ],
    },
    "invoices": [
        {
            "number": "26442000000123456789",
            "issued_on": "2026-05-13",
            "issuer_credit_code": "销售方统一社会信用代码（18 位）",
            "amount": "1400.00",
            "tax": "0.00",
        }
    ],
}
JsonBody = Annotated[dict[str, Any], Body(examples=[TRAVEL_EXAMPLE])]


@router.post(
    "",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="提交报销（依据已批准的事前申请，或小额直接报销；对照支出标准；发票不得重复使用）",
)
async def submit_expense_claim(
    body: JsonBody, user: CurrentUser, rpc: UserRpc, request: Request, response: Response
) -> dict[str, Any]:
    result = await rpc.call("payment", "submit_expense_claim", {**body, "unit": user.unit})
    if isinstance(result, dict) and result.get("id"):
        response.headers["Location"] = request.app.url_path_for("get_expense_claim", claim_id=str(result["id"]))
    return result


@router.get("", summary="报销单列表（默认本人提交的；all=true：数据权限范围内的全部，最新在前）")
async def list_expense_claims(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[ClaimStatus | None, Query(description=STATUS_DESCRIPTION)] = None,
    kind: Annotated[
        ClaimKind | None,
        Query(description="类别：travel 差旅、meeting 会议、training 培训、reception 公务接待、other 其他"),
    ] = None,
    all: Annotated[  # noqa: A002 - the query parameter's name
        bool, Query(description="查看数据权限范围内的全部：本单位、分管单位；财务、纪检、审计、主要领导为全部")
    ] = False,
) -> dict[str, Any]:
    kwargs = {"mine": not all, **optional(status=status, kind=kind), **page.kwargs()}
    return await rpc.call("payment", "list_expense_claims", kwargs)


@router.get("/{claim_id}", summary="报销单详情（费用明细、发票、超标提示）")
async def get_expense_claim(claim_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("payment", "get_expense_claim", {"claim_id": claim_id})


RESUBMIT_EXAMPLE = {
    "title": "赴广州学习考察差旅费（已按标准调整住宿费）",
    "detail": TRAVEL_EXAMPLE["detail"],
    "invoices": TRAVEL_EXAMPLE["invoices"],
}


@router.post(
    "/{claim_id}/resubmit",
    summary="修改并重新提交被退回的报销单（仅报销人；可改事由、费用明细、发票，不填则不变；重新对照支出标准、"
    "校验发票，进入新一轮审批）",
)
async def resubmit_expense_claim(
    claim_id: Ident, body: Annotated[dict[str, Any], Body(examples=[RESUBMIT_EXAMPLE])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("payment", "resubmit_expense_claim", {**body, "claim_id": claim_id})


@router.post(
    "/{claim_id}/cancel",
    summary="作废报销单（仅报销人；已退回、已撤回或预算不足未提交的；须填写原因；发票释放）",
)
async def cancel_expense_claim(
    claim_id: Ident, body: Annotated[dict[str, Any], Body(examples=[{"reason": "重复填报"}])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("payment", "cancel_expense_claim", {**body, "claim_id": claim_id})
