"""Commands: the validated input of a handler. Unknown fields are refused (pydantic ignores them unless told),
money is parsed as a Decimal with at most two places, and a failure names the field, in Chinese.

Every input is bounded here, at the edge of the service, so that nothing reaches the database that it would
refuse with an error of its own (a 500): no control characters in any text (PostgreSQL refuses NUL outright),
amounts of exactly the documented form, days and instants within `DAY_MIN`..`DAY_MAX`, whole numbers within
what their columns hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from ic_platform.errors import InvalidInput
from ic_platform.money import MoneyError, money_str, parse_money

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; lone UTF-16 surrogates (they
# cannot be stored as UTF-8). Nobody types them, and NUL makes PostgreSQL fail the whole statement.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_REASON = "不能包含控制字符"
_MAX_DEPTH = 20

# Calendar days and instants the system deals in: budgets, meetings, delegations, reports. Outside this window
# a date is a typo or an attack (a delegation ending in year 9999 in UTC+14 cannot even be stored as UTC).
DAY_MIN, DAY_MAX = date(2000, 1, 1), date(2100, 12, 31)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
MAX_INT = 2**31 - 1  # PostgreSQL's integer
MAX_ID = 2**63 - 1  # PostgreSQL's bigint (bigserial row ids)
MAX_PAGE = 1_000_000


def _money(value: Any) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


def _day(value: Any) -> date:
    if isinstance(value, datetime):  # a datetime is a date too; a day is asked for
        raise ValueError("日期格式应为 YYYY-MM-DD，如 2026-03-01")
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValueError("不是有效日期") from None
    if not isinstance(value, date):
        raise ValueError("日期格式应为 YYYY-MM-DD，如 2026-03-01")
    if not DAY_MIN <= value <= DAY_MAX:
        raise ValueError(f"日期须在 {DAY_MIN.isoformat()} 至 {DAY_MAX.isoformat()} 之间")
    return value


def _instant(value: Any) -> datetime:
    if isinstance(value, str) and len(value) <= 40 and _INSTANT.fullmatch(value):
        try:
            value = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("不是有效时间") from None
    if not isinstance(value, datetime):
        raise ValueError("时间格式应为带时区的 ISO 8601，如 2026-03-01T08:00:00+08:00")
    if value.utcoffset() is None:
        raise ValueError("时间必须带时区，如 2026-03-01T08:00:00+08:00")
    # The year first: converting 9999-12-31T23:00-05:00 to UTC overflows.
    if not DAY_MIN.year <= value.year <= DAY_MAX.year:
        raise ValueError(f"时间须在 {DAY_MIN.isoformat()} 至 {DAY_MAX.isoformat()} 之间")
    value = value.astimezone(UTC)
    if not DAY_MIN <= value.date() <= DAY_MAX:
        raise ValueError(f"时间须在 {DAY_MIN.isoformat()} 至 {DAY_MAX.isoformat()} 之间")
    return value


Money = Annotated[Decimal, BeforeValidator(_money), PlainSerializer(money_str, return_type=str, when_used="json")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# A calendar day as "YYYY-MM-DD" (never a number: 0 is not 1970-01-01), within DAY_MIN..DAY_MAX.
Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "description": "日期，如 2026-03-01"}),
]
# An instant with its time zone, kept in UTC, within DAY_MIN..DAY_MAX.
Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "description": "带时区的时间，如 2026-03-01T08:00:00+08:00"}
    ),
]
FiscalYear = Annotated[int, Field(ge=DAY_MIN.year, le=DAY_MAX.year)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=200)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]

# How a validation failure is told to people. Commands and the gateway's HTTP input share this wording.
REASONS = {
    "missing": "必填",
    "missing_argument": "必填",
    "extra_forbidden": "不允许的字段",
    "unexpected_keyword_argument": "不允许的字段",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_type": "必须是文字",
    "string_unicode": "必须是文字",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "int_parsing_size": "数值超出允许范围",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "finite_number": "必须是有限的数字",
    "bool_parsing": "必须是是/否（true 或 false）",
    "bool_type": "必须是是/否（true 或 false）",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不正确",
    "uuid_parsing": "必须是有效的 UUID",
    "uuid_type": "必须是有效的 UUID",
    "uuid_version": "必须是有效的 UUID",
    "model_type": "必须是 JSON 对象",
    "model_attributes_type": "必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "list_type": "必须是列表",
    "tuple_type": "必须是列表",
    "set_type": "必须是列表",
    "json_invalid": "请求体不是有效的 JSON",
    "json_type": "必须是 JSON",
    "decimal_parsing": "不是有效数字",
    "decimal_type": "不是有效数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数位数过多",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "datetime_type": "时间格式应为带时区的 ISO 8601",
    "datetime_parsing": "时间格式应为带时区的 ISO 8601",
    "datetime_from_date_parsing": "时间格式应为带时区的 ISO 8601",
    "timezone_aware": "时间必须带时区",
    "union_tag_invalid": "取值不在允许范围内",
    "union_tag_not_found": "缺少类型字段",
    "is_instance_of": "类型不正确",
    "none_required": "必须为空",
    "frozen_instance": "不可修改",
    "url_parsing": "不是有效的网址",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "不能小于{}"),
    "less_than_equal": ("le", "不能大于{}"),
    "greater_than": ("gt", "必须大于{}"),
    "less_than": ("lt", "必须小于{}"),
}
_CHOICES = re.compile(r",\s*|\s+or\s+")  # pydantic lists a literal's values as "'a', 'b' or 'c'"


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        refuse_control_characters(data)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise invalid_input(exc) from None


def control_character_fields(value: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """The dotted paths of the texts (and keys) in a JSON-like value that hold a control character."""
    if len(path) > _MAX_DEPTH:
        return
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            yield ".".join(path) or "(body)"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            if CONTROL_CHARACTERS.search(name):
                yield ".".join((*path, "(key)")) if path else "(key)"
                continue
            yield from control_character_fields(item, (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from control_character_fields(item, (*path, str(index)))


def refuse_control_characters(data: Any) -> None:
    """Refuse, naming each field, a value whose texts hold control characters."""
    fields = [{"field": f, "reason": CONTROL_REASON} for f in control_character_fields(data)]
    if fields:
        raise invalid_fields(fields)


def invalid_fields(fields: list[dict[str, str]]) -> InvalidInput:
    summary = "；".join(f"{f['field']}: {f['reason']}" for f in fields[:3])
    return InvalidInput("invalid_input", f"输入有误：{summary}", {"fields": fields})


def invalid_input(exc: ValidationError) -> InvalidInput:
    fields = [
        {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "reason": reason(err)} for err in exc.errors()
    ]
    return invalid_fields(fields)


def reason(err: dict[str, Any]) -> str:
    """One pydantic error, told in Chinese."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])  # our own validators (Money, Day, comment) already speak Chinese
    if kind in _BOUNDS:
        key, text = _BOUNDS[kind]
        return text.format(ctx.get(key, ""))
    if kind in ("string_too_short",) and ctx.get("min_length", 1) > 1:
        return f"过短（至少 {ctx['min_length']} 个字符）"
    if kind in ("string_too_long", "too_long") and "max_length" in ctx:
        unit = "个字符" if kind == "string_too_long" else "项"
        return f"过长（最多 {ctx['max_length']} {unit}）"
    if kind == "too_short" and "min_length" in ctx:
        return f"至少 {ctx['min_length']} 项"
    if kind in ("literal_error", "enum") and "expected" in ctx:
        choices = [c.strip("'") for c in _CHOICES.split(str(ctx["expected"]))]
        return f"取值不在允许范围内（可选：{'、'.join(choices)}）"
    return REASONS.get(kind, "取值无效")
