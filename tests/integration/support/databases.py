"""One service's own database, made for a test module and thrown away after it: the repository and SQL tests
that need the real schema (constraints, locks, SQL functions) but no running service."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from deploy.stack import settings_from
from ic_platform.db import drop_database, make_engine, migrate


@contextmanager
def service_database(service: str, prefix: str, *, pool_size: int | None = 2) -> Iterator[Engine]:
    """`service`'s database under a fresh prefix, migrated to head; `pool_size=None` for an engine that keeps
    no connection between uses (tests that count or kill backends)."""
    cfg = settings_from({"IC_DB_PREFIX": f"{prefix}{uuid.uuid4().hex[:8]}"})
    url = cfg.database_url(service)
    migrate(service, cfg)
    engine = make_engine(url, pool_size=pool_size) if pool_size else sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(url)
