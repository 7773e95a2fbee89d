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


def trail_verify() -> tuple[str, float, int]:
    from services.approval.trail import bench

    entries = int(os.environ.get("IC_BENCH_TRAIL_ENTRIES", "1000000"))
    started = time.monotonic()
    result = bench(entries)
    line = f"  trail of {entries:,} entries: {result}  (total {time.monotonic() - started:.0f}s)"
    return line, result["verify_s"] if result["ok"] else float("inf"), entries


def decisions(stack, line_id: str, n: int = 32) -> tuple[float, float]:  # noqa: ANN001
    """Seconds for n decisions on n documents one after another, and for n others all at once (approval.decide
    over RPC, as the gateway calls it). Unrelated documents must not wait for each other: at once should be
    several times faster on two cores, since most of a decision's time is waiting, not computing."""
    import threading
    import uuid

    import httpx

    from ic_platform.rpc_client import RpcClient

    http = httpx.Client(base_url=stack.base_url, timeout=30)
    token = http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"}).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    ids = set()
    for _ in range(2 * n):
        body = {"title": "审批压测", "budget_line_id": line_id, "amount": "1.00"}
        response = http.post("/api/v1/matter-applications", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        assert response.status_code == 201, response.text
        ids.add(response.json()["id"])
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    ctx = {"org": "xinqiao", "actor": "head"}
    try:
        tasks: list[str] = []
        deadline = time.monotonic() + 120
        while len(tasks) < 2 * n and time.monotonic() < deadline:
            page = client.call("approval", "my_tasks", {"page_size": 200}, context=ctx, timeout=30)
            # only tasks whose round risk has assessed: deciding the others would answer 409
            ready = [t for t in page["items"] if t["risk_assessment"]["status"] != "pending"]
            tasks = [t["task_id"] for t in ready if t["document"]["id"] in ids]
            time.sleep(0.5)

        def decide(task_id: str) -> None:
            client.call("approval", "decide", {"task_id": task_id, "decision": "approve"}, context=ctx, timeout=60)

        started = time.perf_counter()
        for task_id in tasks[:n]:
            decide(task_id)
        sequential = time.perf_counter() - started
        threads = [threading.Thread(target=decide, args=(t,)) for t in tasks[n : 2 * n]]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sequential, time.perf_counter() - started
    finally:
        client.stop()
