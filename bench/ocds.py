"""OCDS: 10,000 synthetic compiled releases (services/risk/ocds_synthetic.py) imported and flagged with Cardinal's
indicators in one import, through the same use case as POST /api/v1/ocds/releases and the CLI, on the risk
database. Target: under 30 s on this machine (issue 13 §5).

    python -m bench.ocds            # alone, on a scratch database of the configured PostgreSQL
"""

from __future__ import annotations

import os
import time
import uuid

import psutil
import sqlalchemy as sa

from bench.targets import record
from ic_platform.config import Settings
from ic_platform.context import CallContext
from ic_platform.db import make_engine
from services.risk.ocds_synthetic import lines
from services.risk.service_layer import ocds as uc
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

RELEASES = 10_000
TARGET_S = 30.0


def ocds_section(cfg: Settings, releases: int = RELEASES) -> float:
    text = "\n".join(lines(releases)) + "\n"
    engine = make_engine(cfg.database_url("risk"), pool_size=1)
    org = f"bench-ocds-{uuid.uuid4().hex[:6]}"
    with engine.connect() as conn:  # the pool's one connection: the import's transaction runs on this backend
        backend = psutil.Process(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
    try:
        db_before, cpu_before = _cpu(backend), time.process_time()
        started = time.perf_counter()
        answer = uc.import_releases(
            uc.ImportReleases(content=text, source_name="synthetic.jsonl"),
            RiskUnitOfWork(engine),
            CallContext(org=org, actor="bench"),
            check_roles=False,
        )
        seconds = time.perf_counter() - started
        cpu, db_cpu = time.process_time() - cpu_before, _cpu(backend) - db_before
    finally:
        engine.dispose()
    flagged = ", ".join(f"{k} {v}" for k, v in answer["processes_flagged"].items())
    print(f"\n== OCDS: {releases:,} compiled releases imported and flagged (Cardinal) ==  target < {TARGET_S:g} s")
    rate = answer["accepted"] / seconds
    print(f"  {len(text) / 1e6:.1f} MB; {answer['accepted']:,} accepted in {seconds:.1f} s ({rate:,.0f}/s)")
    print(
        f"  CPU: this process {cpu:.1f} s + its PostgreSQL backend {db_cpu:.1f} s = {cpu + db_cpu:.1f} s"
        f" (wall time is this, or more when the machine is shared: load average {os.getloadavg()[0]:.1f})"
    )
    print(f"  processes flagged: {flagged}; population flags {answer['population_flags']}")
    print(
        record(f"OCDS import + flags, {releases:,} releases", seconds, TARGET_S, "s", higher_is_better=False),
        flush=True,
    )
    return seconds


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def main() -> None:
    from deploy.stack import settings_from
    from ic_platform.db import drop_database, migrate

    cfg = settings_from({"IC_DB_PREFIX": f"ic_bench_ocds{uuid.uuid4().hex[:6]}"})
    migrate("risk", cfg)
    try:
        ocds_section(cfg)
    finally:
        drop_database(cfg.database_url("risk"))


if __name__ == "__main__":
    main()
