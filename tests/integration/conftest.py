"""What the integration tests share: a signed-in user's client (`Api`), `eventually`, and the fixtures of the
contract payment tests (`supplier`, `deal`: each module that asks gets its own). The private copy of the whole
system they run against (`stack`, `login`, `rpc`) is in tests/conftest.py, shared with tests/security."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

LOG_ROOT = Path(__file__).resolve().parents[2] / "var" / "test-logs"


class Session(httpx.Auth):
    """The bearer of a signed-in user; an access token lives 15 minutes, a session longer: on a 401 for an
    expired token the refresh token is exchanged once for a new pair and the request sent again."""

    # Not True: that would read every body before answering, and a stream (SSE) has no end. A 401's body is
    # read below: its reason tells an expired token from a refused one.
    requires_response_body = False

    def __init__(self, base_url: str, body: dict[str, Any]):
        self.base_url, self.access, self.refresh = base_url, body["access_token"], body["refresh_token"]

    def auth_flow(self, request: httpx.Request):  # noqa: ANN201 - httpx's generator protocol
        request.headers["Authorization"] = f"Bearer {self.access}"
        response = yield request
        if response.status_code != 401:
            return
        response.read()
        if _expired(response):
            answer = httpx.post(f"{self.base_url}/api/v1/auth/refresh", json={"refresh_token": self.refresh})
            if answer.status_code == 200:
                self.access, self.refresh = answer.json()["access_token"], answer.json()["refresh_token"]
                request.headers["Authorization"] = f"Bearer {self.access}"
                yield request


def _expired(response: httpx.Response) -> bool:
    try:
        return response.json()["error"]["details"].get("reason") == "expired"
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


class Api:
    """A signed-in user's HTTP client against the gateway."""

    def __init__(self, base_url: str, username: str | None = None, password: str = "demo1234", **client: Any):
        self.http = httpx.Client(base_url=base_url, timeout=15, **client)
        self.username = username
        if username:
            response = self.http.post("/api/v1/auth/login", json={"username": username, "password": password})
            assert response.status_code == 200, response.text
            body = response.json()
            self.user = body["user"]
            self.session = Session(base_url, body)
            self.http.auth = self.session

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        """A POST with a fresh Idempotency-Key unless one is given (creating POSTs answer 428 without one); a
        test of the header itself uses `self.http.post`."""
        headers = dict(kw.pop("headers", None) or {})
        if not any(k.lower() == "idempotency-key" for k in headers):
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return self.http.post(path, headers=headers, **kw)


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


@pytest.fixture(scope="module")
def supplier(login):
    """A supplier of the registry with one registered bank account (finance records accounts)."""
    from tests.integration.test_payments import API, new_credit_code

    name = f"闽江办公设备有限公司{uuid.uuid4().hex[:4]}"
    code = new_credit_code()
    body = {"credit_code": code, "name": name, "legal_representative": "林森"}
    registered = login("clerk").post(f"{API}/suppliers", json=body)
    assert registered.status_code == 201, registered.text
    s = registered.json()
    account = f"62220202{random.randrange(10**11):011d}"
    change = {
        "change": "add",
        "account": {"bank_name": "中国工商银行福州分行", "account_name": name, "account_no": account},
        "reason": "供应商提供开户许可证",
    }
    added = login("finance").post(f"{API}/suppliers/{s['id']}/accounts", json=change)
    assert added.status_code == 200, added.text
    return {"id": s["id"], "name": name, "credit_code": code, "account_no": account}


@pytest.fixture(scope="module")
def deal(stack, login, rpc, supplier):
    """A signed 36,000.00 contract: 30 % on signing, 65 % on acceptance, 5 % retention after the warranty;
    drafted by clerk, purchased by head."""
    from tests.integration.budget_docs import new_line
    from tests.integration.test_contracts import approve, approved_application, contract, draft_body, publish_award
    from tests.integration.test_payments import API, MILESTONES

    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "420000.00")
    app = approved_application(clerk, head, "40000.00", line_id)
    award_id = publish_award(stack, app["document"], "36000.00", supplier["id"], line_id)
    body = draft_body(award_id, supplier["id"], "36000.00", milestones=MILESTONES, warranty_end="2027-12-31")
    body["purchaser"] = "head"

    def drafted():
        response = clerk.post(f"{API}/contracts", json=body)
        return response if response.status_code != 422 else None

    response = eventually(drafted)
    assert response.status_code == 201, response.text
    c = response.json()
    assert [m["amount"] for m in c["milestones"]] == ["10800.00", "23400.00", "1800.00"]
    assert clerk.post(f"{API}/contracts/{c['id']}/submit").status_code == 200
    approve(head, c["id"])
    eventually(lambda: contract(clerk, c["id"])["status"] == "approved")
    signed = clerk.post(f"{API}/contracts/{c['id']}/sign", json={"signed_on": "2026-03-10"})
    assert signed.status_code == 200, signed.text
    return {"contract": signed.json(), "line_id": line_id}
