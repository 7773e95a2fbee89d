"""FastAPI's validation errors, told in Chinese and by field name (`amount`, not `body.amount`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ic_platform.commands import reason

_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def describe(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"field": field_name(err), "reason": reason(err)} for err in errors]


def field_name(err: dict[str, Any]) -> str:
    loc = list(err.get("loc") or ())
    if loc and loc[0] in _LOCATIONS:
        loc = loc[1:]
    if err.get("type") == "json_invalid":
        loc = []  # its loc ends in a character position, not a field
    return ".".join(str(part) for part in loc) or "(body)"
