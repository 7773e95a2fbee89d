"""Every failure leaves the gateway as `{"error": {"code", "message", "details"}}` with a Chinese message.

Domain errors raised by a service arrive as nameko RemoteErrors whose exc_args are DomainError's args
(code, message, details as JSON text, status), so they are rebuilt here without importing the service. Anything else
that went wrong remotely is an internal error: its text stays in the log, the caller gets a trace id.

An outage (the broker unreachable, a service silent past the RPC timeout, a service's database down) is a 503
with Retry-After, whichever it was: the caller may send the same request again (creating POSTs carry an
Idempotency-Key, so a retry never creates twice) and is never left waiting longer than the RPC timeout."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.validation import describe, labelled
from ic_platform.errors import details_from_wire
from ic_platform.rpc_client import RemoteError, RpcTimeout, ServiceUnavailable
from ic_platform.tracing import current_trace_id

log = logging.getLogger(__name__)
# 409s that mean "not yet" rather than "no": the same request sent again later gets its answer.
NOT_YET = frozenset({"idempotency_request_in_progress", "risk_assessment_pending"})
RETRY_AFTER_S = 2  # seconds: a service restarts, a broker or database connection comes back, in a few

# exc_type (the class name nameko sends) → the status its class stands for, when exc_args lack one.
DOMAIN_TYPES = {"DomainError": 400, "NotFound": 404, "Conflict": 409, "InvalidInput": 422, "Forbidden": 403}
# Subclasses of DomainError declared by the services carry another class name; their module gives them away.
_DOMAIN_MODULES = ("ic_platform.errors.", "services.")

_HTTP = {
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "没有权限执行此操作"),
    413: ("request_too_large", "请求体过大"),
}


class ApiError(Exception):
    """An answer the gateway decides itself (auth, roles, unknown service, bad header)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(code, message)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}
        self.headers = headers

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.details, self.headers)


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    if status == 503 or code in NOT_YET:  # every "not now" says when to try again
        headers = {"Retry-After": str(RETRY_AFTER_S), **(headers or {})}
    return JSONResponse(body, status_code=status, headers=headers)


def internal_error(details: dict[str, Any] | None = None) -> ApiError:
    return ApiError(500, "internal_error", "服务内部错误", {**(details or {}), "trace_id": current_trace_id()})


def domain_error(exc: RemoteError) -> ApiError | None:
    """The DomainError a service raised, or None when the remote failure was not a domain error."""
    args = list(exc.exc_args)
    # DomainError's args are (code, message, details, status); a same-named class from elsewhere is not one.
    shaped = len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str)
    if not shaped or not (exc.exc_type in DOMAIN_TYPES or exc.exc_path.startswith(_DOMAIN_MODULES)):
        return None
    code, message, details, status = (args + [None] * 4)[:4]
    status = _status(status) or DOMAIN_TYPES.get(exc.exc_type, 400)
    return ApiError(status, code or "domain_error", message or "请求未能完成", details_from_wire(details))


def _status(value: Any) -> int | None:
    """nameko sends every non-string arg as text, so the status arrives as "409", not 409."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text.isdigit() and 400 <= int(text) <= 599 else None


def from_remote(exc: RemoteError) -> ApiError:
    mapped = domain_error(exc)
    if mapped is not None:
        return mapped
    # exc.value may hold internals (SQL, paths), and so may the class's name: they go to the log only.
    log.error("remote error %s (%s): %s", exc.exc_type, exc.exc_path, exc.value)
    return internal_error()


async def _on_api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return exc.response()


async def _on_remote(_request: Request, exc: RemoteError) -> JSONResponse:
    return from_remote(exc).response()


async def _on_timeout(_request: Request, exc: RpcTimeout) -> JSONResponse:
    # 503, not 504: to the client it is the same outage (try again later), and it may have run: the retry with
    # the same Idempotency-Key gets the first answer.
    log.warning("rpc timeout: %s", exc)
    return error_response(503, "upstream_timeout", "服务响应超时，请稍后重试", {"trace_id": current_trace_id()})


async def _on_unavailable(_request: Request, exc: ServiceUnavailable) -> JSONResponse:
    log.warning("service unavailable: %s", exc)
    return error_response(503, "service_unavailable", "服务暂不可用，请稍后重试", {"trace_id": current_trace_id()})


def invalid_input(fields: list[dict[str, str]], labels: dict[str, str] | None = None) -> ApiError:
    """422 naming each field, worded like ic_platform.commands.invalid_input so both sides read alike; a field
    with a Chinese name (`labels`) is named by it too: "出席人员（attendees）: 至少 3 项"."""
    labels = labels or {}
    named = (f"{labels[f['field']]}（{f['field']}）" if f["field"] in labels else f["field"] for f in fields[:3])
    summary = "；".join(f"{name}: {f['reason']}" for name, f in zip(named, fields, strict=False))
    return ApiError(422, "invalid_input", f"输入有误：{summary}", {"fields": fields})


async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    fields = describe(exc.errors())
    return invalid_input(fields, labelled(request, fields)).response()


async def _on_http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400:  # FastAPI's word for a body it cannot even decode (not UTF-8): input, like bad JSON
        return invalid_input([{"field": "(body)", "reason": "请求体不是有效的 JSON（须为 UTF-8 编码）"}]).response()
    code, message = _HTTP.get(exc.status_code, (f"http_{exc.status_code}", "请求无法处理"))
    return error_response(exc.status_code, code, message, {}, getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RemoteError, _on_remote)
    app.add_exception_handler(RpcTimeout, _on_timeout)
    app.add_exception_handler(ServiceUnavailable, _on_unavailable)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
