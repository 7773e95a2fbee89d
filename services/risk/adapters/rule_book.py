"""Storage of the rule book's parameter versions (effective-dated)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.risk.adapters.orm import risk_rule_parameters as t
from services.risk.domain.rule_book import ParameterVersion
from services.risk.domain.rules import Rule


class RuleBookRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def put(self, org: str, version: ParameterVersion) -> None:
        values = dict(parameters=version.values, set_by=version.set_by)
        stmt = pg_insert(t).values(org=org, rule=version.rule.value, effective_from=version.effective_from, **values)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["org", "rule", "effective_from"], set_={**values, "set_at": sa.func.now()}
            )
        )

    def in_force(self, org: str, rule: Rule, on: date) -> ParameterVersion | None:
        """The latest version on or before `on` (one row by the primary key's order, however many versions)."""
        row = self.conn.execute(
            sa.select(t)
            .where(t.c.org == org, t.c.rule == rule.value, t.c.effective_from <= on)
            .order_by(t.c.effective_from.desc())
            .limit(1)
        ).first()
        return None if row is None else _version(row)

    def versions(self, org: str) -> list[ParameterVersion]:
        rows = self.conn.execute(sa.select(t).where(t.c.org == org).order_by(t.c.rule, t.c.effective_from)).all()
        return [_version(r) for r in rows]


def _version(row) -> ParameterVersion:  # noqa: ANN001
    return ParameterVersion(Rule(row.rule), row.effective_from, dict(row.parameters), row.set_by)
