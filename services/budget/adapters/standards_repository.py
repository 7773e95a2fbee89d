"""Reading and writing expenditure standards and 三公经费 caps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.budget.adapters.orm import budget_line, expenditure_standard, three_public_cap
from services.budget.domain.standards import Action, Kind, Standard, VersionTaken, key_text, limits_json
from services.budget.domain.three_public import ECONOMIC_CLASSES, ORG_WIDE, Cap, Category, classes_of

T = expenditure_standard


def _to_standard(row: Any) -> Standard:
    limits = {k: (Decimal(v) if isinstance(v, str) else int(v)) for k, v in row.limits.items()}
    return Standard(
        org=row.org,
        code=row.code,
        kind=Kind(row.kind),
        name=row.name,
        version=row.version,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        key=dict(row.key),
        limits=limits,
        action=Action(row.action),
    )


class StandardRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def current(self, org: str, code: str, *, for_update: bool = False) -> Standard | None:
        """The newest version of a code (locked, when adding the next one)."""
        query = sa.select(T).where(T.c.org == org, T.c.code == code).order_by(T.c.version.desc()).limit(1)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _to_standard(row) if row else None

    def code_for_key(self, org: str, kind: Kind, key: dict[str, str]) -> str | None:
        return self.conn.execute(
            sa.select(T.c.code).where(T.c.org == org, T.c.kind == kind.value, T.c.key_text == key_text(key)).limit(1)
        ).scalar()

    def add(self, standard: Standard, actor: str | None) -> None:
        """Raises `VersionTaken` when the (org, code, version) row exists already."""
        try:
            self._insert(standard, actor)
        except sa.exc.IntegrityError:
            raise VersionTaken(f"{standard.code} v{standard.version}") from None

    def _insert(self, standard: Standard, actor: str | None) -> None:
        self.conn.execute(
            sa.insert(T).values(
                org=standard.org,
                code=standard.code,
                version=standard.version,
                kind=standard.kind.value,
                name=standard.name,
                key=standard.key,
                key_text=key_text(standard.key),
                limits=limits_json(standard.limits),
                action=standard.action.value,
                effective_from=standard.effective_from,
                effective_to=standard.effective_to,
                created_by=actor,
            )
        )

    def close(self, standard: Standard) -> None:
        self.conn.execute(
            sa.update(T)
            .where(T.c.org == standard.org, T.c.code == standard.code, T.c.version == standard.version)
            .values(effective_to=standard.effective_to)
        )

    def in_force(self, org: str, kind: Kind, key: dict[str, str], day: date) -> Standard | None:
        """The version of the (kind, key) standard in force on the day: chosen by date, never by newest."""
        row = self.conn.execute(
            sa.select(T)
            .where(
                T.c.org == org,
                T.c.kind == kind.value,
                T.c.key_text == key_text(key),
                T.c.effective_from <= day,
                sa.or_(T.c.effective_to.is_(None), T.c.effective_to >= day),
            )
            .order_by(T.c.version.desc())
            .limit(1)
        ).first()
        return _to_standard(row) if row else None

    def page(
        self, *, org: str, kind: str | None, code: str | None, as_of: date | None, limit: int, offset: int
    ) -> tuple[int, list[Standard]]:
        cond = [T.c.org == org]
        if kind:
            cond.append(T.c.kind == kind)
        if code:
            cond.append(T.c.code == code)
        if as_of:
            cond += [T.c.effective_from <= as_of, sa.or_(T.c.effective_to.is_(None), T.c.effective_to >= as_of)]
        total = self.conn.execute(sa.select(sa.func.count()).select_from(T).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(T).where(*cond).order_by(T.c.kind, T.c.code, T.c.version).limit(limit).offset(offset)
        ).all()
        return total, [_to_standard(r) for r in rows]


C = three_public_cap
L = budget_line
_CATEGORY_OF_CLASS = sa.case(
    {code: category.value for code, category in ECONOMIC_CLASSES.items()}, value=L.c.economic_class
)


class CapRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def economic_class(self, line_id: str) -> str | None:
        return self.conn.execute(sa.select(L.c.economic_class).where(L.c.id == line_id)).scalar()

    def lock_caps_of_line(self, line_id: str) -> list[Cap]:
        """The caps a line's consumption counts against (the organisation's, then its unit's), row-locked,
        in one statement. Empty when the line is not in a 三公 category or its category has no cap."""
        rows = self.conn.execute(
            sa.select(C)
            .select_from(
                C.join(
                    L,
                    sa.and_(
                        C.c.org == L.c.org,
                        C.c.fiscal_year == L.c.fiscal_year,
                        C.c.category == _CATEGORY_OF_CLASS,
                        sa.or_(C.c.unit == ORG_WIDE, C.c.unit == L.c.unit),
                    ),
                )
            )
            .where(L.c.id == line_id, L.c.economic_class.in_(list(ECONOMIC_CLASSES)))
            .order_by(C.c.unit)
            .with_for_update(of=C)
        ).all()
        return [_to_cap(r) for r in rows]

    def consumed(self, org: str, fiscal_year: int, category: Category, unit: str = ORG_WIDE) -> Decimal:
        cond = [L.c.org == org, L.c.fiscal_year == fiscal_year, L.c.economic_class.in_(classes_of(category))]
        if unit != ORG_WIDE:
            cond.append(L.c.unit == unit)
        total = self.conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(L.c.pre_committed + L.c.committed + L.c.actual), 0)).where(*cond)
        ).scalar_one()
        return Decimal(total).quantize(Decimal("0.01"))

    def consumed_by_category(self, org: str, fiscal_year: int, unit: str = ORG_WIDE) -> dict[Category, Decimal]:
        cond = [L.c.org == org, L.c.fiscal_year == fiscal_year, L.c.economic_class.in_(list(ECONOMIC_CLASSES))]
        if unit != ORG_WIDE:
            cond.append(L.c.unit == unit)
        rows = self.conn.execute(
            sa.select(L.c.economic_class, sa.func.sum(L.c.pre_committed + L.c.committed + L.c.actual))
            .where(*cond)
            .group_by(L.c.economic_class)
        ).all()
        out = {c: Decimal("0.00") for c in Category}
        for economic_class, total in rows:
            out[ECONOMIC_CLASSES[economic_class]] += Decimal(total)
        return out

    def caps(self, org: str, fiscal_year: int, unit: str = ORG_WIDE) -> dict[Category, Cap]:
        rows = self.conn.execute(
            sa.select(C).where(C.c.org == org, C.c.fiscal_year == fiscal_year, C.c.unit == unit)
        ).all()
        return {Category(r.category): _to_cap(r) for r in rows}

    def put(self, cap: Cap, actor: str | None, *, replace: bool = True) -> bool:
        """Store a cap; with replace=False an existing cap is kept (seeding). True when written."""
        stmt = pg_insert(C).values(
            org=cap.org,
            fiscal_year=cap.fiscal_year,
            category=cap.category.value,
            unit=cap.unit,
            amount=cap.amount,
            updated_by=actor,
        )
        if replace:
            stmt = stmt.on_conflict_do_update(
                index_elements=[C.c.org, C.c.fiscal_year, C.c.category, C.c.unit],
                set_={"amount": cap.amount, "updated_by": actor, "updated_at": sa.func.now()},
            )
        else:
            stmt = stmt.on_conflict_do_nothing()
        return self.conn.execute(stmt.returning(C.c.org)).first() is not None


def _to_cap(row: Any) -> Cap:
    return Cap(
        org=row.org,
        fiscal_year=row.fiscal_year,
        category=Category(row.category),
        unit=row.unit,
        amount=Decimal(row.amount),
    )
