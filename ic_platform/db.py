"""Engines, throwaway-safe database creation and Alembic migrations, one database per service."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from ic_platform.config import Settings, settings

REPO_ROOT = Path(__file__).resolve().parent.parent


def make_engine(url: str, *, pool_size: int | None = None, max_overflow: int | None = None) -> Engine:
    """A pooled engine. Unless told otherwise, a process's connection budget is IC_DB_POOL_SIZE (3) plus
    IC_DB_POOL_OVERFLOW (2): at most five connections per service process, whatever its worker count (workers
    beyond that wait for a connection; see docs/architecture.md, "Connection budget"). The whole budget is one
    pool with no overflow: connections are opened as needed and then kept. An overflow connection is closed
    when it is handed back, so under load each event opened and closed one (a PostgreSQL backend started and
    stopped per event, measured as one new session per request in risk and in approval)."""
    if pool_size is None:
        budget = settings().db_pool_size + settings().db_pool_overflow
        pool_size, max_overflow = budget, 0
    elif max_overflow is None:
        max_overflow = settings().db_pool_overflow
    return sa.create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=False, pool_recycle=1800, future=True
    )


def ensure_database(url: str) -> bool:
    """Create the database if missing; True when it was created."""
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            ).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
            return not exists
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def migrations_dir(service: str) -> Path:
    return REPO_ROOT / "services" / service / "migrations"


def migrate(service: str, cfg: Settings | None = None) -> None:
    """Create (if needed) and upgrade one service's database to its newest migration."""
    from alembic import command
    from alembic.config import Config

    cfg = cfg or settings()
    url = cfg.database_url(service)
    ensure_database(url)
    alembic_cfg = Config()
    alembic_cfg.set_main_option("script_location", str(migrations_dir(service)))
    alembic_cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    alembic_cfg.attributes["service"] = service
    command.upgrade(alembic_cfg, "head")
