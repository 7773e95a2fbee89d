"""Expenditure standards: validation, effective dating, versions, and the check of an expense."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.budget.domain.standards import (
    Action,
    Expense,
    Kind,
    Standard,
    StandardError,
    allowed_accompany,
    check,
    in_force,
    key_text,
    next_version,
    validate_key,
    validate_limits,
)

D = Decimal


def meeting(version=1, start=date(2026, 1, 1), end=None, total="650.00", action=Action.BLOCK) -> Standard:
    return Standard(
        org="o",
        code="MEETING-2",
        kind=Kind.MEETING,
        name="会议费开支标准（二类会议）",
        version=version,
        effective_from=start,
        effective_to=end,
        key={"category": "二类"},
        limits={"total": D(total)},
        action=action,
    )


def travel(**limits) -> Standard:
    values = {"lodging": D("500.00"), "meals": D("100.00"), "transport": D("80.00"), **limits}
    return Standard(
        org="o",
        code="TRAVEL-1-OTHER",
        kind=Kind.TRAVEL,
        name="差旅费开支标准（一类城市·其余人员）",
        version=1,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        key={"city_tier": "一类", "rank": "其余人员"},
        limits=values,
        action=Action.FLAG,
    )


def reception() -> Standard:
    return Standard(
        org="o",
        code="RECEPTION",
        kind=Kind.RECEPTION,
        name="公务接待标准",
        version=1,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        key={},
        limits={"meal_per_person": D("120.00"), "accompany_min": 3, "guests_per_accompany": 3},
        action=Action.BLOCK,
    )


def meeting_expense(amount, persons=10, days=2, on=date(2026, 5, 1)) -> Expense:
    return Expense(Kind.MEETING, on, {"category": "二类"}, persons, days, {"total": D(amount)})


# ── the check ──


def test_a_meeting_up_to_the_last_fen_is_within_and_one_fen_more_exceeds():
    standard = meeting()  # 650 per person-day, 10 persons × 2 days = 13,000
    ok = check(standard, meeting_expense("13000.00"))
    assert ok.within and not ok.blocked and ok.items[0].excess == D("0.00")
    over = check(standard, meeting_expense("13000.01"))
    assert not over.within and over.blocked
    item = over.as_dict()["items"][0]
    assert (item["limit"], item["asked"], item["excess"]) == ("13000.00", "13000.01", "0.01")


def test_the_answer_cites_the_code_version_and_date_and_says_the_excess_in_chinese():
    answer = check(meeting(version=3, start=date(2026, 7, 1)), meeting_expense("15000.00", on=date(2026, 8, 1)))
    body = answer.as_dict()
    assert body["citation"] == "《会议费开支标准（二类会议）》（MEETING-2）第 3 版（生效日期 2026-07-01）"
    assert body["excess_total"] == "2000.00" and body["action"] == "block" and body["blocked"] is True
    assert "第 3 版" in body["message"] and "超出 2000.00 元" in body["message"] and "刚性控制" in body["message"]
    assert body["standard"]["limits"] == {"total": "650.00"}


def test_a_flag_standard_exceeded_is_not_blocked():
    answer = check(meeting(action=Action.FLAG), meeting_expense("20000.00"))
    assert not answer.within and not answer.blocked and "超标预警" in answer.message


def test_travel_checks_each_item_against_rate_times_persons_times_days():
    expense = Expense(
        Kind.TRAVEL,
        date(2026, 3, 3),
        {"city_tier": "一类", "rank": "其余人员"},
        persons=2,
        days=3,
        amounts={"lodging": D("3100.00"), "meals": D("600.00"), "transport": D("480.00")},
    )
    answer = check(travel(), expense)
    items = {i.item: i for i in answer.items}
    assert items["lodging"].limit == D("3000.00") and items["lodging"].excess == D("100.00")
    assert items["meals"].exceeded is False and items["transport"].exceeded is False
    assert answer.excess_total == D("100.00") and not answer.within and not answer.blocked
    assert "住宿费限额 3000.00 元" in answer.message and "伙食补助费" not in answer.message


def test_zero_parts_of_a_trip_are_within():
    expense = Expense(
        Kind.TRAVEL,
        date(2026, 3, 3),
        {"city_tier": "一类", "rank": "其余人员"},
        persons=1,
        days=1,
        amounts={"lodging": D("0.00"), "meals": D("100.00"), "transport": D("0.00")},
    )
    assert check(travel(), expense).within


def test_reception_limits_the_hosts_and_the_meal_per_diner():
    # 8 guests: at most 3 hosts; 11 diners × 2 meals × 120 = 2,640
    ok = Expense(
        Kind.RECEPTION, date(2026, 4, 1), {}, persons=8, accompany=3, meals=2, amounts={"meal_per_person": D("2640.00")}
    )
    assert check(reception(), ok).within
    too_many = Expense(
        Kind.RECEPTION, date(2026, 4, 1), {}, persons=8, accompany=4, meals=1, amounts={"meal_per_person": D("100.00")}
    )
    answer = check(reception(), too_many)
    accompany = answer.as_dict()["items"][0]
    assert accompany == {
        "item": "accompany",
        "label": "陪餐人数（人）",
        "limit": 3,
        "asked": 4,
        "excess": 1,
        "exceeded": True,
    }
    assert "陪餐人数最多 3 人，申请 4 人" in answer.message
    assert answer.excess_total == D("0.00")  # counts are not money


@pytest.mark.parametrize(("guests", "allowed"), [(1, 3), (9, 3), (10, 3), (11, 3), (12, 4), (30, 10)])
def test_hosts_allowed_follow_three_up_to_ten_guests_then_a_third(guests, allowed):
    assert allowed_accompany(guests, 3, 3) == allowed


def test_a_standard_not_in_force_on_the_date_or_of_another_kind_cannot_be_used():
    with pytest.raises(StandardError):
        check(meeting(start=date(2026, 7, 1)), meeting_expense("1.00", on=date(2026, 6, 30)))
    with pytest.raises(StandardError):
        check(travel(), meeting_expense("1.00"))


# ── effective dating and versions ──


def test_the_version_in_force_is_chosen_by_date_never_by_newest():
    v1 = meeting(version=1, start=date(2026, 1, 1), end=date(2026, 6, 30))
    v2 = meeting(version=2, start=date(2026, 7, 1), total="700.00")
    assert in_force([v1, v2], date(2026, 6, 30)) is v1
    assert in_force([v1, v2], date(2026, 7, 1)) is v2
    assert in_force([v2, v1], date(2027, 1, 1)) is v2
    assert in_force([v1, v2], date(2025, 12, 31)) is None


def test_a_new_version_closes_the_current_one_the_day_before():
    version, closed = next_version(meeting(), date(2026, 7, 1))
    assert version == 2 and closed.effective_to == date(2026, 6, 30) and closed.version == 1
    assert not closed.in_force_on(date(2026, 7, 1)) and closed.in_force_on(date(2026, 6, 30))
    assert next_version(None, date(2026, 1, 1)) == (1, None)


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2025, 12, 31)])
def test_a_new_version_must_start_after_the_current_one(start):
    with pytest.raises(StandardError) as refused:
        next_version(meeting(), start)
    assert refused.value.field == "effective_from" and "晚于" in str(refused.value)


# ── validation of keys and limits ──


def test_keys_are_validated_per_kind_and_compared_canonically():
    assert validate_key(Kind.TRAVEL, {"rank": "厅局级", "city_tier": " 北京 "}) == {
        "rank": "厅局级",
        "city_tier": "北京",
    }
    assert key_text({"rank": "a", "city_tier": "b"}) == key_text({"city_tier": "b", "rank": "a"})
    assert validate_key(Kind.RECEPTION, {}) == {}
    for kind, key, field in [
        (Kind.TRAVEL, {"city_tier": "一类", "rank": "处级"}, "key.rank"),
        (Kind.TRAVEL, {"city_tier": "一类"}, "key.rank"),
        (Kind.MEETING, {"category": "五类"}, "key.category"),
        (Kind.TRAINING, {"category": "四类"}, "key.category"),
        (Kind.RECEPTION, {"category": "一类"}, "key.category"),
    ]:
        with pytest.raises(StandardError) as refused:
            validate_key(kind, key)
        assert refused.value.field == field


def test_limits_are_positive_money_and_whole_counts():
    assert validate_limits(Kind.MEETING, {"total": "760"}) == {"total": D("760.00")}
    assert (
        validate_limits(Kind.RECEPTION, {"meal_per_person": 120, "accompany_min": "3", "guests_per_accompany": 3})[
            "accompany_min"
        ]
        == 3
    )
    bad = [
        (Kind.MEETING, {"total": "0"}, "limits.total"),
        (Kind.MEETING, {"total": 650.5}, "limits.total"),
        (Kind.MEETING, {"total": "1.001"}, "limits.total"),
        (Kind.MEETING, {}, "limits.total"),
        (Kind.MEETING, {"total": "-1"}, "limits.total"),
        (Kind.MEETING, {"total": "x"}, "limits.total"),
        (Kind.MEETING, {"total": "1", "lodging": "1"}, "limits.lodging"),
        (Kind.TRAVEL, {"lodging": "500", "meals": "100"}, "limits.transport"),
        (
            Kind.RECEPTION,
            {"meal_per_person": "120", "accompany_min": 0, "guests_per_accompany": 3},
            "limits.accompany_min",
        ),
    ]
    for kind, limits, field in bad:
        with pytest.raises(StandardError) as refused:
            validate_limits(kind, limits)
        assert refused.value.field == field, limits
