"""The supplier analysis (供应商信息表) and the procurement report (采购情况表), over what the caller's data scope
reads (a unit outside it reads like a unit with no procurement), as JSON or as an Excel workbook (base64)."""

from __future__ import annotations

import base64

from ic_platform import scope
from ic_platform.commands import invalid_fields
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden
from ic_platform.scope import Area
from services.procurement.adapters import excel
from services.procurement.domain.analysis import procurement_report as aggregate_procurement
from services.procurement.domain.analysis import supplier_analysis as aggregate_suppliers
from services.procurement.service_layer import commands
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork


def _units(cmd: commands.Period, ctx: CallContext) -> frozenset[str] | None:
    if ctx.viewer is None:
        raise Forbidden("forbidden", "无权查看采购报表")
    if cmd.date_to < cmd.date_from:
        raise invalid_fields([{"field": "date_to", "reason": "结束日期不能早于开始日期"}])
    return scope.scope_of(ctx.viewer, Area.PROCUREMENT).units_within(cmd.unit)


def supplier_analysis(cmd: commands.SupplierAnalysis, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    units = _units(cmd, ctx)
    with uow:
        rows = uow.reports.award_rows(ctx.org, units, cmd.date_from, cmd.date_to)
    return {**aggregate_suppliers(rows, cmd.date_from, cmd.date_to), "unit": cmd.unit}


def procurement_report(cmd: commands.ProcurementReport, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    units = _units(cmd, ctx)
    with uow:
        rows = uow.reports.procurement_rows(ctx.org, units, cmd.date_from, cmd.date_to)
    group_by = tuple(dict.fromkeys(cmd.group_by))  # each dimension once, in the order asked
    return {**aggregate_procurement(rows, cmd.date_from, cmd.date_to, group_by), "unit": cmd.unit}


def supplier_analysis_xlsx(cmd: commands.SupplierAnalysis, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    content = excel.supplier_workbook(supplier_analysis(cmd, uow, ctx))
    return {"content_base64": base64.b64encode(content).decode()}


def procurement_report_xlsx(cmd: commands.ProcurementReport, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    content = excel.procurement_workbook(procurement_report(cmd, uow, ctx))
    return {"content_base64": base64.b64encode(content).decode()}
