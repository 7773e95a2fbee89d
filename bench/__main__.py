"""Prints the raw floor (a pika RPC echo round trip; a one-row PostgreSQL transaction) and the system's figures
measured in the same run, each as a ratio to the floor. Targets for a 2-core machine are printed beside them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg

from bench.measure import Figures, concurrent, threaded
from deploy.stack import ThrowawayStack
from ic_platform.echo_server import EchoServer
from ic_platform.rpc_client import RemoteError, RpcClient

SECONDS = float(os.environ.get("IC_BENCH_SECONDS", "8"))
LINE = "2026-DZB-30201-01"


def floor(stack: ThrowawayStack) -> tuple[Figures, Figures, Figures]:
    echo = EchoServer(stack.settings.amqp_uri).start()
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
        raw1 = threaded("raw pika RPC echo", 1, SECONDS / 2, lambda: client.call("echo", "ping", {"x": 1}))
        raw4 = threaded("raw pika RPC echo", 4, SECONDS / 2, lambda: client.call("echo", "ping", {"x": 1}))
    finally:
        client.stop()
        echo.stop()
    dsn = stack.settings.database_url("payment").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=False) as conn:
        conn.execute("CREATE TEMP TABLE bench_row (id serial primary key, v int)")
        conn.commit()

        def one_row() -> None:
            conn.execute("INSERT INTO bench_row (v) VALUES (1)")
            conn.commit()

        pg = threaded("PostgreSQL one-row transaction", 1, SECONDS / 2, one_row)
    return raw1, raw4, pg


def service_rpc(stack: ThrowawayStack) -> list[Figures]:
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
        ctx = {"org": "xinqiao", "actor": "clerk"}
        return [threaded("gateway client → budget.ping (RPC)", n, SECONDS / 2,
                         lambda: client.call("budget", "ping", {}, context=ctx)) for n in (1, 4)]
    finally:
        client.stop()


async def submits(stack: ThrowawayStack, workers: int) -> Figures:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30,
                                 limits=httpx.Limits(max_connections=workers + 4)) as http:
        login = await http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        async def submit(_: int) -> bool:
            response = await http.post("/api/v1/matter-applications", headers={
                **headers, "Idempotency-Key": str(uuid.uuid4())},
                json={"title": "压测", "budget_line_id": LINE, "amount": "1.00"})
            return response.status_code == 201

        return await concurrent("submit through the gateway", workers, SECONDS, submit)


def budget_reservations(stack: ThrowawayStack, workers: int = 32, seconds: float = 3.0) -> tuple[Figures, str]:
    """Many reservations of 10.00 race for one 2,000.00 line (it runs out part-way): throughput, and the
    overspend, which must be 0: the line's row lock serialises them and a CHECK backs it up."""
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
        ctx = {"org": "xinqiao", "actor": "clerk"}
        line_id, amount, each = f"2026-BENCH-{uuid.uuid4().hex[:6]}", Decimal("2000.00"), Decimal("10.00")
        client.call("budget", "create_line", {
            "id": line_id, "fiscal_year": 2026, "unit": "dzb", "functional_class": "2010301",
            "economic_class": "30201", "expenditure_kind": "basic", "fund_source": "general_public_budget",
            "amount": str(amount)}, context=ctx)
        outcomes = {"accepted": 0, "refused": 0}
        lock = threading.Lock()

        def reserve() -> None:
            try:
                client.call("budget", "reserve", {"budget_line_id": line_id, "amount": str(each), "document": {
                    "type": "matter_application", "id": str(uuid.uuid4())}}, context=ctx, timeout=30)
                outcome = "accepted"
            except RemoteError as exc:
                if exc.exc_args[0] != "budget_insufficient":
                    raise
                outcome = "refused"
            with lock:
                outcomes[outcome] += 1

        figures = threaded("budget.reserve, one line (RPC)", workers, seconds, reserve)
        line = client.call("budget", "get_line", {"budget_line_id": line_id}, context=ctx)
        pre_committed = Decimal(line["pre_committed"])
        overspend = max(Decimal("0.00"), pre_committed - amount)
        unaccounted = pre_committed - outcomes["accepted"] * each  # money reserved that no accepted call asked
        summary = (f"  accepted {outcomes['accepted']}, refused {outcomes['refused']} on a {amount} line; "
                   f"pre-committed {pre_committed}; overspend {overspend:.2f} (must be 0.00); "
                   f"unaccounted {unaccounted:.2f} (must be 0.00)")
        return figures, summary
    finally:
        client.stop()


def drain(stack: ThrowawayStack, timeout: float = 300) -> float:
    """Wait until every event queue is empty, so one section's asynchronous tail doesn't load the next."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", stack.name, "name", "messages"],
                             capture_output=True, text=True, timeout=60).stdout
        if all(int(line.split()[-1]) == 0 for line in out.splitlines() if line.strip().startswith("ic.")):
            break
        time.sleep(1)
    return time.monotonic() - started


def budget_section(stack: ThrowawayStack, floor: Figures | None = None) -> None:
    print(f"\n(events from the submissions drained in {drain(stack):.0f}s)")
    print("\n== Budget: 32 concurrent reservations against one line ==  target: overspend 0", flush=True)
    figures, summary = budget_reservations(stack)
    print(figures.row(floor) + "   (reservations/s, accepted and refused)")
    print(summary, flush=True)


def approval_section() -> None:
    from bench.approval import route_resolution, trail_verify

    print("\n== Approval: route resolution at 32 concurrent callers; verify of the hash-chained trail ==",
          flush=True)
    print(route_resolution().row(), flush=True)
    print(trail_verify(), flush=True)


def main() -> int:
    stack = ThrowawayStack()
    log_dir = Path("var/bench-logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"[bench] starting a private copy of the system ({stack.name}); logs in {log_dir}/", flush=True)
    with open(log_dir / "stack.log", "w", encoding="utf-8") as log:
        stack.create()
        try:
            stack.start(stream=log)
            if sys.argv[1:] == ["budget"]:  # `python -m bench budget`: only the budget section
                budget_section(stack)
                return 0
            raw1, raw4, pg = floor(stack)
            print("\n== Floor (measured in this run) ==")
            for f in (raw1, raw4, pg):
                print(f.row())
            print("\n== Gateway's RPC client → a nameko service ==  target: p50 within 3× the raw pika round trip")
            for f in service_rpc(stack):
                print(f.row(raw1 if f.workers == 1 else raw4))
            print("\n== Walking skeleton: submit a matter application through the gateway ==  "
                  "target at 32 clients: ≥150/s, p99 < 250 ms")
            for workers in (1, 8, 32):
                f = asyncio.run(submits(stack, workers))
                print(f.row(raw1) + f"   (p50 = {f.p50 / pg.p50:.1f}× one PostgreSQL transaction)", flush=True)
            budget_section(stack, raw4)
            approval_section()
        finally:
            stack.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
