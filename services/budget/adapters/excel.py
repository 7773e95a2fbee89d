"""The execution report as an Excel workbook (openpyxl) that reads like the screen: a title row, a row with the
period, the scope and the time of export, Chinese headers, names beside codes, money `#,##0.00`."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ic_platform.isolated import Refused
from services.budget.adapters import workbook
from services.budget.domain.report import EXPENDITURE_KIND_NAMES, GROUP_LABELS, Figures
from services.budget.service_layer.line_import import COLUMN_KEYS, EXAMPLE, header_key
from services.budget.service_layer.line_import import HEADERS as IMPORT_HEADERS

HEADERS = [
    "预算指标",
    "单位",
    "功能分类",
    "经济分类",
    "项目",
    "指标金额",
    "已安排事项",
    "支出计划/合同",
    "已支付",
    "可用余额",
    "执行率",
]
MONEY_FORMAT = "#,##0.00"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")  # the office's clock, for the "exported at" line
HEADER_ROW = 3  # row 1: title, row 2: period, scope and export time
RATE_FORMAT = '0.00"%"'
_MONEY_KEYS = ("amount", "pre_committed", "committed", "actual", "available")


def _named(code: str | None, name: str | None) -> str:
    if not code:
        return ""
    return f"{code} {name}" if name else code


def _dimensions(group_by: str, row: dict[str, Any], unit_names: Mapping[str, str]) -> list[str]:
    """The five text columns; a grouped report fills the column it is grouped by (the others stay empty)."""
    if group_by == "line":
        return [
            row["key"],
            _named(row.get("unit"), unit_names.get(row.get("unit") or "")),
            _named(row.get("functional_class"), row.get("functional_class_name")),
            _named(row.get("economic_class"), row.get("economic_class_name")),
            row.get("project") or "",
        ]
    cells = ["", "", "", "", ""]
    column = {"unit": 1, "functional_class": 2, "economic_class": 3, "project": 4}.get(group_by)
    if column is None:  # expenditure kind: no column of its own, shown where the line would be
        cells[0] = EXPENDITURE_KIND_NAMES.get(row["key"], row["key"])
    elif group_by in ("functional_class", "economic_class"):
        cells[column] = _named(row["key"], row.get(f"{group_by}_name"))
    elif group_by == "unit":
        cells[column] = _named(row["key"], unit_names.get(row["key"]))
    else:
        cells[column] = row["label"]
    return cells


def execution_workbook(
    fiscal_year: int,
    group_by: str,
    unit: str | None,
    rows: list[dict[str, Any]],
    total: Figures,
    *,
    unit_names: Mapping[str, str] | None = None,
    scope: str | None = None,
    exported_at: datetime | None = None,
) -> bytes:
    names = unit_names or {}
    at = (exported_at or datetime.now(UTC)).astimezone(LOCAL_TIME)
    title = f"{fiscal_year}年预算执行情况表（按{GROUP_LABELS[group_by]}）"
    shown_scope = _named(unit, names.get(unit)) if unit else (scope or "数据权限范围内全部单位")
    wb = Workbook()
    ws = wb.active
    ws.title = f"{fiscal_year}年预算执行情况"
    ws.append([title])
    ws.append(
        [
            f"期间：{fiscal_year}年1月1日至{at:%Y年%m月%d日}　范围：{shown_scope}　"
            f"导出时间：{at:%Y-%m-%d %H:%M}（北京时间）　金额单位：元"
        ]
    )
    ws.append(HEADERS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(
            [
                *_dimensions(group_by, row, names),
                *(Decimal(row[k]) for k in _MONEY_KEYS),
                Decimal(row["execution_rate"]),
            ]
        )
    sums = total.as_dict()
    ws.append(["合计", "", "", "", "", *(Decimal(sums[k]) for k in _MONEY_KEYS), Decimal(sums["execution_rate"])])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for data_row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=6, max_col=11):
        for cell in data_row:
            cell.number_format = RATE_FORMAT if cell.column == 11 else MONEY_FORMAT
    for letter, width in zip("ABCDEFGHIJK", (22, 26, 22, 22, 20, 16, 16, 16, 16, 16, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.sheet_properties.tabColor = "1F4E79"
    wb.properties.title = f"{title}（{shown_scope}）"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ── importing budget lines (预算指标导入): the template, and reading a filled-in workbook ──

INSTRUCTIONS = [
    "预算指标导入说明",
    "1. 在“预算指标”工作表第 2 行起逐行填写，每行一个预算指标；第 1 行表头请勿修改，示例行请删除或改写。",
    "2. 必填列：指标编码、年度、单位编码、功能分类编码、经济分类编码、支出类型、资金来源、金额(元)。",
    "3. 指标编码全系统唯一，只能包含字母、数字和 _ . : -，不能与已有指标或文件中其他行重复。",
    "4. 支出类型填“基本支出”或“项目支出”；指标来源填“年初/追加/调剂/结转”（空白视为年初）；"
    "控制方式填“刚性/预警/容差”（空白视为刚性）。",
    "5. 金额(元)须大于零，最多两位小数，建议设为数值或文本格式，不要使用公式。",
    "6. 单位编码须为组织机构中已登记的单位代码，导入时逐行核对，未登记的单位代码整个文件不导入。",
    "7. 导入前系统逐行校验，任何一行有误则整个文件都不导入，并列出每处错误的行号、列名和原因；改正后重新导入即可。",
    "8. 文件不超过 5 MB、不超过 5000 行。",
]


def import_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "预算指标"
    ws.append(IMPORT_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    ws.append(EXAMPLE)
    for cell in ws[2]:
        cell.number_format = "@" if cell.column != 12 else MONEY_FORMAT
    ws.cell(2, 2).number_format = "0"
    for index, width in enumerate((28, 8, 12, 14, 16, 14, 16, 20, 26, 18, 28, 16, 24), start=1):
        ws.column_dimensions[ws.cell(1, index).column_letter].width = width
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    for line in INSTRUCTIONS:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 110
    wb.properties.title = "预算指标导入模板"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class UnreadableWorkbook(ValueError):
    """The file cannot be read as budget lines; the message says why, in Chinese."""


def read_import_rows(content: bytes, max_rows: int, timeout_s: float) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of the first sheet as (Excel row number, {field: cell value}); blank rows skipped.
    Columns are found by their header text (the hint in brackets may be left out). The workbook is read in
    a child process, bounded in size and time (see adapters/workbook.py)."""
    try:
        sheet = workbook.read_first_sheet(content, max_rows, timeout_s)
    except Refused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    positions = _columns(sheet["header"])
    rows = [
        (int(row_no), {field: values[i] if i < len(values) else None for field, i in positions.items()})
        for row_no, values in sheet["rows"]
    ]
    if not rows:
        raise UnreadableWorkbook("文件中没有预算指标数据")
    return rows


def _columns(header: list[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        column = COLUMN_KEYS.get(header_key(text))
        if column is not None and column.field not in positions:
            positions[column.field] = index
    missing = [c.header for c in COLUMN_KEYS.values() if c.field not in positions]
    if missing:
        raise UnreadableWorkbook(f"表头缺少列：{'、'.join(missing)}（请使用导入模板）")
    return positions
