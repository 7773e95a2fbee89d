"""One private copy of the whole system for the integration and security tests: a throwaway vhost, throwaway
databases (seeded with the demo organisation), its own signing key and free ports; the demo data of `make run` is
never touched. One per pytest session, whichever folders it runs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deploy.stack import ThrowawayStack, test_keys
from ic_platform.config import reload_settings
from ic_platform.rpc_client import RpcClient
from tests.integration.conftest import LOG_ROOT, Api

RISK_UNIT_WIDE_OFF = {
    "IC_RISK_ACROSS_LINES_THRESHOLD": "999999999999.00",
    "IC_RISK_SMALL_PARTS_THRESHOLD": "999999999999.00",
}

test_keys()  # before any test signs an identity or starts a process beside a stack


@pytest.fixture
def ic_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Sets IC_* variables for one test, as a deployment would: the process's settings (read once, cached) are
    read again, and again once the test has put the environment back."""

    def put(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        reload_settings()

    yield put
    monkeypatch.undo()
    reload_settings()


@pytest.fixture(scope="session")
def stack() -> Iterator[ThrowawayStack]:
    s = ThrowawayStack()
    # Risk's unit-wide split rules would add up the parts of all the tests sharing a unit (docs/risk-rules.md,
    # split_across_lines): out of reach here; test_risk_split_rules.py sets a version for its day and puts it back.
    s.service_env.setdefault("risk", {}).update(RISK_UNIT_WIDE_OFF)
    s.log_dir = str(LOG_ROOT / s.name)
    os.makedirs(s.log_dir, exist_ok=True)
    with open(Path(s.log_dir) / "all.log", "w", encoding="utf-8") as log:
        s.create()
        try:
            s.start(stream=log)
            yield s
        finally:
            s.destroy()


@pytest.fixture(scope="module")
def rpc(stack: ThrowawayStack) -> Iterator[RpcClient]:
    """Direct RPC into the stack's services (a module's own client), for what no HTTP route offers."""
    client = RpcClient(stack.settings.amqp_uri, name="test")
    client.start()
    yield client
    client.stop()


@pytest.fixture(scope="session")
def login(stack: ThrowawayStack) -> Callable[[str], Api]:
    cache: dict[str, Api] = {}

    def _login(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(stack.base_url, username)
        return cache[username]

    return _login
