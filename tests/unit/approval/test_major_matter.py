"""三重一大 by rule: effective-dated amounts and categories, pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.approval.domain.definitions import current
from services.approval.domain.directory import InMemoryDirectory, Unit, User
from services.approval.domain.major_matter import MajorMatterRule, major_by_rule

LARGE = MajorMatterRule(
    "large_funds", "大额资金使用", ("matter_application",), date(2026, 1, 1), None, Decimal("500000.00")
)
CAPITAL = MajorMatterRule(
    "major_project",
    "重大项目安排",
    ("matter_application",),
    date(2026, 1, 1),
    date(2027, 1, 1),
    Decimal("200000"),
    ("310",),
)
ON = date(2026, 6, 1)


def test_an_amount_rule_holds_from_its_threshold_on_its_document_types_while_in_force():
    assert major_by_rule([LARGE], "matter_application", Decimal("600000.00"), "30201", ON) == [
        "大额资金使用（金额 ≥ 500,000.00 元）"
    ]
    assert major_by_rule([LARGE], "matter_application", Decimal("499999.99"), None, ON) == []
    assert major_by_rule([LARGE], "budget_override", Decimal("600000.00"), None, ON) == []
    assert major_by_rule([LARGE], "matter_application", Decimal("600000.00"), None, date(2025, 12, 31)) == []


def test_a_category_rule_needs_the_category_and_ends_when_it_ends():
    assert major_by_rule([CAPITAL], "matter_application", Decimal("250000.00"), "31002", ON)
    assert not major_by_rule([CAPITAL], "matter_application", Decimal("250000.00"), "30201", ON)
    assert not major_by_rule([CAPITAL], "matter_application", Decimal("250000.00"), None, ON)
    assert not major_by_rule([CAPITAL], "matter_application", Decimal("250000.00"), "31002", date(2027, 1, 1))


def test_a_rule_names_a_condition_and_a_sane_period():
    with pytest.raises(ValueError):
        MajorMatterRule("x", "x", ("matter_application",), ON)
    with pytest.raises(ValueError):
        MajorMatterRule("x", "x", ("matter_application",), ON, ON, Decimal("1"))


def test_a_major_matter_by_rule_goes_to_the_meeting_and_the_reason_names_the_rule():
    units = [Unit("dzb", "党政综合办公室", "office", "leader")]
    users = [
        User("head", "黄志强", "dzb", ("unit_head",)),
        User("leader", "王建华", "dzb", ("leader_in_charge",)),
        User("finance", "何丽华", "czb", ("finance_reviewer",)),
        User("inspector", "唐建新", "jjb", ("inspector",)),
        User("principal", "陈立群", "dzb", ("principal",)),
    ]
    why = major_by_rule([LARGE], "matter_application", Decimal("600000.00"), None, ON)
    steps = current("matter_application").resolve(
        {
            "amount": Decimal("600000.00"),
            "unit": "dzb",
            "initiator": "clerk",
            "major_matter": bool(why),
            "major_matter_why": "；".join(why),
        },
        InMemoryDirectory.of(units, users),
    )
    meeting = steps[-1]
    assert meeting.name == "集体决策（党工委会议）"
    assert "三重一大事项：大额资金使用（金额 ≥ 500,000.00 元）" in meeting.reason
