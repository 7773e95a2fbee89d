"""Supplier analysis and the procurement report: what each figure means, checked on rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.procurement.domain.analysis import (
    AwardRow,
    ProcurementRow,
    procurement_report,
    share,
    supplier_analysis,
)

Y0, Y1 = date(2026, 1, 1), date(2026, 12, 31)


def award(n, unit, supplier, amount, day=date(2026, 6, 1), method="open_tender", category="goods"):
    return AwardRow(f"w{n}", unit, supplier, f"{supplier}公司", method, category, D(amount), day)


def test_per_supplier_counts_values_shares_and_unit_concentration():
    rows = [
        award(1, "dzb", "a", "600.00"),
        award(2, "dzb", "b", "200.00"),
        award(3, "czb", "a", "100.00", method="self_procurement"),
        award(4, "czb", "c", "100.00"),
        award(5, "czb", "a", "999.00", day=date(2025, 12, 31)),  # outside the year
    ]
    result = supplier_analysis(rows, Y0, Y1)
    assert (result["awards_count"], result["awards_value"]) == (4, "1000.00")
    a = result["suppliers"][0]
    assert (a["supplier_id"], a["awards_count"], a["awards_value"], a["share"]) == ("a", 2, "700.00", "70.00")
    assert a["units"] == [
        {"unit": "czb", "count": 1, "value": "100.00", "unit_total": "200.00", "share": "50.00"},
        {"unit": "dzb", "count": 1, "value": "600.00", "unit_total": "800.00", "share": "75.00"},
    ]
    assert a["max_unit_share"] == "75.00"
    assert a["methods"] == {
        "open_tender": {"count": 1, "value": "600.00"},
        "self_procurement": {"count": 1, "value": "100.00"},
    }
    assert [s["supplier_id"] for s in result["suppliers"]] == ["a", "b", "c"]


def test_the_period_includes_both_its_ends():
    rows = [award(1, "u", "a", "1.00", day=Y0), award(2, "u", "a", "1.00", day=Y1)]
    assert supplier_analysis(rows, Y0, Y1)["awards_count"] == 2
    assert supplier_analysis(rows, Y0 + timedelta(days=1), Y1)["awards_count"] == 1


def test_nothing_awarded_gives_empty_figures_not_a_division_by_zero():
    assert supplier_analysis([], Y0, Y1) == {
        "date_from": "2026-01-01",
        "date_to": "2026-12-31",
        "awards_count": 0,
        "awards_value": "0.00",
        "suppliers": [],
    }
    assert share(D("1.00"), D("0.00")) == D("0.00")


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3"]),
        st.sampled_from(["a", "b", "c", "d"]),
        st.decimals(min_value=D("0.01"), max_value=D("9999999.99"), places=2),
    ),
    max_size=30,
)


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(ROWS)
def test_supplier_values_add_up_to_the_total_and_unit_values_to_each_units_total(rows):
    awards = [award(i, u, s, str(a)) for i, (u, s, a) in enumerate(rows)]
    result = supplier_analysis(awards, Y0, Y1)
    assert sum(D(s["awards_value"]) for s in result["suppliers"]) == D(result["awards_value"])
    assert sum(s["awards_count"] for s in result["suppliers"]) == len(awards)
    per_unit: dict[str, D] = {}
    for s in result["suppliers"]:
        for u in s["units"]:
            per_unit[u["unit"]] = per_unit.get(u["unit"], D("0")) + D(u["value"])
            assert u["unit_total"] == str(sum((a.amount for a in awards if a.unit == u["unit"]), D("0.00")))
            assert D("0") <= D(u["share"]) <= D("100")  # a tiny part may round to 0.00
    for unit, value in per_unit.items():
        assert value == sum((a.amount for a in awards if a.unit == unit), D("0.00"))
    shares = sum(D(s["share"]) for s in result["suppliers"])
    assert not awards or abs(shares - 100) <= D("0.005") * len(result["suppliers"])


def procurement(n, unit, method, category, budget, awarded=None, status="awarded", day=date(2026, 5, 1)):
    awarded_amount = D(awarded) if awarded else None
    return ProcurementRow(f"a{n}", unit, method, category, status, D(budget), day, awarded_amount)


def test_the_procurement_report_groups_and_defines_savings_on_awarded_purchases_only():
    rows = [
        procurement(1, "dzb", "open_tender", "goods", "1000.00", "900.00"),
        procurement(2, "dzb", "open_tender", "goods", "500.00", None, status="sourcing"),
        procurement(3, "czb", "self_procurement", "services", "100.00", "100.00"),
        procurement(4, "czb", "self_procurement", "services", "100.00", None, status="cancelled"),
        procurement(5, "czb", "self_procurement", "services", "100.00", None, status="submitted"),
        procurement(6, "czb", "self_procurement", "services", "100.00", "50.00", day=date(2027, 1, 1)),
    ]
    report = procurement_report(rows, Y0, Y1)
    assert report["groups"] == [
        {
            "unit": "czb",
            "method": "self_procurement",
            "category": "services",
            "count": 1,
            "budget_amount": "100.00",
            "awarded_count": 1,
            "awarded_amount": "100.00",
            "awarded_budget": "100.00",
            "savings": "0.00",
            "savings_rate": "0.00",
        },
        {
            "unit": "dzb",
            "method": "open_tender",
            "category": "goods",
            "count": 2,
            "budget_amount": "1500.00",
            "awarded_count": 1,
            "awarded_amount": "900.00",
            "awarded_budget": "1000.00",
            "savings": "100.00",
            "savings_rate": "10.00",
        },
    ]
    assert report["total"]["count"] == 3 and report["total"]["savings"] == "100.00"


def test_the_report_groups_by_any_of_its_fields_and_refuses_others():
    rows = [procurement(1, "dzb", "open_tender", "goods", "10.00", "9.00")]
    assert procurement_report(rows, Y0, Y1, ("category",))["groups"][0]["category"] == "goods"
    with pytest.raises(ValueError):
        procurement_report(rows, Y0, Y1, ("supplier",))


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["u1", "u2"]),
            st.sampled_from(["open_tender", "self_procurement"]),
            st.decimals(min_value=D("1.00"), max_value=D("100000.00"), places=2),
            st.booleans(),
        ),
        max_size=20,
    )
)
def test_groups_add_up_to_the_total_and_savings_never_exceed_the_awarded_budget(rows):
    built = [
        procurement(i, u, m, "goods", str(b), str((b * D("0.9")).quantize(D("0.01"))) if won else None)
        for i, (u, m, b, won) in enumerate(rows)
    ]
    report = procurement_report(built, Y0, Y1)
    for key in ("count", "awarded_count"):
        assert sum(g[key] for g in report["groups"]) == report["total"][key]
    for key in ("budget_amount", "awarded_amount", "savings"):
        assert sum(D(g[key]) for g in report["groups"]) == D(report["total"][key])
    assert D("0") <= D(report["total"]["savings"]) <= D(report["total"]["awarded_budget"])
