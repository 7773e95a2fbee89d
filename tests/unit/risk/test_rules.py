"""The risk rules: a budget line nearly exhausted (split purchases: test_splitting.py)."""

from __future__ import annotations

from decimal import Decimal

from services.risk.domain.rules import (
    Crossing,
    DocumentRef,
    Rule,
    Severity,
    budget_nearly_exhausted,
)

LINE = "2026-DZB-30201-01"


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
