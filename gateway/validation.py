"""FastAPI's validation errors, told in Chinese and by field name (`amount`, not `body.amount`), with the
field's Chinese name (from its description) in the message; and the refusal of control characters in any
path, query or JSON body value, before anything else looks at them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, get_args

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel

from ic_platform.commands import CONTROL_REASON, control_character_fields, reason

_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LABEL_END = re.compile(r"[（(，,：:；;。 ]")


def describe(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"field": field_name(err), "reason": reason(err)} for err in errors]


def field_name(err: dict[str, Any]) -> str:
    loc = list(err.get("loc") or ())
    if loc and loc[0] in _LOCATIONS:
        loc = loc[1:]
    if err.get("type") == "json_invalid":
        loc = []  # its loc ends in a character position, not a field
    return ".".join(str(part) for part in loc) or "(body)"


async def refuse_control_characters(request: Request) -> None:
    """A router dependency of every /api route: control characters (NUL, …) in a path segment, a query
    parameter or a JSON body are refused as 422 naming the field. The services refuse them too; this is the
    gateway's edge."""
    from gateway.errors import invalid_input  # errors imports this module

    fields = [
        *control_character_fields(dict(request.path_params)),
        *control_character_fields(dict(request.query_params.multi_items())),
        *control_character_fields(await _json_body(request)),
    ]
    if fields:
        raise invalid_input([{"field": f, "reason": CONTROL_REASON} for f in fields])


async def _json_body(request: Request) -> Any:
    route = request.scope.get("route")
    if getattr(route, "body_field", None) is None or "json" not in request.headers.get("content-type", "json"):
        return None
    try:
        return json.loads(await request.body())  # FastAPI reads the same (cached) body itself
    except ValueError:
        return None  # FastAPI tells the caller the body is not JSON


def labelled(request: Request, fields: list[dict[str, str]]) -> dict[str, str]:
    """field → its Chinese name, for the fields of this request's route that have one."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return {}
    names = _param_labels(route)
    out = {}
    for f in fields:
        label = names.get(f["field"]) or _body_label(route, f["field"].split("."))
        if label:
            out[f["field"]] = label
    return out


def _param_labels(route: APIRoute) -> dict[str, str]:
    out: dict[str, str] = {}
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        stack.extend(dependant.dependencies)
        for param in (*dependant.path_params, *dependant.query_params, *dependant.header_params):
            if label := label_of(param.field_info.description):
                out[param.alias] = label
    return out


def _body_label(route: APIRoute, path: list[str]) -> str | None:
    body = getattr(route, "body_field", None)
    model = getattr(getattr(body, "field_info", None), "annotation", None)
    label = None
    for part in path:
        if part.isdigit():
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        label = label_of(field.description)
        model = _model_in(field.annotation)
    return label


def _model_in(annotation: Any) -> Any:
    """The model a field holds, itself or in a list or an optional."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if (found := _model_in(arg)) is not None:
            return found
    return None


def label_of(description: str | None) -> str | None:
    """A field's Chinese name: its description up to the first bracket or punctuation, if that is Chinese."""
    head = _LABEL_END.split((description or "").strip(), maxsplit=1)[0]
    return head if head and _CJK.search(head) and len(head) <= 20 else None
