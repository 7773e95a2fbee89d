"""Reading and writing what the line register adds: change records, the unit cache, and the line reads and
writes of decomposition, control settings and export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.budget.adapters.orm import budget_control_policy, budget_line, budget_line_change, org_unit
from services.budget.adapters.repository import _to_line
from services.budget.domain.lines import ControlSetting
from services.budget.domain.model import BudgetLine, ControlMode


class ChangeRepository:
    """变更记录: append-only (the database refuses UPDATE and DELETE on the table)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(
        self,
        line_id: str,
        kind: str,
        actor: str | None,
        reason: str | None,
        before: dict | None,
        after: dict | None,
        document: DocumentRef | None = None,
        correlation_id: str | None = None,
    ) -> int:
        return self.conn.execute(
            sa.insert(budget_line_change)
            .values(
                budget_line_id=line_id,
                kind=kind,
                actor=actor,
                reason=reason,
                before=before,
                after=after,
                document_type=document.type if document else None,
                document_id=document.id if document else None,
                document_no=document.no if document else None,
                correlation_id=correlation_id,
                at=sa.func.now(),
            )
            .returning(budget_line_change.c.id)
        ).scalar_one()

    def page(self, line_id: str, *, limit: int, offset: int) -> tuple[int, list[Any]]:
        c = budget_line_change.c
        total = self.conn.execute(
            sa.select(sa.func.count()).select_from(budget_line_change).where(c.budget_line_id == line_id)
        ).scalar_one()
        rows = self.conn.execute(
            sa.select(budget_line_change)
            .where(c.budget_line_id == line_id)
            .order_by(c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return total, rows


class UnitRepository:
    """The cache of the organisation's units, filled from `org.unit_registered`."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def upsert(self, org: str, code: str, name: str, kind: str, announced_at: datetime) -> None:
        stmt = pg_insert(org_unit).values(org=org, code=code, name=name, kind=kind, announced_at=announced_at)
        # An event older than the stored version (a retry that overtook a newer one) changes nothing.
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[org_unit.c.org, org_unit.c.code],
                set_={
                    "name": stmt.excluded.name,
                    "kind": stmt.excluded.kind,
                    "announced_at": stmt.excluded.announced_at,
                    "updated_at": sa.func.now(),
                },
                where=org_unit.c.announced_at <= stmt.excluded.announced_at,
            )
        )

    def names(self, org: str) -> dict[str, str]:
        """Every registered unit's name by code: reports show names beside codes."""
        rows = self.conn.execute(sa.select(org_unit.c.code, org_unit.c.name).where(org_unit.c.org == org))
        return {code: name for code, name in rows}

    def known(self, org: str, codes: set[str] | list[str]) -> set[str]:
        """Which of these codes are registered units of the org."""
        if not codes:
            return set()
        return set(
            self.conn.execute(
                sa.select(org_unit.c.code).where(org_unit.c.org == org, org_unit.c.code.in_(sorted(set(codes))))
            ).scalars()
        )


class RegisterLineRepository:
    """Line writes beyond the ledger's balances: amount after a decomposition, control settings; and reads by
    class, by parent, and for export."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def save_amount(self, line: BudgetLine) -> None:
        self.conn.execute(
            sa.update(budget_line)
            .where(budget_line.c.id == line.id)
            .values(amount=line.amount, updated_at=sa.func.now())
        )

    def save_control(self, line: BudgetLine) -> None:
        self.conn.execute(
            sa.update(budget_line)
            .where(budget_line.c.id == line.id)
            .values(
                control_mode=line.control_mode.value,
                tolerance=line.tolerance,
                tolerance_rate=line.tolerance_rate,
                updated_at=sa.func.now(),
            )
        )

    def children_count(self, parent_id: str) -> int:
        return self.conn.execute(
            sa.select(sa.func.count()).select_from(budget_line).where(budget_line.c.parent_id == parent_id)
        ).scalar_one()

    def save_policy(
        self, org: str, fiscal_year: int, economic_class: str, setting: ControlSetting, actor: str | None, reason: str
    ) -> None:
        values = {
            "control_mode": setting.mode.value,
            "tolerance": setting.tolerance,
            "tolerance_rate": setting.tolerance_rate,
            "reason": reason,
            "set_by": actor,
            "set_at": sa.func.now(),
        }
        self.conn.execute(
            pg_insert(budget_control_policy)
            .values(org=org, fiscal_year=fiscal_year, economic_class=economic_class, **values)
            .on_conflict_do_update(index_elements=["org", "fiscal_year", "economic_class"], set_=values)
        )

    def policies(self, org: str, fiscal_year: int) -> dict[str, ControlSetting]:
        """The class settings of a year, by economic class prefix."""
        rows = self.conn.execute(
            sa.select(budget_control_policy).where(
                budget_control_policy.c.org == org, budget_control_policy.c.fiscal_year == fiscal_year
            )
        )
        return {
            r.economic_class: ControlSetting(ControlMode(r.control_mode), r.tolerance, r.tolerance_rate) for r in rows
        }

    def of_class(
        self, org: str, fiscal_year: int, economic_class_prefix: str, *, for_update: bool = False
    ) -> list[BudgetLine]:
        """Every line of the year whose economic class starts with the prefix (302 → 30201, 30211, …), in id
        order, so concurrent writers lock them in the same order."""
        prefix = economic_class_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            sa.select(budget_line)
            .where(
                budget_line.c.org == org,
                budget_line.c.fiscal_year == fiscal_year,
                budget_line.c.economic_class.like(f"{prefix}%", escape="\\"),
            )
            .order_by(budget_line.c.id)
        )
        if for_update:
            query = query.with_for_update()
        return [_to_line(r) for r in self.conn.execute(query)]

    def all(
        self, *, org: str, fiscal_year: int | None, units: frozenset[str] | None, q: str | None, limit: int
    ) -> list[BudgetLine]:
        """The lines a filter selects, in id order, at most `limit` (for export: the caller says when more)."""
        c = budget_line.c
        cond = [c.org == org]
        if fiscal_year:
            cond.append(c.fiscal_year == fiscal_year)
        if units is not None:
            cond.append(c.unit.in_(sorted(units)))
        if q:
            like = f"%{q}%"
            cond.append(
                sa.or_(
                    c.id.ilike(like),
                    c.economic_class_name.ilike(like),
                    c.functional_class_name.ilike(like),
                    c.project.ilike(like),
                )
            )
        rows = self.conn.execute(sa.select(budget_line).where(*cond).order_by(c.id).limit(limit)).all()
        return [_to_line(r) for r in rows]
