"""Attacks on sign-in (issue 9, section 2): guessing passwords, telling accounts apart by timing, the demo
password outside the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from ic_platform.context import CallContext
from ic_platform.errors import DomainError
from services.org.domain import passwords
from services.org.domain.model import Unit, User
from services.org.domain.sessions import Attempts
from services.org.service_layer import commands, sessions
from tests.security.support import direct_client, new_account, sign_in


@pytest.mark.integration
def test_a_hundred_wrong_passwords_lock_the_account_and_the_address(stack, rpc):
    username = new_account(rpc)
    statuses = []
    with direct_client(stack, "127.0.0.3") as attacker:
        for i in range(100):
            statuses.append(sign_in(attacker, username, f"guess-{i:03d}").status_code)
    # 5 failures lock the username (423), then the address has failed 20 times and waits (429)
    assert statuses[:5] == [401] * 5 and set(statuses[5:20]) == {423}, statuses
    assert set(statuses[20:]) == {429}, statuses
    with direct_client(stack, "127.0.0.4") as owner:
        locked = sign_in(owner, username)  # even the right password, from elsewhere, while locked
        assert locked.status_code == 423 and int(locked.headers["Retry-After"]) > 0
        assert "锁定" in locked.json()["error"]["message"]
    with direct_client(stack, "127.0.0.3") as attacker:
        waiting = sign_in(attacker, "clerk", "demo1234")  # the address waits whoever it names
        assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) > 0


# Without a database: the org service's sign-in with fakes, to see the work each answer costs.


class CountingHasher:
    def __init__(self, real):  # noqa: ANN001
        self.real, self.verified = real, 0

    def verify(self, encoded: str, password: str) -> bool:
        self.verified += 1
        return self.real.verify(encoded, password)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.real, name)


@dataclass
class FakeOrg:
    users: dict[str, User]

    def user(self, username: str) -> User | None:
        return self.users.get(username)

    def unit(self, code: str) -> Unit:
        return Unit(code, "党政综合办公室", "office")

    def units_led_by(self, _username: str) -> list[str]:
        return []

    def set_password_hash(self, username: str, encoded: str) -> None:
        self.users[username] = User(**{**self.users[username].__dict__, "password_hash": encoded})


@dataclass
class FakeSessions:
    attempts_of: dict[str, Attempts] = field(default_factory=dict)
    tokens: list[Any] = field(default_factory=list)

    def attempts(self, username: str) -> Attempts:
        return self.attempts_of.get(username, Attempts(username))

    def save_attempts(self, attempts: Attempts) -> None:
        self.attempts_of[attempts.username] = attempts

    def clear_attempts(self, username: str) -> None:
        self.attempts_of.pop(username, None)

    def add(self, token: Any, _now: datetime) -> None:
        self.tokens.append(token)


class FakeUow:
    def __init__(self, users: dict[str, User]):
        self.org, self.sessions = FakeOrg(users), FakeSessions()

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        pass


CTX = CallContext(org="xinqiao")


def _attempt(uow: FakeUow, username: str, password: str, policy: sessions.Policy) -> str:
    try:
        sessions.sign_in(commands.Authenticate(username=username, password=password), uow, CTX, policy)
    except DomainError as exc:
        return exc.code
    return "ok"


def test_an_unknown_username_costs_the_same_verify_as_a_wrong_password(monkeypatch):
    hasher = CountingHasher(passwords.HASHER)
    monkeypatch.setattr(passwords, "HASHER", hasher)
    uow = FakeUow({"clerk": User("clerk", "李", "dzb", ("clerk",), password_hash=hasher.real.hash("Right-pass-1"))})
    policy = sessions.Policy(demo=True)
    assert _attempt(uow, "clerk", "Wrong-pass-1", policy) == "invalid_credentials" and hasher.verified == 1
    assert _attempt(uow, "nobody", "Wrong-pass-1", policy) == "invalid_credentials" and hasher.verified == 2
    # and a lockout counts any username alike: an unknown name locks as a real one does
    for _ in range(5):
        _attempt(uow, "nobody", "x", policy)
    assert _attempt(uow, "nobody", "x", policy) == "sign_in_locked"


def test_an_old_hash_is_replaced_by_argon2id_at_sign_in():
    old = "pbkdf2_sha256$1000$30313233343536373839616263646566$" + _pbkdf2_hex("Right-pass-1")
    uow = FakeUow({"clerk": User("clerk", "李", "dzb", ("clerk",), password_hash=old)})
    assert _attempt(uow, "clerk", "Right-pass-1", sessions.Policy()) == "ok"
    assert uow.org.users["clerk"].password_hash.startswith("$argon2id$")


def test_the_demo_password_is_refused_outside_the_demo():
    demo_hash = passwords.hash_password("demo1234")
    uow = FakeUow({"clerk": User("clerk", "李", "dzb", ("clerk",), password_hash=demo_hash)})
    assert _attempt(uow, "clerk", "demo1234", sessions.Policy(demo=False)) == "demo_password_refused"
    assert _attempt(uow, "clerk", "demo1234", sessions.Policy(demo=True)) == "ok"


def _pbkdf2_hex(password: str) -> str:
    import hashlib

    return hashlib.pbkdf2_hmac("sha256", password.encode(), b"0123456789abcdef", 1000).hex()
