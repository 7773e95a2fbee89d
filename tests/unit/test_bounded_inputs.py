"""Bounded inputs at a service's edge (ic_platform.commands, money, errors, entrypoints, isolated): whatever a
caller sends is refused with a Chinese reason naming the field, never passed on to fail in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from nameko.exceptions import deserialize, serialize

from ic_platform.commands import Code, Command, Day, FiscalYear, Instant, PageNumber, RowId, Text
from ic_platform.entrypoints import GuardedRpc
from ic_platform.errors import Conflict, DomainError, InvalidInput
from ic_platform.isolated import Refused, TimedOut, run_isolated
from ic_platform.nameko_platform import errors as _registered  # noqa: F401 - registers the error classes


class _Form(Command):
    title: Text
    id: Code
    tags: list[str] = []
    extra: dict[str, Any] = {}


def _fields(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return {f["field"]: f["reason"] for f in exc.value.details["fields"]}


@pytest.mark.parametrize("bad", ["a\x00b", "\x01", "x\x1by", "\x7f", "\x85", "\ud800"])
def test_a_control_character_anywhere_is_refused_naming_the_field(bad):
    with pytest.raises(InvalidInput) as caught:
        _Form.parse({"title": bad, "id": "ok", "tags": ["fine", bad], "extra": {"deep": {"x": bad}, bad: 1}})
    assert _fields(caught) == {
        "title": "不能包含控制字符",
        "tags.1": "不能包含控制字符",
        "extra.deep.x": "不能包含控制字符",
        "extra.(key)": "不能包含控制字符",
    }
    assert caught.value.http_status == 422


def test_tabs_and_line_breaks_are_text():
    assert _Form.parse({"title": "第一行\n第二行\t完", "id": "a-1"}).title == "第一行\n第二行\t完"


@pytest.mark.parametrize(
    "raw, expected",
    [("2026-03-01", date(2026, 3, 1)), (date(2000, 1, 1), date(2000, 1, 1)), ("2100-12-31", date(2100, 12, 31))],
)
def test_a_day_is_an_iso_date_within_the_window(raw, expected):
    class _D(Command):
        day: Day

    assert _D.parse({"day": raw}).day == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        (0, "日期格式应为 YYYY-MM-DD"),  # pydantic alone reads 0 as 1970-01-01
        ("0", "日期格式应为 YYYY-MM-DD"),
        ("2026-3-1", "日期格式应为 YYYY-MM-DD"),
        ("２０２６-03-01", "日期格式应为 YYYY-MM-DD"),
        ("2026-02-30", "不是有效日期"),
        ("1999-12-31", "日期须在 2000-01-01 至 2100-12-31 之间"),
        ("9999-12-31", "日期须在 2000-01-01 至 2100-12-31 之间"),
        ("2026-03-01T00:00:00", "日期格式应为 YYYY-MM-DD"),
    ],
)
def test_a_day_outside_the_window_or_form_is_refused(raw, reason):
    class _D(Command):
        day: Day

    with pytest.raises(InvalidInput) as caught:
        _D.parse({"day": raw})
    assert _fields(caught)["day"].startswith(reason)


def test_an_instant_keeps_its_moment_in_utc():
    class _I(Command):
        at: Instant

    assert _I.parse({"at": "2026-03-01T08:00:00+08:00"}).at == datetime(2026, 3, 1, tzinfo=UTC)
    assert _I.parse({"at": "2026-03-01T00:00:00Z"}).at == datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("9999-12-31T23:00:00-05:00", "时间须在"),  # past year 9999 in UTC: could never be stored or read again
        ("0001-01-01T00:00:00+14:00", "时间须在"),
        ("2101-01-01T00:00:00+00:00", "时间须在"),
        ("2026-03-01T08:00:00", "时间格式应为带时区"),
        (1700000000, "时间格式应为带时区"),
        ("2026-03-01T08:00:00+25:00", "不是有效时间"),
    ],
)
def test_an_instant_without_zone_or_outside_the_window_is_refused(raw, reason):
    class _I(Command):
        at: Instant

    with pytest.raises(InvalidInput) as caught:
        _I.parse({"at": raw})
    assert _fields(caught)["at"].startswith(reason)


@pytest.mark.parametrize(
    "field, value",
    [("year", 2**40), ("year", 1999), ("page", 0), ("page", 2**70), ("row", 2**63), ("row", 0)],
)
def test_numbers_are_bounded_by_what_their_columns_hold(field, value):
    class _N(Command):
        year: FiscalYear = 2026
        page: PageNumber = 1
        row: RowId = 1

    with pytest.raises(InvalidInput) as caught:
        _N.parse({field: value})
    assert set(_fields(caught)) == {field}


def test_enum_errors_list_the_choices_in_chinese():
    from typing import Literal

    class _E(Command):
        decision: Literal["approve", "reject"]

    with pytest.raises(InvalidInput) as caught:
        _E.parse({"decision": "maybe"})
    assert _fields(caught) == {"decision": "取值不在允许范围内（可选：approve、reject）"}


def test_details_keep_their_json_types_across_nameko():
    details = {"allowed": False, "warning": None, "version": 1, "ids": [3, 4], "rate": 0.5, "amount": Decimal("1.50")}
    sent = serialize(Conflict("risk_ack_required", "须确认风险预警", details))
    received = deserialize(sent)  # another service, or the gateway, rebuilds it
    assert isinstance(received, Conflict) and received.http_status == 409
    assert received.details == {**details, "amount": "1.50"}
    # ... and again through a second hop
    again = deserialize(serialize(received))
    assert again.details == received.details and again.code == "risk_ack_required"


def test_a_domain_error_still_reads_as_before_in_python():
    exc = DomainError("x", "消息", {"a": 1}, 418)
    assert (exc.code, exc.message, exc.details, exc.http_status) == ("x", "消息", {"a": 1}, 418)
    assert DomainError("x", "消息").details == {}


class _Entrypoint(GuardedRpc):
    """The guard alone: nameko's signature check against a plain function."""

    def __init__(self):  # no container: only check_signature is exercised
        pass

    method_name = "get_line"

    @property
    def container(self):
        class _C:
            service_cls = type("S", (), {"get_line": lambda self, budget_line_id: None})

        return _C()


