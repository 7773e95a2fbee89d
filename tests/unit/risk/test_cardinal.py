"""Cardinal's tender-stage red flags (services/risk/domain/cardinal.py): each indicator reproduces the output its
documentation shows for its own example (tests/unit/risk/cardinal_examples, see SOURCE.md), then the edges the
documentation states (exclusions, parameters, fences)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.risk.domain import cardinal
from services.risk.domain.cardinal import Parameters, ParameterVersion, cardinal_output, in_force, run

EXAMPLES = Path(__file__).parent / "cardinal_examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())


def releases(name: str) -> list[dict]:
    text = (EXAMPLES / f"{name}.jsonl").read_text()
    return [json.loads(line, parse_float=Decimal) for line in text.splitlines() if line.strip()]


def only(indicator: str, flags: list[cardinal.Flag]) -> dict:
    return cardinal_output(f for f in flags if f.indicator == indicator)


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_the_documented_example_gives_the_documented_output(indicator):
    assert only(indicator, run(releases(indicator))) == EXPECTED[indicator]


def test_every_indicator_of_the_task_is_defined_with_a_chinese_name():
    assert set(cardinal.INDICATORS) == {"R003", "R018", "R024", "R028", "R030", "R035", "R036", "R038", "R058"}
    assert all(d["name"] and d["definition"] for d in cardinal.INDICATORS.values())


# ── helpers to write small releases ──
def bid(tenderer, status="valid", amount=None, when=None, currency="CNY"):
    b = {"status": status, "tenderers": [{"id": tenderer}] if tenderer else []}
    if amount is not None:
        b["value"] = {"amount": Decimal(str(amount)), "currency": currency}
    if when:
        b["date"] = when
    return b


def release(ocid="P", bids=(), awards=(), **tender):
    r = {"ocid": ocid, "bids": {"details": list(bids)}, "awards": list(awards)}
    if tender:
        r["tender"] = tender
    return r


def award(*suppliers, status="active"):
    return {"status": status, "suppliers": [{"id": s} for s in suppliers]}


def codes(flags, group="OCID"):
    return {f.indicator for f in flags if f.group == group}


# ── R003 ──
def period(start, end):
    return {"tenderPeriod": {"startDate": start, "endDate": end}}


def test_r003_counts_whole_days_and_a_period_of_the_threshold_is_not_short():
    fourteen_and_a_half = release(**period("2026-01-01T00:00:00+08:00", "2026-01-15T12:00:00+08:00"))
    fifteen = release(**period("2026-01-01T00:00:00+08:00", "2026-01-16T00:00:00+08:00"))
    assert codes(run([fourteen_and_a_half])) == {"R003"}
    assert codes(run([fifteen])) == set()


def test_r003_threshold_per_method_details_and_method_filter():
    r = release(
        procurementMethod="open",
        procurementMethodDetails="询价",
        **period("2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z"),
    )
    params = Parameters(r003_procurement_method_details={"询价": 3})
    assert codes(run([r], params)) == set()
    assert codes(run([r], Parameters(r003_procurement_methods=frozenset({"selective"})))) == set()
    assert codes(run([r], Parameters(r003_procurement_methods=frozenset({"open"})))) == {"R003"}


def test_r003_without_both_dates_is_excluded():
    assert run([release(tenderPeriod={"endDate": "2026-01-02T00:00:00Z"})]) == []


# ── R018 ──
def test_r018_only_for_competitive_methods():
    assert codes(run([release(numberOfTenderers=1, procurementMethod="selective")])) == {"R018"}
    assert codes(run([release(numberOfTenderers=1, procurementMethod="direct")])) == set()
    assert codes(run([release(numberOfTenderers=2, procurementMethod="open")])) == set()
    limited = Parameters(r018_procurement_methods=frozenset({"limited"}))
    assert codes(run([release(numberOfTenderers=1, procurementMethod="limited")], limited)) == {"R018"}


# ── R028 ──
def test_r028_same_price_from_one_tenderer_twice_is_not_flagged():
    r = release(bids=[bid("A", amount=10), bid("A", amount=10), bid("B", amount=11)])
    assert codes(run([r])) == set()


def test_r028_prices_predetermined_by_the_buyer_are_excluded():
    r = release(bids=[bid("A", amount=10), bid("B", amount=10)], procurementMethodDetails="定价")
    assert codes(run([r])) == {"R028"}
    assert codes(run([r], Parameters(no_price_comparison_procurement_methods=frozenset({"定价"})))) == set()


def test_r028_other_currency_than_the_main_one_is_ignored():
    r = release(bids=[bid("A", amount=10), bid("B", amount=10, currency="USD")])
    assert codes(run([r])) == set()


# ── R030 ──
def test_r030_a_late_valid_bid_that_did_not_win_is_not_flagged():
    r = release(
        bids=[bid("L", when="2026-03-16T00:00:00Z"), bid("W", when="2026-03-14T00:00:00Z")],
        awards=[award("W")],
        tenderPeriod={"endDate": "2026-03-15T00:00:00Z"},
    )
    assert codes(run([r])) == set()


# ── R035 ──
def test_r035_value_counts_distinct_disqualified_tenderers_and_threshold_applies():
    r = release(
        bids=[bid("V"), bid("D1", "disqualified"), bid("D1", "disqualified"), bid("D2", "disqualified")],
        awards=[award("V")],
    )
    flags = run([r])
    assert cardinal_output(f for f in flags if f.indicator == "R035") == {
        "OCID": {"P": {"R035": 2.0}},
        "Tenderer": {"V": {"R035": 0.0}},
    }
    assert codes(run([r], Parameters(r035_threshold=3))) == set()


def test_r035_excluded_when_an_award_is_pending_or_the_winner_differs():
    bids = [bid("V"), bid("D", "disqualified")]
    assert codes(run([release(bids=bids, awards=[award("V"), award("V", status="pending")])])) == set()
    assert codes(run([release(bids=bids, awards=[award("X")])])) == set()


# ── R036 ──
def test_r036_needs_an_active_award_and_a_disqualified_lowest_bid():
    bids = [bid("A", "disqualified", 1), bid("B", "valid", 2)]
    assert codes(run([release(bids=bids, awards=[award("B", status="pending")])])) == set()
    lowest_valid = release(bids=[bid("A", "valid", 1), bid("B", "disqualified", 2)], awards=[award("A")])
    assert "R036" not in codes(run([lowest_valid]))


# ── R024 / R058: the fences ──
def test_quartiles_are_statrs_r8():
    assert cardinal.quartiles([1, 1, 1, 1, 99]) == pytest.approx((1.0, 1 + 98 / 3))
    assert cardinal.quartiles([5.0]) == (5.0, 5.0)


def test_r024_r058_skip_when_a_quarter_of_processes_have_no_difference():
    rs = [release(str(i), bids=[bid("W", amount=1), bid("L", amount=1)], awards=[award("W")]) for i in range(4)]
    rs.append(release("X", bids=[bid("W", amount=1), bid("L", amount=9)], awards=[award("W")]))
    flagged = codes(run(rs))
    assert "R024" not in flagged  # Q1 is 0: the lower fence is not used
    assert "R058" in flagged  # the upper fence still is (Cardinal guards it only by fence > 0)


def test_r024_excluded_when_the_winner_is_not_the_lowest_or_an_award_is_pending():
    not_lowest = release("N", bids=[bid("W", amount=5), bid("L", amount=1)], awards=[award("W")])
    pending = release(
        "Q", bids=[bid("W", amount=1), bid("L", amount=2)], awards=[award("W"), award("W", status="pending")]
    )
    ps = [cardinal.process_of(r) for r in (not_lowest, pending)]
    assert [cardinal.second_lowest_ratio(p, Parameters(), "CNY") for p in ps] == [None, None]


def test_fixed_thresholds_replace_the_fences():
    r = release("F", bids=[bid("W", amount=100), bid("L", amount=104)], awards=[award("W")])
    high = Decimal("9")
    assert codes(run([r], Parameters(r024_threshold=Decimal("0.05"), r058_threshold=high))) == {"R024"}
    assert codes(run([r], Parameters(r024_threshold=Decimal("0.01"), r058_threshold=high))) == set()
    assert codes(run([r], Parameters(r024_threshold=Decimal("0.01"), r058_threshold=Decimal("0.03")))) == {"R058"}


# ── R038 ──
def test_r038_tenderers_need_the_minimum_number_of_submitted_bids():
    rs = [
        release("a", bids=[bid("T", "disqualified"), bid("U")], buyer={"id": "B1"}),
        release("b", bids=[bid("T", "disqualified"), bid("U")], buyer={"id": "B1"}),
    ]
    for r in rs:
        r["buyer"] = {"id": "B1"}
    out = only("R038", run(rs, Parameters(r038_threshold=Decimal("0.5"))))
    assert out["Tenderer"] == {"T": {"R038": 1.0}}
    assert out["Buyer"] == {"B1": {"R038": 0.5}}


# ── parameters as effective-dated data ──
def test_the_version_in_force_on_the_day_decides():
    stricter = ParameterVersion(date(2026, 7, 1), Parameters(r003_threshold=20), "本办 2026 年下半年")
    versions = (*cardinal.DEFAULTS, stricter)
    assert in_force(versions, date(2026, 6, 30)).r003_threshold == 15
    assert in_force(versions, date(2026, 7, 1)).r003_threshold == 20


def test_parameters_round_trip_as_data():
    params = Parameters(r003_procurement_method_details={"询价": 3}, r024_threshold=Decimal("0.05"))
    assert Parameters.from_dict(params.as_dict()) == params
    with pytest.raises(ValueError):
        Parameters.from_dict({"no_such_parameter": 1})


@pytest.mark.parametrize(
    "values",
    [{"r003_threshold": "abc"}, {"r003_threshold": -1}, {"r024_threshold": "x"}, {"r018_procurement_methods": "open"}],
)
def test_a_parameter_of_the_wrong_kind_is_refused_by_name(values):
    with pytest.raises(ValueError) as refused:
        Parameters.from_dict(values)
    assert str(refused.value) == next(iter(values))
