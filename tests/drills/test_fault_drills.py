"""The fault drills in short (deploy/drills/): a few hundred operations through the gateway on a private RabbitMQ
node and a private PostgreSQL cluster, while each fault strikes in turn. After each: nothing lost, nothing
applied twice, nothing dead-lettered, every acknowledged write in the database, no overspend; during it, every
client answered 503 with Retry-After (or, with the gateway itself killed, refused), never left hanging.

`python -m bench.drills` (in `make bench`) runs the same drills, every service killed, under thousands."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.drills.faults import catalogue
from deploy.drills.harness import HANG_S, Drill, Fault, summary
from tests.integration.conftest import LOG_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.drill]
FAULTS = catalogue(short=True)


@pytest.fixture(scope="module")
def drill() -> Iterator[Drill]:
    log_dir = LOG_ROOT / "drills"
    os.makedirs(log_dir, exist_ok=True)
    with open(Path(log_dir) / "all.log", "w", encoding="utf-8") as log, Drill(log_dir=str(log_dir), stream=log) as d:
        yield d


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_system_survives(drill: Drill, fault: Fault):
    r = drill.run(fault, warm_ops=2, after_ops=int(os.environ.get("IC_DRILL_OPS", "6")))
    print(f"\n[drill] {fault.name}: {summary(r)}")
    c = r.counts
    assert (c.lost_events, c.duplicated, c.dead_lettered, c.acked_lost) == (0, 0, 0, 0), summary(r)
    assert c.overspend == 0 and c.unaccounted == 0, summary(r)
    assert r.other_5xx == 0, f"an outage answered other than 503: {summary(r)}"
    assert r.unavailable == r.with_retry_after, f"a 503 without Retry-After: {summary(r)}"
    assert r.hangs == 0 and r.longest_s <= HANG_S, f"a client waited past {HANG_S}s: {summary(r)}"
    assert not r.notes, summary(r)
    assert not math.isnan(r.recovery_s), f"submissions never succeeded again: {summary(r)}"
