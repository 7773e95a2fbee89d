"""The execution report's arithmetic: rates, totals, labels, the cumulative trend and the workbook."""

from __future__ import annotations

import datetime as dt
import io
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from services.budget.adapters.excel import HEADERS, execution_workbook
from services.budget.domain.report import (
    Figures,
    cumulative_trend,
    execution_rate,
    group_label,
    report_row,
    totals,
)

D = Decimal


def test_execution_rate_counts_committed_and_actual_not_pre_committed():
    assert execution_rate(D("1000.00"), D("100.00"), D("23.45")) == D("12.35")
    assert execution_rate(D("3.00"), D("1.00"), D("0.00")) == D("33.33")
    assert execution_rate(D("0.00"), D("5.00"), D("5.00")) == D("0.00")
    assert Figures(D("100.00"), D("90.00"), D("0"), D("0")).rate == D("0.00")


def test_figures_add_and_available():
    f = Figures(D("100.00"), D("10.00"), D("20.00"), D("30.00")) + Figures(D("50.00"), D("0"), D("5.00"), D("0"))
    assert f.available == D("85.00")
    assert f.as_dict() == {
        "amount": "150.00",
        "pre_committed": "10.00",
        "committed": "25.00",
        "actual": "30.00",
        "available": "85.00",
        "execution_rate": "36.67",
    }


def _row(key, amount="100.00", pre="0.00", com="0.00", act="0.00", **extra):
    return {"key": key, "amount": D(amount), "pre_committed": D(pre), "committed": D(com), "actual": D(act), **extra}


def test_report_row_and_totals():
    rows = [_row("dzb", "420000.00", "12000.00", "1000.00", "500.50", lines=3), _row("cjb", "80000.00")]
    out = report_row("unit", rows[0])
    assert (out["key"], out["label"], out["unit"], out["lines"]) == ("dzb", "dzb", "dzb", 3)  # named by the UI
    assert (out["available"], out["execution_rate"]) == ("406499.50", "0.36")
    assert totals(rows).as_dict()["amount"] == "500000.00"


def test_chinese_group_labels():
    assert group_label("expenditure_kind", {"key": "basic"}) == "基本支出"
    assert group_label("expenditure_kind", {"key": "project"}) == "项目支出"
    assert group_label("project", {"key": ""}) == "（无项目）"
    assert group_label("economic_class", {"key": "30201", "economic_class_name": "办公费"}) == "办公费"
    assert group_label("functional_class", {"key": "2010301", "functional_class_name": ""}) == "2010301"
    assert (
        group_label("line", {"key": "L1", "economic_class_name": "办公费", "project": "智慧社区"})
        == "办公费（智慧社区）"
    )


def test_trend_is_cumulative_over_twelve_months():
    monthly = {
        dt.date(2025, 12, 1): Figures(D(0), D("1.00"), D(0), D(0)),  # opens January
        dt.date(2026, 2, 1): Figures(D(0), D("100.00"), D("10.00"), D(0)),
        dt.date(2026, 3, 1): Figures(D(0), D("-40.00"), D(0), D("5.00")),
        dt.date(2027, 1, 1): Figures(D(0), D("999.00"), D(0), D(0)),
    }  # after the year: not in it
    trend = cumulative_trend(2026, monthly)
    assert [m["month"] for m in trend] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert [m["pre_committed"] for m in trend[:4]] == ["1.00", "101.00", "61.00", "61.00"]
    assert trend[2]["change"] == {"pre_committed": "-40.00", "committed": "0.00", "actual": "5.00"}
    assert (trend[-1]["pre_committed"], trend[-1]["committed"], trend[-1]["actual"]) == ("61.00", "10.00", "5.00")


def test_workbook_has_chinese_headers_and_numeric_money():
    rows = [
        report_row(
            "line",
            _row(
                "2026-DZB-30201-01",
                "420000.00",
                "12000.00",
                "1000.00",
                "0.50",
                unit="dzb",
                functional_class="2010301",
                functional_class_name="行政运行",
                economic_class="30201",
                economic_class_name="办公费",
                project=None,
                expenditure_kind="basic",
            ),
        )
    ]
    at = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)
    content = execution_workbook(
        2026,
        "line",
        None,
        rows,
        totals([_row("x", "420000.00", "12000.00", "1000.00", "0.50")]),
        unit_names={"dzb": "党政综合办公室"},
        scope="全部单位",
        exported_at=at,
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.cell(1, 1).value == "2026年预算执行情况表（按预算指标）"
    period = ws.cell(2, 1).value
    assert "期间：2026年1月1日至2026年11月27日" in period and "范围：全部单位" in period
    assert "导出时间：2026-11-27 10:30（北京时间）" in period
    assert [c.value for c in ws[3]] == HEADERS
    line = [c.value for c in ws[4]]
    assert line[:5] == ["2026-DZB-30201-01", "dzb 党政综合办公室", "2010301 行政运行", "30201 办公费", None]
    assert line[5] == 420000 and line[8] == 0.5 and line[9] == 406999.5
    assert ws.cell(4, 6).number_format == "#,##0.00"
    assert ws.cell(5, 1).value == "合计" and ws.cell(5, 6).number_format == "#,##0.00"


def test_grouped_workbook_fills_the_grouped_column():
    rows = [report_row("unit", _row("dzb", lines=2)), report_row("expenditure_kind", _row("basic"))]
    names = {"dzb": "党政综合办公室"}
    wb = execution_workbook(2026, "unit", "dzb", rows[:1], totals([]), unit_names=names)
    ws = load_workbook(io.BytesIO(wb)).active
    assert [c.value for c in ws[4]][:2] == [None, "dzb 党政综合办公室"]
    assert "范围：dzb 党政综合办公室" in ws.cell(2, 1).value
    ws = load_workbook(io.BytesIO(execution_workbook(2026, "expenditure_kind", None, rows[1:], totals([])))).active
    assert ws.cell(4, 1).value == "基本支出"
