"""The drill's load: clerks submitting matter applications (each reserving on a budget line) and a unit head
approving them, through the gateway, as a real client would: a request that got no answer (503, a cut
connection) is sent again, a submission with the same Idempotency-Key, until it gets one.

Every attempt is recorded (when, how long, what status, whether a 503 said Retry-After), and every answer the
clients were given is kept, so the drill can check afterwards that each one is true in the databases."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

SUBMIT = "/api/v1/matter-applications"
GIVE_UP_AFTER_S = 90.0  # a client that got no answer for this long reports the operation unanswered


@dataclass(frozen=True)
class Attempt:
    op: str  # "submit" or "decide"
    started: float  # monotonic
    seconds: float
    status: int | None  # None: no HTTP answer (connection refused or reset, client timeout)
    retry_after: str | None = None
    code: str | None = None  # the error code of a 5xx, or the transport error's class


@dataclass
class Answers:
    """What the clients were told, to be checked against the databases."""

    accepted: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # application id → (line, amount)
    refused: int = 0  # budget_insufficient
    decided: set[str] = field(default_factory=set)  # task ids answered 200
    unanswered: int = 0
    other: list[str] = field(default_factory=list)  # any other final answer: a defect


@dataclass
class Lines:
    roomy: str  # never runs out: its submissions show when the system works again
    tight: str  # runs out part-way: reservations race for the last of it
    tight_amount: Decimal


class Load:
    def __init__(self, base_url: str, lines: Lines, *, clerks: int = 3, timeout_s: float = 30.0):
        self.base_url, self.lines, self.clerks, self.timeout_s = base_url, lines, clerks, timeout_s
        self.attempts: list[Attempt] = []
        self.answers = Answers()
        self._lock = threading.Lock()
        self._running = threading.Event()  # set: go; clear: finish the operation in hand, then wait
        self._stopping = threading.Event()
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._threads: list[threading.Thread] = []
        self.operations = 0

    # ── control ──
    def start(self) -> None:
        tokens = {user: self._login(user) for user in ("clerk", "head")}
        self._running.set()
        for i in range(self.clerks):
            self._spawn(f"clerk-{i}", lambda i=i: self._clerk(tokens["clerk"], i))
        self._spawn("head", lambda: self._head(tokens["head"]))

    def pause(self, timeout: float = GIVE_UP_AFTER_S + 30) -> None:
        """Stop taking new operations and wait until those in hand are answered."""
        self._running.clear()
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout)

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stopping.set()
        self._running.set()
        for t in self._threads:
            t.join(GIVE_UP_AFTER_S + 30)

    def since(self, t: float) -> list[Attempt]:
        """Attempts that ended at `t` or later (one in flight when a fault began belongs to the fault)."""
        with self._lock:
            return [a for a in self.attempts if a.started + a.seconds >= t]

    # ── the users ──
    def _spawn(self, name: str, target) -> None:  # noqa: ANN001
        thread = threading.Thread(target=target, name=f"load-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _login(self, username: str) -> str:
        with httpx.Client(base_url=self.base_url, timeout=self.timeout_s) as http:
            response = http.post("/api/v1/auth/login", json={"username": username, "password": "demo1234"})
            response.raise_for_status()
            return response.json()["access_token"]

    def _client(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=self.timeout_s, headers={"Authorization": f"Bearer {token}"}
        )

    def _operations(self):  # noqa: ANN202 - yields once per operation, in the busy count
        while True:
            self._running.wait()
            if self._stopping.is_set():
                return
            with self._lock:
                if not self._running.is_set():
                    continue
                self._busy += 1
            try:
                yield
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _clerk(self, token: str, index: int) -> None:
        http = httpx.Client(
            base_url=self.base_url, timeout=self.timeout_s, headers={"Authorization": f"Bearer {token}"}
        )
        n = 0
        for _ in self._operations():
            n += 1
            tight = (n + index) % 2 == 0
            line, amount = (self.lines.tight, Decimal("7.00")) if tight else (self.lines.roomy, Decimal("1.00"))
            body = {"title": "故障演练", "budget_line_id": line, "amount": f"{amount:.2f}"}
            key = str(uuid.uuid4())
            response = self._until_answered(http, "submit", "POST", SUBMIT, json=body, headers={"Idempotency-Key": key})
            with self._lock:
                self.operations += 1
                if response is None:
                    self.answers.unanswered += 1
                elif response.status_code == 201:
                    self.answers.accepted[response.json()["id"]] = (line, amount)
                elif response.status_code == 409 and _code(response) == "budget_insufficient":
                    self.answers.refused += 1
                else:
                    self.answers.other.append(f"submit {response.status_code} {response.text[:200]}")

    def _head(self, token: str) -> None:
        http = httpx.Client(
            base_url=self.base_url, timeout=self.timeout_s, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in self._operations():
            page = self._until_answered(http, "tasks", "GET", "/api/v1/approval/tasks", params={"page_size": 20})
            items = page.json().get("items", []) if page is not None and page.status_code == 200 else []
            for task in items:
                path = f"/api/v1/approval/tasks/{task['task_id']}/decision"
                response = self._until_answered(http, "decide", "POST", path, json={"decision": "approve"})
                with self._lock:
                    self.operations += 1
                    if response is not None and response.status_code == 200:
                        self.answers.decided.add(task["task_id"])
                    elif response is None:
                        self.answers.unanswered += 1
                    elif response.status_code != 409:  # 409: decided already (an earlier attempt got through)
                        self.answers.other.append(f"decide {response.status_code} {response.text[:200]}")
            if not items:
                time.sleep(0.3)

    def _until_answered(self, http: httpx.Client, op: str, method: str, path: str, **kw) -> httpx.Response | None:  # noqa: ANN003
        deadline = time.monotonic() + GIVE_UP_AFTER_S
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                response = http.request(method, path, **kw)
            except httpx.HTTPError as exc:  # refused (the gateway is down), reset, or no answer in time
                self._record(Attempt(op, started, time.monotonic() - started, None, None, type(exc).__name__))
                time.sleep(0.5)
                continue
            retry_after = response.headers.get("retry-after")
            code = _code(response) if response.status_code >= 500 else None
            self._record(Attempt(op, started, time.monotonic() - started, response.status_code, retry_after, code))
            if response.status_code < 500 and not retry_after:
                return response
            time.sleep(min(float(retry_after or 1), 2.0) if (retry_after or "").isdigit() else 1.0)
        return None

    def _record(self, attempt: Attempt) -> None:
        with self._lock:
            self.attempts.append(attempt)


def _code(response: httpx.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
