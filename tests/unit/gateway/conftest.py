"""A fake RpcClient and an app built around it: the gateway's tests need no broker."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import tempfile
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.auth import User, issue_token
from ic_platform import keys
from ic_platform.config import settings as load_settings
from ic_platform.rpc_client import ServiceUnavailable

# The unit tests' own key pair (no key exists by default anywhere).
SIGNING_KEY_FILE, VERIFY_KEY_FILE = (str(p) for p in keys.generate(tempfile.mkdtemp(prefix="ic-gw-unit-keys-")))
CLERK = User(username="clerk", name="李晓敏", unit="dzb", roles=("clerk",), org="xinqiao")
ADMIN = User(username="admin", name="系统管理员", unit="dzb", roles=("admin",), org="xinqiao")


@dataclasses.dataclass
class Call:
    service: str
    method: str
    kwargs: dict[str, Any]
    context: dict[str, Any]
    timeout: float | None


class FakeRpc:
    """Records every call; answers from `on(...)`: a value, an exception to raise, or fn(kwargs).
    A method nobody set up behaves like a service that is not deployed."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.answers: dict[tuple[str, str], Any] = {}
        self.connected = True
        self.started = self.stopped = 0

    def start(self) -> None:
        self.started += 1

    def stop(self) -> None:
        self.stopped += 1

    def on(self, service: str, method: str, answer: Any) -> FakeRpc:
        self.answers[(service, method)] = answer
        return self

    def calls_to(self, service: str, method: str) -> list[Call]:
        return [c for c in self.calls if (c.service, c.method) == (service, method)]

    async def call_async(
        self,
        service: str,
        method: str,
        kwargs: dict | None = None,
        *,
        args: list | None = None,
        timeout: float | None = None,
        context: dict | None = None,
    ) -> Any:
        self.calls.append(Call(service, method, dict(kwargs or {}), dict(context or {}), timeout))
        if (service, method) not in self.answers:
            raise ServiceUnavailable(f"no consumer for {service}.{method}")
        answer = self.answers[(service, method)]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer(kwargs or {})
            if inspect.isawaitable(answer):
                answer = await answer
        return copy.deepcopy(answer)


@pytest.fixture
def cfg():
    return unit_settings()


def unit_settings():
    return load_settings().with_(
        signing_key_file=SIGNING_KEY_FILE,
        verify_key_file=VERIFY_KEY_FILE,
        rpc_timeout_s=3.5,
        env_name="test",
        ops_allow=("testclient", "127.0.0.1"),  # TestClient's peer is an operator here
    )


@pytest.fixture
def fake() -> FakeRpc:
    return FakeRpc()


class KeyedClient(TestClient):
    """Every POST carries a fresh Idempotency-Key unless the test gives one, as a well-behaved client does
    (creating POSTs answer 428 without one). `request("POST", ...)` sends none."""

    def post(self, url: Any, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        if not any(k.lower() == "idempotency-key" for k in headers):
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return super().post(url, headers=headers, **kwargs)


@pytest.fixture
def client(fake, cfg):
    with KeyedClient(create_app(rpc=fake, settings=cfg), raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(user: User = CLERK, session: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, unit_settings(), session=session)}"}


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def fields(response) -> dict[str, str]:
    return {f["field"]: f["reason"] for f in response.json()["error"]["details"]["fields"]}
