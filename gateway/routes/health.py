"""Liveness, readiness and Prometheus metrics: outside /api, without a token."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from gateway.client_address import client_address, within
from gateway.rpc import Rpc, request_context
from ic_platform import metrics
from ic_platform.config import SERVICES
from ic_platform.rpc_client import RemoteError, RpcTimeout, ServiceUnavailable

router = APIRouter(tags=["health"])

PING_TIMEOUT_S = 2.0


@router.get("/healthz", summary="存活检查（进程在运行，不访问任何依赖）")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="就绪检查（消息代理已连接，且各服务均能应答）",
    responses={503: {"description": "未就绪：列出失败的服务"}},
)
async def readyz(request: Request) -> JSONResponse:
    client = request.app.state.rpc
    rpc = Rpc(client, request_context(request, None), PING_TIMEOUT_S)
    answers = await asyncio.gather(*(_ping(rpc, service) for service in SERVICES))
    services = dict(zip(SERVICES, answers, strict=True))
    broker = "ok" if client.connected else "down"
    ready = broker == "ok" and all(answer == "ok" for answer in answers)
    metrics.set_ready("gateway", ready)
    body: dict[str, Any] = {"status": "ok" if ready else "unready"}
    if _operator(request):  # which service is down tells an outsider too much: the details for IC_OPS_ALLOW only
        body.update(broker=broker, services=services)
    return JSONResponse(body, status_code=200 if ready else 503)


def _operator(request: Request) -> bool:
    return within(client_address(request), request.app.state.settings.ops_allow)


async def _ping(rpc: Rpc, service: str) -> str:
    try:
        await rpc.call(service, "ping")
    except RpcTimeout:
        return "timeout"
    except ServiceUnavailable:
        return "unavailable"
    except (RemoteError, Exception):  # whatever else went wrong, the answer is "not ready", not a 500
        return "error"
    return "ok"


@router.get(
    "/metrics",
    summary="Prometheus 监控指标（仅限 IC_OPS_ALLOW 所列地址）",
    response_class=Response,
    responses={404: {"description": "不在 IC_OPS_ALLOW 所列地址之内"}},
)
async def prometheus_metrics(request: Request) -> Response:
    if not _operator(request):
        return JSONResponse({"error": {"code": "not_found", "message": "资源不存在", "details": {}}}, status_code=404)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
