"""The org service's sign-in rules without a database: argon2id hashes (old PBKDF2 ones still verified and
marked for rehash), the same work for unknown usernames, lockout per username, password strength, keys."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from deploy.seed import demo_org
from ic_platform import keys
from ic_platform.config import Settings
from services.org.domain import passwords
from services.org.domain.model import User
from services.org.domain.sessions import Attempts, RefreshToken, token_digest

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def _pbkdf2(password: str) -> str:
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 60_000)
    return f"pbkdf2_sha256$60000${salt.hex()}${digest.hex()}"


def test_new_hashes_are_argon2id_and_verify():
    encoded = passwords.hash_password("Correct-horse-42")
    assert encoded.startswith("$argon2id$")
    assert passwords.verify_password("Correct-horse-42", encoded)
    assert not passwords.verify_password("correct-horse-42", encoded)
    assert not passwords.needs_rehash(encoded)


def test_an_old_pbkdf2_hash_still_signs_in_and_is_marked_for_rehash():
    old = _pbkdf2("demo1234")
    assert passwords.verify_password("demo1234", old) and not passwords.verify_password("demo12345", old)
    assert passwords.needs_rehash(old)


class CountingHasher:
    """The real hasher, counting the verifies it does."""

    def __init__(self, real):  # noqa: ANN001
        self.real, self.verified = real, []

    def verify(self, encoded: str, password: str) -> bool:
        self.verified.append(encoded)
        return self.real.verify(encoded, password)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.real, name)


def test_an_unknown_username_costs_one_argon2_verify(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", CountingHasher(passwords.HASHER))
    calls = passwords.HASHER.verified
    passwords.dummy_verify("guess")
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_an_inactive_account_is_refused_after_the_same_work(monkeypatch):
    user = User("x", "X", "dzb", ("clerk",), password_hash=passwords.hash_password("Abcdefgh12"), active=False)
    monkeypatch.setattr(passwords, "HASHER", CountingHasher(passwords.HASHER))
    calls = passwords.HASHER.verified
    assert not user.check_password("Abcdefgh12") and len(calls) == 1


def test_five_failures_lock_the_username_for_the_window():
    attempts = Attempts("clerk")
    for i in range(4):
        attempts = attempts.failed(NOW + timedelta(seconds=i), max_failures=5, window_s=900)
        assert attempts.locked_for(NOW + timedelta(seconds=i)) == 0
    attempts = attempts.failed(NOW + timedelta(seconds=4), max_failures=5, window_s=900)
    assert attempts.locked_for(NOW + timedelta(seconds=5)) == 899
    assert attempts.locked_for(NOW + timedelta(seconds=905)) == 0


def test_failures_outside_the_window_start_a_new_count():
    attempts = Attempts("clerk").failed(NOW, 5, 900)
    attempts = attempts.failed(NOW + timedelta(seconds=901), 5, 900)
    assert attempts.failures == 1 and attempts.window_start == NOW + timedelta(seconds=901)


def test_a_refresh_token_is_used_once():
    token = RefreshToken(token_digest("t" * 43), "f", "clerk", "xinqiao", NOW + timedelta(hours=1))
    assert token.usable(NOW) and not token.reused()
    used = RefreshToken(token.digest, "f", "clerk", "xinqiao", token.expires_at, rotated_at=NOW)
    assert not used.usable(NOW) and used.reused()
    assert not token.usable(NOW + timedelta(hours=2))


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "至少 10 个字符"),
        ("onlyletters", "字母和数字"),
        ("clerk12345678", "用户名"),
        ("demo1234", "演示密码"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(password, reason):
    assert any(reason in r for r in passwords.weaknesses(password, "clerk"))


def test_a_strong_password_passes_and_the_demo_password_is_a_demo_password():
    assert passwords.weaknesses("Xinqiao-budget-2026", "clerk") == []
    assert demo_org.DEMO_PASSWORD in passwords.DEMO_PASSWORDS


def test_a_missing_key_names_the_setting(monkeypatch):
    for name in (keys.SIGNING_KEY_SETTING, keys.SIGNING_KEY_ENV, keys.VERIFY_KEY_SETTING, keys.VERIFY_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(keys.MissingKey, match="IC_SIGNING_KEY_FILE"):
        keys.signing_key(cfg=Settings())
    with pytest.raises(keys.MissingKey, match="IC_VERIFY_KEY_FILE"):
        keys.verify_key(cfg=Settings())


def test_make_run_keeps_its_key_between_starts(tmp_path):
    first = keys.ensure(tmp_path)
    assert (first[0].stat().st_mode & 0o777) == 0o600
    assert keys.ensure(tmp_path) == first and first[0].read_bytes() == keys.ensure(tmp_path)[0].read_bytes()
    public = keys.signing_key(str(first[0])).public_key()
    assert keys.public_pem(public) == keys.public_pem(keys.verify_key(str(first[1])))
