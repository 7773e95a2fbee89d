"""One private copy of the whole system for the integration tests: a throwaway vhost, throwaway databases
(seeded with the demo organisation) and free ports; the demo data of `make run` is never touched."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.stack import ThrowawayStack

LOG_ROOT = Path(__file__).resolve().parents[2] / "var" / "test-logs"


@pytest.fixture(scope="session")
def stack() -> Iterator[ThrowawayStack]:
    s = ThrowawayStack()
    s.log_dir = str(LOG_ROOT / s.name)
    os.makedirs(s.log_dir, exist_ok=True)
    with open(Path(s.log_dir) / "all.log", "w", encoding="utf-8") as log:
        s.create()
        try:
            s.start(stream=log)
            yield s
        finally:
            s.destroy()


class Api:
    """A signed-in user's HTTP client against the gateway."""

    def __init__(self, base_url: str, username: str | None = None, password: str = "demo1234"):
        self.http = httpx.Client(base_url=base_url, timeout=15)
        self.username = username
        if username:
            response = self.http.post("/api/v1/auth/login", json={"username": username, "password": password})
            assert response.status_code == 200, response.text
            body = response.json()
            self.user = body["user"]
            self.http.headers["Authorization"] = f"Bearer {body['access_token']}"

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.post(path, **kw)


@pytest.fixture(scope="session")
def login(stack: ThrowawayStack) -> Callable[[str], Api]:
    cache: dict[str, Api] = {}

    def _login(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(stack.base_url, username)
        return cache[username]

    return _login


def eventually(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll until `check` returns something truthy (events are asynchronous); fail with its last answer."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"not true after {timeout}s; last answer: {last!r}")


def assessed(api: Api, task_id: str, timeout: float = 30.0) -> dict | None:
    """Wait until risk has assessed the task's round (until then deciding it answers 409
    risk_assessment_pending) and return the task as its approver sees it. None at once for a caller who may not
    open the task: their decision is refused for that before the assessment matters."""

    def check() -> dict | None:
        response = api.get(f"/api/v1/approval/tasks/{task_id}")
        if response.status_code != 200:
            return {"unreadable": response.status_code}
        body = response.json()
        return body if body["risk_assessment"]["status"] != "pending" else None

    found = eventually(check, timeout)
    return None if "unreadable" in found else found
