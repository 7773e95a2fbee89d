"""Reading and writing units and users."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.org.adapters.orm import org_unit, org_user
from services.org.domain.model import Unit, User


def _unit(row: Any) -> Unit:
    return Unit(
        code=row.code,
        name=row.name,
        kind=row.kind,
        leader_in_charge=row.leader_in_charge,
        responsible_for=tuple(row.responsible_for or ()),
    )


def _user(row: Any) -> User:
    return User(
        username=row.username,
        full_name=row.full_name,
        unit=row.unit,
        roles=tuple(row.roles),
        title=row.title,
        password_hash=row.password_hash,
        active=row.active,
    )


class OrgRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def unit(self, code: str) -> Unit | None:
        row = self.conn.execute(sa.select(org_unit).where(org_unit.c.code == code)).first()
        return _unit(row) if row else None

    def user(self, username: str) -> User | None:
        row = self.conn.execute(sa.select(org_user).where(org_user.c.username == username)).first()
        return _user(row) if row else None

    def units_led_by(self, username: str) -> list[str]:
        """The codes of the units this person is 分管领导 of."""
        query = sa.select(org_unit.c.code).where(org_unit.c.leader_in_charge == username).order_by(org_unit.c.code)
        return list(self.conn.execute(query).scalars())

    def save_unit(self, org: str, unit: Unit) -> None:
        values = dict(
            org=org,
            name=unit.name,
            kind=unit.kind,
            leader_in_charge=unit.leader_in_charge,
            responsible_for=list(unit.responsible_for),
            updated_at=sa.func.now(),
        )
        if self.unit(unit.code) is None:
            self.conn.execute(sa.insert(org_unit).values(code=unit.code, **values))
        else:
            self.conn.execute(sa.update(org_unit).where(org_unit.c.code == unit.code).values(**values))

    def save_user(self, org: str, user: User) -> None:
        values = dict(
            org=org,
            full_name=user.full_name,
            unit=user.unit,
            roles=list(user.roles),
            title=user.title,
            password_hash=user.password_hash,
            active=user.active,
            updated_at=sa.func.now(),
        )
        if self.user(user.username) is None:
            self.conn.execute(sa.insert(org_user).values(username=user.username, **values))
        else:
            self.conn.execute(sa.update(org_user).where(org_user.c.username == user.username).values(**values))

    def set_password_hash(self, username: str, password_hash: str) -> None:
        query = sa.update(org_user).where(org_user.c.username == username)
        self.conn.execute(query.values(password_hash=password_hash, updated_at=sa.func.now()))

    def set_active(self, username: str, active: bool) -> None:
        query = sa.update(org_user).where(org_user.c.username == username)
        self.conn.execute(query.values(active=active, updated_at=sa.func.now()))

    def units(self, *, org: str, kind: str | None, limit: int, offset: int) -> tuple[int, list[Unit]]:
        cond = [org_unit.c.org == org] + ([org_unit.c.kind == kind] if kind else [])
        total = self.conn.execute(sa.select(sa.func.count()).select_from(org_unit).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(org_unit)
            .where(*cond)
            .order_by(org_unit.c.kind.desc(), org_unit.c.code)
            .limit(limit)
            .offset(offset)
        ).all()
        return total, [_unit(r) for r in rows]

    def users(self, *, org: str, unit: str | None, role: str | None, limit: int, offset: int) -> tuple[int, list[User]]:
        cond = [org_user.c.org == org]
        if unit:
            cond.append(org_user.c.unit == unit)
        if role:
            cond.append(org_user.c.roles.any(role))
        total = self.conn.execute(sa.select(sa.func.count()).select_from(org_user).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(org_user).where(*cond).order_by(org_user.c.username).limit(limit).offset(offset)
        ).all()
        return total, [_user(r) for r in rows]

    # ── administration ──
    def all_units(self, org: str) -> list[Unit]:
        query = sa.select(org_unit).where(org_unit.c.org == org).order_by(org_unit.c.kind.desc(), org_unit.c.code)
        return [_unit(r) for r in self.conn.execute(query)]

    def units_where_leader(self, username: str) -> list[Unit]:
        query = sa.select(org_unit).where(org_unit.c.leader_in_charge == username).order_by(org_unit.c.code)
        return [_unit(r) for r in self.conn.execute(query)]

    def heads_of(self, unit: str) -> list[User]:
        """The active people holding `unit_head` in the unit."""
        u = org_user.c
        query = sa.select(org_user).where(u.unit == unit, u.roles.any("unit_head"), u.active).order_by(u.username)
        return [_user(r) for r in self.conn.execute(query)]

    def heads_by_unit(self, org: str) -> dict[str, list[dict[str, str]]]:
        u = org_user.c
        query = (
            sa.select(u.unit, u.username, u.full_name)
            .where(u.org == org, u.roles.any("unit_head"), u.active)
            .order_by(u.unit, u.username)
        )
        heads: dict[str, list[dict[str, str]]] = {}
        for row in self.conn.execute(query):
            heads.setdefault(row.unit, []).append({"username": row.username, "full_name": row.full_name})
        return heads

    def head_counts(self, org: str) -> dict[str, int]:
        u = org_user.c
        query = sa.select(u.unit, sa.func.count()).where(u.org == org, u.active).group_by(u.unit)
        return {unit: n for unit, n in self.conn.execute(query)}

    def full_names(self, org: str, usernames: list[str]) -> dict[str, str]:
        if not usernames:
            return {}
        u = org_user.c
        query = sa.select(u.username, u.full_name).where(u.org == org, u.username.in_(set(usernames)))
        return {name: full for name, full in self.conn.execute(query)}

    def search_users(
        self,
        *,
        org: str,
        q: str | None,
        unit: str | None,
        role: str | None,
        active: bool | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[User]]:
        u = org_user.c
        cond = [u.org == org]
        if q and q.strip():
            pattern = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cond.append(sa.or_(u.username.ilike(pattern, escape="\\"), u.full_name.ilike(pattern, escape="\\")))
        if unit:
            cond.append(u.unit == unit)
        if role:
            cond.append(u.roles.any(role))
        if active is not None:
            cond.append(u.active == active)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(org_user).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(org_user).where(*cond).order_by(u.unit, u.username).limit(limit).offset(offset)
        ).all()
        return total, [_user(r) for r in rows]
