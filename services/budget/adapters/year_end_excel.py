"""The final accounts (预算决算表) as an Excel workbook: a sheet per line and a sheet per unit, each with 合计."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.budget.adapters.excel import MONEY_FORMAT, RATE_FORMAT

LINE_HEADERS = [
    "预算指标",
    "单位",
    "经济分类",
    "项目",
    "支出类型",
    "指标来源",
    "已结账",
    "预算数",
    "决算数（实际支出）",
    "差异（预算−决算）",
    "执行率",
]
UNIT_HEADERS = ["单位", "指标数", "预算数", "决算数（实际支出）", "差异（预算−决算）", "执行率"]
KIND_NAMES = {"basic": "基本支出", "project": "项目支出"}
SOURCE_NAMES = {"initial": "年初", "supplementary": "追加", "transfer": "调剂", "carried_forward": "结转"}
_FIGURES = ("amount", "actual", "variance")


def _figures(row: dict[str, Any]) -> list[Decimal]:
    return [*(Decimal(row[k]) for k in _FIGURES), Decimal(row["execution_rate"])]


def _sheet(ws: Any, headers: list[str], rows: list[list[Any]], first_money_col: int) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    last = len(headers)
    for data_row in ws.iter_rows(min_row=2, min_col=first_money_col, max_col=last):
        for cell in data_row:
            cell.number_format = RATE_FORMAT if cell.column == last else MONEY_FORMAT
    ws.freeze_panes = "A2"


def final_accounts_workbook(
    fiscal_year: int, rows: list[dict[str, Any]], units: list[dict[str, Any]], totals: dict[str, str]
) -> bytes:
    wb = Workbook()
    lines = wb.active
    lines.title = f"{fiscal_year}年决算（按指标）"
    body = [
        [
            r["budget_line_id"],
            r["unit"],
            f"{r['economic_class']} {r.get('economic_class_name') or ''}".strip(),
            r.get("project") or "",
            KIND_NAMES.get(r["expenditure_kind"], r["expenditure_kind"]),
            SOURCE_NAMES.get(r["source_kind"], r["source_kind"]),
            "是" if r["closed"] else "否",
            *_figures(r),
        ]
        for r in rows
    ]
    _sheet(lines, LINE_HEADERS, [*body, ["合计", "", "", "", "", "", "", *_figures(totals)]], 8)
    by_unit = wb.create_sheet(f"{fiscal_year}年决算（按单位）")
    _sheet(
        by_unit,
        UNIT_HEADERS,
        [
            *([u["unit"], u["lines"], *_figures(u)] for u in units),
            ["合计", sum(u["lines"] for u in units), *_figures(totals)],
        ],
        3,
    )
    wb.properties.title = f"{fiscal_year}年预算决算表"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
