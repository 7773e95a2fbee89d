"""The budget execution report (预算执行情况表) through the gateway: a submission shows up in the report, the
monthly trend and the drill-down within a second or two, and the Excel export opens with Chinese headers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

LINE = "2026-DZB-30201-01"  # 党政综合办公室 办公费


def unit_row(api):
    body = api.get(
        "/api/v1/reports/budget-execution", params={"fiscal_year": 2026, "group_by": "unit", "unit": "dzb"}
    ).json()
    (row,) = body["items"]
    return row, body["totals"]


def test_a_submission_shows_in_the_report_trend_drill_down_and_export(login):
    clerk = login("clerk")
    before, _ = unit_row(clerk)
    response = clerk.post(
        "/api/v1/matter-applications",
        json={"title": "报表测试", "purpose": "预算执行情况表", "budget_line_id": LINE, "amount": "321.09"},
    )
    assert response.status_code == 201, response.text
    app = response.json()

    expected = Decimal(before["pre_committed"]) + Decimal("321.09")
    row, totals = eventually(lambda: (r := unit_row(clerk))[0]["pre_committed"] == f"{expected:.2f}" and r, timeout=2.0)
    assert row["key"] == row["unit"] == "dzb" and row["label"]
    assert Decimal(row["available"]) == Decimal(before["available"]) - Decimal("321.09")
    assert totals == {k: row[k] for k in totals}  # one unit asked: its row is the total
    amount, used = Decimal(row["amount"]), Decimal(row["committed"]) + Decimal(row["actual"])
    assert Decimal(row["execution_rate"]) == (used / amount * 100).quantize(Decimal("0.01"))

    by_line = clerk.get(
        "/api/v1/reports/budget-execution",
        params={"fiscal_year": 2026, "group_by": "line", "unit": "dzb", "page_size": 200},
    ).json()
    line = next(r for r in by_line["items"] if r["key"] == LINE)
    assert line["economic_class"] == "30201" and line["label"]

    this_month = dt.datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")

    def trend():
        body = clerk.get("/api/v1/reports/budget-execution/trend", params={"fiscal_year": 2026, "unit": "dzb"})
        return body.json()["months"]

    assert len(trend()) == 12
    if this_month.startswith("2026"):
        month = next(m for m in trend() if m["month"] == this_month)
        assert Decimal(month["change"]["pre_committed"]) >= Decimal("321.09")
        # cumulative to date = the balance now (polled: other tests' events may still be moving money)
        eventually(
            lambda: (
                next(m for m in trend() if m["month"] == this_month)["pre_committed"]
                == unit_row(clerk)[0]["pre_committed"]
            ),
            timeout=10,
        )

    moves = clerk.get(f"/api/v1/budget-lines/{LINE}/moves", params={"page_size": 50}).json()
    mine = [m for m in moves["items"] if m["document"]["id"] == app["id"]]
    assert mine and mine[0]["kind"] == "pre_commit" and mine[0]["amount"] == "321.09"
    assert mine[0]["document"] == {"type": "matter_application", "id": app["id"], "no": app["no"]}
    assert mine[0]["actor"] == "clerk" and mine[0]["step"] and mine[0]["at"]
    assert [m["id"] for m in moves["items"]] == sorted((m["id"] for m in moves["items"]), reverse=True)

    export = clerk.get("/api/v1/reports/budget-execution.xlsx", params={"fiscal_year": 2026, "unit": "dzb"})
    assert export.status_code == 200, export.text
    assert "attachment" in export.headers["content-disposition"] and "2026" in export.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(1, 1).value.startswith("2026年预算执行情况表")
    assert "范围：dzb 党政综合办公室" in sheet.cell(2, 1).value and "导出时间" in sheet.cell(2, 1).value
    assert [c.value for c in sheet[3]] == [
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
    exported = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == LINE)
    assert isinstance(exported[5], (int, float, Decimal)) and exported[1] == "dzb 党政综合办公室"
    assert sheet.cell(4, 6).number_format == "#,##0.00"


def test_a_line_of_another_organisation_or_none_is_404(login):
    response = login("clerk").get("/api/v1/budget-lines/2026-NOPE-00000-00/moves")
    assert response.status_code == 404, response.text
