"""Reading and writing budget lines and ledger moves."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.budget.adapters.orm import budget_line, budget_line_month, budget_move
from services.budget.domain.model import EFFECT, BudgetLine, ControlMode, DocumentRef, Move, MoveKind
from services.budget.domain.report import REPORT_TZ, ZERO, Figures

_LINE_FIELDS = [c.name for c in budget_line.columns if c.name not in ("created_at", "updated_at")]


# The ledger's hot statements, built once (every reservation, commitment and payment runs them): building a
# Core statement per call cost more CPU than sending it.
_GET_LINE = sa.select(budget_line).where(budget_line.c.id == sa.bindparam("line_id"))
_GET_LINE_LOCKED = _GET_LINE.with_for_update()
# One document's moves on one line, per kind (every check of funds settling a document, every move).
_HELD = (
    sa.select(budget_move.c.kind, sa.func.sum(budget_move.c.amount))
    .where(
        budget_move.c.budget_line_id == sa.bindparam("line_id"),
        budget_move.c.document_type == sa.bindparam("document_type"),
        budget_move.c.document_id == sa.bindparam("document_id"),
    )
    .group_by(budget_move.c.kind)
)
_SAVE_BALANCES = (
    sa.update(budget_line)
    .where(budget_line.c.id == sa.bindparam("line_id"))
    .values(
        pre_committed=sa.bindparam("pre"),
        committed=sa.bindparam("com"),
        actual=sa.bindparam("act"),
        updated_at=sa.func.now(),
    )
)
_ADD_MOVE = (
    pg_insert(budget_move)
    .values({c: sa.bindparam(c) for c in ("budget_line_id", "document_type", "document_id", "document_no")})
    .values({c: sa.bindparam(c) for c in ("step", "kind", "amount", "actor", "correlation_id")})
    .on_conflict_do_nothing()
    .returning(budget_move.c.id)
)


@functools.cache
def _month_upsert(attrs: tuple[str, ...]) -> Any:
    """The month row's stages `attrs` changed by their deltas (bound by the stage's name), in one statement."""
    month = sa.cast(sa.func.date_trunc("month", sa.func.timezone(REPORT_TZ, sa.func.now())), sa.Date)
    stmt = pg_insert(budget_line_month).values(
        budget_line_id=sa.bindparam("line_id"), month=month, **{a: sa.bindparam(a) for a in attrs}
    )
    return stmt.on_conflict_do_update(
        index_elements=[budget_line_month.c.budget_line_id, budget_line_month.c.month],
        set_={a: budget_line_month.c[a] + stmt.excluded[a] for a in attrs},
    )


def _to_line(row: Any) -> BudgetLine:
    data = {k: getattr(row, k) for k in _LINE_FIELDS}
    data["control_mode"] = ControlMode(data["control_mode"])
    return BudgetLine(**data)


class LineRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, line_id: str, *, for_update: bool = False) -> BudgetLine | None:
        row = self.conn.execute(_GET_LINE_LOCKED if for_update else _GET_LINE, {"line_id": line_id}).first()
        return _to_line(row) if row else None

    def add(self, line: BudgetLine) -> bool:
        values = {k: getattr(line, k) for k in _LINE_FIELDS}
        values["control_mode"] = line.control_mode.value
        stmt = pg_insert(budget_line).values(**values).on_conflict_do_nothing().returning(budget_line.c.id)
        return self.conn.execute(stmt).first() is not None

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these line ids are taken already (in any organisation: an id is unique system-wide)."""
        if not ids:
            return set()
        return set(self.conn.execute(sa.select(budget_line.c.id).where(budget_line.c.id.in_(ids))).scalars())

    def save_balances(self, line: BudgetLine) -> None:
        values = {"line_id": line.id, "pre": line.pre_committed, "com": line.committed, "act": line.actual}
        self.conn.execute(_SAVE_BALANCES, values)

    def page(
        self,
        *,
        org: str,
        fiscal_year: int | None,
        units: frozenset[str] | None,
        q: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[BudgetLine]]:
        """`units`: the units the reader's data scope reads (None: every unit)."""
        cond = [budget_line.c.org == org]
        if fiscal_year:
            cond.append(budget_line.c.fiscal_year == fiscal_year)
        if units is not None:
            cond.append(budget_line.c.unit.in_(sorted(units)))
        if q:
            like = f"%{q}%"
            cond.append(
                sa.or_(
                    budget_line.c.id.ilike(like),
                    budget_line.c.economic_class_name.ilike(like),
                    budget_line.c.functional_class_name.ilike(like),
                    budget_line.c.project.ilike(like),
                )
            )
        total = self.conn.execute(sa.select(sa.func.count()).select_from(budget_line).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(budget_line).where(*cond).order_by(budget_line.c.id).limit(limit).offset(offset)
        ).all()
        return total, [_to_line(r) for r in rows]


class MoveRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, move: Move, correlation_id: str | None) -> bool:
        """False when this document step was already recorded on the line (a replay)."""
        values = {
            "budget_line_id": move.budget_line_id,
            "document_type": move.document.type,
            "document_id": move.document.id,
            "document_no": move.document.no,
            "step": move.step,
            "kind": move.kind.value,
            "amount": move.amount,
            "actor": move.actor,
            "correlation_id": correlation_id,
        }
        return self.conn.execute(_ADD_MOVE, values).first() is not None

    def find(self, line_id: str, document: DocumentRef, step: str) -> Move | None:
        row = self.conn.execute(
            sa.select(budget_move).where(
                budget_move.c.budget_line_id == line_id,
                budget_move.c.document_type == document.type,
                budget_move.c.document_id == document.id,
                budget_move.c.step == step,
            )
        ).first()
        return _to_move(row) if row else None

    def for_document(self, document: DocumentRef) -> list[Move]:
        rows = self.conn.execute(
            sa.select(budget_move)
            .where(budget_move.c.document_type == document.type, budget_move.c.document_id == document.id)
            .order_by(budget_move.c.id)
        ).all()
        return [_to_move(r) for r in rows]

    def held(self, line_id: str, document: DocumentRef) -> dict[MoveKind, Decimal]:
        """Sums per kind of one document's moves on one line (read under the line's lock)."""
        params = {"line_id": line_id, "document_type": document.type, "document_id": document.id}
        return {MoveKind(kind): total for kind, total in self.conn.execute(_HELD, params).all()}

    def lines_of(self, document: DocumentRef) -> list[str]:
        """The lines a document has moved money on, in lock order."""
        return list(
            self.conn.execute(
                sa.select(budget_move.c.budget_line_id)
                .distinct()
                .where(budget_move.c.document_type == document.type, budget_move.c.document_id == document.id)
                .order_by(budget_move.c.budget_line_id)
            ).scalars()
        )

    def sums(self, line_id: str) -> dict[MoveKind, Decimal]:
        rows = self.conn.execute(
            sa.select(budget_move.c.kind, sa.func.sum(budget_move.c.amount))
            .where(budget_move.c.budget_line_id == line_id)
            .group_by(budget_move.c.kind)
        ).all()
        return {MoveKind(kind): total for kind, total in rows}


