"""付款申请 (payment requests) and 支付 (execution), owned by the payment service. Bodies are checked by the
service's commands, so a bad field is answered 422 naming it in Chinese, as every other route does."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Depends, Query, Request, Response

from gateway.auth import CurrentUser
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import Ident, Paging, optional, paging

router = api_router("payments", "/payments")

PaymentStatus = Literal["submitted", "approved", "rejected", "returned", "withdrawn", "executed"]
STATUS_DESCRIPTION = (
    "状态：submitted 审批中、approved 已批准待支付、rejected 已驳回、returned 已退回、withdrawn 已撤回、executed 已支付"
)
SUBMIT_EXAMPLE = {
    "title": "办公设备采购合同验收款",
    "amount": "25200.00",
    "basis": {"type": "contract_milestone", "id": "合同 ID", "milestone_no": 2},
    "payee": {"name": "新桥办公设备有限公司", "credit_code": "91350100M000100Y43", "account_no": "6222020200112233445"},
    "invoices": [
        {
            "number": "26442000000123456789",
            "issued_on": "2026-05-12",
            "issuer_credit_code": "91350100M000100Y43",
            "amount": "25200.00",
            "tax": "2899.12",
        }
    ],
}
EXECUTE_EXAMPLE = {"reference": "BANK-20260515-0001", "executed_on": "2026-05-15"}


@router.post(
    "",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="提交付款申请（依据合同付款节点、已批准的事前申请）：预算、付款条件、合同累计、收款人与账号、发票、质保金逐项校验",
)
async def submit_payment(
    body: Annotated[dict[str, Any], Body(examples=[SUBMIT_EXAMPLE])],
    user: CurrentUser,
    rpc: UserRpc,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    result = await rpc.call("payment", "submit_payment", {**body, "unit": user.unit})
    if isinstance(result, dict) and result.get("id"):
        response.headers["Location"] = request.app.url_path_for("get_payment", payment_id=str(result["id"]))
    return result


@router.post(
    "/check",
    summary="付款校验（提交前试算，不产生任何变动）：逐项运行付款闸门的全部校验，"
    "答复 ok 或全部不通过项及其规则（预算、付款条件、合同累计、收款人与账号、发票、质保金）",
)
async def check_payment(
    body: Annotated[dict[str, Any], Body(examples=[SUBMIT_EXAMPLE])], user: CurrentUser, rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("payment", "check_payment", {**body, "unit": user.unit})


@router.get("", summary="付款申请列表（数据权限范围内，最新在前）")
async def list_payments(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[PaymentStatus | None, Query(description=STATUS_DESCRIPTION)] = None,
    contract_id: Annotated[str | None, Query(max_length=64, description="合同 ID")] = None,
) -> dict[str, Any]:
    kwargs = {**optional(status=status, contract_id=contract_id), **page.kwargs()}
    return await rpc.call("payment", "list_payments", kwargs)


@router.get(
    "/export.xlsx",
    summary="导出付款申请台账（Excel：数据权限范围内、按所选状态和合同的全部付款申请）",
    **EXCEL,
)
async def list_payments_xlsx(
    rpc: UserRpc,
    status: Annotated[PaymentStatus | None, Query(description=STATUS_DESCRIPTION)] = None,
    contract_id: Annotated[str | None, Query(max_length=64, description="合同 ID")] = None,
) -> Response:
    result = await rpc.call("payment", "list_payments_xlsx", optional(status=status, contract_id=contract_id))
    return xlsx_response(result, "payments.xlsx")


@router.get("/{payment_id}", summary="付款申请详情（依据、收款人、发票、审批人、支付信息）")
async def get_payment(payment_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("payment", "get_payment", {"payment_id": payment_id})


RESUBMIT_EXAMPLE = {"amount": "25000.00", "invoices": SUBMIT_EXAMPLE["invoices"]}


@router.post(
    "/{payment_id}/resubmit",
    summary="修改并重新提交被退回的付款申请（仅申请人；可改事由、金额、收款人、发票，不填则不变；付款依据不变；"
    "付款闸门全部重新校验后进入新一轮审批）",
)
async def resubmit_payment(
    payment_id: Ident, body: Annotated[dict[str, Any], Body(examples=[RESUBMIT_EXAMPLE])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("payment", "resubmit_payment", {**body, "payment_id": payment_id})


@router.post(
    "/{payment_id}/execute",
    summary="支付（仅出纳，且不得为该笔付款的审批人）：再次校验后登记银行或国库凭证号与日期，预算转为实际支出",
)
async def execute_payment(
    payment_id: Ident, body: Annotated[dict[str, Any], Body(examples=[EXECUTE_EXAMPLE])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("payment", "execute_payment", {**body, "payment_id": payment_id})
