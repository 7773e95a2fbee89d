"""科目余额表 as an Excel workbook (openpyxl) that reads like the standard form: a title, the period and time of
export, two header rows (期初余额 / 本期发生额 / 期末余额, each 借方 and 贷方), one row per account, a total per
basis (财务会计, 预算会计), money `#,##0.00`."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

MONEY_FORMAT = "#,##0.00"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
GROUPS = ["期初余额", "本期发生额", "期末余额"]
FIGURES = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")
FIRST_DATA_ROW = 5


def trial_balance_workbook(report: dict[str, Any], exported_at: datetime | None = None) -> bytes:
    at = (exported_at or datetime.now(UTC)).astimezone(LOCAL_TIME)
    year, month = report["period"].split("-")
    title = f"科目余额表（{year}年{int(month)}月）"
    wb = Workbook()
    ws = wb.active
    ws.title = f"科目余额表{report['period']}"
    ws.append([title])
    unit = report.get("unit") or "全部单位"
    ws.append([f"会计期间：{report['period']}　范围：{unit}　导出时间：{at:%Y-%m-%d %H:%M}（北京时间）　金额单位：元"])
    ws.append(["科目代码", "科目名称", "类别", *(g for group in GROUPS for g in (group, ""))])
    ws.append(["", "", "", *(["借方", "贷方"] * 3)])
    for col in range(1, 4):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    for i in range(3):
        ws.merge_cells(start_row=3, start_column=4 + 2 * i, end_row=3, end_column=5 + 2 * i)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=9)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=9)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for row in (3, 4):
        for cell in ws[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")
    for basis in ("financial", "budgetary"):
        for item in (i for i in report["items"] if i["basis"] == basis):
            ws.append(
                [
                    item["account_code"],
                    item["account_name"],
                    item["category_label"],
                    *(Decimal(item[k]) for k in FIGURES),
                ]
            )
        total = report["totals"][basis]
        ws.append([f"{total['label']}合计", "", "", *(Decimal(total[k]) for k in FIGURES)])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    for data_row in ws.iter_rows(min_row=FIRST_DATA_ROW, min_col=4, max_col=9):
        for cell in data_row:
            cell.number_format = MONEY_FORMAT
    for letter, width in zip("ABCDEFGHI", (12, 22, 12, 16, 16, 16, 16, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
