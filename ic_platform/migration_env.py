"""The body of every service's Alembic env.py. The service's ORM metadata is the autogenerate target, so
`python -m ic_platform.cli makemigration <service> "<message>"` writes the next migration's code."""

from __future__ import annotations

import importlib
from pathlib import Path

import sqlalchemy as sa
from alembic import context


def run() -> None:
    service = Path(context.config.get_main_option("script_location")).parent.name
    metadata = importlib.import_module(f"services.{service}.adapters.orm").metadata
    url = context.config.get_main_option("sqlalchemy.url")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
