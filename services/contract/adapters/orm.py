"""The contract database's tables (SQLAlchemy Core). For now only the shared mechanics' tables, so the service
can already publish (outbox), hear (inbox) and answer idempotently."""

from __future__ import annotations

import sqlalchemy as sa

from ic_platform.storage import platform_tables

metadata = sa.MetaData()

platform = platform_tables(metadata)
