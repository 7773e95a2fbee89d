"""Storing the major-matter rules (三重一大认定规则), effective-dated."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.approval.adapters.orm import approval_major_matter_rule as t
from services.approval.domain.major_matter import MajorMatterRule

# Built once: every submission asks it.
_on = sa.bindparam("on", type_=sa.Date)
_IN_FORCE = (
    sa.select(t)
    .where(
        t.c.org == sa.bindparam("org"),
        t.c.effective_from <= _on,
        sa.or_(t.c.effective_to.is_(None), t.c.effective_to > _on),
    )
    .order_by(t.c.code)
)


class MajorMatterRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def put(self, org: str, rule: MajorMatterRule, set_by: str | None) -> None:
        values = dict(
            effective_to=rule.effective_to,
            label=rule.label,
            document_types=list(rule.document_types),
            amount_at_least=rule.amount_at_least,
            economic_classes=list(rule.economic_classes),
            set_by=set_by,
        )
        stmt = pg_insert(t).values(org=org, code=rule.code, effective_from=rule.effective_from, **values)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["org", "code", "effective_from"], set_={**values, "updated_at": sa.func.now()}
            )
        )

    def in_force(self, org: str, on: date) -> list[MajorMatterRule]:
        rows = self.conn.execute(_IN_FORCE, {"org": org, "on": on}).all()
        return [
            MajorMatterRule(
                r.code,
                r.label,
                tuple(r.document_types),
                r.effective_from,
                r.effective_to,
                r.amount_at_least,
                tuple(r.economic_classes),
            )
            for r in rows
        ]
