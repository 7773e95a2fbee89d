"""Reading and writing the budget control documents: adjustments, overrides, year closes and reopenings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.documents import DocumentRef
from ic_platform.scope import Scope
from services.budget.adapters.orm import (
    budget_adjustment,
    budget_adjustment_no,
    budget_line,
    budget_move,
    budget_override,
    budget_override_no,
    fiscal_year_reopen,
    fiscal_year_reopen_no,
    fiscal_year_state,
)
from services.budget.adapters.repository import _to_line
from services.budget.domain import adjustments as adj
from services.budget.domain import overrides as ovr
from services.budget.domain import year_end as ye
from services.budget.domain.model import MoveKind
from services.budget.domain.year_end import Holding

A, OV, R = budget_adjustment, budget_override, fiscal_year_reopen


def _next_no(conn: Connection, sequence: sa.Sequence, prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{conn.execute(sequence.next_value()).scalar_one():06d}"


class AdjustmentRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def next_no(self, year: int) -> str:
        return _next_no(self.conn, budget_adjustment_no, adj.NO_PREFIX, year)

    def add(self, a: adj.Adjustment) -> adj.Adjustment:
        """Insert, or the stored one when the id exists (a retried submission)."""
        values = _values(a, A, ("created_at", "updated_at"))
        values.update(kind=a.kind.value, status=a.status.value)
        row = self.conn.execute(
            pg_insert(A).values(**values).on_conflict_do_nothing(index_elements=["id"]).returning(*A.columns)
        ).first()
        return _to_adjustment(row) if row else self.get(a.id)

    def get(self, adjustment_id: str, *, for_update: bool = False) -> adj.Adjustment | None:
        query = sa.select(A).where(A.c.id == adjustment_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return _to_adjustment(row) if row else None

    def save(self, a: adj.Adjustment) -> None:
        self.conn.execute(
            sa.update(A)
            .where(A.c.id == a.id)
            .values(
                status=a.status.value,
                status_reason=a.status_reason,
                amounts=a.amounts,
                reason=a.reason,
                updated_at=sa.func.now(),
            )
        )

    def page(
        self,
        *,
        org: str,
        initiator: str | None,
        scope: Scope,
        status: str | None,
        fiscal_year: int | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[adj.Adjustment]]:
        readable = visible_clause(
            scope,
            unit=A.c.unit,
            initiator=A.c.initiator,
            document_type="budget_adjustment",
            document_id=sa.cast(A.c.id, sa.Text),
        )
        cond = [A.c.org == org, readable]
        if initiator:
            cond.append(A.c.initiator == initiator)
        if status:
            cond.append(A.c.status == status)
        if fiscal_year:
            cond.append(A.c.fiscal_year == fiscal_year)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(A).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(A).where(*cond).order_by(A.c.created_at.desc(), A.c.no.desc()).limit(limit).offset(offset)
        ).all()
        return total, [_to_adjustment(r) for r in rows]

    def open_count(self, org: str, fiscal_year: int) -> int:
        return self.conn.execute(
            sa.select(sa.func.count())
            .select_from(A)
            .where(A.c.org == org, A.c.fiscal_year == fiscal_year, A.c.status.in_([s.value for s in adj.OPEN]))
        ).scalar_one()


class OverrideRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def next_no(self, year: int) -> str:
        return _next_no(self.conn, budget_override_no, ovr.NO_PREFIX, year)

    def add(self, o: ovr.Override) -> ovr.Override:
        values = _values(o, OV, ("created_at", "document", "updated_at"))
        values.update(
            status=o.status.value, document_type=o.document.type, document_id=o.document.id, document_no=o.document.no
        )
        row = self.conn.execute(
            pg_insert(OV).values(**values).on_conflict_do_nothing(index_elements=["id"]).returning(*OV.columns)
        ).first()
        return _to_override(row) if row else self.get(o.id)

    def get(self, override_id: str, *, for_update: bool = False) -> ovr.Override | None:
        query = sa.select(OV).where(OV.c.id == override_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return _to_override(row) if row else None

    def save(self, o: ovr.Override) -> None:
        self.conn.execute(
            sa.update(OV)
            .where(OV.c.id == o.id)
            .values(
                status=o.status.value,
                status_reason=o.status_reason,
                expires_at=o.expires_at,
                used_amount=o.used_amount,
                used_step=o.used_step,
                used_at=o.used_at,
                updated_at=sa.func.now(),
            )
        )

    def raise_allowance(self, line_id: str, overrun: Decimal) -> None:
        self.conn.execute(
            sa.update(budget_line)
            .where(budget_line.c.id == line_id)
            .values(overrun_allowance=budget_line.c.overrun_allowance + overrun, updated_at=sa.func.now())
        )

    def mark_move(self, line_id: str, document: DocumentRef, step: str, no: str) -> None:
        self.conn.execute(
            sa.update(budget_move)
            .where(
                budget_move.c.budget_line_id == line_id,
                budget_move.c.document_type == document.type,
                budget_move.c.document_id == document.id,
                budget_move.c.step == step,
            )
            .values(override_no=no)
        )


class YearRepository:
    """Fiscal years' state, their lines in bulk, and reopen requests."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def lock_state(self, org: str, fiscal_year: int) -> dict[str, Any]:
        """The year's state row, created as open when missing, locked: closes and reopens queue up here."""
        self.conn.execute(
            pg_insert(fiscal_year_state)
            .values(org=org, fiscal_year=fiscal_year, status="open")
            .on_conflict_do_nothing()
        )
        row = self.conn.execute(
            sa.select(fiscal_year_state)
            .where(fiscal_year_state.c.org == org, fiscal_year_state.c.fiscal_year == fiscal_year)
            .with_for_update()
        ).one()
        return dict(row._mapping)

    def state(self, org: str, fiscal_year: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            sa.select(fiscal_year_state).where(
                fiscal_year_state.c.org == org, fiscal_year_state.c.fiscal_year == fiscal_year
            )
        ).first()
        return dict(row._mapping) if row else None

    def save_state(self, org: str, fiscal_year: int, **values: Any) -> None:
        self.conn.execute(
            sa.update(fiscal_year_state)
            .where(fiscal_year_state.c.org == org, fiscal_year_state.c.fiscal_year == fiscal_year)
            .values(**values)
        )

    def lines(self, org: str, fiscal_year: int, *, for_update: bool = False) -> list:
        query = (
            sa.select(budget_line)
            .where(budget_line.c.org == org, budget_line.c.fiscal_year == fiscal_year)
            .order_by(budget_line.c.id)
        )
        return [_to_line(r) for r in self.conn.execute(query.with_for_update() if for_update else query)]

    def set_closed(self, org: str, fiscal_year: int, closed: bool) -> int:
        return self.conn.execute(
            sa.update(budget_line)
            .where(
                budget_line.c.org == org, budget_line.c.fiscal_year == fiscal_year, budget_line.c.closed.is_(not closed)
            )
            .values(closed=closed, updated_at=sa.func.now())
        ).rowcount

    def successor(self, line_id: str, *, for_update: bool = False):  # noqa: ANN201 - BudgetLine | None
        query = sa.select(budget_line).where(budget_line.c.carried_from == line_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return _to_line(row) if row else None

    def add_amount(self, line_id: str, amount: Decimal) -> None:
        self.conn.execute(
            sa.update(budget_line)
            .where(budget_line.c.id == line_id)
            .values(amount=budget_line.c.amount + amount, updated_at=sa.func.now())
        )

    def holdings(self, line_id: str) -> list[Holding]:
        """Every document still holding money on the line (pre-committed or committed), in document order."""
        m = budget_move.c
        signed = {
            MoveKind.PRE_COMMIT: ("pre", 1),
            MoveKind.RELEASE: ("pre", -1),
            MoveKind.COMMIT: ("com", 1),
            MoveKind.RELIEVE: ("com", -1),
        }

        def total(stage: str):  # noqa: ANN202
            return sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        *[(m.kind == k.value, m.amount * sign) for k, (s, sign) in signed.items() if s == stage],
                        else_=0,
                    )
                ),
                0,
            )

        pre, com = total("pre").label("pre"), total("com").label("com")
        rows = self.conn.execute(
            sa.select(m.document_type, m.document_id, sa.func.max(m.document_no), pre, com)
            .where(m.budget_line_id == line_id)
            .group_by(m.document_type, m.document_id)
            .order_by(m.document_type, m.document_id)
        ).all()
        return [Holding(DocumentRef(t, i, no), p, c) for t, i, no, p, c in rows if p > 0 or c > 0]

    # ── reopen requests ──
    def next_reopen_no(self, year: int) -> str:
        return _next_no(self.conn, fiscal_year_reopen_no, ye.REOPEN_NO_PREFIX, year)

    def add_reopen(self, values: dict[str, Any]) -> dict[str, Any]:
        row = self.conn.execute(
            pg_insert(R).values(**values).on_conflict_do_nothing(index_elements=["id"]).returning(*R.columns)
        ).first()
        return dict(row._mapping) if row else self.get_reopen(values["id"])

    def get_reopen(self, reopen_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        query = sa.select(R).where(R.c.id == reopen_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return dict(row._mapping) if row else None

    def save_reopen(self, reopen_id: str, status: str, reason: str | None) -> None:
        self.conn.execute(
            sa.update(R)
            .where(R.c.id == reopen_id)
            .values(status=status, status_reason=reason, updated_at=sa.func.now())
        )


def _values(obj: Any, table: sa.Table, skip: tuple[str, ...]) -> dict[str, Any]:
    return {c.name: getattr(obj, c.name) for c in table.columns if c.name not in skip and hasattr(obj, c.name)}


def _to_adjustment(row: Any) -> adj.Adjustment:
    data = {k: getattr(row, k) for k in adj.Adjustment.__dataclass_fields__}
    data.update(id=str(row.id), kind=adj.Kind(row.kind), status=adj.Status(row.status))
    return adj.Adjustment(**data)


def _to_override(row: Any) -> ovr.Override:
    return ovr.Override(
        id=str(row.id),
        no=row.no,
        org=row.org,
        budget_line_id=row.budget_line_id,
        document=DocumentRef(row.document_type, row.document_id, row.document_no),
        amount=row.amount,
        reason=row.reason,
        initiator=row.initiator,
        unit=row.unit,
        status=ovr.Status(row.status),
        status_reason=row.status_reason,
        expires_at=row.expires_at,
        used_amount=row.used_amount,
        used_step=row.used_step,
        used_at=row.used_at,
        created_at=row.created_at,
    )


def now(conn: Connection) -> datetime:
    """The database's clock: expiry is judged on one clock, whichever service process asks."""
    return conn.execute(sa.select(sa.func.now())).scalar_one()


class DatabaseClock:
    """`now()` read from the database: the clock a unit of work's use cases judge expiry on."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def now(self) -> datetime:
        return now(self.conn)
