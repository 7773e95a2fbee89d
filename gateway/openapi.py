"""The error answers of every route, in the OpenAPI document, derived from what the route is made of, so that a
new route is documented without anyone writing its errors down:

| status | documented when |
|---|---|
| 401 | the route needs a signed-in user (depends on `current_user`) |
| 403 | a dependency checks a role, or the route changes something through a service (services refuse the wrong
|     | person: not the initiator, not the assignee, segregation of duties) |
| 404 | the path names something (an id), or the route changes something through a service (a named line or user) |
| 413 | the route takes a body (gateway.limits) |
| 409 | the route changes something through a service (the document's state forbids it) |
| 422 | every route under /api (input refused by the gateway or the service) |
| 428 | a creating POST (status 201, or a route depending on `idempotency_key_required`): it needs an
|     | Idempotency-Key |
| 503, 504 | the route calls a service (down, or too slow) |

A route or dependency that answers something else (a 413, a 415, a 401 at sign-in, a 403 decided inline)
says so with `@answers(status, ...)`. Every error answer has the one error body, `ErrorBody`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

F = TypeVar("F", bound=Callable[..., Any])

DESCRIPTIONS = {
    401: "未登录或登录已失效",
    403: "没有权限：角色不符，或不是该单据的申请人、当前审批人，或违反职责分离规则",
    404: "资源不存在（或不在本人的数据权限范围内）",
    409: "状态冲突：单据当前状态不允许此操作，或与已有记录冲突",
    413: "上传的文件过大",
    415: "上传的文件类型不受支持",
    422: "输入有误：details.fields 逐项列出字段及原因",
    428: "缺少 Idempotency-Key 请求头（创建类请求必须提供，防止重复提交）",
    429: "请求过于频繁，请稍后再试",
    503: "服务暂不可用，请稍后重试",
    504: "服务响应超时，请稍后重试",
}
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
_ANSWERS = "__ic_answers__"
_WHY = "__ic_answers_why__"


class ErrorDetail(BaseModel):
    code: str = Field(description="稳定的错误代码，如 budget_insufficient")
    message: str = Field(description="给用户看的中文说明")
    details: dict[str, Any] = Field(description="供程序使用的细节，如 fields（字段及原因）、trace_id")


class ErrorBody(BaseModel):
    """Every error answer: `{"error": {"code", "message", "details"}}`."""

    error: ErrorDetail


def answers(*statuses: int, why: dict[int, str] | None = None) -> Callable[[F], F]:
    """Mark a route's endpoint or a dependency as answering these statuses too (see the module's table);
    `why` says, for this route, what a status means beyond the general description (e.g. the error codes)."""

    def mark(fn: F) -> F:
        setattr(fn, _ANSWERS, frozenset(getattr(fn, _ANSWERS, frozenset())) | frozenset(statuses) | set(why or ()))
        setattr(fn, _WHY, {**getattr(fn, _WHY, {}), **(why or {})})
        return fn

    return mark


def described(route: APIRoute, status: int) -> str:
    """The route's own words for a status (`answers(why=...)`), after the general description."""
    general = DESCRIPTIONS.get(status, "错误")
    calls = {d.call for d in _dependants(route.dependant) if d.call is not None} | {route.endpoint}
    own = [getattr(c, _WHY, {}).get(status) for c in calls]
    return "；".join([general, *sorted(w for w in own if w)])


def statuses_of(route: APIRoute) -> set[int]:
    """The error statuses a route can answer (see the module's table)."""
    calls = {d.call for d in _dependants(route.dependant) if d.call is not None}
    named = set().union(*(getattr(c, _ANSWERS, ()) for c in calls | {route.endpoint}))
    uses_service = any(getattr(c, "__name__", "") in ("user_rpc", "anonymous_rpc") for c in calls)
    changes = uses_service and bool(route.methods & MUTATING)
    statuses = {422, *named}
    if any(getattr(c, "__name__", "") == "current_user" for c in calls):
        statuses.add(401)
    if uses_service:
        statuses |= {503, 504}
    if changes:
        statuses |= {403, 404, 409}
    if route.dependant.path_params:
        statuses.add(404)
    if route.body_field is not None:
        statuses.add(413)  # gateway.limits
    creates = "POST" in route.methods and route.status_code == 201
    if creates or any(getattr(c, "__name__", "") == "idempotency_key_required" for c in calls):
        statuses.add(428)
    return statuses


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def install(app: FastAPI, routes: Iterable[APIRoute]) -> None:
    """Generate the app's OpenAPI document with every route's error answers (routes under /api only)."""
    routes = [r for r in routes if isinstance(r, APIRoute)]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(_base(app), routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _base(app: FastAPI) -> dict[str, Any]:
    return get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )


def document_errors(schema: dict[str, Any], routes: list[APIRoute]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(_error_schemas())
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for route in routes:
        if not route.include_in_schema or not route.path.startswith("/api/"):
            continue
        statuses = statuses_of(route)
        for method in route.methods:
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses[str(status)] = {
                    "description": described(route, status),
                    "content": {"application/json": {"schema": ref}},
                }
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's own 422 body, replaced above
        components.pop(unused, None)
    return schema


def _error_schemas() -> dict[str, Any]:
    schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {"ErrorBody": schema, **definitions}
