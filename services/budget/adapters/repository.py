"""Reading and writing budget lines and ledger moves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.budget.adapters.orm import budget_line, budget_move
from services.budget.domain.model import BudgetLine, ControlMode, DocumentRef, Move, MoveKind

_LINE_FIELDS = [c.name for c in budget_line.columns if c.name not in ("created_at", "updated_at")]


def _to_line(row: Any) -> BudgetLine:
    data = {k: getattr(row, k) for k in _LINE_FIELDS}
    data["control_mode"] = ControlMode(data["control_mode"])
    return BudgetLine(**data)


class LineRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, line_id: str, *, for_update: bool = False) -> BudgetLine | None:
        query = sa.select(budget_line).where(budget_line.c.id == line_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _to_line(row) if row else None

    def add(self, line: BudgetLine) -> bool:
        values = {k: getattr(line, k) for k in _LINE_FIELDS}
        values["control_mode"] = line.control_mode.value
        stmt = pg_insert(budget_line).values(**values).on_conflict_do_nothing().returning(budget_line.c.id)
        return self.conn.execute(stmt).first() is not None

    def save_balances(self, line: BudgetLine) -> None:
        self.conn.execute(sa.update(budget_line).where(budget_line.c.id == line.id).values(
            pre_committed=line.pre_committed, committed=line.committed, actual=line.actual,
            updated_at=sa.func.now()))

    def page(self, *, org: str, fiscal_year: int | None, unit: str | None, q: str | None,
             limit: int, offset: int) -> tuple[int, list[BudgetLine]]:
        cond = [budget_line.c.org == org]
        if fiscal_year:
            cond.append(budget_line.c.fiscal_year == fiscal_year)
        if unit:
            cond.append(budget_line.c.unit == unit)
        if q:
            like = f"%{q}%"
            cond.append(sa.or_(budget_line.c.id.ilike(like), budget_line.c.economic_class_name.ilike(like),
                               budget_line.c.functional_class_name.ilike(like), budget_line.c.project.ilike(like)))
        total = self.conn.execute(sa.select(sa.func.count()).select_from(budget_line).where(*cond)).scalar_one()
        rows = self.conn.execute(sa.select(budget_line).where(*cond).order_by(budget_line.c.id)
                                 .limit(limit).offset(offset)).all()
        return total, [_to_line(r) for r in rows]


class MoveRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, move: Move, correlation_id: str | None) -> bool:
        """False when this document step was already recorded on the line (a replay)."""
        stmt = pg_insert(budget_move).values(
            budget_line_id=move.budget_line_id, document_type=move.document.type, document_id=move.document.id,
            document_no=move.document.no, step=move.step, kind=move.kind.value, amount=move.amount,
            actor=move.actor, correlation_id=correlation_id).on_conflict_do_nothing().returning(budget_move.c.id)
        return self.conn.execute(stmt).first() is not None

    def find(self, line_id: str, document: DocumentRef, step: str) -> Move | None:
        row = self.conn.execute(sa.select(budget_move).where(
            budget_move.c.budget_line_id == line_id, budget_move.c.document_type == document.type,
            budget_move.c.document_id == document.id, budget_move.c.step == step)).first()
        return _to_move(row) if row else None

    def for_document(self, document: DocumentRef) -> list[Move]:
        rows = self.conn.execute(sa.select(budget_move).where(
            budget_move.c.document_type == document.type, budget_move.c.document_id == document.id)
            .order_by(budget_move.c.id)).all()
        return [_to_move(r) for r in rows]

    def held(self, line_id: str, document: DocumentRef) -> dict[MoveKind, Decimal]:
        """Sums per kind of one document's moves on one line (read under the line's lock)."""
        rows = self.conn.execute(sa.select(budget_move.c.kind, sa.func.sum(budget_move.c.amount)).where(
            budget_move.c.budget_line_id == line_id, budget_move.c.document_type == document.type,
            budget_move.c.document_id == document.id).group_by(budget_move.c.kind)).all()
        return {MoveKind(kind): total for kind, total in rows}

    def lines_of(self, document: DocumentRef) -> list[str]:
        """The lines a document has moved money on, in lock order."""
        return list(self.conn.execute(sa.select(budget_move.c.budget_line_id).distinct().where(
            budget_move.c.document_type == document.type, budget_move.c.document_id == document.id)
            .order_by(budget_move.c.budget_line_id)).scalars())

    def sums(self, line_id: str) -> dict[MoveKind, Decimal]:
        rows = self.conn.execute(sa.select(budget_move.c.kind, sa.func.sum(budget_move.c.amount))
                                 .where(budget_move.c.budget_line_id == line_id)
                                 .group_by(budget_move.c.kind)).all()
        return {MoveKind(kind): total for kind, total in rows}


def _to_move(row: Any) -> Move:
    return Move(budget_line_id=row.budget_line_id,
                document=DocumentRef(row.document_type, row.document_id, row.document_no),
                step=row.step, kind=MoveKind(row.kind), amount=row.amount, actor=row.actor)
