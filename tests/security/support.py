"""Helpers of the security suite: clients that connect from another loopback address (a caller reaching the
gateway directly, not through the trusted proxy 127.0.0.1), throwaway accounts, tokens as an attacker makes them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from ic_platform.rpc_client import RpcClient
from tests.integration.identity import rpc_context

ADMIN = rpc_context("admin", "dzb", ["admin"])
STRONG = "Xinqiao-budget-2026"


def direct_client(stack, address: str = "127.0.0.2", **kw: Any) -> httpx.Client:  # noqa: ANN001
    """An HTTP client whose requests come from `address` (any 127.x.y.z reaches the gateway on 127.0.0.1)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=stack.base_url, timeout=30, transport=transport, **kw)


def new_account(rpc: RpcClient, roles: tuple[str, ...] = ("clerk",), password: str = STRONG, unit: str = "dzb") -> str:
    username = f"sec_{uuid.uuid4().hex[:10]}"
    register(rpc, username, roles, password, unit)
    return username


def register(rpc: RpcClient, username: str, roles: tuple[str, ...], password: str = STRONG, unit: str = "dzb") -> None:
    user = {"username": username, "full_name": "安全测试", "unit": unit, "roles": list(roles), "password": password}
    rpc.call("org", "register_user", user, context=ADMIN, timeout=30)


def sign_in(http: httpx.Client, username: str, password: str = STRONG) -> httpx.Response:
    return http.post("/api/v1/auth/login", json={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
