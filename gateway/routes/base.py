"""Shared by the route modules. Each router carries the full prefix itself rather than getting it from
include_router: FastAPI (0.165) keeps an included route's own path in scope["route"], and the request
metrics are labelled by that template."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from gateway.validation import refuse_control_characters

API_PREFIX = "/api/v1"


def api_router(tag: str, prefix: str = "", dependencies: list | None = None, **kwargs) -> APIRouter:  # noqa: ANN003
    """A router of /api routes; every one of them refuses control characters in its input first."""
    guards = [Depends(refuse_control_characters), *(dependencies or [])]
    return APIRouter(prefix=API_PREFIX + prefix, tags=[tag], dependencies=guards, **kwargs)
