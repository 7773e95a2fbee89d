"""Reading and writing deciding bodies."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.org.adapters.orm import deciding_body as t
from services.org.adapters.orm import org_user
from services.org.domain.bodies import DecidingBody


class BodyRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, code: str) -> DecidingBody | None:
        row = self.conn.execute(sa.select(t).where(t.c.code == code)).first()
        return DecidingBody(row.code, row.name, tuple(row.members), row.quorum) if row else None

    def save(self, org: str, body: DecidingBody) -> None:
        values = dict(org=org, name=body.name, members=list(body.members), quorum=body.quorum)
        stmt = pg_insert(t).values(code=body.code, **values)
        self.conn.execute(
            stmt.on_conflict_do_update(index_elements=["code"], set_={**values, "updated_at": sa.func.now()})
        )

    def known_users(self, usernames: list[str]) -> set[str]:
        rows = self.conn.execute(sa.select(org_user.c.username).where(org_user.c.username.in_(usernames)))
        return set(rows.scalars())

    def all(self, org: str) -> list[DecidingBody]:
        rows = self.conn.execute(sa.select(t).where(t.c.org == org).order_by(t.c.code))
        return [DecidingBody(r.code, r.name, tuple(r.members), r.quorum) for r in rows]
