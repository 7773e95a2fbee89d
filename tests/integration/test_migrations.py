"""Each service's migrations build exactly the schema its code maps: no table, column, index or constraint
that the code expects is missing, and nothing is there that the code does not know."""

from __future__ import annotations

import importlib
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from deploy.stack import settings_from
from ic_platform.config import SERVICES
from ic_platform.db import drop_database, migrate

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_mapped_tables(service):
    cfg = settings_from({"IC_DB_PREFIX": f"ic_mig{uuid.uuid4().hex[:8]}"})
    url = cfg.database_url(service)
    try:
        migrate(service, cfg)
        metadata = importlib.import_module(f"services.{service}.adapters.orm").metadata
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        engine.dispose()
        assert diff == [], f"{service}: run `python -m ic_platform.cli makemigration {service} ...`: {diff}"
    finally:
        drop_database(url)
