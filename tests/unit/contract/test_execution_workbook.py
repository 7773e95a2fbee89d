"""The contract execution report's workbook: a title row, the day/scope/export-time row, Chinese headers, unit
names beside codes, supplier names, money as numbers formatted #,##0.00, a 合计 row."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from services.contract.adapters.excel import execution_workbook

FIGURES = {
    "original_amount": "100000.00",
    "amendments": "5000.00",
    "amount": "105000.00",
    "paid": "30000.00",
    "payable_now": "0.00",
    "remaining": "75000.00",
}


def test_the_unit_workbook_reads_like_the_screen():
    rows = [{"unit": "dzb", "unit_name": "党政综合办公室", "contracts": 2, **FIGURES, "with_overdue": 1, "lapsed": 0}]
    total = {"contracts": 2, **FIGURES, "with_overdue": 1, "lapsed": 0}
    content = execution_workbook(
        "unit",
        date(2026, 6, 30),
        rows,
        total,
        unit_names={"dzb": "党政综合办公室"},
        scope="全部单位",
        exported_at=datetime(2026, 7, 1, 2, 0, tzinfo=UTC),
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A1"].value == "合同执行情况表（按单位）"
    assert "截至：2026年06月30日" in ws["A2"].value and "全部单位" in ws["A2"].value
    assert "导出时间：2026-07-01 10:00（北京时间）" in ws["A2"].value
    assert [c.value for c in ws[3]][:4] == ["单位", "合同数", "原合同金额", "累计变更"]
    assert ws["A4"].value == "dzb 党政综合办公室"
    assert ws["C4"].value == Decimal("100000.00") or ws["C4"].value == 100000
    assert ws["C4"].number_format == "#,##0.00" and ws["H5"].number_format == "#,##0.00"
    assert ws["A5"].value == "合计" and ws["I5"].value == 1


def test_the_contract_workbook_names_the_supplier_and_the_next_milestone():
    row = {
        "contract": {"type": "contract", "id": "c1", "no": "HT-2026-000001"},
        "title": "办公设备采购合同",
        "unit": "dzb",
        "supplier_name": "新桥办公设备有限公司",
        "status_label": "履行中",
        **FIGURES,
        "next_milestone": {"no": 2, "name": "验收款", "unpaid": "75000.00"},
        "overdue": [2],
        "lapsed": True,
    }
    total = {"contracts": 1, **FIGURES, "with_overdue": 1, "lapsed": 1}
    content = execution_workbook("contract", date(2026, 6, 30), [row], total, unit_names={}, scope="dzb")
    ws = load_workbook(io.BytesIO(content)).active
    assert [ws.cell(4, i).value for i in (1, 3, 4, 5)] == ["HT-2026-000001", "dzb", "新桥办公设备有限公司", "履行中"]
    assert ws.cell(4, 12).value == "2. 验收款（未付 75000.00 元）" and ws.cell(4, 14).value == "是"
    assert ws.cell(4, 6).number_format == "#,##0.00"