def test_the_rpc_entrypoint_refuses_control_characters_in_any_argument():
    entry = _Entrypoint()
    entry.check_signature((), {"budget_line_id": "2026-DZB-01"})
    with pytest.raises(InvalidInput) as caught:
        entry.check_signature((), {"budget_line_id": "2026\x00"})
    assert _fields(caught) == {"budget_line_id": "不能包含控制字符"}
    with pytest.raises(InvalidInput):
        entry.check_signature(("x\x00",), {})


def test_isolated_work_answers_refuses_and_times_out():
    # Generous limits where the child should finish: a loaded machine starts a Python process slowly.
    assert run_isolated("tests.unit.test_bounded_inputs:_echo_length", b"abc", timeout_s=300) == 3
    with pytest.raises(Refused, match="太短"):
        run_isolated("tests.unit.test_bounded_inputs:_echo_length", b"", timeout_s=300)
    with pytest.raises(Refused, match="无法读取"):  # a crash tells nothing of its insides
        run_isolated("tests.unit.test_bounded_inputs:_crash", b"x", timeout_s=300)
    with pytest.raises(TimedOut, match="超时"):
        run_isolated("tests.unit.test_bounded_inputs:_forever", b"x", timeout_s=2)


def _echo_length(data: bytes) -> int:
    if not data:
        raise Refused("太短")
    return len(data)


def _crash(data: bytes) -> None:
    raise RuntimeError("internal detail")


def _forever(data: bytes) -> None:
    while True:
        pass
