"""Shared by the route modules. Each router carries the full prefix itself rather than getting it from
include_router: FastAPI (0.165) keeps an included route's own path in scope["route"], and the request
metrics are labelled by that template."""

from __future__ import annotations

from fastapi import APIRouter

API_PREFIX = "/api/v1"


def api_router(tag: str, prefix: str = "", **kwargs) -> APIRouter:  # noqa: ANN003 - APIRouter's own kwargs
    return APIRouter(prefix=API_PREFIX + prefix, tags=[tag], **kwargs)
