"""The execution report as an Excel workbook (openpyxl): Chinese headers, money as numbers with two places."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.budget.domain.report import EXPENDITURE_KIND_NAMES, GROUP_LABELS, Figures

HEADERS = ["预算指标", "单位", "功能分类", "经济分类", "项目", "指标金额", "已安排事项", "支出计划/合同", "已支付",
           "可用余额", "执行率"]
MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = '0.00"%"'
_MONEY_KEYS = ("amount", "pre_committed", "committed", "actual", "available")


def _named(code: str | None, name: str | None) -> str:
    if not code:
        return ""
    return f"{code} {name}" if name else code


def _dimensions(group_by: str, row: dict[str, Any]) -> list[str]:
    """The five text columns; a grouped report fills the column it is grouped by (the others stay empty)."""
    if group_by == "line":
        return [row["key"], row.get("unit") or "",
                _named(row.get("functional_class"), row.get("functional_class_name")),
                _named(row.get("economic_class"), row.get("economic_class_name")), row.get("project") or ""]
    cells = ["", "", "", "", ""]
    column = {"unit": 1, "functional_class": 2, "economic_class": 3, "project": 4}.get(group_by)
    if column is None:  # expenditure kind: no column of its own, shown where the line would be
        cells[0] = EXPENDITURE_KIND_NAMES.get(row["key"], row["key"])
    elif group_by in ("functional_class", "economic_class"):
        cells[column] = _named(row["key"], row.get(f"{group_by}_name"))
    else:
        cells[column] = row["label"]
    return cells


def execution_workbook(fiscal_year: int, group_by: str, unit: str | None, rows: list[dict[str, Any]],
                       total: Figures) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{fiscal_year}年预算执行情况"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append([*_dimensions(group_by, row), *(Decimal(row[k]) for k in _MONEY_KEYS),
                   Decimal(row["execution_rate"])])
    sums = total.as_dict()
    ws.append(["合计", "", "", "", "", *(Decimal(sums[k]) for k in _MONEY_KEYS), Decimal(sums["execution_rate"])])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for data_row in ws.iter_rows(min_row=2, min_col=6, max_col=11):
        for cell in data_row:
            cell.number_format = RATE_FORMAT if cell.column == 11 else MONEY_FORMAT
    for letter, width in zip("ABCDEFGHIJK", (22, 10, 22, 22, 20, 16, 16, 16, 16, 16, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = "1F4E79"
    scope = f"，单位 {unit}" if unit else ""
    wb.properties.title = f"{fiscal_year}年预算执行情况表（按{GROUP_LABELS[group_by]}{scope}）"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
