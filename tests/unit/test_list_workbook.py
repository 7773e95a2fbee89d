"""The list workbooks read like the screen: title, period/scope/time row, names beside codes, money formatted."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from openpyxl import load_workbook

from ic_platform import list_workbook as xl
from ic_platform.scope import Scope
from services.risk.service_layer.warning_totals import _sum, _tally


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_title_row_names_the_period_scope_and_time_and_money_is_formatted() -> None:
    columns = [
        xl.Column("单位", lambda r: xl.named(r["unit"], r["unit_name"])),
        xl.Column("金额", lambda r: r["amount"], money=True),
    ]
    rows = [{"unit": "ajb", "unit_name": "安全生产监督管理办公室", "amount": "1234567.5"}]
    at = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
    ws = _sheet(xl.list_workbook("合同台账", columns, rows, period="截至 2026-11-28", scope="全部单位", exported_at=at))
    assert ws.cell(1, 1).value == "合同台账"
    assert ws.cell(2, 1).value.startswith("期间：截至 2026-11-28　范围：全部单位　导出时间：2026-11-28 09:30")
    assert [c.value for c in ws[3]] == ["单位", "金额"]
    assert ws.cell(4, 1).value == "ajb 安全生产监督管理办公室"
    assert Decimal(str(ws.cell(4, 2).value)) == Decimal("1234567.5")
    assert ws.cell(4, 2).number_format == "#,##0.00"


def test_scope_text_follows_the_readers_scope() -> None:
    names = {"ajb": "安全生产监督管理办公室", "dzb": "党政办"}
    assert xl.scope_text(Scope("a", everything=True), names) == "全部单位"
    assert xl.scope_text(Scope("a", units=frozenset({"dzb"})), names) == "dzb 党政办"
    assert xl.scope_text(Scope("a"), names, own="本人经办的合同") == "本人经办的合同"
    assert xl.scope_text(Scope("a", everything=True), names, asked_unit="ajb") == "ajb 安全生产监督管理办公室"


def test_warnings_by_rule_tally_counts_statuses_units_and_the_highest_severity() -> None:
    row = SimpleNamespace
    rows = [
        row(rule="round_amount", severity="low", status="open", count=3, units=["dzb", "ajb"]),
        row(rule="round_amount", severity="medium", status="dismissed", count=1, units=["dzb"]),
        row(rule="duplicate_payment", severity="high", status="acknowledged", count=5, units=["cwb"]),
    ]
    items = _tally(rows)
    assert [i["rule"] for i in items] == ["duplicate_payment", "round_amount"]  # the most warnings first
    dup, rnd = items
    assert dup["rule_label"] == "重复付款" and dup["high"] == 5 and dup["severity_label"] == "高"
    assert rnd["warnings"] == 4 and rnd["open"] == 3 and rnd["dismissed"] == 1 and rnd["handled"] == 1
    assert rnd["units"] == 2 and rnd["severity"] == "medium"
    assert _sum(items)["warnings"] == 9 and _sum(items)["open"] == 3
