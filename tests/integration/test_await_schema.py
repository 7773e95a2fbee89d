"""`python -m ic_platform.cli await-schema <service>`: the Kubernetes init container that holds a new pod until the
migration Job has brought the service's database to the migrations of the pod's own code."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from deploy.stack import base_env
from ic_platform.config import settings
from ic_platform.db import drop_database, migrate

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def await_schema(prefix: str, seconds: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ic_platform.cli", "await-schema", "org", seconds],
        cwd=ROOT,
        env={**base_env(), "IC_DB_PREFIX": prefix},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_waits_while_the_database_is_missing_or_behind_and_passes_once_migrated():
    cfg = settings().with_(db_prefix=f"ic_await{uuid.uuid4().hex[:6]}")
    try:
        missing = await_schema(cfg.db_prefix, "1")
        assert missing.returncode == 1 and "this code needs" in missing.stderr
        migrate("org", cfg)
        ready = await_schema(cfg.db_prefix, "30")
        assert ready.returncode == 0, ready.stderr
        assert "[await-schema] org: at" in ready.stdout
    finally:
        drop_database(cfg.database_url("org"))
