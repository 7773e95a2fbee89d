"""The FastAPI application: `uvicorn gateway.app:app`; tests build their own with `create_app(rpc=fake)`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway import clients, errors, openapi
from gateway.auth import RevokedSessions, check_keys
from gateway.limits import BodyLimit
from gateway.middleware import RequestMiddleware
from gateway.routes import ROUTERS, TAGS
from gateway.rpc import RpcClientLike
from gateway.signin_limits import AddressLimiter
from ic_platform.config import Settings
from ic_platform.config import settings as load_settings
from ic_platform.logs import setup_logging
from ic_platform.rpc_client import RpcClient
from ic_platform.tracing import setup_tracing

TITLE = "内部控制管理系统 API"
DESCRIPTION = (
    "街道办事处内部控制管理系统的对外接口：预算指标、事前申请、审批与关联查询。"
    "除登录外，所有 /api 接口都需要 `Authorization: Bearer <访问令牌>`。"
    '错误统一返回 `{"error": {"code", "message", "details"}}`。'
)

# FastAPI's own OpenTelemetry layer would open a second SERVER span (and meter/log) as soon as
# setup_tracing installs a provider; RequestMiddleware does that job with ic_platform's conventions.
NATIVE_TELEMETRY_OFF = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}

_observability_ready = False


def _setup_observability() -> None:
    """Once per process: the tracer provider can be set only once, and logging owns the root logger."""
    global _observability_ready
    if not _observability_ready:
        setup_logging("gateway")
        setup_tracing("gateway")
        _observability_ready = True


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    _setup_observability()
    check_keys(app.state.settings)
    rpc: RpcClientLike = app.state.rpc
    # start() waits (bounded) for the first connection attempt; keep the event loop free meanwhile.
    await asyncio.to_thread(rpc.start)
    try:
        yield
    finally:
        await asyncio.to_thread(rpc.stop)


def create_app(rpc: RpcClientLike | None = None, settings: Settings | None = None) -> FastAPI:
    cfg = settings or load_settings()
    app = FastAPI(
        title=TITLE,
        description=DESCRIPTION,
        version="0.1.0",
        openapi_tags=TAGS,
        lifespan=_lifespan,
        telemetry=NATIVE_TELEMETRY_OFF,
        # "/api/v1/budget-lines/" is no route: a 404, not a redirect to a route the caller did not name.
        redirect_slashes=False,
        # served by gateway.clients from the project's own copies of Swagger UI and ReDoc (no CDN)
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = cfg
    app.state.revoked_sessions = RevokedSessions()
    app.state.signin_limiter = AddressLimiter(cfg.signin_address_failures, cfg.signin_address_window_s)
    app.state.rpc = (
        rpc if rpc is not None else RpcClient(cfg.amqp_uri, name="gateway", default_timeout=cfg.rpc_timeout_s)
    )
    errors.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestMiddleware)
    for router in ROUTERS:
        app.include_router(router)
    openapi.install(app, [route for router in ROUTERS for route in router.routes])
    clients.install(app)  # last: its catch-all answers what no API route does
    return app


app = create_app()
