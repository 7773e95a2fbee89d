"""A list as an Excel workbook that reads like the screen (issue 14): a title row, a row with the period, the
reader's scope and the time of export, Chinese headers, names beside codes, money as numbers formatted
`#,##0.00`. The owning service reads the rows in the reader's data scope and says what each column holds;
this module only lays them out, so every list exported by any service looks the same."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from ic_platform.scope import Scope

MONEY_FORMAT = "#,##0.00"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
HEADER_ROW = 3  # row 1: title; row 2: period, scope and time of export
MAX_ROWS = 100_000  # a workbook beyond this is no longer read on a screen: the caller narrows the filters


# Documents as people call them, for a column that names a document's kind (approval's desk lists).
DOCUMENT_LABELS = {
    "matter_application": "事前申请",
    "budget_adjustment": "预算调整",
    "budget_override": "超预算审批",
    "fiscal_year_reopen": "年度重新开放",
    "procurement_application": "采购申请",
    "procurement_method_change": "采购方式变更",
    "contract": "合同",
    "contract_amendment": "合同变更",
    "acceptance": "验收",
    "expense_claim": "报销",
    "payment_request": "支付申请",
    "voucher": "记账凭证",
}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict[str, Any]], Any]
    money: bool = False
    width: int = 16


def named(code: str | None, name: str | None) -> str:
    """`ajb 安全生产监督管理办公室`: the code and, beside it, the name people know it by."""
    if not code:
        return ""
    return f"{code} {name}" if name and name != code else code


def scope_text(reads: Scope, names: dict[str, str], asked_unit: str | None = None, own: str = "本人经办的单据") -> str:
    """Whose rows the workbook holds, as the reader's data scope (and the unit asked for) allows."""
    if asked_unit:
        return named(asked_unit, names.get(asked_unit))
    if reads.everything:
        return "全部单位"
    shown = [named(u, names.get(u)) for u in sorted(reads.units)]
    if not shown:
        return own
    return "、".join(shown) if len(shown) <= 5 else f"{'、'.join(shown[:5])} 等 {len(shown)} 个单位"


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def list_workbook(
    title: str,
    columns: list[Column],
    rows: Iterable[dict[str, Any]],
    *,
    period: str,
    scope: str,
    sheet: str | None = None,
    exported_at: datetime | None = None,
) -> bytes:
    from openpyxl import Workbook  # here: importing this module stays cheap for services that never export
    from openpyxl.styles import Alignment, Font

    at = (exported_at or datetime.now(UTC)).astimezone(LOCAL_TIME)
    wb = Workbook()
    ws = wb.active
    ws.title = (sheet or title)[:31]
    ws.append([title])
    ws.append([f"期间：{period}　范围：{scope}　导出时间：{at:%Y-%m-%d %H:%M}（北京时间）　金额单位：元"])
    ws.append([c.header for c in columns])
    width = max(len(columns), 1)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            break
        ws.append([_money(c.value(row)) if c.money else c.value(row) for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = ws.cell(HEADER_ROW, index).column_letter
        ws.column_dimensions[letter].width = column.width
        if column.money:
            for (cell,) in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=index, max_col=index):
                cell.number_format = MONEY_FORMAT
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    wb.properties.title = f"{title}（{scope}）"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_attachment(filename: str, content: bytes, rows: int) -> dict[str, Any]:
    """The RPC answer the gateway turns into a download (as the services' other `*_xlsx` answers)."""
    return {"filename": filename, "rows": rows, "content_base64": base64.b64encode(content).decode("ascii")}


def exported_day(at: datetime | None = None) -> str:
    return f"{(at or datetime.now(UTC)).astimezone(LOCAL_TIME):%Y-%m-%d}"
