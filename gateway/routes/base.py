"""Shared by the route modules. Each router carries the full prefix itself rather than getting it from
include_router: FastAPI (0.165) keeps an included route's own path in scope["route"], and the request
metrics are labelled by that template."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from gateway.errors import ApiError, domain_error
from gateway.rpc import Rpc
from gateway.validation import refuse_control_characters
from ic_platform.rpc_client import RemoteError

API_PREFIX = "/api/v1"


def api_router(tag: str, prefix: str = "", dependencies: list | None = None, **kwargs) -> APIRouter:  # noqa: ANN003
    """A router of /api routes; every one of them refuses control characters in its input first."""
    guards = [Depends(refuse_control_characters), *(dependencies or [])]
    return APIRouter(prefix=API_PREFIX + prefix, tags=[tag], dependencies=guards, **kwargs)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What an Excel download route declares: `@router.get("/x.xlsx", summary=..., **EXCEL)`.
EXCEL: dict[str, Any] = {
    "response_class": Response,
    "responses": {200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}},
}


def xlsx_response(result: dict[str, Any], ascii_name: str, chinese_name: str | None = None) -> Response:
    """A workbook a service made (`content_base64`) as a download: an ASCII file name for old clients, the
    Chinese one (the service's `filename` unless given) for the rest (RFC 6266 filename*)."""
    chinese = quote(chinese_name or result["filename"])
    return Response(
        base64.b64decode(result["content_base64"]),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{chinese}"},
    )


async def with_route(
    rpc: Rpc, document_type: str, document_id: str, document_call: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    """The document and its approval route, asked together; the document's own failure comes first."""
    document, route = await asyncio.gather(
        document_call, _route(rpc, document_type, document_id), return_exceptions=True
    )
    for outcome in (document, route):
        if isinstance(outcome, BaseException):
            raise outcome
    return {**document, "route": route}


async def _route(rpc: Rpc, document_type: str, document_id: str) -> dict[str, Any] | None:
    """None while approval has not routed the document yet (it answers 404)."""
    try:
        return await rpc.call("approval", "get_route", {"document_type": document_type, "document_id": document_id})
    except RemoteError as exc:
        mapped: ApiError | None = domain_error(exc)
        if mapped is not None and mapped.status == 404:
            return None
        raise
