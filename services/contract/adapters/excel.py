"""合同执行情况表 as an Excel workbook that reads like the screen (as budget's execution report does): a title
row, a row with the day, the scope and the time of export, Chinese headers, unit and supplier names beside
codes, money as numbers formatted `#,##0.00`, a 合计 row."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

MONEY_FORMAT = "#,##0.00"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
HEADER_ROW = 3  # row 1: title, row 2: day, scope and export time
GROUP_LABELS = {"contract": "合同", "unit": "单位", "supplier": "供应商"}
_MONEY = ("original_amount", "amendments", "amount", "paid", "payable_now", "remaining")
_MONEY_HEADERS = ["原合同金额", "累计变更", "现合同金额", "已支付", "当前应付", "未付余额"]


def _named(code: str | None, name: str | None) -> str:
    if not code:
        return ""
    return f"{code} {name}" if name and name != code else code


def _columns(group_by: str) -> list[str]:
    if group_by == "contract":
        lead = ["合同编号", "合同名称", "单位", "供应商", "状态"]
        tail = ["下一付款节点", "逾期节点", "已逾期未履行完毕"]
    else:
        lead = [GROUP_LABELS[group_by], "合同数"]
        tail = ["有逾期节点的合同数", "逾期未履行完毕的合同数"]
    return [*lead, *_MONEY_HEADERS, *tail]


def _row(group_by: str, r: dict[str, Any], names: dict[str, str]) -> list[Any]:
    money = [Decimal(r[k]) for k in _MONEY]
    if group_by == "contract":
        nxt = r["next_milestone"]
        shown = f"{nxt['no']}. {nxt['name']}（未付 {nxt['unpaid']} 元）" if nxt else ""
        return [
            r["contract"]["no"],
            r["title"],
            _named(r["unit"], names.get(r["unit"])),
            r["supplier_name"],
            r["status_label"],
            *money,
            shown,
            "、".join(str(n) for n in r["overdue"]),
            "是" if r["lapsed"] else "",
        ]
    key = _named(r["unit"], names.get(r["unit"])) if group_by == "unit" else r["supplier_name"]
    return [key, r["contracts"], *money, r["with_overdue"], r["lapsed"]]


def execution_workbook(
    group_by: str,
    as_of: date,
    rows: list[dict[str, Any]],
    total: dict[str, Any],
    *,
    unit_names: dict[str, str],
    scope: str,
    exported_at: datetime | None = None,
) -> bytes:
    at = (exported_at or datetime.now(UTC)).astimezone(LOCAL_TIME)
    title = f"合同执行情况表（按{GROUP_LABELS[group_by]}）"
    headers = _columns(group_by)
    wb = Workbook()
    ws = wb.active
    ws.title = "合同执行情况"
    ws.append([title])
    ws.append([f"截至：{as_of:%Y年%m月%d日}　范围：{scope}　导出时间：{at:%Y-%m-%d %H:%M}（北京时间）　金额单位：元"])
    ws.append(headers)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for r in rows:
        ws.append(_row(group_by, r, unit_names))
    first_money = 6 if group_by == "contract" else 3
    lead = ["合计", "", "", "", f"{total['contracts']} 份"] if group_by == "contract" else ["合计", total["contracts"]]
    tail = (
        ["", total["with_overdue"], total["lapsed"]]
        if group_by == "contract"
        else [
            total["with_overdue"],
            total["lapsed"],
        ]
    )
    ws.append([*lead, *(Decimal(total[k]) for k in _MONEY), *tail])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for data_row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=first_money, max_col=first_money + len(_MONEY) - 1):
        for cell in data_row:
            cell.number_format = MONEY_FORMAT
    for index in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(HEADER_ROW, index).column_letter].width = 16
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 28
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    wb.properties.title = f"{title}（{scope}）"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
