"""采购 (procurement): applications, intentions, market research, tenders, bids, awards and the supplier registry,
owned by the procurement service. Data scope is checked there (another unit's document answers 404)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import Field

from gateway.auth import CurrentUser
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import EXCEL, api_router, with_route, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import Amount, Body, DateFrom, DateTo, Ident, Paging, UnitQuery, optional, paging
from ic_platform.commands import Code, Day, Instant, Text
from ic_platform.money import money_str

router = api_router("procurement")

DOCUMENT_TYPE = "procurement_application"
Category = Literal["goods", "services", "works"]
Method = Literal[
    "open_tender",
    "invited_tender",
    "competitive_negotiation",
    "competitive_consultation",
    "request_for_quotation",
    "single_source",
    "framework_agreement",
    "self_procurement",
]
METHOD_DESCRIPTION = (
    "采购方式：open_tender 公开招标、invited_tender 邀请招标、competitive_negotiation 竞争性谈判、"
    "competitive_consultation 竞争性磋商、request_for_quotation 询价、single_source 单一来源、"
    "framework_agreement 框架协议、self_procurement 自行采购"
)
ApplicationStatus = Literal[
    "draft",
    "reserving",
    "refused",
    "submitted",
    "returned",
    "withdrawn",
    "rejected",
    "approved",
    "sourcing",
    "awarded",
    "contracted",
    "closed",
    "cancelled",
]


# ── bodies ──
class ItemBody(Body):
    name: Text = Field(description="品名")
    category: Category = Field(description="品目类别：goods 货物、services 服务、works 工程")
    quantity: Decimal = Field(gt=0, max_digits=15, decimal_places=3, description="数量")
    unit_price: Amount = Field(description="预估单价（元）")
    unit: str = Field("", max_length=20, description="计量单位，如 台")
    catalogue_code: Code | None = Field(None, description="集中采购目录品目编码（目录内品目填写）")
    specification: str = Field("", max_length=2000, description="规格要求")

    def rpc(self) -> dict[str, Any]:
        return {
            **self.model_dump(exclude={"quantity", "unit_price"}, exclude_none=True),
            "quantity": str(self.quantity),
            "unit_price": money_str(self.unit_price),
        }


class ApplicationBody(Body):
    title: Text = Field(description="采购项目名称")
    items: list[ItemBody] = Field(min_length=1, max_length=200, description="采购内容；合计即采购预算")
    method: Method = Field(description=METHOD_DESCRIPTION)
    justification: str | None = Field(None, max_length=2000, description="理由：单一来源、邀请招标时必填")
    matter_application_id: Code | None = Field(None, description="依据的已批准事前申请（承接其预占）")
    budget_line_id: Code | None = Field(None, description="不依据事前申请时，使用的预算指标（提交即预占）")
    purchaser: Code | None = Field(None, description="采购经办人（默认申请人）")
    major_matter: bool = Field(False, description="是否“三重一大”事项")


class ResubmitBody(Body):
    method: Method | None = Field(None, description="更正后的采购方式（不填则不变）")
    justification: str | None = Field(None, max_length=2000, description="更正后的理由（不填则不变）")


class MethodChangeBody(Body):
    method: Method = Field(description="变更后的采购方式；" + METHOD_DESCRIPTION)
    reason: Text = Field(description="变更理由")


class PreviewBody(Body):
    items: list[ItemBody] = Field(min_length=1, max_length=200, description="采购内容")
    on: Day | None = Field(None, description="按该日有效的限额标准确定（默认今天）")


class CancelBody(Body):
    reason: Text = Field(description="作废理由")


class IntentionBody(Body):
    published_on: Day = Field(description="采购意向公开日期")
    where: Text = Field(description="公开媒体，如 中国政府采购网")
    expected_start: Day | None = Field(None, description="预计采购时间")


class QuoteBody(Body):
    supplier_id: Code = Field(description="报价供应商（供应商库）")
    amount: Amount = Field(description="报价（元）")
    quoted_on: Day = Field(description="报价日期")
    evidence: list[Code] = Field(default_factory=list, max_length=20, description="报价单等附件编号")


class MarketResearchBody(Body):
    quotes: list[QuoteBody] = Field(min_length=1, max_length=50, description="各供应商报价")
    chosen_supplier_id: Code = Field(description="选定的供应商")
    justification: str | None = Field(None, max_length=2000, description="未选最低报价的理由")
    decided_on: Day = Field(description="确定日期")
    notice_date: Day = Field(description="成交通知日期")


class TenderBody(Body):
    published_at: Instant = Field(description="公告（邀请）发出时间")
    submission_deadline: Instant = Field(description="提交投标（响应）文件截止时间")
    evaluation_method: Literal["lowest_price", "score"] = Field(
        "lowest_price", description="评审方法：lowest_price 最低价、score 综合评分"
    )


class BidBody(Body):
    supplier_id: Code = Field(description="投标供应商（供应商库）")
    amount: Amount = Field(description="投标报价（元）")
    received_at: Instant = Field(description="送达时间")


class DisqualifyBody(Body):
    reason: Text = Field(description="认定无效的理由")


class EvaluationBody(Body):
    evaluated_at: Instant = Field(description="评审时间（不得早于截止时间）")
    scores: dict[Code, Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]] | None = Field(
        None, description="综合评分法：投标编号 → 得分"
    )


class AwardBody(Body):
    bid_id: Code = Field(description="中标（成交）的投标")
    decided_on: Day = Field(description="确定日期")
    notice_date: Day = Field(description="中标（成交）通知书日期")
    justification: str | None = Field(None, max_length=2000, description="未按排序第一名确定时的理由")


class DirectAwardBody(Body):
    supplier_id: Code = Field(description="供应商（供应商库）")
    amount: Amount = Field(description="成交金额（元）")
    decided_on: Day = Field(description="确定日期")
    notice_date: Day = Field(description="成交通知日期")
    justification: str | None = Field(None, max_length=2000, description="说明")


class SupplierBody(Body):
    credit_code: str = Field(min_length=1, max_length=40, description="统一社会信用代码（18 位，GB 32100-2015）")
    name: Text = Field(description="供应商名称")
    legal_representative: Text = Field(description="法定代表人（负责人）")
    sme: bool = Field(False, description="是否中小企业")


class StandingBody(Body):
    standing: Literal["suspended", "blacklisted"] = Field(description="suspended 暂停、blacklisted 列入黑名单")
    reason: Text = Field(description="理由")
    starts_on: Day = Field(description="开始日期")
    ends_on: Day | None = Field(None, description="结束日期（含）；不填则至解除为止")


class AccountBody(Body):
    bank_name: Text = Field(description="开户行")
    account_name: Text = Field(description="户名（须与供应商名称一致）")
    account_no: str = Field(min_length=1, max_length=40, description="账号（8–32 位数字）")


class AccountChangeBody(Body):
    change: Literal["add", "replace", "remove"] = Field(description="add 新增、replace 替换、remove 删除")
    account_no: str | None = Field(None, min_length=1, max_length=40, description="被替换或删除的账号")
    account: AccountBody | None = Field(None, description="新账户（新增、替换时必填）")
    reason: Text = Field(description="变更理由")


class LiftBody(Body):
    on: Day = Field(description="自该日起恢复正常")
    reason: Text = Field(description="理由")


def _json(value: Any) -> Any:
    """Dates, instants and decimals as the service's commands read them."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money_str(value) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _kwargs(body: Body, **extra: Any) -> dict[str, Any]:
    data = {k: v for k, v in body.model_dump().items() if v is not None}
    return _json({**data, **extra})


