"""Budget lines as an Excel workbook (预算指标导出): the import template's columns, in its order and words, then
the balances. Read back by the import, the balance columns are ignored (columns are found by header)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.budget.adapters.excel import MONEY_FORMAT
from services.budget.domain.model import BudgetLine
from services.budget.service_layer.line_import import CONTROL_MODES, EXPENDITURE_KINDS, SOURCE_KINDS
from services.budget.service_layer.line_import import HEADERS as IMPORT_HEADERS

BALANCE_HEADERS = ["已预占(元)", "已承诺(元)", "已支付(元)", "可用余额(元)", "容差", "上级指标编码"]
HEADERS = [*IMPORT_HEADERS, *BALANCE_HEADERS]
_LABELS = {
    field: {code: label for label, code in labels.items()}
    for field, labels in (
        ("expenditure_kind", EXPENDITURE_KINDS),
        ("source_kind", SOURCE_KINDS),
        ("control_mode", CONTROL_MODES),
    )
}
_AMOUNT_COLUMN = IMPORT_HEADERS.index("金额(元)") + 1
_MONEY_COLUMNS = {_AMOUNT_COLUMN, *range(len(IMPORT_HEADERS) + 1, len(IMPORT_HEADERS) + 5)}


def _tolerance(line: BudgetLine) -> str:
    if line.control_mode.value != "tolerance":
        return ""
    return f"{line.tolerance_rate}%" if line.tolerance_rate is not None else f"{line.tolerance} 元"


def row(line: BudgetLine) -> list[Any]:
    return [
        line.id,
        line.fiscal_year,
        line.unit,
        line.functional_class,
        line.functional_class_name,
        line.economic_class,
        line.economic_class_name,
        line.project or "",
        _LABELS["expenditure_kind"].get(line.expenditure_kind, line.expenditure_kind),
        line.fund_source,
        _LABELS["source_kind"].get(line.source_kind, line.source_kind),
        line.amount,
        _LABELS["control_mode"].get(line.control_mode.value, line.control_mode.value),
        line.pre_committed,
        line.committed,
        line.actual,
        line.available,
        _tolerance(line),
        line.parent_id or "",
    ]


def lines_workbook(lines: list[BudgetLine], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "预算指标"  # the import's sheet name: the file goes back in as it came out
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for line in lines:
        ws.append(row(line))
    for data_row in ws.iter_rows(min_row=2):
        for cell in data_row:
            if cell.column in _MONEY_COLUMNS:
                cell.number_format = MONEY_FORMAT
            elif cell.column != 2:  # codes stay text, so 0-led codes and long digits survive editing in Excel
                cell.number_format = "@"
    for index, width in enumerate((28, 8, 12, 14, 16, 14, 16, 20, 26, 18, 28, 16, 24, 16, 16, 16, 16, 12, 28), start=1):
        ws.column_dimensions[ws.cell(1, index).column_letter].width = width
    ws.freeze_panes = "A2"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
