"""The commitment ledger's pure rules: settling a source document, funds decisions with covered money, early
warnings, and the refusals' wording."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ic_platform.documents import DocumentRef
from services.budget.domain.errors import exceeds_document_balance, insufficient_funds, step_reused
from services.budget.domain.model import (
    ControlMode,
    Held,
    MoveKind,
    Settlement,
    consumption_rate,
    crossed_levels,
    parse_warning_levels,
    settle,
)
from tests.unit.budget.test_model import make_line


def test_what_a_document_holds_is_the_net_of_its_own_moves():
    held = Held.from_sums(
        {
            MoveKind.PRE_COMMIT: D("500.00"),
            MoveKind.RELEASE: D("200.00"),
            MoveKind.COMMIT: D("300.00"),
            MoveKind.ACTUAL: D("100.00"),
            MoveKind.REVERSAL: D("40.00"),
            MoveKind.PRE_COMMIT_APPROVED: D("300.00"),
        }
    )
    assert held == Held(pre_committed=D("300.00"), committed=D("300.00"), paid=D("60.00"))
    assert Held.from_sums({}) == Held()


@pytest.mark.parametrize(
    ("amount", "pre", "settlement"),
    [
        ("12000.00", "10000.00", Settlement(released=D("10000.00"))),  # contract dearer than its application
        ("8000.00", "10000.00", Settlement(released=D("8000.00"))),  # cheaper: the rest stays pre-committed
        ("500.00", "0.00", Settlement()),  # nothing left on the source: the whole amount needs available money
    ],
)
def test_a_commit_takes_over_its_sources_pre_commitment_up_to_its_amount(amount, pre, settlement):
    assert settle(MoveKind.COMMIT, D(amount), Held(pre_committed=D(pre), committed=D("999.00"))) == settlement


def test_an_actual_settles_the_commitment_first_then_the_pre_commitment():
    source = Held(pre_committed=D("300.00"), committed=D("1000.00"))
    assert settle(MoveKind.ACTUAL, D("400.00"), source) == Settlement(relieved=D("400.00"))
    assert settle(MoveKind.ACTUAL, D("1200.00"), source) == Settlement(relieved=D("1000.00"), released=D("200.00"))
    assert settle(MoveKind.ACTUAL, D("2000.00"), source).covered == D("1300.00")
    with pytest.raises(ValueError):
        settle(MoveKind.RELIEVE, D("1.00"), source)


def test_covered_money_counts_as_available_for_the_move_that_takes_it_over():
    line = make_line("1000.00", pre_committed="900.00")  # 100.00 available, 900.00 held by an application
    ok = line.decide(D("950.00"), covered=D("900.00"))
    assert ok.allowed and ok.available == D("1000.00") and ok.covered == D("900.00")
    refused = line.decide(D("1000.01"), covered=D("900.00"))
    assert not refused.allowed and refused.rule == "block_insufficient"
    assert "其中来源单据已占 900.00 元转入" in insufficient_funds(refused).message


def test_a_fully_covered_move_needs_no_available_money_even_on_an_overspent_warn_line():
    line = make_line("100.00", mode=ControlMode.WARN, pre_committed="150.00")
    decision = line.decide(D("150.00"), covered=D("150.00"))
    assert decision.allowed and decision.rule == "within_available" and decision.warning is None


def test_refusals_name_line_amounts_and_rule_in_chinese():
    doc = DocumentRef("contract", "c1", "HT-2026-000007")
    error = exceeds_document_balance(MoveKind.RELIEVE, "L1", doc, D("500.00"), D("300.00"))
    assert error.http_status == 409 and error.code == "budget_exceeds_document_balance"
    assert error.message == (
        "解除金额不能超过该单据在本指标上的承诺（合同占用）余额：预算指标 L1 单据 HT-2026-000007 "
        "申请解除承诺 500.00 元，可解除承诺 300.00 元"
    )
    assert error.details["rule"] == "relieve_exceeds_commitment" and error.details["available"] == "300.00"
    assert (
        exceeds_document_balance(MoveKind.REVERSAL, "L1", doc, D("1.00"), D("0.00")).details["rule"]
        == "reverse_exceeds_actual"
    )
    reused = step_reused("L1", doc, "sign", MoveKind.PRE_COMMIT, MoveKind.COMMIT)
    assert reused.code == "budget_step_reused" and "已在预算指标 L1 上记为预占" in reused.message


# ── early warnings ──
LEVELS = (80, 95)


@pytest.mark.parametrize(
    ("before", "after", "crossed"),
    [
        ("0.00", "799.99", []),
        ("0.00", "800.00", [80]),  # reaching the level is crossing it
        ("799.99", "960.00", [80, 95]),  # one move may cross several
        ("800.00", "900.00", []),  # already past 80: not again
        ("960.00", "1200.00", []),  # over budget (warn mode) crosses nothing new
        ("900.00", "700.00", []),  # going down crosses nothing
        ("700.00", "850.00", [80]),  # back up through 80 after falling below it is a new crossing
    ],
)
def test_warning_levels_fire_once_per_upward_crossing(before, after, crossed):
    assert crossed_levels(D("1000.00"), D(before), D(after), LEVELS) == crossed


def test_a_line_of_no_money_has_no_rate_and_crosses_nothing():
    assert crossed_levels(D("0.00"), D("0.00"), D("10.00"), LEVELS) == []
    assert consumption_rate(D("10.00"), D("0.00")) == D("0.00")
    assert consumption_rate(D("812.34"), D("1000.00")) == D("81.23")


def test_levels_come_from_the_environment_text():
    assert parse_warning_levels(None) == (80, 95)
    assert parse_warning_levels("") == (80, 95)
    assert parse_warning_levels("95, 80，50,80") == (50, 80, 95)
    with pytest.raises(ValueError):
        parse_warning_levels("0,80")
    with pytest.raises(ValueError):
        parse_warning_levels("eighty")