# ── applications ──
@router.post(
    "/procurement-applications",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="提交采购申请（按限额标准校验采购方式）",
)
async def submit_procurement_application(
    body: ApplicationBody,
    user: CurrentUser,
    rpc: UserRpc,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    kwargs = {**_kwargs(body, unit=user.unit), "items": [i.rpc() for i in body.items]}
    result = await rpc.call("procurement", "submit_application", kwargs)
    if isinstance(result, dict) and result.get("id"):
        response.headers["Location"] = request.app.url_path_for(
            "get_procurement_application", procurement_id=str(result["id"])
        )
    return result


@router.post("/procurement-applications/method-preview", summary="按限额标准预判采购方式（不保存）")
async def preview_procurement_method(body: PreviewBody, rpc: UserRpc) -> dict[str, Any]:
    kwargs = {"items": [i.rpc() for i in body.items], **optional(on=body.on.isoformat() if body.on else None)}
    return await rpc.call("procurement", "preview_method", kwargs)


@router.get("/procurement-applications", summary="采购申请列表（默认本人提交的；all=true：数据权限范围内的全部）")
async def list_procurement_applications(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    status: Annotated[ApplicationStatus | None, Query(description="状态")] = None,
    method: Annotated[Method | None, Query(description=METHOD_DESCRIPTION)] = None,
    all: Annotated[bool, Query(description="查看数据权限范围内的全部")] = False,  # noqa: A002
) -> dict[str, Any]:
    kwargs = {"mine": not all, **optional(status=status, method=method), **page.kwargs()}
    return await rpc.call("procurement", "list_applications", kwargs)


@router.get(
    "/procurement-applications/{procurement_id}", summary="采购申请详情（含意向、报价、招标、中标结果与审批路线）"
)
async def get_procurement_application(procurement_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    call = rpc.call("procurement", "get_application", {"application_id": procurement_id})
    return await with_route(rpc, DOCUMENT_TYPE, procurement_id, call)


@router.post("/procurement-applications/{procurement_id}/cancel", summary="作废采购申请（仅申请人，确定供应商前）")
async def cancel_procurement_application(procurement_id: Ident, body: CancelBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "cancel_application", _kwargs(body, application_id=procurement_id))


@router.post(
    "/procurement-applications/{procurement_id}/resubmit",
    summary="重新提交被退回（撤回）的采购申请（仅申请人；采购内容与资金不变）",
)
async def resubmit_procurement_application(procurement_id: Ident, body: ResubmitBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "resubmit_application", _kwargs(body, application_id=procurement_id))


@router.post(
    "/procurement-applications/{procurement_id}/method-change",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="申请变更采购方式（送审；审批期间不得开展采购）",
)
async def request_method_change(procurement_id: Ident, body: MethodChangeBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "request_method_change", _kwargs(body, application_id=procurement_id))


@router.post(
    "/procurement-applications/{procurement_id}/intention",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="公开采购意向",
)
async def publish_procurement_intention(procurement_id: Ident, body: IntentionBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "publish_intention", _kwargs(body, application_id=procurement_id))


@router.post(
    "/procurement-applications/{procurement_id}/market-research",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="市场调查（询价比价）定案：报价留存，选定报价即成交",
)
async def conclude_market_research(procurement_id: Ident, body: MarketResearchBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "conclude_market_research", _kwargs(body, application_id=procurement_id))


@router.post(
    "/procurement-applications/{procurement_id}/tenders",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="发布采购公告（招标、竞争性程序）",
)
async def publish_tender(procurement_id: Ident, body: TenderBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "publish_tender", _kwargs(body, application_id=procurement_id))


@router.post(
    "/procurement-applications/{procurement_id}/award",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="直接确定成交供应商（单一来源、框架协议）",
)
async def award_directly(procurement_id: Ident, body: DirectAwardBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "award_directly", _kwargs(body, application_id=procurement_id))


# ── tenders ──
@router.post(
    "/tenders/{tender_id}/bids", status_code=201, dependencies=[IdempotencyKeyRequired], summary="登记投标（响应）文件"
)
async def receive_bid(tender_id: Ident, body: BidBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "receive_bid", _kwargs(body, tender_id=tender_id))


@router.post("/tenders/{tender_id}/bids/{bid_id}/disqualify", summary="认定投标无效（须说明理由）")
async def disqualify_bid(tender_id: Ident, bid_id: Ident, body: DisqualifyBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "disqualify_bid", _kwargs(body, tender_id=tender_id, bid_id=bid_id))


@router.post("/tenders/{tender_id}/evaluation", summary="开标评审：有效投标排序，不足法定家数则流标")
async def evaluate_tender(tender_id: Ident, body: EvaluationBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "evaluate_tender", _kwargs(body, tender_id=tender_id))


@router.post(
    "/tenders/{tender_id}/award",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="确定中标（成交）供应商",
)
async def award_tender(tender_id: Ident, body: AwardBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "award_tender", _kwargs(body, tender_id=tender_id))


# ── suppliers ──
@router.post(
    "/suppliers", status_code=201, dependencies=[IdempotencyKeyRequired], summary="登记供应商（校验统一社会信用代码）"
)
async def register_supplier(body: SupplierBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "register_supplier", _kwargs(body))


@router.get("/suppliers", summary="供应商库（按名称或信用代码查找）")
async def list_suppliers(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    q: Annotated[str | None, Query(max_length=100, description="名称或统一社会信用代码")] = None,
) -> dict[str, Any]:
    return await rpc.call("procurement", "list_suppliers", {**optional(q=q), **page.kwargs()})


@router.get("/suppliers/{supplier_id}", summary="供应商详情（账户、状态期间）")
async def get_supplier(supplier_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "get_supplier", {"supplier_id": supplier_id})


@router.post("/suppliers/{supplier_id}/standing", summary="暂停供应商或列入黑名单（财务审核、管理员、主要领导）")
async def set_supplier_standing(supplier_id: Ident, body: StandingBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "set_supplier_standing", _kwargs(body, supplier_id=supplier_id))


@router.post("/suppliers/{supplier_id}/accounts", summary="变更供应商银行账户（留存变更记录）")
async def change_supplier_account(supplier_id: Ident, body: AccountChangeBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "change_supplier_account", _kwargs(body, supplier_id=supplier_id))


@router.post("/suppliers/{supplier_id}/standing/lift", summary="解除暂停或黑名单（恢复正常，记录理由）")
async def lift_supplier_standing(supplier_id: Ident, body: LiftBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("procurement", "lift_supplier_standing", _kwargs(body, supplier_id=supplier_id))


# ── reports (供应商信息表, 采购情况表) ──
GroupBy = Annotated[
    list[Literal["unit", "method", "category"]],
    Query(min_length=1, max_length=3, description="汇总维度（可多选）：unit 单位、method 采购方式、category 品目类别"),
]


def _period(date_from: date, date_to: date, unit: str | None) -> dict[str, Any]:
    return {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), **optional(unit=unit)}


@router.get(
    "/reports/suppliers", summary="供应商信息表：各供应商中标（成交）次数、金额、占比与单位集中度（按通知书日期）"
)
async def supplier_analysis(
    rpc: UserRpc, date_from: DateFrom, date_to: DateTo, unit: UnitQuery = None
) -> dict[str, Any]:
    return await rpc.call("procurement", "supplier_analysis", _period(date_from, date_to, unit))


@router.get(
    "/reports/suppliers.xlsx",
    summary="导出供应商信息表（Excel）",
    **EXCEL,
)
async def supplier_analysis_xlsx(
    rpc: UserRpc, date_from: DateFrom, date_to: DateTo, unit: UnitQuery = None
) -> Response:
    result = await rpc.call("procurement", "supplier_analysis_xlsx", _period(date_from, date_to, unit))
    return xlsx_response(result, f"suppliers-{date_from}-{date_to}.xlsx", f"供应商信息表-{date_from}-{date_to}.xlsx")


@router.get("/reports/procurement", summary="采购情况表：按单位、采购方式、品目类别汇总（按批准日期），含节约资金")
async def procurement_report(
    rpc: UserRpc,
    date_from: DateFrom,
    date_to: DateTo,
    group_by: GroupBy = ["unit", "method", "category"],  # noqa: B006 - FastAPI reads the default, never mutates it
    unit: UnitQuery = None,
) -> dict[str, Any]:
    kwargs = {**_period(date_from, date_to, unit), "group_by": list(group_by)}
    return await rpc.call("procurement", "procurement_report", kwargs)


@router.get(
    "/reports/procurement.xlsx",
    summary="导出采购情况表（Excel）",
    **EXCEL,
)
async def procurement_report_xlsx(
    rpc: UserRpc,
    date_from: DateFrom,
    date_to: DateTo,
    group_by: GroupBy = ["unit", "method", "category"],  # noqa: B006
    unit: UnitQuery = None,
) -> Response:
    kwargs = {**_period(date_from, date_to, unit), "group_by": list(group_by)}
    result = await rpc.call("procurement", "procurement_report_xlsx", kwargs)
    return xlsx_response(result, f"procurement-{date_from}-{date_to}.xlsx", f"采购情况表-{date_from}-{date_to}.xlsx")
