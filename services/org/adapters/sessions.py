"""Reading and writing refresh tokens and sign-in attempts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.org.adapters.orm import refresh_token, sign_in_attempt
from services.org.domain.sessions import Attempts, RefreshToken


class SessionRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def token(self, digest: str) -> RefreshToken | None:
        """Locked: two refreshes with one token are decided one after the other."""
        t = refresh_token.c
        row = self.conn.execute(sa.select(refresh_token).where(t.digest == digest).with_for_update()).first()
        if row is None:
            return None
        return RefreshToken(
            row.digest, row.family, row.username, row.org, row.expires_at, row.rotated_at, row.revoked_at
        )

    def add(self, token: RefreshToken, now: datetime) -> None:
        self.conn.execute(
            sa.insert(refresh_token).values(
                digest=token.digest,
                family=token.family,
                username=token.username,
                org=token.org,
                issued_at=now,
                expires_at=token.expires_at,
            )
        )

    def rotated(self, digest: str, now: datetime) -> None:
        self.conn.execute(sa.update(refresh_token).where(refresh_token.c.digest == digest).values(rotated_at=now))

    def revoke_family(self, family: str, now: datetime, username: str | None = None) -> int:
        t = refresh_token.c
        cond = [t.family == family, t.revoked_at.is_(None)] + ([t.username == username] if username else [])
        return self.conn.execute(sa.update(refresh_token).where(*cond).values(revoked_at=now)).rowcount

    def revoke_user(self, username: str, now: datetime) -> int:
        t = refresh_token.c
        query = sa.update(refresh_token).where(t.username == username, t.revoked_at.is_(None)).values(revoked_at=now)
        return self.conn.execute(query).rowcount

    def attempts(self, username: str) -> Attempts:
        a = sign_in_attempt.c
        row = self.conn.execute(sa.select(sign_in_attempt).where(a.username == username).with_for_update()).first()
        if row is None:
            return Attempts(username)
        return Attempts(username, row.failures, row.window_start, row.locked_until)

    def save_attempts(self, attempts: Attempts) -> None:
        values = dict(
            failures=attempts.failures, window_start=attempts.window_start, locked_until=attempts.locked_until
        )
        statement = pg_insert(sign_in_attempt).values(username=attempts.username, **values)
        self.conn.execute(statement.on_conflict_do_update(index_elements=["username"], set_=values))

    def clear_attempts(self, username: str) -> None:
        self.conn.execute(sa.delete(sign_in_attempt).where(sign_in_attempt.c.username == username))

    def live_families(self, username: str, now: datetime) -> list[str]:
        """The sessions of a person that can still be refreshed: the gateway refuses their access tokens too."""
        t = refresh_token.c
        query = (
            sa.select(t.family)
            .where(t.username == username, t.revoked_at.is_(None), t.rotated_at.is_(None), t.expires_at > now)
            .distinct()
        )
        return sorted(self.conn.execute(query).scalars())
