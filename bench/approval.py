"""Approval figures: route resolution (the pure rules, over the demo organisation) and the trail's verify time."""

from __future__ import annotations

import os
import time
from decimal import Decimal

from bench.measure import Figures, threaded
from deploy.seed import demo_org
from services.approval.domain.definitions import resolve_route
from services.approval.domain.directory import InMemoryDirectory, Unit, User


def demo_directory() -> InMemoryDirectory:
    units = [Unit(u.code, u.name, u.kind, u.leader_in_charge, tuple(u.responsible_for)) for u in demo_org.UNITS]
    users = [User(u.username, u.full_name, u.unit_code, tuple(u.roles)) for u in demo_org.USERS]
    return InMemoryDirectory.of(units, users)


def route_resolution(workers: int = 32, seconds: float = 3.0) -> Figures:
    directory = demo_directory()
    clerks = [u for u in demo_org.USERS if "clerk" in u.roles]
    amounts = [Decimal("800.00"), Decimal("60000.00"), Decimal("300000.00")]
    counter = iter(range(10**9))

    def resolve() -> None:
        i = next(counter)
        clerk = clerks[i % len(clerks)]
        resolve_route(
            "matter_application",
            {
                "initiator": clerk.username,
                "unit": clerk.unit_code,
                "amount": amounts[i % 3],
                "major_matter": i % 7 == 0,
            },
            directory,
        )

    return threaded("approval route resolution (rules)", workers, seconds, resolve)


def trail_verify() -> str:
    from services.approval.trail import bench

    entries = int(os.environ.get("IC_BENCH_TRAIL_ENTRIES", "1000000"))
    started = time.monotonic()
    result = bench(entries)
    return f"  trail of {entries:,} entries: {result}  (total {time.monotonic() - started:.0f}s)"
