"""Storing delegations (代理). Rows are never deleted: revoking one stamps it (the history)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.approval.adapters.orm import approval_delegation
from services.approval.domain.delegation import Delegation

D = approval_delegation


class DelegationRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, delegation: Delegation) -> None:
        self.conn.execute(
            sa.insert(D).values(
                id=uuid.UUID(delegation.id),
                org=delegation.org,
                principal=delegation.principal,
                delegate=delegation.delegate,
                starts_at=delegation.starts_at,
                ends_at=delegation.ends_at,
                reason=delegation.reason,
                created_by=delegation.created_by,
            )
        )

    def get(self, delegation_id: str, *, for_update: bool = False) -> Delegation | None:
        try:
            key = uuid.UUID(str(delegation_id))
        except ValueError:
            return None
        query = sa.select(D).where(D.c.id == key)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return _to_delegation(row) if row else None

    def of_principal(self, org: str, principal: str, *, lock: bool = False) -> list[Delegation]:
        """A principal's delegations. `lock`: serialise granting on the principal (a transaction-scoped
        advisory lock), so two concurrent grants cannot both pass the overlap check."""
        if lock:
            self.conn.execute(
                sa.select(
                    sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(f"approval_delegation:{org}:{principal}", 0))
                )
            )
        rows = self.conn.execute(
            sa.select(D).where(D.c.org == org, D.c.principal == principal).order_by(D.c.starts_at)
        ).all()
        return [_to_delegation(r) for r in rows]

    def active_for_delegate(self, org: str, delegate: str, moment: datetime) -> list[Delegation]:
        """The delegations that let `delegate` act for someone at `moment`."""
        rows = self.conn.execute(
            sa.select(D).where(
                D.c.org == org,
                D.c.delegate == delegate,
                D.c.revoked_at.is_(None),
                D.c.starts_at <= moment,
                D.c.ends_at > moment,
            )
        ).all()
        return [_to_delegation(r) for r in rows]

    def involving(self, org: str, username: str, limit: int, offset: int) -> tuple[int, list[Delegation]]:
        """Those the user granted or received, the latest first."""
        query = sa.select(D).where(D.c.org == org, sa.or_(D.c.principal == username, D.c.delegate == username))
        total = self.conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        rows = self.conn.execute(query.order_by(D.c.starts_at.desc(), D.c.id).limit(limit).offset(offset)).all()
        return total, [_to_delegation(r) for r in rows]

    def save_revocation(self, delegation: Delegation) -> None:
        self.conn.execute(
            sa.update(D)
            .where(D.c.id == uuid.UUID(delegation.id), D.c.revoked_at.is_(None))
            .values(revoked_at=delegation.revoked_at, revoked_by=delegation.revoked_by)
        )


def _to_delegation(row: Any) -> Delegation:
    return Delegation(
        id=str(row.id),
        org=row.org,
        principal=row.principal,
        delegate=row.delegate,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )
