"""合同 (contracts), owned by the contract service. Bodies are checked by the service's commands, so a bad
field is answered 422 naming it in Chinese, as every other route does."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Depends, Query, Request, Response

from gateway.auth import CurrentUser
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import Ident, JsonBody, Paging, UnitQuery, optional, paging

router = api_router("contracts", "/contracts")

ContractStatus = Literal[
    "draft",
    "submitted",
    "returned",
    "withdrawn",
    "rejected",
    "approved",
    "signed",
    "completed",
    "terminated",
    "cancelled",
]
STATUS_DESCRIPTION = (
    "状态：draft 草稿、submitted 审批中、returned 已退回、withdrawn 已撤回、rejected 已驳回、approved 已审批待签订、"
    "signed 履行中、completed 已履行完毕、terminated 已解除（终止）、cancelled 已作废"
)
DRAFT_EXAMPLE = {
    "award_id": "中标（成交）结果 ID",
    "title": "办公设备采购合同",
    "supplier_id": "中标供应商 ID",
    "amount": "100000.00",
    "start_date": "2026-03-01",
    "end_date": "2026-12-31",
    "purchaser": "clerk",
    "milestones": [
        {"name": "预付款", "condition": "on_signing", "share": "30"},
        {"name": "验收款", "condition": "on_acceptance", "share": "70"},
    ],
}


@router.post(
    "",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="依据中标（成交）结果起草合同（供应商须一致、金额不超过中标金额；一项中标结果或事前申请只能订立一份合同）",
)
async def draft_contract(
    body: Annotated[dict[str, Any], Body(examples=[DRAFT_EXAMPLE])],
    user: CurrentUser,
    rpc: UserRpc,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    result = await rpc.call("contract", "draft_contract", {**body, "unit": user.unit})
    if isinstance(result, dict) and result.get("id"):
        response.headers["Location"] = request.app.url_path_for("get_contract", contract_id=str(result["id"]))
    return result


@router.get("", summary="合同列表（数据权限范围内，最新在前）")
async def list_contracts(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[ContractStatus | None, Query(description=STATUS_DESCRIPTION)] = None,
    supplier_id: Annotated[str | None, Query(max_length=64, description="供应商 ID")] = None,
) -> dict[str, Any]:
    kwargs = {**optional(status=status, supplier_id=supplier_id), **page.kwargs()}
    return await rpc.call("contract", "list_contracts", kwargs)


@router.get(
    "/export.xlsx",
    summary="导出合同台账（Excel：数据权限范围内、按所选状态和供应商的全部合同）",
    **EXCEL,
)
async def list_contracts_xlsx(
    rpc: UserRpc,
    status: Annotated[ContractStatus | None, Query(description=STATUS_DESCRIPTION)] = None,
    supplier_id: Annotated[str | None, Query(max_length=64, description="供应商 ID")] = None,
) -> Response:
    result = await rpc.call("contract", "list_contracts_xlsx", optional(status=status, supplier_id=supplier_id))
    return xlsx_response(result, "contracts.xlsx")


ReportGroup = Annotated[
    Literal["contract", "unit", "supplier"],
    Query(description="汇总维度：contract 逐份合同、unit 单位、supplier 供应商"),
]
SupplierId = Annotated[str | None, Query(min_length=1, max_length=64, description="供应商 ID")]
AsOf = Annotated[str | None, Query(max_length=32, description="截至日期，如 2026-06-30（默认今天）")]


def _report_kwargs(group_by: str, unit: str | None, supplier_id: str | None, as_of: str | None) -> dict[str, Any]:
    return {"group_by": group_by, **optional(unit=unit, supplier_id=supplier_id, as_of=as_of)}


@router.get(
    "/execution-report",
    summary="合同执行情况表：合同金额、变更、已付、当前应付、未付余额、下一付款节点、逾期节点、逾期未履行完毕（按合同、单位、供应商）",
)
async def execution_report(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    group_by: ReportGroup = "contract",
    unit: UnitQuery = None,
    supplier_id: SupplierId = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    kwargs = {**_report_kwargs(group_by, unit, supplier_id, as_of), **page.kwargs()}
    return await rpc.call("contract", "execution_report", kwargs)


@router.get(
    "/execution-report.xlsx",
    summary="导出合同执行情况表（Excel）",
    **EXCEL,
)
async def execution_report_xlsx(
    rpc: UserRpc,
    group_by: ReportGroup = "contract",
    unit: UnitQuery = None,
    supplier_id: SupplierId = None,
    as_of: AsOf = None,
) -> Response:
    result = await rpc.call("contract", "execution_report_xlsx", _report_kwargs(group_by, unit, supplier_id, as_of))
    return xlsx_response(result, "contract-execution.xlsx")


@router.get("/{contract_id}", summary="合同详情（付款节点、累计变更、预警）")
async def get_contract(contract_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "get_contract", {"contract_id": contract_id})


@router.get("/{contract_id}/execution", summary="一份合同的执行情况（逐个付款节点：条件是否满足、已付、应付、逾期）")
async def contract_execution(contract_id: Ident, rpc: UserRpc, as_of: AsOf = None) -> dict[str, Any]:
    return await rpc.call("contract", "contract_execution", {"contract_id": contract_id, **optional(as_of=as_of)})


@router.post("/{contract_id}/submit", summary="提交合同签订审批；被退回、撤回的合同再次提交即进入新一轮（仅拟稿人）")
async def submit_contract(contract_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "submit_contract", {"contract_id": contract_id})


@router.post(
    "/{contract_id}/cancel",
    summary="作废尚未签订的合同（草稿、已退回、已撤回；仅拟稿人，须说明理由）：其依据可另行订立合同",
)
async def cancel_contract(
    contract_id: Ident, body: Annotated[dict[str, Any], Body(examples=[{"reason": "供应商放弃签约"}])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("contract", "cancel_contract", {**body, "contract_id": contract_id})


@router.post("/{contract_id}/sign", summary="登记合同签订（须已审批、不早于中标通知书日期；预算转为合同占用）")
async def sign_contract(contract_id: Ident, body: JsonBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "sign_contract", {**body, "contract_id": contract_id})


@router.post(
    "/{contract_id}/amendments",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="提出合同变更（累计追加不超过原金额 10%，须审批）",
)
async def propose_amendment(contract_id: Ident, body: JsonBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "propose_amendment", {**body, "contract_id": contract_id})


@router.get("/{contract_id}/amendments", summary="合同的变更记录")
async def list_amendments(contract_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "list_amendments", {"contract_id": contract_id})


@router.post("/{contract_id}/termination", summary="解除（终止）合同，解除剩余预算占用")
async def terminate_contract(contract_id: Ident, body: JsonBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "terminate_contract", {**body, "contract_id": contract_id})


ACCEPTANCE_EXAMPLE = {
    "milestone_no": 2,
    "result": "passed",
    "accepted_on": "2026-05-10",
    "members": ["head", "leader", "admin"],
    "findings": "数量、规格与合同一致，运行正常",
}


@router.post(
    "/{contract_id}/acceptances",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="登记验收（付款节点或交付）：验收人不得为采购经办人或合同拟稿人；达到金额须验收小组；不合格则阻止该节点付款",
)
async def record_acceptance(
    contract_id: Ident, body: Annotated[dict[str, Any], Body(examples=[ACCEPTANCE_EXAMPLE])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("contract", "record_acceptance", {**body, "contract_id": contract_id})


@router.get("/{contract_id}/acceptances", summary="合同的验收记录（最早在前）")
async def list_acceptances(contract_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "list_acceptances", {"contract_id": contract_id})


PROGRESS_EXAMPLE = {"percent": "50", "certified_on": "2026-06-30", "remarks": "主体结构完成，经现场核实"}


@router.post(
    "/{contract_id}/progress-certificates",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="登记履行进度确认（按进度付款）：进度不得低于上次确认；确认人不得为合同拟稿人；达到比例的付款节点方可付款",
)
async def certify_progress(
    contract_id: Ident, body: Annotated[dict[str, Any], Body(examples=[PROGRESS_EXAMPLE])], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("contract", "certify_progress", {**body, "contract_id": contract_id})


@router.get("/{contract_id}/progress-certificates", summary="合同的履行进度确认记录（最早在前）及当前进度")
async def list_progress_certificates(contract_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("contract", "list_progress_certificates", {"contract_id": contract_id})
