"""三公经费: which lines belong to which category, and the cap decision."""

from __future__ import annotations

from decimal import Decimal

from services.budget.domain.three_public import (
    Cap,
    CapDecision,
    Category,
    category_of,
    classes_of,
    rate,
    report_row,
)

D = Decimal


def test_economic_classes_map_to_the_three_categories():
    assert category_of("30217") is Category.OFFICIAL_RECEPTION
    assert category_of("30212") is Category.OVERSEAS_TRIPS
    assert category_of("30231") is category_of("31013") is Category.OFFICIAL_VEHICLES
    assert category_of("30211") is None and category_of("30215") is None  # travel, meetings: not 三公
    assert classes_of(Category.OFFICIAL_VEHICLES) == ["30231", "31013"]


def test_a_cap_allows_up_to_the_last_fen():
    cap = Cap("o", 2026, Category.OFFICIAL_RECEPTION, "", D("50000.00"))
    assert CapDecision(cap, D("45000.00"), D("5000.00")).allowed
    refused = CapDecision(cap, D("45000.00"), D("5000.01"))
    assert not refused.allowed and refused.available == D("5000.00")
    assert refused.message == (
        "超出三公经费控制数：2026 年全街道公务接待费年度控制数 50000.00 元，"
        "已使用 45000.00 元，本次申请 5000.01 元，尚可使用 5000.00 元"
    )
    assert refused.as_dict()["unit"] is None and refused.as_dict()["rule"] == "three_public_cap"


def test_a_unit_cap_names_the_unit_and_an_overrun_shows_nothing_available():
    cap = Cap("o", 2026, Category.OFFICIAL_VEHICLES, "dzb", D("100.00"))
    decision = CapDecision(cap, D("150.00"), D("1.00"))
    assert not decision.allowed and decision.available == D("0.00")
    assert "单位 dzb公务用车购置及运行费" in decision.message


def test_the_report_row_and_rate():
    assert rate(D("1.00"), D("3.00")) == "33.33" and rate(D("2.00"), D("3.00")) == "66.67"
    assert rate(D("1.00"), D("0.00")) is None
    row = report_row(Category.OFFICIAL_RECEPTION, D("200.00"), D("50.00"))
    assert (row["cap"], row["consumed"], row["available"], row["rate"]) == ("200.00", "50.00", "150.00", "25.00")
    assert row["category_label"] == "公务接待费" and row["economic_classes"] == ["30217"]
    uncapped = report_row(Category.OVERSEAS_TRIPS, None, D("0.00"))
    assert uncapped["cap"] is None and uncapped["rate"] is None and uncapped["available"] is None
