"""The risk rules: split purchases (拆分采购/化整为零) and a budget line nearly exhausted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.risk.domain.rules import (
    Crossing,
    DocumentRef,
    Rule,
    Severity,
    Spend,
    SplitPolicy,
    budget_nearly_exhausted,
    split_purchase,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LINE = "2026-DZB-30201-01"
POLICY = SplitPolicy(threshold=Decimal("50000.00"), min_part=Decimal("5000.00"), window=timedelta(days=30))


def spend(n: int, amount: str, *, days: float = 0, unit: str = "dzb", line: str = LINE) -> Spend:
    return Spend(
        DocumentRef("matter_application", f"id-{n}", f"SQ-2026-{n:06d}"),
        unit,
        line,
        Decimal(amount),
        T0 + timedelta(days=days),
        f"办公设备第 {n} 批",
    )


def test_three_parts_below_the_threshold_that_reach_it_together_warn_on_the_latest():
    first, second, third = spend(1, "20000.00"), spend(2, "20000.00", days=1), spend(3, "20000.00", days=2)
    warning = split_purchase(third, [first, second, third], POLICY)
    assert warning is not None
    assert (warning.document, warning.rule, warning.severity) == (third.document, Rule.SPLIT_PURCHASE, Severity.HIGH)
    assert [o["document"]["no"] for o in warning.evidence["others"]] == ["SQ-2026-000001", "SQ-2026-000002"]
    assert warning.evidence["total"] == "60000.00" and warning.evidence["threshold"] == "50000.00"
    assert "化整为零" in warning.message and "SQ-2026-000001" in warning.message and "60,000.00" in warning.message


def test_the_second_part_does_not_warn_while_the_sum_is_below_the_threshold():
    assert split_purchase(spend(2, "20000.00", days=1), [spend(1, "20000.00")], POLICY) is None


def test_exactly_reaching_the_threshold_warns():
    assert split_purchase(spend(2, "25000.00", days=1), [spend(1, "25000.00")], POLICY) is not None


@pytest.mark.parametrize(
    "other",
    [
        spend(1, "30000.00", unit="czb"),  # another unit
        spend(1, "30000.00", line="2026-DZB-30211-01"),  # another budget line
        spend(1, "30000.00", days=-31),  # outside the 30-day window
        spend(1, "30000.00", days=5),  # after the latest: not part of what it added up to
        spend(1, "60000.00"),  # above the threshold: went through the higher approval anyway
        spend(1, "4999.99"),  # petty: not what splitting hides
    ],
)
def test_parts_that_do_not_count(other):
    assert split_purchase(spend(2, "25000.00", days=1), [other], POLICY) is None


def test_a_latest_document_that_is_itself_above_the_threshold_is_not_a_split():
    assert split_purchase(spend(3, "50000.00", days=2), [spend(1, "20000.00"), spend(2, "20000.00")], POLICY) is None


def test_the_document_itself_is_not_counted_twice():
    latest = spend(2, "30000.00", days=1)
    assert split_purchase(latest, [latest], POLICY) is None


def test_the_policy_is_configurable_by_environment(monkeypatch):
    monkeypatch.setenv("IC_RISK_SPLIT_THRESHOLD", "10000.00")
    monkeypatch.setenv("IC_RISK_SPLIT_MIN_PART", "100.00")
    monkeypatch.setenv("IC_RISK_SPLIT_WINDOW_DAYS", "7")
    policy = SplitPolicy.from_env()
    assert (policy.threshold, policy.min_part, policy.window) == (
        Decimal("10000.00"),
        Decimal("100.00"),
        timedelta(days=7),
    )
    assert split_purchase(spend(2, "6000.00", days=1), [spend(1, "4000.00")], policy) is not None


def crossing(level: int, consumed: str = "190000.00", amount: str = "200000.00") -> Crossing:
    return Crossing(LINE, level, f"{Decimal(consumed) * 100 / Decimal(amount):.2f}", Decimal(consumed), Decimal(amount))


def test_crossing_95_percent_warns_medium_on_the_document_that_caused_it():
    document = DocumentRef("matter_application", "id-9", "SQ-2026-000009")
    warning = budget_nearly_exhausted(crossing(95), document)
    assert (warning.document, warning.rule, warning.severity) == (
        document,
        Rule.BUDGET_NEARLY_EXHAUSTED,
        Severity.MEDIUM,
    )
    assert warning.evidence["remaining"] == "10000.00" and "95" in warning.message and "10,000.00" in warning.message


def test_crossing_80_percent_is_left_to_the_budget_report():
    assert budget_nearly_exhausted(crossing(80, "160000.00"), DocumentRef("matter_application", "x")) is None
