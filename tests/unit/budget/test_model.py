from __future__ import annotations

from decimal import Decimal

import pytest

from services.budget.domain.model import BudgetLine, ControlMode, MoveKind


def make_line(amount="1000.00", mode=ControlMode.BLOCK, tolerance="0.00", **balances) -> BudgetLine:
    return BudgetLine(
        id="L",
        org="o",
        fiscal_year=2026,
        unit="dzb",
        functional_class="2010301",
        economic_class="30201",
        expenditure_kind="basic",
        fund_source="general",
        source_kind="initial",
        amount=Decimal(amount),
        control_mode=mode,
        tolerance=Decimal(tolerance),
        **{k: Decimal(v) for k, v in balances.items()},
    )


def test_available_is_amount_less_every_stage():
    line = make_line(pre_committed="100.00", committed="200.00", actual="300.00")
    assert line.available == Decimal("400.00")
    assert line.execution_rate == Decimal("50.00")


def test_block_allows_up_to_the_last_fen_and_not_one_more():
    line = make_line(pre_committed="999.00")
    assert line.decide(Decimal("1.00")).allowed
    refused = line.decide(Decimal("1.01"))
    assert not refused.allowed and refused.rule == "block_insufficient" and refused.available == Decimal("1.00")


def test_warn_allows_with_a_warning_and_tolerance_only_within_it():
    assert make_line(mode=ControlMode.WARN).decide(Decimal("1500.00")).warning
    line = make_line(mode=ControlMode.TOLERANCE, tolerance="50.00")
    assert line.decide(Decimal("1050.00")).rule == "within_tolerance"
    assert line.decide(Decimal("1050.01")).rule == "tolerance_insufficient"


def test_a_closed_year_refuses_everything():
    line = make_line()
    line.closed = True
    assert line.decide(Decimal("1.00")).rule == "fiscal_year_closed"


def test_moves_change_their_stage_and_never_below_zero():
    line = make_line()
    line.apply(MoveKind.PRE_COMMIT, Decimal("300.00"))
    line.apply(MoveKind.RELEASE, Decimal("100.00"))
    line.apply(MoveKind.PRE_COMMIT_APPROVED, Decimal("200.00"))
    assert (line.pre_committed, line.available) == (Decimal("200.00"), Decimal("800.00"))
    with pytest.raises(ValueError):
        line.apply(MoveKind.RELEASE, Decimal("200.01"))
    with pytest.raises(ValueError):
        line.apply(MoveKind.REVERSAL, Decimal("0.01"))
