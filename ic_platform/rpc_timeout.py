"""A service calling another service over RPC waits at most IC_RPC_TIMEOUT_S (as the gateway does).

nameko's RpcProxy waits for its reply forever. A reply that never comes (the broker crashed between the request
and the answer, taking the caller's reply queue with it) would hold the calling worker for good, and enough such
workers starve the service. `bounded(proxy)` gives up after the timeout with Unavailable (a 503 to the client;
the work is idempotent and the retry or the caller's own redrive finishes it)."""

from __future__ import annotations

from typing import Any

import eventlet

from ic_platform.config import settings
from ic_platform.errors import Unavailable


class BoundedProxy:
    def __init__(self, proxy: Any, timeout: float):
        self._proxy, self._timeout = proxy, timeout

    def __getattr__(self, method: str):  # noqa: ANN204
        remote = getattr(self._proxy, method)

        def call(*args: Any, **kwargs: Any) -> Any:
            with eventlet.Timeout(self._timeout, False):
                return remote(*args, **kwargs)
            raise Unavailable(
                "service_unavailable",
                "服务暂不可用（下游服务响应超时），请稍后重试",
                {"method": method, "timeout_s": self._timeout},
            )

        return call


def bounded(proxy: Any, timeout: float | None = None) -> BoundedProxy:
    return BoundedProxy(proxy, settings().rpc_timeout_s if timeout is None else timeout)
