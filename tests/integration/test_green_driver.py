"""A service process runs psycopg's C implementation, and its queries still overlap under eventlet: ten
concurrent 0.3 s queries in one process take about 0.3 s, not 3 s (ic_platform/green.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ic_platform.config import settings
from ic_platform.db import REPO_ROOT

pytestmark = pytest.mark.integration

PROBE = """
from ic_platform import green
green.prepare()
import json, time, eventlet, psycopg, sqlalchemy as sa
from ic_platform.db import make_engine
engine = make_engine({url!r}, pool_size=10)
def sleep():
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_sleep(0.3)"))
with engine.connect() as conn:
    conn.execute(sa.text("SELECT 1"))  # the first connection is made before timing
pool = eventlet.GreenPool()
started = time.monotonic()
for _ in range(10):
    pool.spawn(sleep)
pool.waitall()
print(json.dumps({{"impl": psycopg.pq.__impl__, "elapsed": time.monotonic() - started}}))
"""


def test_ten_concurrent_queries_in_one_service_process_overlap():
    url = settings().database_url("probe").rsplit("/", 1)[0] + "/postgres"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSYCOPG_")}  # what the runner sets itself
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(url=url)],
        cwd=REPO_ROOT,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["impl"] == "binary"
    # One after another they would take 3 s; overlapping, a little over 0.3 s (allowing for a busy machine).
    assert result["elapsed"] < 1.5, result
