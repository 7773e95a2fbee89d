"""监督台 (the risk service's supervision desk, issue 13 §3, §4; docs/supervision.md): the warnings ledger and
the handling of each warning, per-unit scorecards (内控评价) with their Excel, and the project dossier."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Response
from pydantic import Field

from gateway.routes.base import EXCEL, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import Body, DateFrom, DateTo, DocumentType, Ident, Paging, UnitQuery, optional, paging
from ic_platform.commands import Day

router = api_router("supervision", "/risk")
WarningId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:\-]{1,100}$", description="风险预警编号")]
STATUS_DESCRIPTION = "处置状态：" + "、".join(
    (
        "open 待处置",
        "acknowledged 审批时已确认知悉",
        "dismissed 已排除",
        "confirmed 已核实整改中",
        "rectified 已整改销号",
    )
)


class DismissBody(Body):
    reason: str = Field(min_length=1, max_length=2000, description="排除理由（核查结论）")


class ConfirmBody(Body):
    due_date: Day = Field(description="整改期限（不早于今天）")
    responsible_unit: str = Field(min_length=1, max_length=64, description="责任单位代码")
    finding: str = Field(min_length=1, max_length=2000, description="核实意见与整改要求")


class CloseBody(Body):
    closing_note: str = Field(min_length=1, max_length=2000, description="整改说明（做了什么、依据）")


@router.get("/warnings", summary="风险预警台账：按单位、严重程度、规则、处置状态、期间查询（数据权限范围内，分页）")
async def list_warnings(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    unit: UnitQuery = None,
    severity: Annotated[Literal["low", "medium", "high"] | None, Query(description="严重程度")] = None,
    rule: Annotated[str | None, Query(pattern=r"^[a-z][a-z_]{0,63}$", description="规则代码")] = None,
    status: Annotated[
        Literal["open", "acknowledged", "dismissed", "confirmed", "rectified"] | None,
        Query(description=STATUS_DESCRIPTION),
    ] = None,
    document_type: Annotated[str | None, Query(pattern=r"^[a-z][a-z_]{0,63}$", description="单据类型")] = None,
    date_from: Annotated[Day | None, Query(description="预警提出日期起（含）")] = None,
    date_to: Annotated[Day | None, Query(description="预警提出日期止（含）")] = None,
) -> dict[str, Any]:
    kwargs = optional(
        unit=unit,
        severity=severity,
        rule=rule,
        status=status,
        document_type=document_type,
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
    )
    return await rpc.call("risk", "list_warnings", {**kwargs, **page.kwargs()})


# Before /warnings/{warning_id}: `by-rule` would be taken for a warning's number.
@router.get("/warnings/by-rule", summary="风险预警按规则统计：期间内各规则的预警数及处置状态（数据权限范围内，含合计）")
async def warnings_by_rule(
    rpc: UserRpc, date_from: DateFrom, date_to: DateTo, unit: UnitQuery = None
) -> dict[str, Any]:
    kwargs = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **optional(unit=unit)}
    return await rpc.call("risk", "warnings_by_rule", kwargs)


@router.get(
    "/warnings/by-rule.xlsx",
    summary="导出风险预警按规则统计（Excel）",
    **EXCEL,
)
async def warnings_by_rule_xlsx(rpc: UserRpc, date_from: DateFrom, date_to: DateTo, unit: UnitQuery = None) -> Response:
    kwargs = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **optional(unit=unit)}
    result = await rpc.call("risk", "warnings_by_rule_xlsx", kwargs)
    return xlsx_response(result, f"warnings-by-rule-{date_from}-{date_to}.xlsx")


@router.get("/warnings/{warning_id}", summary="一条风险预警及其处置（确认知悉、排除、核实整改、销号）")
async def get_warning(warning_id: WarningId, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "get_warning", {"warning_id": warning_id})


@router.post("/warnings/{warning_id}/dismissal", summary="排除风险预警（纪检监察，须注明理由）")
async def dismiss_warning(warning_id: WarningId, body: DismissBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "dismiss_warning", {"warning_id": warning_id, "reason": body.reason})


@router.post(
    "/warnings/{warning_id}/confirmation", summary="核实风险预警，转为整改事项（纪检监察：整改期限、责任单位）"
)
async def confirm_warning(warning_id: WarningId, body: ConfirmBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {
        "warning_id": warning_id,
        "due_date": body.due_date.isoformat(),
        "responsible_unit": body.responsible_unit,
        "finding": body.finding,
    }
    return await rpc.call("risk", "confirm_warning", kwargs)


@router.post(
    "/warnings/{warning_id}/rectification-closure",
    summary="整改销号（纪检监察或责任单位负责人，附整改说明）",
)
async def close_rectification(warning_id: WarningId, body: CloseBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "close_rectification", {"warning_id": warning_id, "closing_note": body.closing_note})


@router.get("/scorecards", summary="内控评价：各单位记分卡（审批节点用时、预警、超时任务、按期整改）")
async def scorecards(rpc: UserRpc, date_from: DateFrom, date_to: DateTo, unit: UnitQuery = None) -> dict[str, Any]:
    kwargs = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **optional(unit=unit)}
    return await rpc.call("risk", "scorecards", kwargs)


@router.get(
    "/scorecards.xlsx",
    summary="导出内控评价记分卡（Excel）",
    **EXCEL,
)
async def scorecards_xlsx(rpc: UserRpc, date_from: DateFrom, date_to: DateTo, unit: UnitQuery = None) -> Response:
    kwargs = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **optional(unit=unit)}
    result = await rpc.call("risk", "scorecards_xlsx", kwargs)
    return xlsx_response(result, f"scorecards-{date_from}-{date_to}.xlsx")


@router.get(
    "/projects/by-document/{document_type}/{document_id}",
    summary="项目关联查询：单据所属项目的全部单据（预算指标、申请、采购、中标、合同、变更、验收、报销与支付、凭证、附件）、"
    "审批、预警与时间线",
)
async def project_by_document(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "project_by_document", {"document_type": document_type, "document_id": document_id})
