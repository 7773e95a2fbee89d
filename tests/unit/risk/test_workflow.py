"""A risk warning worked as a case (domain/workflow.py): the status machine, who may move it, what it needs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ic_platform.errors import Conflict, Forbidden, InvalidInput
from services.risk.domain.workflow import Case, Status

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
INSPECTOR = frozenset({"inspector"})


def confirmed(case: Case | None = None, due: date = date(2026, 12, 31)) -> Case:
    return (case or Case(7)).confirm("inspector", INSPECTOR, AT, TODAY, due, "dzb", "同一需求分三批申请", True)


def test_a_new_warning_is_open_and_acknowledged_once_at_the_decision():
    case, news = Case(7).acknowledge("head", AT, "已核实", "task-1")
    assert news and case.status is Status.ACKNOWLEDGED and case.acknowledged_by == "head"
    again, news = case.acknowledge("finance", AT, "再次", "task-2")
    assert not news and again == case, "the first acknowledgement is kept"


def test_an_acknowledgement_heard_after_inspection_keeps_the_status():
    case, news = confirmed().acknowledge("head", AT, "已核实", "task-1")
    assert news and case.status is Status.CONFIRMED and case.acknowledged_by == "head"


def test_dismissal_needs_an_inspector_and_a_reason():
    with pytest.raises(Forbidden) as refused:
        Case(7).dismiss("auditor", frozenset({"auditor"}), AT, "不属实")
    assert refused.value.code == "risk_warning_work_forbidden" and "纪检监察" in refused.value.message
    with pytest.raises(InvalidInput) as blank:
        Case(7).dismiss("inspector", INSPECTOR, AT, "  ")
    assert blank.value.code == "risk_reason_required" and blank.value.details["fields"][0]["field"] == "reason"
    case = Case(7).dismiss("inspector", INSPECTOR, AT, " 经核查为独立需求 ")
    assert case.status is Status.DISMISSED and case.dismissal_reason == "经核查为独立需求" and case.final


def test_confirmation_makes_a_finding_with_a_due_date_and_a_responsible_unit():
    case = confirmed()
    assert case.status is Status.CONFIRMED and case.due_date == date(2026, 12, 31) and case.responsible_unit == "dzb"
    with pytest.raises(InvalidInput) as past:
        confirmed(due=date(2026, 11, 19))
    assert past.value.code == "risk_rectification_due_in_past" and "2026-11-19" in past.value.message
    with pytest.raises(InvalidInput) as unknown:
        Case(7).confirm("inspector", INSPECTOR, AT, TODAY, TODAY, "nowhere", "要求整改", False)
    assert unknown.value.code == "risk_unknown_unit"
    with pytest.raises(InvalidInput):
        Case(7).confirm("inspector", INSPECTOR, AT, TODAY, TODAY, "dzb", "", True)


@pytest.mark.parametrize("status", [Status.DISMISSED, Status.CONFIRMED, Status.RECTIFIED])
def test_only_an_open_or_acknowledged_warning_is_dismissed_or_confirmed(status):
    case = Case(7, status=status)
    with pytest.raises(Conflict) as refused:
        case.dismiss("inspector", INSPECTOR, AT, "理由")
    assert refused.value.code == "risk_warning_transition" and "#7" in refused.value.message
    with pytest.raises(Conflict):
        confirmed(case)


def test_a_rectification_is_closed_by_inspection_or_the_responsible_units_head_with_a_note():
    case = confirmed()
    with pytest.raises(Forbidden) as other_head:
        case.close("head_czb", frozenset({"unit_head"}), "czb", AT, "已整改")
    assert other_head.value.code == "risk_rectification_close_forbidden" and "dzb" in other_head.value.message
    with pytest.raises(Forbidden):
        case.close("clerk", frozenset({"clerk"}), "dzb", AT, "已整改")
    with pytest.raises(InvalidInput) as blank:
        case.close("head", frozenset({"unit_head"}), "dzb", AT, "")
    assert blank.value.code == "risk_closing_note_required"
    closed = case.close("head", frozenset({"unit_head"}), "dzb", AT, "已合并采购")
    assert closed.status is Status.RECTIFIED and closed.closing_note == "已合并采购" and closed.final
    assert closed.closed_on_time(date(2026, 12, 31)) and not closed.closed_on_time(date(2027, 1, 1))
    with pytest.raises(Conflict):
        closed.close("inspector", INSPECTOR, "jjb", AT, "再次")


def test_an_unconfirmed_warning_has_no_rectification_to_close():
    with pytest.raises(Conflict) as refused:
        Case(7).close("inspector", INSPECTOR, "jjb", AT, "已整改")
    assert refused.value.details["allowed"] == ["confirmed"]
