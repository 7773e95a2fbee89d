"""Over-budget overrides' pure rules (超预算审批): once, for that document, on that line, within the amount."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict
from services.budget.domain import overrides as ovr
from services.budget.domain.model import BudgetLine
from tests.unit.budget.test_model import make_line

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
DOC = DocumentRef("matter_application", "m-1", "SQ-2026-000001")


def approved(amount="500.00") -> ovr.Override:
    o = ovr.Override(
        id="o",
        no="CY-2026-000001",
        org="o",
        budget_line_id="L",
        document=DOC,
        amount=D(amount),
        reason="会议规模扩大",
        initiator="clerk",
        unit="dzb",
    )
    assert o.approve(NOW)
    return o


def refused(line: BudgetLine, amount: str):
    decision = line.decide(D(amount))
    assert not decision.allowed
    return decision


def test_an_approved_override_covers_a_shortfall_up_to_its_amount_and_names_itself():
    line = make_line("1000.00", actual="900.00")  # available 100
    o = approved("500.00")
    assert o.why_not("L", DOC, NOW) is None
    granted = o.grant(refused(line, "600.00"))
    assert granted.allowed and granted.rule == "budget_override"
    assert "超预算审批 CY-2026-000001" in granted.warning and "500.00" in granted.warning
    assert o.grant(refused(line, "600.01")) is None  # 500.01 over: more than approved


def test_after_use_raising_the_allowance_by_the_overrun_makes_the_line_balance_exactly():
    line = make_line("1000.00", actual="900.00")
    decision = refused(line, "600.00")
    line.overrun_allowance += decision.requested - decision.available
    assert line.decide(D("600.00")).allowed and line.available == D("600.00")


@pytest.mark.parametrize(
    "case, why",
    [
        ("other_line", "不是针对预算指标"),
        ("other_document", "不是针对单据"),
        ("expired", "已过期"),
        ("used", "已使用过"),
        ("unapproved", "未获批准"),
    ],
)
def test_an_override_that_does_not_serve_this_move_says_why(case, why):
    o = approved()
    line_id, document, at = "L", DOC, NOW
    if case == "other_line":
        line_id = "X"
    elif case == "other_document":
        document = DocumentRef("matter_application", "m-2")
    elif case == "expired":
        at = NOW + ovr.DEFAULT_TTL + timedelta(seconds=1)
    elif case == "used":
        o.use(D("1.00"), "submit", NOW)
    else:
        o = ovr.Override(
            id="o",
            no="CY-2026-000002",
            org="o",
            budget_line_id="L",
            document=DOC,
            amount=D("1.00"),
            reason="r",
            initiator="clerk",
            unit="dzb",
        )
    assert why in o.why_not(line_id, document, at)


def test_a_closed_year_is_never_overridden():
    line = make_line("1000.00", actual="900.00")
    line.closed = True
    assert approved().grant(refused(line, "150.00")) is None


def test_an_override_is_used_once():
    o = approved()
    o.use(D("100.00"), "submit", NOW)
    assert o.status is ovr.Status.USED and o.used_amount == D("100.00")
    with pytest.raises(Conflict):
        o.use(D("100.00"), "submit", NOW)
