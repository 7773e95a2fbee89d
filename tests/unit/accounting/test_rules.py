"""The accounting domain's rules: the chart, each posting rule (parallel entries, each basis balanced), the
voucher's own checks, numbering, periods (a late event goes to the next open month), reversal, the trial
balance and the reconciliation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ic_platform.errors import DomainError
from services.accounting.domain import balances, chart, periods
from services.accounting.domain.chart import Basis, UnitKind
from services.accounting.domain.voucher import (
    Kind,
    Line,
    Source,
    Voucher,
    accrual_lines,
    accrual_to_book,
    check_lines,
    check_reversible,
    credit,
    debit,
    payment_lines,
    reversal_lines,
    voucher_no,
)

D = Decimal


def sums(lines, basis):
    return (
        sum((x.debit for x in lines if x.basis is basis), D("0")),
        sum((x.credit for x in lines if x.basis is basis), D("0")),
    )


def entries(lines):
    """(account, side, amount) per line, for readable assertions."""
    return [(x.account_code, "Dr" if x.debit else "Cr", x.debit or x.credit) for x in lines]


# ── the chart ──
def test_the_chart_holds_the_accounts_the_rules_use_with_the_standards_names():
    names = {a.code: a.name for a in chart.ACCOUNTS}
    assert names["1011"] == "零余额账户用款额度"
    assert names["2302"] == "应付账款"
    assert names["5001"] == "业务活动费用"
    assert names["7101"] == "行政支出"
    assert names["7201"] == "事业支出"
    assert names["8001"] == "资金结存"
    assert len(names) == len(chart.ACCOUNTS)  # codes unique


def test_each_account_belongs_to_one_basis_by_its_category():
    assert chart.account("5001").basis is Basis.FINANCIAL
    assert chart.account("2302").basis is Basis.FINANCIAL
    assert {chart.account(c).basis for c in ("6001", "7101", "7201", "8001", "8101")} == {Basis.BUDGETARY}
    assert all(a.code[0] in "1234" + "5" for a in chart.ACCOUNTS if a.basis is Basis.FINANCIAL)
    assert all(a.code[0] in "678" for a in chart.ACCOUNTS if a.basis is Basis.BUDGETARY)


def test_the_units_kind_chooses_the_budgetary_expenditure_account():
    assert chart.expenditure_account(chart.unit_kind("dzb")) == "7101"  # 党政综合办公室: 行政单位
    assert chart.expenditure_account(chart.unit_kind("zwzx")) == "7201"  # 政务服务中心: 事业单位 (demo)


# ── posting rules ──
def test_an_accrual_is_expense_against_payable_with_no_budgetary_entry():
    lines = accrual_lines(D("30000.00"))
    assert entries(lines) == [("5001", "Dr", D("30000.00")), ("2302", "Cr", D("30000.00"))]
    assert sums(lines, Basis.BUDGETARY) == (0, 0)
    check_lines(lines)


def test_a_payment_of_an_accrued_milestone_settles_the_payable_and_posts_budgetary_expenditure():
    lines = payment_lines(D("30000.00"), D("30000.00"), UnitKind.ADMINISTRATIVE)
    assert entries(lines) == [
        ("2302", "Dr", D("30000.00")),
        ("1011", "Cr", D("30000.00")),
        ("7101", "Dr", D("30000.00")),
        ("8001", "Cr", D("30000.00")),
    ]
    check_lines(lines)
    assert sums(lines, Basis.FINANCIAL) == (D("30000.00"), D("30000.00"))
    assert sums(lines, Basis.BUDGETARY) == (D("30000.00"), D("30000.00"))


def test_a_payment_nothing_was_accrued_for_is_an_expense_now():
    lines = payment_lines(D("1200.50"), D("0"), UnitKind.ADMINISTRATIVE)
    assert entries(lines) == [
        ("5001", "Dr", D("1200.50")),
        ("1011", "Cr", D("1200.50")),
        ("7101", "Dr", D("1200.50")),
        ("8001", "Cr", D("1200.50")),
    ]


def test_a_payment_beyond_what_was_accrued_settles_the_payable_and_expenses_the_rest():
    lines = payment_lines(D("50000.00"), D("30000.00"), UnitKind.ADMINISTRATIVE)
    assert entries(lines)[:3] == [
        ("2302", "Dr", D("30000.00")),
        ("5001", "Dr", D("20000.00")),
        ("1011", "Cr", D("50000.00")),
    ]
    check_lines(lines)


def test_a_payment_by_an_institution_unit_is_institution_expenditure():
    lines = payment_lines(D("800.00"), D("0"), UnitKind.INSTITUTION)
    assert ("7201", "Dr", D("800.00")) in entries(lines)
    assert not any(x.account_code == "7101" for x in lines)


def test_an_acceptance_after_the_payment_accrues_only_the_unpaid_part():
    assert accrual_to_book(D("30000.00"), D("0")) == D("30000.00")
    assert accrual_to_book(D("30000.00"), D("10000.00")) == D("20000.00")
    assert accrual_to_book(D("30000.00"), D("30000.00")) == D("0")


# ── the voucher's own checks ──
def test_a_basis_that_does_not_balance_is_refused_naming_the_rule_and_figures():
    lines = (debit("5001", D("100.00")), credit("2302", D("100.00")), debit("7101", D("100.00")))
    with pytest.raises(DomainError) as refused:
        check_lines(lines)
    assert refused.value.code == "voucher_unbalanced"
    assert "预算会计" in refused.value.message and "100.00" in refused.value.message
    assert refused.value.details["basis"] == "budgetary"


def test_balancing_across_bases_is_not_enough():
    # financial debit 100 against budgetary credit 100: the totals agree, each basis does not
    lines = (debit("5001", D("100.00")), credit("8001", D("100.00")))
    with pytest.raises(DomainError) as refused:
        check_lines(lines)
    assert refused.value.code == "voucher_unbalanced"


@pytest.mark.parametrize(
    "line",
    [
        Line("5001", D("1.00"), D("1.00"), Basis.FINANCIAL),
        Line("5001", D("0"), D("0"), Basis.FINANCIAL),
        Line("5001", D("-1.00"), D("0"), Basis.FINANCIAL),
    ],
)
def test_a_line_has_one_positive_side(line):
    with pytest.raises(DomainError) as refused:
        check_lines((line,))
    assert refused.value.code == "voucher_line_invalid"


def test_an_account_outside_the_chart_or_of_the_other_basis_is_refused():
    with pytest.raises(DomainError) as unknown:
        check_lines((Line("9999", D("1.00"), D("0"), Basis.FINANCIAL),))
    assert unknown.value.code == "voucher_account_unknown"
    with pytest.raises(DomainError) as basis:
        check_lines(
            (Line("7101", D("1.00"), D("0"), Basis.FINANCIAL), Line("8001", D("0"), D("1.00"), Basis.FINANCIAL))
        )
    assert basis.value.code == "voucher_account_basis"
    with pytest.raises(DomainError) as empty:
        check_lines(())
    assert empty.value.code == "voucher_empty"


def test_a_voucher_checks_its_lines_when_made_and_is_numbered_per_month():
    v = Voucher(
        id="v1",
        org="xinqiao",
        kind=Kind.ACCRUAL,
        source=Source("acceptance", "a1", "HT-2026-000001"),
        unit="dzb",
        voucher_date=date(2026, 11, 3),
        business_date=date(2026, 11, 3),
        amount=D("10.00"),
        lines=accrual_lines(D("10.00")),
        summary="确认应付",
    )
    v.number("2026-11", 1)
    assert v.no == "记-2026-11-0001" == voucher_no("2026-11", 1)
    assert v.events == ["accounting.voucher_posted"]
    with pytest.raises(DomainError):
        Voucher(**{**v.__dict__, "lines": (debit("5001", D("10.00")),), "events": []})


# ── reversal ──
def test_a_reversal_swaps_each_line_and_balances_like_the_original():
    original = payment_lines(D("30000.00"), D("10000.00"), UnitKind.ADMINISTRATIVE)
    reversed_ = reversal_lines(original)
    check_lines(reversed_)
    for a, b in zip(original, reversed_, strict=True):
        assert (a.account_code, a.debit, a.credit) == (b.account_code, b.credit, b.debit)


def test_a_voucher_is_reversed_once_and_a_reversal_never():
    check_reversible(Kind.PAYMENT, None, "记-2026-11-0001")
    with pytest.raises(DomainError) as twice:
        check_reversible(Kind.PAYMENT, "记-2026-11-0002", "记-2026-11-0001")
    assert twice.value.code == "voucher_already_reversed"
    with pytest.raises(DomainError) as of_reversal:
        check_reversible(Kind.REVERSAL, None, "记-2026-11-0002")
    assert of_reversal.value.code == "reversal_of_reversal"


# ── periods ──
def test_periods_and_their_neighbours():
    assert periods.period_of(date(2026, 1, 31)) == "2026-01"
    assert periods.next_period("2026-12") == "2027-01"
    assert periods.previous_period("2026-01") == "2025-12"
    assert periods.first_day("2026-02") == date(2026, 2, 1)
    with pytest.raises(DomainError) as bad:
        periods.parse_period("2026-13")
    assert bad.value.code == "period_invalid"


def test_an_event_dated_in_a_closed_month_posts_into_the_first_open_month_after_it():
    assert periods.posting_date(date(2026, 3, 20), set()) == date(2026, 3, 20)
    assert periods.posting_date(date(2026, 3, 20), {"2026-03"}) == date(2026, 4, 1)
    assert periods.posting_date(date(2026, 11, 20), {"2026-11", "2026-12"}) == date(2027, 1, 1)


def test_posting_into_a_closed_month_is_refused():
    with pytest.raises(DomainError) as closed:
        periods.check_open("2026-03", {"2026-03"})
    assert closed.value.code == "period_closed"
    periods.check_open("2026-04", {"2026-03"})


def test_months_are_closed_once_and_in_order():
    periods.check_can_close("2026-03", set(), "2026-03")
    with pytest.raises(DomainError) as again:
        periods.check_can_close("2026-03", {"2026-03"}, None)
    assert again.value.code == "period_already_closed"
    with pytest.raises(DomainError) as order:
        periods.check_can_close("2026-04", set(), "2026-03")
    assert order.value.code == "period_close_out_of_order"


# ── the trial balance ──
def test_the_trial_balance_shows_balances_on_their_side_and_balances_per_basis():
    rows = balances.trial_balance_rows(
        [
            {
                "account_code": "5001",
                "opening_debit": D("100"),
                "opening_credit": D("0"),
                "debit": D("50"),
                "credit": D("0"),
            },
            {
                "account_code": "2302",
                "opening_debit": D("0"),
                "opening_credit": D("100"),
                "debit": D("100"),
                "credit": D("0"),
            },
            {
                "account_code": "1011",
                "opening_debit": D("0"),
                "opening_credit": D("0"),
                "debit": D("0"),
                "credit": D("150"),
            },
        ]
    )
    by_code = {r.code: r for r in rows}
    assert (by_code["5001"].closing_debit, by_code["5001"].closing_credit) == (D("150"), D("0"))
    assert (by_code["2302"].opening_credit, by_code["2302"].closing_credit) == (D("100"), D("0"))
    assert by_code["1011"].closing_credit == D("150")  # a quota account overdrawn in the demo: shown on the credit side
    total = balances.totals(rows, Basis.FINANCIAL)
    assert balances.balanced(total)
    assert total["closing_debit"] == total["closing_credit"] == D("150")


def test_an_unbalanced_journal_shows_as_unbalanced():
    rows = balances.trial_balance_rows(
        [{"account_code": "7101", "opening_debit": D("0"), "opening_credit": D("0"), "debit": D("5"), "credit": D("0")}]
    )
    assert not balances.balanced(balances.totals(rows, Basis.BUDGETARY))


# ── the reconciliation ──
def test_the_reconciliation_shows_each_lines_difference_differences_first():
    rows = balances.reconcile(
        {"L1": ("dzb", D("100.00")), "L2": ("dzb", D("50.00")), "L4": ("dzb", D("0"))},
        {"L1": ("dzb", D("100.00")), "L2": ("dzb", D("80.00")), "L3": ("czb", D("10.00"))},
    )
    assert [(r.budget_line_id, r.difference) for r in rows] == [
        ("L2", D("-30.00")),
        ("L3", D("-10.00")),
        ("L1", D("0.00")),
    ]
    assert rows[0].as_dict()["matched"] is False and rows[-1].as_dict()["matched"] is True
