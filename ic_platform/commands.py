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

# How a validation failure is told to people. Commands and the gateway's HTTP input share this wording.
REASONS = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_type": "必须是文字",
    "int_parsing": "必须是整数",
    "bool_parsing": "必须是是/否",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "bool_type": "必须是是/否",
    "string_pattern_mismatch": "格式不正确",
    "uuid_parsing": "必须是有效的 UUID",
    "uuid_type": "必须是有效的 UUID",
    "model_type": "必须是 JSON 对象",
    "model_attributes_type": "必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "json_invalid": "请求体不是有效的 JSON",
    "decimal_parsing": "不是有效数字",
    "list_type": "必须是列表",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "不能小于{}"),
    "less_than_equal": ("le", "不能大于{}"),
    "greater_than": ("gt", "必须大于{}"),
    "less_than": ("lt", "必须小于{}"),
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
    fields = [
        {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "reason": reason(err)} for err in exc.errors()
    ]
    summary = "；".join(f"{f['field']}: {f['reason']}" for f in fields[:3])
    return InvalidInput("invalid_input", f"输入有误：{summary}", {"fields": fields})


def reason(err: dict[str, Any]) -> str:
    """One pydantic error, told in Chinese."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])  # our own validators (Money, comment) already speak Chinese
    if kind in _BOUNDS:
        key, text = _BOUNDS[kind]
        return text.format(ctx.get(key, ""))
    if kind in ("string_too_long", "too_long") and "max_length" in ctx:
        return f"过长（最多 {ctx['max_length']} 个字符）"
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return f"取值不在允许范围内（可选：{ctx['expected']}）"
    return REASONS.get(kind, "取值无效")
