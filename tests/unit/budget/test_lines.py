"""The line register's pure rules: change records, decomposition (指标分解), control settings and tolerance."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ic_platform.errors import Conflict, InvalidInput
from services.budget.domain.lines import (
    ChangeKind,
    ControlSetting,
    Part,
    checked_change,
    child_id_candidates,
    decompose,
    snapshot,
    with_control,
)
from services.budget.domain.model import BudgetLine, ControlMode

D = Decimal
UNITS = {"dzb", "czb", "sq_xinqiao"}


def parent(amount="100000.00", **over) -> BudgetLine:
    data = dict(
        id="2026-CZB-30201-01",
        org="xinqiao",
        fiscal_year=2026,
        unit="czb",
        functional_class="2010301",
        functional_class_name="行政运行",
        economic_class="30201",
        economic_class_name="办公费",
        project="P1",
        expenditure_kind="project",
        fund_source="general",
        source_kind="supplementary",
        amount=D(amount),
        control_mode=ControlMode.TOLERANCE,
        tolerance_rate=D("5.00"),
    )
    data.update(over)
    return BudgetLine(**data)


def ids(n: int) -> list[str]:
    return [f"C{i}" for i in range(n)]


# ── change records ──


def test_a_creation_needs_no_reason_but_every_other_change_does():
    assert checked_change(ChangeKind.CREATED, None) == ("created", None)
    assert checked_change(ChangeKind.CONTROL_CHANGED, "  年中调整 ") == ("control_changed", "年中调整")
    for kind in (ChangeKind.DECOMPOSED_OUT, ChangeKind.CONTROL_CHANGED, "year_end_carried"):
        with pytest.raises(InvalidInput) as refused:
            checked_change(kind, "   ")
        assert refused.value.code == "budget_change_reason_required" and "原因" in refused.value.message


def test_new_kinds_are_codes_not_free_text():
    assert checked_change("carried_forward", "结转")[0] == "carried_forward"
    with pytest.raises(ValueError):
        checked_change("Amount Adjusted", "x")


def test_a_snapshot_is_json_text():
    snap = snapshot(parent(pre_committed=D("100.00")))
    assert snap["amount"] == "100000.00" and snap["available"] == "99900.00"
    assert snap["control_mode"] == "tolerance" and snap["tolerance_rate"] == "5.00"


# ── decomposition ──


def test_children_inherit_everything_but_unit_and_amount_and_the_total_is_kept():
    p = parent(pre_committed=D("10000.00"))
    result = decompose(p, [Part("dzb", D("30000.00")), Part("sq_xinqiao", D("20000.50"))], UNITS, ids(2))
    assert result.total == D("50000.50")
    assert result.parent.amount == D("49999.50") and result.parent.pre_committed == D("10000.00")
    assert result.parent.amount + sum(c.amount for c in result.children) == p.amount
    assert p.amount == D("100000.00"), "the line read is not changed in place"
    for child, (unit, amount) in zip(result.children, [("dzb", "30000.00"), ("sq_xinqiao", "20000.50")], strict=True):
        assert (child.unit, child.amount, child.parent_id) == (unit, D(amount), p.id)
        assert child.available == child.amount
        for attr in (
            "org",
            "fiscal_year",
            "functional_class",
            "functional_class_name",
            "economic_class",
            "economic_class_name",
            "project",
            "expenditure_kind",
            "fund_source",
            "source_kind",
            "control_mode",
            "tolerance",
            "tolerance_rate",
        ):
            assert getattr(child, attr) == getattr(p, attr), attr


def test_all_of_the_available_may_go_and_not_a_fen_more():
    p = parent(amount="1000.00", committed=D("400.00"))
    assert decompose(p, [Part("dzb", D("600.00"))], UNITS, ids(1)).parent.available == 0
    with pytest.raises(Conflict) as refused:
        decompose(p, [Part("dzb", D("300.00")), Part("czb", D("300.01"))], UNITS, ids(2))
    error = refused.value
    assert error.code == "budget_decomposition_exceeds_available" and error.http_status == 409
    assert "600.01" in error.message and "600.00" in error.message and "超出可用余额" in error.message
    assert error.details["requested"] == "600.01" and error.details["available"] == "600.00"


@pytest.mark.parametrize(
    ("parts", "code", "text"),
    [
        ([], "budget_decomposition_empty", "至少"),
        ([Part("dzb", D("0.00"))], "invalid_input", "大于零"),
        ([Part("dzb", D("-5.00"))], "invalid_input", "大于零"),
        ([Part("nowhere", D("5.00"))], "unit_not_found", "nowhere"),
        ([Part("dzb", D("5.00")), Part("dzb", D("6.00"))], "invalid_input", "重复"),
    ],
)
def test_refusals_name_the_problem(parts, code, text):
    with pytest.raises(InvalidInput) as refused:
        decompose(parent(), parts, UNITS, ids(len(parts)))
    assert refused.value.code == code and text in refused.value.message


def test_a_closed_year_cannot_be_decomposed():
    with pytest.raises(Conflict) as refused:
        decompose(parent(closed=True), [Part("dzb", D("1.00"))], UNITS, ids(1))
    assert refused.value.details["rule"] == "fiscal_year_closed"


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=50_000_00), min_size=1, max_size=8),
    spent=st.integers(min_value=0, max_value=100_000_00),
)
def test_decomposition_never_overspends_and_always_keeps_the_total(amounts, spent):
    p = parent(amount="100000.00", actual=D(spent) / 100)
    parts = [Part(f"u{i}", D(a) / 100) for i, a in enumerate(amounts)]
    total = sum(x.amount for x in parts)
    try:
        result = decompose(p, parts, {x.unit for x in parts}, ids(len(parts)))
    except Conflict:
        assert total > p.available
        return
    assert total <= p.available and result.parent.available >= 0
    assert result.parent.amount + sum(c.amount for c in result.children) == p.amount


def test_child_ids_read_next_to_their_parent_and_fit_an_id():
    assert list(zip(range(2), child_id_candidates("2026-CZB-30201-01", "dzb", 3), strict=False)) == [
        (0, "2026-CZB-30201-01-DZB-03"),
        (1, "2026-CZB-30201-01-DZB-04"),
    ]
    long_id = next(child_id_candidates("X" * 60 + "tail", "sq_xinqiao", 1))
    assert len(long_id) == 64 and long_id.endswith("tail-SQ_XINQIAO-01")
    odd = next(child_id_candidates("P" * 64, "社区 a/b" + "x" * 80, 7))
    assert len(odd) == 64 and re.fullmatch(r"[A-Za-z0-9_.:\-]+", odd) and odd.endswith("-AB" + "X" * 22 + "-07")


# ── control settings and the tolerance check ──


def test_tolerance_needs_exactly_one_of_rate_or_amount():
    assert str(ControlSetting.of("tolerance", tolerance_rate=D("5")).tolerance_rate) == "5.00"
    assert ControlSetting.of("tolerance", tolerance=D("800.00")).tolerance == D("800.00")
    assert ControlSetting.of("block") == ControlSetting(ControlMode.BLOCK)
    for kwargs in (
        {},
        {"tolerance": D("1.00"), "tolerance_rate": D("1.00")},
        {"tolerance_rate": D("0")},
        {"tolerance_rate": D("100.01")},
        {"tolerance_rate": D("1.005")},
        {"tolerance": D("0.00")},
    ):
        with pytest.raises(InvalidInput):
            ControlSetting.of("tolerance", **kwargs)
    with pytest.raises(InvalidInput):
        ControlSetting.of("warn", tolerance_rate=D("5.00"))


def test_a_rate_tolerance_allows_that_percentage_of_the_amount_over_budget():
    line = with_control(
        parent(amount="1000.00", control_mode=ControlMode.BLOCK, tolerance_rate=None, actual=D("1000.00")),
        ControlSetting.of("tolerance", tolerance_rate=D("5.00")),
    )
    assert line.tolerance_allowance == D("50.00")
    allowed = line.decide(D("50.00"))
    assert allowed.allowed and allowed.rule == "within_tolerance" and "50.00" in allowed.warning
    refused = line.decide(D("50.01"))
    assert not refused.allowed and refused.rule == "tolerance_insufficient"


def test_a_rate_rounds_its_allowance_down_to_the_fen():
    line = parent(amount="333.33", tolerance_rate=D("10.00"))
    assert line.tolerance_allowance == D("33.33")  # 33.333 → never more than the stated rate


def test_an_amount_tolerance_is_used_when_no_rate_is_set():
    line = with_control(parent(amount="1000.00"), ControlSetting.of("tolerance", tolerance=D("80.00")))
    assert (line.tolerance_rate, line.tolerance_allowance) == (None, D("80.00"))
    assert line.decide(D("1080.00")).allowed and not line.decide(D("1080.01")).allowed


def test_an_unchanged_setting_is_no_change_and_an_overspent_line_cannot_become_block():
    same = parent()
    assert with_control(same, ControlSetting.of("tolerance", tolerance_rate=D("5.00"))) is None
    overspent = parent(amount="1000.00", actual=D("1020.00"))
    assert with_control(overspent, ControlSetting.of("warn")).control_mode is ControlMode.WARN
    with pytest.raises(Conflict) as refused:
        with_control(overspent, ControlSetting.of("block"))
    assert "已超支" in refused.value.message and "-20.00" in refused.value.message