class MonthRepository:
    """The monthly projection: a line's net change per stage in the month of the move."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, line_id: str, kind: MoveKind, amount: Decimal) -> None:
        self.add_moves(line_id, [(kind, amount)])

    def add_moves(self, line_id: str, moves: list[tuple[MoveKind, Decimal]]) -> None:
        """Several moves on one line (a commitment and the pre-commitment it took over): their net change per
        stage, one statement."""
        deltas: dict[str, Decimal] = {}
        for kind, amount in moves:
            attr, sign = EFFECT[kind]
            if attr is not None:
                deltas[attr] = deltas.get(attr, Decimal("0.00")) + sign * amount
        if deltas:
            self.conn.execute(_month_upsert(tuple(sorted(deltas))), {"line_id": line_id, **deltas})


LINE_DIMENSIONS = (
    "unit",
    "functional_class",
    "functional_class_name",
    "economic_class",
    "economic_class_name",
    "project",
    "expenditure_kind",
)


class ReportRepository:
    """Reads for the execution report: sums over the line rows and month rows only."""

    def __init__(self, conn: Connection):
        self.conn = conn

    @staticmethod
    def _lines_where(org: str, fiscal_year: int, units: frozenset[str] | None, line_id: str | None = None) -> list:
        """`units`: the units the reader's data scope reads, narrowed to the asked one (None: every unit)."""
        cond = [budget_line.c.org == org, budget_line.c.fiscal_year == fiscal_year]
        if units is not None:
            cond.append(budget_line.c.unit.in_(sorted(units)))
        if line_id:
            cond.append(budget_line.c.id == line_id)
        return cond

    def execution(
        self,
        *,
        org: str,
        fiscal_year: int,
        group_by: str,
        units: frozenset[str] | None,
        limit: int | None,
        offset: int = 0,
    ) -> tuple[int, list[dict[str, Any]], Figures]:
        """(number of groups, one page of groups, totals over every group)."""
        c = budget_line.c
        key = {
            "line": c.id,
            "unit": c.unit,
            "economic_class": c.economic_class,
            "functional_class": c.functional_class,
            "project": sa.func.coalesce(c.project, ""),
            "expenditure_kind": c.expenditure_kind,
        }[group_by]
        extra = []
        if group_by == "line":
            extra = [c[d] for d in LINE_DIMENSIONS]
        elif group_by == "economic_class":
            extra = [sa.func.max(c.economic_class_name).label("economic_class_name")]
        elif group_by == "functional_class":
            extra = [sa.func.max(c.functional_class_name).label("functional_class_name")]
        cond = self._lines_where(org, fiscal_year, units)
        sums = [
            sa.func.sum(c.amount).label("amount"),
            sa.func.sum(c.pre_committed).label("pre_committed"),
            sa.func.sum(c.committed).label("committed"),
            sa.func.sum(c.actual).label("actual"),
        ]
        group_cols = [key, *extra] if group_by == "line" else [key]
        query = (
            sa.select(key.label("key"), *extra, *sums, sa.func.count().label("lines"))
            .where(*cond)
            .group_by(*group_cols)
            .order_by(key)
        )
        if limit is not None:
            query = query.limit(limit).offset(offset)
        rows = [dict(r._mapping) for r in self.conn.execute(query)]
        total_row = self.conn.execute(sa.select(sa.func.count(sa.distinct(key)), *sums).where(*cond)).one()
        groups, amount, pre, com, act = total_row
        return groups, rows, Figures(amount or ZERO, pre or ZERO, com or ZERO, act or ZERO)

    def actuals(self, *, org: str, fiscal_year: int, units: frozenset[str] | None) -> list[dict[str, Any]]:
        """The lines of a year with an actual (实际支出) other than zero: what accounting reconciles with."""
        c = budget_line.c
        query = (
            sa.select(c.id.label("budget_line_id"), c.unit, c.economic_class, c.actual)
            .where(*self._lines_where(org, fiscal_year, units), c.actual != 0)
            .order_by(c.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def totals_by_org_and_year(self) -> list[tuple[str, int, Figures]]:
        """Every office's totals per fiscal year (the dashboard's execution rate): one pass over the line rows."""
        c = budget_line.c
        query = sa.select(
            c.org,
            c.fiscal_year,
            sa.func.sum(c.amount),
            sa.func.sum(c.pre_committed),
            sa.func.sum(c.committed),
            sa.func.sum(c.actual),
        ).group_by(c.org, c.fiscal_year)
        return [
            (org, year, Figures(amount, pre, com, act)) for org, year, amount, pre, com, act in self.conn.execute(query)
        ]

    def monthly(
        self, *, org: str, fiscal_year: int, units: frozenset[str] | None, line_id: str | None
    ) -> dict[Any, Figures]:
        m = budget_line_month.c
        query = (
            sa.select(m.month, sa.func.sum(m.pre_committed), sa.func.sum(m.committed), sa.func.sum(m.actual))
            .select_from(budget_line_month.join(budget_line, budget_line.c.id == m.budget_line_id))
            .where(*self._lines_where(org, fiscal_year, units, line_id))
            .group_by(m.month)
        )
        return {month: Figures(ZERO, pre, com, act) for month, pre, com, act in self.conn.execute(query)}

    def moves(self, line_id: str, *, limit: int, offset: int) -> tuple[int, list[Any]]:
        mv = budget_move.c
        total = self.conn.execute(
            sa.select(sa.func.count()).select_from(budget_move).where(mv.budget_line_id == line_id)
        ).scalar_one()
        rows = self.conn.execute(
            sa.select(budget_move)
            .where(mv.budget_line_id == line_id)
            .order_by(mv.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return total, rows


def _to_move(row: Any) -> Move:
    return Move(
        budget_line_id=row.budget_line_id,
        document=DocumentRef(row.document_type, row.document_id, row.document_no),
        step=row.step,
        kind=MoveKind(row.kind),
        amount=row.amount,
        actor=row.actor,
    )
