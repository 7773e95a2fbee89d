"""The procurement reports as Excel workbooks: Chinese headers, money as numbers formatted #,##0.00, a 合计 row."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from services.procurement.domain.kinds import CATEGORY_LABELS, METHOD_LABELS, Category, Method

MONEY_FORMAT = "#,##0.00"
GROUP_HEADERS = {"unit": "单位", "method": "采购方式", "category": "品目类别"}


def _label(field: str, value: str) -> str:
    if field == "method":
        return METHOD_LABELS[Method(value)]
    if field == "category":
        return CATEGORY_LABELS[Category(value)]
    return value


def _book(title: str, headers: list[str], rows: list[list[Any]], money_columns: set[int]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for data_row in ws.iter_rows(min_row=2):
        for cell in data_row:
            if cell.column in money_columns:
                cell.number_format = MONEY_FORMAT
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def supplier_workbook(report: dict[str, Any]) -> bytes:
    headers = ["供应商", "中标（成交）次数", "中标（成交）金额（元）", "占比（%）", "最高单位集中度（%）", "采购方式"]
    rows = [
        [
            s["supplier_name"],
            s["awards_count"],
            Decimal(s["awards_value"]),
            Decimal(s["share"]),
            Decimal(s["max_unit_share"]),
            "、".join(f"{METHOD_LABELS[Method(m)]} {f['count']} 次" for m, f in s["methods"].items()),
        ]
        for s in report["suppliers"]
    ]
    rows.append(["合计", report["awards_count"], Decimal(report["awards_value"]), Decimal("100.00"), None, ""])
    return _book("供应商信息表", headers, rows, {3})


def procurement_workbook(report: dict[str, Any]) -> bytes:
    fields = report["group_by"]
    figures = [
        "项目数",
        "采购预算（元）",
        "已确定供应商项目数",
        "中标（成交）金额（元）",
        "对应采购预算（元）",
        "节约资金（元）",
        "节约率（%）",
    ]
    keys = ["count", "budget_amount", "awarded_count", "awarded_amount", "awarded_budget", "savings", "savings_rate"]
    money = {
        len(fields) + i + 1
        for i, k in enumerate(keys)
        if k in ("budget_amount", "awarded_amount", "awarded_budget", "savings")
    }

    def cells(row: dict[str, Any]) -> list[Any]:
        return [row[k] if k.endswith("count") else Decimal(row[k]) for k in keys]

    rows = [[_label(f, g[f]) for f in fields] + cells(g) for g in report["groups"]]
    rows.append(["合计", *[""] * (len(fields) - 1), *cells(report["total"])])
    return _book("采购情况表", [GROUP_HEADERS[f] for f in fields] + figures, rows, money)
