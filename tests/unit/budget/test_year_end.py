"""Final accounts and year close (决算与结转): the arithmetic and the carried-forward line."""

from __future__ import annotations

import io
from decimal import Decimal as D

from openpyxl import load_workbook

from services.budget.adapters.year_end_excel import final_accounts_workbook
from services.budget.domain import year_end as ye
from tests.unit.budget.test_model import make_line


def test_the_carried_forward_line_keeps_the_keys_in_the_next_year():
    line = make_line("1000.00", committed="300.00", actual="600.00")
    line.id = "2026-DZB-30201-01"
    new = ye.carried_line(line, D("300.00"))
    assert (new.id, new.fiscal_year, new.source_kind, new.carried_from) == (
        "2027-DZB-30201-01-JZ",
        2027,
        "carried_forward",
        "2026-DZB-30201-01",
    )
    assert (new.unit, new.economic_class, new.expenditure_kind) == (line.unit, line.economic_class, "basic")
    assert (new.amount, new.committed, new.actual, new.closed) == (D("300.00"), 0, 0, False)
    line.id = "dzb-office"
    assert ye.successor_id(line) == "2027-dzb-office-JZ"


def rows():
    return [
        {"unit": "dzb", "amount": D("1000.00"), "actual": D("600.00")},
        {"unit": "dzb", "amount": D("500.00"), "actual": D("500.00")},
        {"unit": "czb", "amount": D("0.00"), "actual": D("0.00")},
    ]


def test_final_accounts_variance_and_execution_rate_per_line_unit_and_total():
    row = ye.final_row({"budget_line_id": "L", "unit": "dzb", "amount": D("3.00"), "actual": D("2.00")})
    assert (row["variance"], row["execution_rate"]) == ("1.00", "66.67")  # half up
    units = ye.by_unit(rows())
    assert [u["unit"] for u in units] == ["czb", "dzb"]
    assert units[0]["execution_rate"] == "0.00"  # no money, no rate
    assert units[1] == {
        "unit": "dzb",
        "lines": 2,
        "amount": "1500.00",
        "actual": "1100.00",
        "variance": "400.00",
        "execution_rate": "73.33",
    }
    assert ye.totals(rows())["variance"] == "400.00"


def test_the_workbook_has_both_sheets_with_totals():
    line_rows = [
        ye.final_row(
            {
                "budget_line_id": "L1",
                "unit": "dzb",
                "economic_class": "30201",
                "economic_class_name": "办公费",
                "project": None,
                "expenditure_kind": "basic",
                "source_kind": "initial",
                "closed": True,
                **r,
            }
        )
        for r in rows()[:2]
    ]
    content = final_accounts_workbook(2026, line_rows, ye.by_unit(rows()[:2]), ye.totals(rows()[:2]))
    wb = load_workbook(io.BytesIO(content))
    lines, units = wb.worksheets
    assert lines.cell(1, 8).value == "预算数" and lines.cell(4, 1).value == "合计"
    assert lines.cell(4, 8).value == 1500 and lines.cell(4, 10).value == 400
    assert units.cell(2, 1).value == "dzb" and units.cell(3, 1).value == "合计"
