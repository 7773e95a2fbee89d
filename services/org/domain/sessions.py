"""Sessions and sign-in attempts. Pure: no I/O.

A sign-in opens a session: a family of refresh tokens of which only the newest may be used, once. Using it
hands out the next one (rotation); presenting one already used means it was copied, so the whole family is
revoked and both the thief and the owner must sign in again. Only the SHA-256 of a token is stored: a token
has 256 random bits, so its digest needs no salt or slow hash.

Failed sign-ins are counted per username, whether or not an account has that name (a lockout that only real
accounts get would tell which exist)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class RefreshToken:
    digest: str
    family: str
    username: str
    org: str
    expires_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.rotated_at is None and self.revoked_at is None and now < self.expires_at

    def reused(self) -> bool:
        """Presented again after it was exchanged for the next one: a copy is in someone else's hands."""
        return self.rotated_at is not None


@dataclass(frozen=True)
class Attempts:
    """Failed sign-ins of one username within the current window."""

    username: str
    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None

    def locked_for(self, now: datetime) -> int:
        """Seconds the username stays locked; 0 when it is not."""
        if self.locked_until is None or now >= self.locked_until:
            return 0
        return max(1, int((self.locked_until - now).total_seconds() + 0.999))

    def failed(self, now: datetime, max_failures: int, window_s: int) -> Attempts:
        window = timedelta(seconds=window_s)
        if self.window_start is None or now - self.window_start >= window:
            current = replace(self, failures=1, window_start=now, locked_until=None)
        else:
            current = replace(self, failures=self.failures + 1)
        if current.failures >= max_failures:
            current = replace(current, locked_until=now + window)
        return current
