"""事前申请 (matter applications), owned by the payment (支出) service."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response

from gateway.auth import CurrentUser
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import api_router, with_route
from gateway.rpc import UserRpc
from gateway.schemas import EndBody, Ident, MatterApplicationBody, Paging, ResubmitBody, optional, paging

router = api_router("matter_applications", "/matter-applications")

DOCUMENT_TYPE = "matter_application"
# Every status an application can have (services/payment/domain/model.py Status), told in Chinese.
ApplicationStatus = Literal[
    "reserving", "refused", "submitted", "approved", "rejected", "returned", "withdrawn", "cancelled", "closed"
]
STATUS_DESCRIPTION = (
    "状态：reserving 预算校验中、refused 预算不足未提交、submitted 审批中、approved 已批准、rejected 已驳回、"
    "returned 已退回、withdrawn 已撤回、cancelled 已作废、closed 已结项"
)


@router.post("", status_code=201, summary="提交事前申请（预占预算）", dependencies=[IdempotencyKeyRequired])
async def submit_matter_application(
    body: MatterApplicationBody,
    user: CurrentUser,
    rpc: UserRpc,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    # The key itself travels in the context data (see gateway.rpc); gateway.idempotency requires it.
    result = await rpc.call("payment", "submit_matter_application", body.rpc_kwargs(user.unit))
    if isinstance(result, dict) and result.get("id"):
        response.headers["Location"] = request.app.url_path_for(
            "get_matter_application", application_id=str(result["id"])
        )
    return result


@router.post(
    "/{application_id}/resubmit",
    summary="重新提交被退回、撤回或预算不足未提交的事前申请（仅申请人；金额与预算指标不可改；可注明已批准的超预算审批单）",
)
async def resubmit_matter_application(application_id: Ident, body: ResubmitBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("payment", "resubmit_matter_application", body.rpc_kwargs(application_id))


@router.post(
    "/{application_id}/cancel",
    summary="作废事前申请（仅申请人；已撤回、已退回或预算不足未提交的；须填写原因；释放预占）",
)
async def cancel_matter_application(application_id: Ident, body: EndBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("payment", "cancel_matter_application", body.rpc_kwargs(application_id))


@router.post(
    "/{application_id}/close",
    summary="结项已批准的事前申请（申请人或财务；须填写说明；释放未使用的预占余额）",
)
async def close_matter_application(application_id: Ident, body: EndBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("payment", "close_matter_application", body.rpc_kwargs(application_id))


@router.get("", summary="事前申请列表（默认本人提交的；all=true：数据权限范围内的全部）")
async def list_matter_applications(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[ApplicationStatus | None, Query(description=STATUS_DESCRIPTION)] = None,
    all: Annotated[  # noqa: A002 - the query parameter's name
        bool, Query(description="查看数据权限范围内的全部：本单位、分管单位；财务、纪检、审计、主要领导为全部")
    ] = False,
) -> dict[str, Any]:
    kwargs = {"mine": not all, **optional(status=status), **page.kwargs()}
    return await rpc.call("payment", "list_matter_applications", kwargs)


@router.get("/{application_id}", summary="事前申请详情（含审批路线）")
async def get_matter_application(application_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    application = rpc.call("payment", "get_matter_application", {"application_id": application_id})
    return await with_route(rpc, DOCUMENT_TYPE, application_id, application)
