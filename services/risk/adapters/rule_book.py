"""Storage of the rule book's parameter versions (effective-dated)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.risk.adapters.orm import risk_rule_parameters as t
from services.risk.domain.rule_book import ParameterVersion
from services.risk.domain.rules import Rule

# An org's versions, all of them (a few rows per rule): an event judged by several rules, or by one rule in
# several scopes, reads the book once in its transaction instead of once per rule.
_VERSIONS = sa.text(
    "SELECT rule, effective_from, parameters, set_by FROM risk_rule_parameters WHERE org = :org"
    " ORDER BY rule, effective_from"
)


class RuleBookRepository:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._read: dict[str, dict[str, list]] = {}  # per org, per rule: its rows, oldest first (this transaction)

    def put(self, org: str, version: ParameterVersion) -> None:
        values = dict(parameters=version.values, set_by=version.set_by)
        stmt = pg_insert(t).values(org=org, rule=version.rule.value, effective_from=version.effective_from, **values)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["org", "rule", "effective_from"], set_={**values, "set_at": sa.func.now()}
            )
        )
        self._read.pop(org, None)

    def in_force(self, org: str, rule: Rule, on: date) -> ParameterVersion | None:
        """The latest version on or before `on`, from the org's book as this transaction first read it."""
        if org not in self._read:
            book: dict[str, list] = {}
            for row in self.conn.execute(_VERSIONS, {"org": org}):
                book.setdefault(row.rule, []).append(row)
            self._read[org] = book
        found = None
        for row in self._read[org].get(rule.value, ()):
            if row.effective_from > on:
                break
            found = row
        return None if found is None else _version(found)

    def versions(self, org: str) -> list[ParameterVersion]:
        rows = self.conn.execute(sa.select(t).where(t.c.org == org).order_by(t.c.rule, t.c.effective_from)).all()
        return [_version(r) for r in rows]


def _version(row) -> ParameterVersion:  # noqa: ANN001
    return ParameterVersion(Rule(row.rule), row.effective_from, dict(row.parameters), row.set_by)
