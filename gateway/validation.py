"""FastAPI's validation errors, told in Chinese and by field name (`amount`, not `body.amount`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The wording the services' commands use; the gateway adds what only HTTP input can get wrong.
from ic_platform.commands import _REASONS as COMMAND_REASONS

_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_REASONS = {
    **COMMAND_REASONS,
    "int_type": "必须是整数", "int_from_float": "必须是整数", "bool_type": "必须是是/否",
    "string_pattern_mismatch": "格式不正确", "uuid_parsing": "必须是有效的 UUID", "uuid_type": "必须是有效的 UUID",
    "model_type": "必须是 JSON 对象", "model_attributes_type": "必须是 JSON 对象", "dict_type": "必须是 JSON 对象",
    "json_invalid": "请求体不是有效的 JSON", "decimal_parsing": "不是有效数字", "list_type": "必须是列表",
}
_BOUNDS = {"greater_than_equal": ("ge", "不能小于{}"), "less_than_equal": ("le", "不能大于{}"),
           "greater_than": ("gt", "必须大于{}"), "less_than": ("lt", "必须小于{}")}


def describe(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"field": field_name(err), "reason": reason(err)} for err in errors]


def field_name(err: dict[str, Any]) -> str:
    loc = list(err.get("loc") or ())
    if loc and loc[0] in _LOCATIONS:
        loc = loc[1:]
    if err.get("type") == "json_invalid":
        loc = []  # its loc ends in a character position, not a field
    return ".".join(str(part) for part in loc) or "(body)"


def reason(err: dict[str, Any]) -> str:
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
    return _REASONS.get(kind, "取值无效")
