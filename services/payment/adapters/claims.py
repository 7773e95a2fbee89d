"""Reading and writing expense claims."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.scope import Scope
from services.payment.adapters.orm import expense_claim as t
from services.payment.adapters.orm import expense_claim_no
from services.payment.domain.claims import DOCUMENT_TYPE, LIVE, ClaimKind, ClaimStatus, ExpenseClaim

_FIELDS = [c.name for c in t.columns if c.name != "updated_at"]


def _to_claim(row: Any) -> ExpenseClaim:
    data = {k: getattr(row, k) for k in _FIELDS}
    data["id"], data["status"], data["kind"] = str(data["id"]), ClaimStatus(data["status"]), ClaimKind(data["kind"])
    data["application_id"] = str(data["application_id"]) if data["application_id"] else None
    data["release_on_approval"] = Decimal(data["release_on_approval"])
    return ExpenseClaim(**data)


class ClaimRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def next_no(self, year: int) -> str:
        return f"BX-{year}-{self.conn.execute(expense_claim_no.next_value()).scalar_one():06d}"

    def add(self, claim: ExpenseClaim) -> ExpenseClaim | None:
        """Insert; None when the application already has a live claim (the database's unique index decides)."""
        values = {k: getattr(claim, k) for k in _FIELDS if k != "created_at"}
        values["status"], values["kind"] = claim.status.value, claim.kind.value
        row = self.conn.execute(pg_insert(t).values(**values).on_conflict_do_nothing().returning(*t.columns)).first()
        return _to_claim(row) if row else None

    def get(self, claim_id: str, *, for_update: bool = False) -> ExpenseClaim | None:
        query = sa.select(t).where(t.c.id == claim_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return _to_claim(row) if row else None

    def live_on(self, application_id: str, exclude: str | None = None) -> str | None:
        """The no of the claim that claims this application now, if any (other than `exclude`)."""
        cond = [t.c.application_id == application_id, t.c.status.in_([s.value for s in LIVE])]
        if exclude:
            cond.append(t.c.id != exclude)
        return self.conn.execute(sa.select(t.c.no).where(*cond)).scalar()

    def save_status(self, claim: ExpenseClaim) -> None:
        self.conn.execute(
            sa.update(t)
            .where(t.c.id == claim.id)
            .values(
                status=claim.status.value,
                status_reason=claim.status_reason,
                settled=claim.settled,
                updated_at=sa.func.now(),
            )
        )

    def save_resubmission(self, claim: ExpenseClaim) -> None:
        """A returned claim as corrected: what it claims, its standards' flags and invoices, the next round."""
        self.conn.execute(
            sa.update(t)
            .where(t.c.id == claim.id)
            .values(
                title=claim.title,
                detail=claim.detail,
                amount=claim.amount,
                flags=claim.flags,
                invoices=claim.invoices,
                release_on_approval=claim.release_on_approval,
                round=claim.round,
                status=claim.status.value,
                status_reason=claim.status_reason,
                updated_at=sa.func.now(),
            )
        )

    def page(
        self,
        *,
        org: str,
        claimant: str | None,
        scope: Scope,
        status: str | None,
        kind: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[ExpenseClaim]]:
        readable = visible_clause(
            scope,
            unit=t.c.unit,
            initiator=t.c.claimant,
            document_type=DOCUMENT_TYPE,
            document_id=sa.cast(t.c.id, sa.Text),
        )
        cond = [t.c.org == org, readable]
        if claimant:
            cond.append(t.c.claimant == claimant)
        if status:
            cond.append(t.c.status == status)
        if kind:
            cond.append(t.c.kind == kind)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(t).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(t).where(*cond).order_by(t.c.created_at.desc(), t.c.no.desc()).limit(limit).offset(offset)
        ).all()
        return total, [_to_claim(r) for r in rows]

    def claim_stuck(self, status: str, older_than: timedelta, *, unsettled: bool = False, limit: int = 50) -> list[str]:
        """Claims left in `status` longer than `older_than` (approved and unsettled, with `unsettled`), claimed
        for one pass: their clock is reset, so another replica leaves them alone meanwhile."""
        cond = [t.c.status == status, t.c.updated_at < sa.func.now() - older_than]
        if unsettled:
            cond.append(sa.not_(t.c.settled))
        stuck = sa.select(t.c.id).where(*cond).limit(limit).with_for_update(skip_locked=True).scalar_subquery()
        rows = self.conn.execute(
            sa.update(t).where(t.c.id.in_(stuck)).values(updated_at=sa.func.now()).returning(t.c.id)
        ).all()
        return [str(r.id) for r in rows]
