"""Commands: the validated input of a handler. Unknown fields are refused (pydantic ignores them unless told),
money is parsed as a Decimal with at most two places, and a failure names the field, in Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StringConstraints,
    ValidationError,
)

from ic_platform.errors import InvalidInput
from ic_platform.money import MoneyError, money_str, parse_money


def _money(value: Any) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


Money = Annotated[Decimal, BeforeValidator(_money), PlainSerializer(money_str, return_type=str, when_used="json")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

_REASONS = {
    "missing": "必填", "extra_forbidden": "不允许的字段", "string_too_short": "不能为空",
    "string_too_long": "过长", "string_type": "必须是文字", "int_parsing": "必须是整数",
    "bool_parsing": "必须是是/否", "enum": "取值不在允许范围内", "literal_error": "取值不在允许范围内",
}


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise invalid_input(exc) from None


def invalid_input(exc: ValidationError) -> InvalidInput:
    fields = [{"field": ".".join(str(p) for p in err["loc"]) or "(body)",
               "reason": _reason(err)} for err in exc.errors()]
    summary = "；".join(f"{f['field']}: {f['reason']}" for f in fields[:3])
    return InvalidInput("invalid_input", f"输入有误：{summary}", {"fields": fields})


def _reason(err: dict[str, Any]) -> str:
    if err["type"] == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return _REASONS.get(err["type"], err["msg"])
