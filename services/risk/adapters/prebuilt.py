"""Statements built once, executed with parameters (`sa.bindparam`, named after the columns).

Risk runs a dozen statements for every event it hears. A statement built per call costs SQLAlchemy more CPU in
constructing it and computing its cache key than PostgreSQL spends running it; one built at import has its
cache key memoised and its compiled form cached, so a call costs only the execution."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert


def insert(table: sa.Table, *columns: str) -> Insert:
    """INSERT of these columns, each from the parameter of its name (typed as its column)."""
    return pg_insert(table).values({name: sa.bindparam(name) for name in columns})


def where(table: sa.Table, *columns: str) -> list[sa.ColumnElement[bool]]:
    """`column = :column` for each column named."""
    return [table.c[name] == sa.bindparam(name) for name in columns]
