"""The data-scope rule (数据权限), pure: who reads which documents."""

from __future__ import annotations

import pytest

from ic_platform import scope
from ic_platform.identity import Viewer
from ic_platform.scope import Area

CLERK = Viewer.of("clerk", "dzb", ["clerk"])
CLERK_CZB = Viewer.of("clerk_czb", "czb", ["clerk"])  # 财政办's clerk: the unit of finance, not the role
HEAD = Viewer.of("head", "dzb", ["unit_head"])
LEADER = Viewer.of("leader", "dzb", ["leader_in_charge"], ["dzb", "czb", "jfb"])
LEADER_PARTY = Viewer.of("leader_party", "dzb", ["leader_in_charge"], ["djb", "xwb"])
PRINCIPAL = Viewer.of("principal", "dzb", ["principal"])
FINANCE = Viewer.of("finance", "czb", ["finance_reviewer"])
INSPECTOR = Viewer.of("inspector", "jjb", ["inspector"])
AUDITOR = Viewer.of("auditor", "jjb", ["auditor"])
ADMIN = Viewer.of("admin", "dzb", ["admin"])


@pytest.mark.parametrize(
    ("viewer", "unit", "seen"),
    [
        (CLERK, "dzb", True),
        (CLERK, "czb", False),
        (CLERK_CZB, "dzb", False),
        (HEAD, "dzb", True),
        (HEAD, "djb", False),
        (LEADER, "jfb", True),  # a unit they lead
        (LEADER_PARTY, "djb", True),
        (LEADER_PARTY, "jfb", False),
        (LEADER_PARTY, "dzb", True),  # the unit they belong to
        (PRINCIPAL, "sq_xinqiao", True),
        (INSPECTOR, "czb", True),
        (AUDITOR, "sq_huangpu", True),
        (FINANCE, "sq_huangpu", True),  # payment data
        (ADMIN, "dzb", True),  # their own unit, as its staff
        (ADMIN, "czb", False),  # and no more: the administrator is no reader of the business
        (None, "dzb", False),  # no identity, nothing
    ],
)
def test_who_reads_a_payment_document_of_a_unit(viewer, unit, seen):
    assert scope.visible(viewer, Area.PAYMENT, unit) is seen


def test_finance_reads_budget_and_payment_data_but_not_contracts():
    for area in (Area.BUDGET, Area.PAYMENT, Area.ACCOUNTING):
        assert scope.visible(FINANCE, area, "sq_xinqiao")
    for area in (Area.CONTRACT, Area.PROCUREMENT, Area.OTHER):
        assert not scope.visible(FINANCE, area, "sq_xinqiao")
    assert scope.visible(FINANCE, Area.CONTRACT, "czb")  # their own unit's, like anyone


def test_a_document_type_names_its_area():
    assert scope.area_of("matter_application") is Area.PAYMENT
    assert scope.area_of("budget_override") is Area.BUDGET
    assert scope.area_of("something_new") is Area.OTHER
    assert scope.visible(FINANCE, "budget_adjustment", "djb")
    assert not scope.visible(FINANCE, "contract", "djb")
    assert scope.visible(INSPECTOR, "something_new", "djb")


def test_the_initiator_and_the_desk_open_a_document_of_another_unit():
    assert scope.visible(CLERK_CZB, Area.PAYMENT, "dzb", initiator="clerk_czb")
    assert scope.visible(LEADER_PARTY, Area.PAYMENT, "jfb", on_desk=True)
    asked = []
    assert scope.visible(LEADER_PARTY, Area.PAYMENT, "jfb", on_desk=lambda: asked.append(1) or True)
    assert asked == [1]


def test_the_desk_is_asked_only_when_nothing_cheaper_decides():
    def never() -> bool:
        raise AssertionError("the desk was asked")

    assert scope.visible(HEAD, Area.PAYMENT, "dzb", on_desk=never)
    assert scope.visible(PRINCIPAL, Area.PAYMENT, "czb", on_desk=never)
    assert not scope.visible(None, Area.PAYMENT, "czb", on_desk=never)


def test_a_report_narrows_its_units_to_the_scope():
    leader = scope.scope_of(LEADER, Area.BUDGET)
    assert leader.units_within(None) == {"dzb", "czb", "jfb"}
    assert leader.units_within("czb") == {"czb"}
    assert leader.units_within("djb") == frozenset()  # outside: like a unit with no data
    assert scope.scope_of(FINANCE, Area.BUDGET).units_within(None) is None  # every unit
    assert scope.scope_of(CLERK, Area.BUDGET).units_within(None) == {"dzb"}
    assert scope.scope_of(None, Area.BUDGET).units_within(None) == frozenset()
