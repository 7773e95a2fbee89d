"""Prints the raw floor (a pika RPC echo round trip; a one-row PostgreSQL transaction) and the system's figures
measured in the same run, each as a ratio to the floor; the targets of a 2-core machine are printed beside the
figures they judge, as ratios, and summed up at the end (bench/targets.py).

CPU time per operation (bench/cpu.py, psutil over every process) is the robust figure on a shared machine;
throughput and latency are only meaningful on a quiet one."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg

from bench.accounting import accounting_section
from bench.clients import clients_section
from bench.contracts import contracts_section
from bench.cpu import CpuMeter, per_operation, services_only
from bench.measure import Figures, concurrent, threaded
from bench.ocds import ocds_section
from bench.risk import risk_section
from bench.risk_replay import risk_replay_section
from bench.targets import record, summary
from deploy.stack import SignedContext, ThrowawayStack, wait_ready
from ic_platform.config import SERVICES
from ic_platform.echo_server import EchoServer
from ic_platform.identity import Viewer
from ic_platform.rpc_client import RemoteError, RpcClient

SECONDS = float(os.environ.get("IC_BENCH_SECONDS", "8"))
LINE = "2026-DZB-30201-01"


def _context(username: str, unit: str, role: str) -> dict[str, str]:
    """Context data for a direct RPC, with the caller's identity as the gateway sends it (data scope)."""
    return SignedContext({"org": "xinqiao", "actor": username}, Viewer.of(username, unit, [role]))


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


def service_rpc(stack: ThrowawayStack, meter: CpuMeter | None = None) -> list[Figures]:
    """One hop, gateway client → a nameko service (`budget.ping`: no query, only the hop), at 1 and 4 callers;
    with a meter, each figure's CPU per call summed over every process is printed after it."""
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
        ctx = _context("clerk", "dzb", "clerk")
        figures = []
        # Warm up first: a freshly started stack is still busy (risk's and approval's start-up work), which
        # would count in the first figure's CPU.
        threaded("warm-up", 4, 2.0, lambda: client.call("budget", "ping", {}, context=ctx))
        for n in (1, 4):
            with meter.measure() if meter else nullcontext(lambda: {}) as spent:
                f = threaded(
                    "gateway client → budget.ping (RPC)",
                    n,
                    SECONDS / 2,
                    lambda: client.call("budget", "ping", {}, context=ctx),
                )
            figures.append(f)
            if meter:
                per = per_operation(spent(), max(f.calls, 1))
                print(
                    f"  CPU per call at {n}: {sum(per.values()):.2f} ms ("
                    + ", ".join(f"{k} {v:.2f}" for k, v in per.items() if v >= 0.05)
                    + ")",
                    flush=True,
                )
        return figures
    finally:
        client.stop()


def rpc_section(stack: ThrowawayStack) -> None:
    print("\n== Gateway's RPC client → a nameko service (one hop), CPU per call over every process ==", flush=True)
    for f in service_rpc(stack, CpuMeter(stack)):
        print(f.row(), flush=True)


async def submits(stack: ThrowawayStack, workers: int) -> Figures:
    async with httpx.AsyncClient(
        base_url=stack.base_url, timeout=30, limits=httpx.Limits(max_connections=workers + 4)
    ) as http:
        login = await http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        async def submit(_: int) -> bool:
            response = await http.post(
                "/api/v1/matter-applications",
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                json={"title": "压测", "budget_line_id": LINE, "amount": "1.00"},
            )
            return response.status_code == 201

        return await concurrent("submit through the gateway", workers, SECONDS, submit)


def cpu_per_submit(stack: ThrowawayStack, meter: CpuMeter, submits: int = 100) -> dict[str, float]:
    """Where a submission's CPU goes: sequential submits, then their events drained; CPU per process per
    submit, PostgreSQL and RabbitMQ included (idle processes show what polling and timers cost meanwhile)."""
    http = httpx.Client(base_url=stack.base_url, timeout=30)
    token = http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"}).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    drain(stack)
    with meter.measure() as spent:
        for _ in range(submits):
            http.post(
                "/api/v1/matter-applications",
                json={"title": "压测", "budget_line_id": LINE, "amount": "1.00"},
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
        drain(stack)
    return per_operation(spent(), submits)


def budget_reservations(stack: ThrowawayStack, workers: int = 32, seconds: float = 3.0) -> tuple[Figures, str]:
    """Many reservations of 10.00 race for one 2,000.00 line (it runs out part-way): throughput, and the
    overspend, which must be 0: the line's row lock serialises them and a CHECK backs it up."""
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
        ctx = _context("clerk", "dzb", "clerk")
        line_id, amount, each = f"2026-BENCH-{uuid.uuid4().hex[:6]}", Decimal("2000.00"), Decimal("10.00")
        client.call(
            "budget",
            "create_line",
            {
                "id": line_id,
                "fiscal_year": 2026,
                "unit": "dzb",
                "functional_class": "2010301",
                "economic_class": "30201",
                "expenditure_kind": "basic",
                "fund_source": "general_public_budget",
                "amount": str(amount),
            },
            context=ctx,
        )
        outcomes = {"accepted": 0, "refused": 0}
        lock = threading.Lock()

        def reserve() -> None:
            try:
                client.call(
                    "budget",
                    "reserve",
                    {
                        "budget_line_id": line_id,
                        "amount": str(each),
                        "document": {"type": "matter_application", "id": str(uuid.uuid4())},
                    },
                    context=ctx,
                    timeout=30,
                )
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
        summary = (
            f"  accepted {outcomes['accepted']}, refused {outcomes['refused']} on a {amount} line; "
            f"pre-committed {pre_committed}; overspend {overspend:.2f} (must be 0.00); "
            f"unaccounted {unaccounted:.2f} (must be 0.00)"
        )
        return figures, summary, overspend
    finally:
        client.stop()


def drain(stack: ThrowawayStack, timeout: float = 300) -> float:
    """Wait until every event queue is empty, so one section's asynchronous tail doesn't load the next."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        out = subprocess.run(
            ["rabbitmqctl", "-q", "list_queues", "-p", stack.name, "name", "messages"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        if all(int(line.split()[-1]) == 0 for line in out.splitlines() if line.strip().startswith("ic.")):
            break
        time.sleep(1)
    return time.monotonic() - started


def budget_section(stack: ThrowawayStack, floor: Figures | None = None) -> None:
    print(f"\n(events from the submissions drained in {drain(stack):.0f}s)")
    print("\n== Budget: 32 concurrent reservations against one line ==  target: ≥ 300/s, overspend 0", flush=True)
    figures, told, overspend = budget_reservations(stack)
    print(figures.row(floor) + "   (reservations/s, accepted and refused)")
    print(told, flush=True)
    print(record("32 concurrent reservations on one line", figures.throughput, 300, "/s", higher_is_better=True))
    print(record("overspend after the reservations", float(overspend), 0, "yuan", higher_is_better=False))


REPORT_YEAR, REPORT_UNITS, LINES_PER_UNIT, REPORT_MOVES = 2030, 20, 20, 100_000
_MOVES_SQL = """
WITH lines AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM budget_line WHERE id LIKE %(prefix)s),
     moves AS (SELECT g, (ARRAY['pre_commit', 'pre_commit', 'release', 'commit', 'commit', 'actual'])
                         [1 + (g / %(lines)s) %% 6] AS kind FROM generate_series(0, %(moves)s - 1) g)
INSERT INTO budget_move (budget_line_id, document_type, document_id, document_no, step, kind, amount, actor,
                         correlation_id, created_at)
SELECT l.id, 'matter_application', 'bench-' || g, 'SQ-BENCH-' || lpad(g::text, 6, '0'), 'submit', kind,
       CASE WHEN kind = 'release' THEN 0.50 ELSE ((g %% 9000) + 100)::numeric / 100 END, 'bench', 'bench',
       make_timestamptz(%(year)s, 1 + (g / 7) %% 12, 1 + g %% 28, 10, 0, 0, 'Asia/Shanghai')
FROM moves JOIN lines l ON l.n = g %% %(lines)s
"""
# Each line's moves run pre-commit, pre-commit, release, commit, commit, actual, ...; a release gives back 0.50
# and a pre-commit is at least 1.00, so no stage goes below zero. The line balances and the month rows are then
# summed from exactly these moves, as the handlers would have kept them.
_NET = """
  COALESCE(SUM(amount) FILTER (WHERE kind = 'pre_commit'), 0)
    - COALESCE(SUM(amount) FILTER (WHERE kind = 'release'), 0),
  COALESCE(SUM(amount) FILTER (WHERE kind = 'commit'), 0) - COALESCE(SUM(amount) FILTER (WHERE kind = 'relieve'), 0),
  COALESCE(SUM(amount) FILTER (WHERE kind = 'actual'), 0) - COALESCE(SUM(amount) FILTER (WHERE kind = 'reversal'), 0)
"""
_BALANCES_SQL = f"""
UPDATE budget_line b SET pre_committed = s.pre, committed = s.com, actual = s.act
FROM (SELECT budget_line_id, {_NET} FROM budget_move WHERE budget_line_id LIKE %(prefix)s GROUP BY 1)
     AS s (budget_line_id, pre, com, act)
WHERE b.id = s.budget_line_id
"""
_MONTHS_SQL = f"""
INSERT INTO budget_line_month (budget_line_id, month, pre_committed, committed, actual)
SELECT budget_line_id, date_trunc('month', timezone('Asia/Shanghai', created_at))::date, {_NET}
FROM budget_move WHERE budget_line_id LIKE %(prefix)s GROUP BY 1, 2
"""


def seed_report_year(stack: ThrowawayStack) -> float:
    """100,000 ledger moves on 400 lines of 20 units, written straight into the budget database in a few
    statements (through the handlers it would take minutes), with balances and month rows that match them."""
    started = time.monotonic()
    dsn = stack.settings.database_url("budget").replace("postgresql+psycopg://", "postgresql://")
    prefix = f"{REPORT_YEAR}-BENCH-"
    args = {"prefix": prefix + "%", "year": REPORT_YEAR, "moves": REPORT_MOVES, "lines": REPORT_UNITS * LINES_PER_UNIT}
    with psycopg.connect(dsn) as conn:
        conn.execute(
            """
            INSERT INTO budget_line (id, org, fiscal_year, unit, functional_class, functional_class_name,
                                     economic_class, economic_class_name, project, expenditure_kind, fund_source,
                                     source_kind, amount, control_mode)
            SELECT %(p)s || lpad(u::text, 2, '0') || '-' || lpad(l::text, 3, '0'), 'xinqiao', %(year)s,
                   'bench' || lpad(u::text, 2, '0'), '20103' || lpad((l %% 4)::text, 2, '0'), '一般公共服务' || l %% 4,
                   (30201 + l %% 10)::text, '经济分类' || l %% 10,
                   CASE WHEN l %% 3 = 0 THEN '项目' || l %% 7 END, CASE WHEN l %% 3 = 0 THEN 'project' ELSE 'basic' END,
                   'general_public_budget', 'initial', 10000000, 'block'
            FROM generate_series(1, %(units)s) u, generate_series(1, %(per)s) l
        """,
            {"p": prefix, "year": REPORT_YEAR, "units": REPORT_UNITS, "per": LINES_PER_UNIT},
        )
        conn.execute(_MOVES_SQL, args)
        conn.execute(_BALANCES_SQL, args)
        conn.execute(_MONTHS_SQL, args)
        conn.execute("ANALYZE budget_line; ANALYZE budget_line_month; ANALYZE budget_move")
        # Consistency, checked once here by a scan (the report itself never scans the ledger).
        (bad,) = conn.execute(f"""
            SELECT count(*) FROM budget_line b
            JOIN (SELECT budget_line_id, {_NET} FROM budget_move GROUP BY 1) AS s (id, pre, com, act) USING (id)
            WHERE (b.pre_committed, b.committed, b.actual) <> (s.pre, s.com, s.act) OR b.pre_committed < 0
        """).fetchone()
        assert bad == 0, f"{bad} seeded lines disagree with their moves"
    return time.monotonic() - started


def report_section(stack: ThrowawayStack, calls: int = 50) -> None:
    print(
        f"\n== Budget execution report with {REPORT_MOVES:,} ledger moves ==  target: p50 and p99 < 100 ms", flush=True
    )
    print(
        f"  seeded {REPORT_MOVES:,} moves on {REPORT_UNITS * LINES_PER_UNIT} lines of {REPORT_UNITS} units, "
        f"with balances and month rows, in {seed_report_year(stack):.1f}s",
        flush=True,
    )
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
        ctx = _context("bench", "czb", "finance_reviewer")
        cases = [
            (
                "execution_report group_by=unit",
                "execution_report",
                {"fiscal_year": REPORT_YEAR, "group_by": "unit", "page_size": 50},
            ),
            (
                "execution_report group_by=line",
                "execution_report",
                {"fiscal_year": REPORT_YEAR, "group_by": "line", "page_size": 50},
            ),
            (
                "execution_report line, one unit",
                "execution_report",
                {"fiscal_year": REPORT_YEAR, "group_by": "line", "unit": "bench07"},
            ),
            ("execution_trend (12 months)", "execution_trend", {"fiscal_year": REPORT_YEAR}),
        ]
        for label, method, kwargs in cases:
            client.call("budget", method, kwargs, context=ctx, timeout=30)  # warm
            latencies = []
            for _ in range(calls):
                started = time.perf_counter()
                client.call("budget", method, kwargs, context=ctx, timeout=30)
                latencies.append((time.perf_counter() - started) * 1000)
            print(Figures(label, 1, calls, 0, sum(latencies) / 1000, latencies).row(), flush=True)
        report = client.call("budget", "execution_report", cases[0][2], context=ctx)
        print(
            f"  totals: amount {report['totals']['amount']}, pre-committed {report['totals']['pre_committed']}, "
            f"committed {report['totals']['committed']}, actual {report['totals']['actual']}, "
            f"rate {report['totals']['execution_rate']} %",
            flush=True,
        )
    finally:
        client.stop()


def approval_section(stack: ThrowawayStack | None) -> None:
    from bench.approval import route_resolution, trail_verify

    print("\n== Approval: route resolution at 32 concurrent callers; verify of the hash-chained trail ==", flush=True)
    if stack is not None:
        print(route_resolution().row(), flush=True)
    line, seconds, entries = trail_verify()
    print(line, flush=True)
    print(record(f"trail verify of {entries:,} entries", seconds, 10, "s", higher_is_better=False), flush=True)


def main() -> int:
    stack = ThrowawayStack()
    log_dir = Path("var/bench-logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"[bench] starting a private copy of the system ({stack.name}); logs in {log_dir}/", flush=True)
    if sys.argv[1:] and sys.argv[1] not in {*ONLY, "trail"}:
        print(f"unknown section {sys.argv[1]!r}; sections: {', '.join(sorted({*ONLY, 'trail'}))}", file=sys.stderr)
        return 2
    if sys.argv[1:] == ["trail"]:  # `python -m bench trail`: only the trail's verify time
        approval_section(None)
        return 0
    with open(log_dir / "stack.log", "w", encoding="utf-8") as log:
        stack.create()
        try:
            stack.start(stream=log)
            only = ONLY.get(sys.argv[1]) if sys.argv[1:] else None
            if only is not None:  # `python -m bench <section>`: that section only
                only(stack)
                print(summary(), flush=True)
                return 0
            run_all(stack)
        finally:
            stack.destroy()
    print(summary(), flush=True)
    return 0


def risk_only(stack: ThrowawayStack, meter: CpuMeter | None = None) -> None:
    risk_fresh, risk_history = risk_section(stack, meter or CpuMeter(stack), drain)
    print("\n== Risk: a submission on a line with 10,000 spends in the window, against a fresh line ==")
    print("  (the spends on the line, across the unit's lines and in the economic class: the split rules' scopes)")
    print(f"  risk CPU per submission: fresh line {risk_fresh:.2f} ms, line with history {risk_history:.2f} ms")
    print(
        record(
            "risk cost with 10,000 spends / on a fresh line",
            risk_history / risk_fresh,
            1.3,
            "×",
            higher_is_better=False,
        ),
        flush=True,
    )


# The sections that run on their own: `python -m bench budget`, `python -m bench cpu`, ...
ONLY: dict[str, Callable[[ThrowawayStack], object]] = {
    "budget": lambda stack: (budget_section(stack), report_section(stack)),
    "report": lambda stack: report_section(stack),
    "cpu": lambda stack: cpu_section(stack, CpuMeter(stack)),
    "contracts": lambda stack: contracts_section(stack),
    "risk": lambda stack: risk_only(stack),
    "risk-replay": lambda stack: risk_replay_section(stack, drain),
    "accounting": lambda stack: accounting_section(stack),
    "payments": lambda stack: payments_section(stack),
    "rpc": lambda stack: rpc_section(stack),
    "ocds": lambda stack: ocds_section(stack.settings),
    "clients": lambda stack: clients_section(stack),
}


def run_all(stack: ThrowawayStack) -> None:
    meter = CpuMeter(stack)
    raw1, raw4, pg = floor(stack)
    print("\n== Floor (measured in this run) ==")
    for f in (raw1, raw4, pg):
        print(f.row())
    print("\n== Gateway's RPC client → a nameko service ==  target: p50 within 3× the raw pika round trip")
    for f in service_rpc(stack):
        print(f.row(raw1 if f.workers == 1 else raw4))
    print(
        "\n== Walking skeleton: submit a matter application through the gateway ==  "
        "target at 32 clients: ≥ 100/s (the standing goal 150/s), p99 < 300 ms"
    )
    for workers in (1, 8, 32):
        f = asyncio.run(submits(stack, workers))
        print(f.row(raw1) + f"   (p50 = {f.p50 / pg.p50:.1f}× one PostgreSQL transaction)", flush=True)
    at32 = f
    print(record("submit throughput at 32 clients", at32.throughput, 100, "/s", higher_is_better=True))
    print(record("submit p99 at 32 clients", at32.p99, 300, "ms", higher_is_better=False))
    print(f"\n(events from the submissions drained in {drain(stack):.0f}s)")
    idle = meter.idle_rate()
    print("\n== Idle: CPU per second while nothing is asked (relays, inbox retries, timers) ==")
    print("  " + ", ".join(f"{k} {v:.1f}" for k, v in idle.items()) + " ms/s", flush=True)
    per = cpu_section(stack, meter)
    budget_section(stack, raw4)
    risk_only(stack, meter)
    decisions_section(stack)
    payments_section(stack)
    report_section(stack)
    contracts_section(stack)
    ocds_section(stack.settings)
    replicas_section(stack, per)
    approval_section(stack)
    accounting_section(stack)
    clients_section(stack)
    risk_replay_section(stack, drain)  # last: it leaves 100,000 events of history in the risk database


def cpu_section(stack: ThrowawayStack, meter: CpuMeter) -> dict[str, float]:
    print("\n== CPU per submit, summed over every process (100 sequential submits, events drained) ==")
    per = cpu_per_submit(stack, meter)
    print("  " + ", ".join(f"{name} {ms:.1f}" for name, ms in per.items()) + " ms")
    for note in meter.notes:
        print(f"  ({note})")
    print(record("CPU per submit, every process", sum(per.values()), 17, "ms", higher_is_better=False), flush=True)
    return per


def payments_section(stack: ThrowawayStack) -> None:
    from bench import payments

    print(f"\n(events drained in {drain(stack):.0f}s)")
    print(
        "\n== Payments: the full payment gate through the gateway at 8 concurrent requests; 32 payment requests "
        "at once against one 1,000.00 contract ==  target: p99 < 50 ms; 0 paid beyond the contract",
        flush=True,
    )
    (figures, one, cpu), (checks, check_cpu), (passed, refused, held, over) = payments.payments_section(stack, SECONDS)
    print(one.row() + "   (one at a time)")
    print(figures.row() + "   (each: contract reservation under its lock, registry, budget, invoices, stored)")
    print(checks.row() + "   (POST /payments/check: every check of the gate, nothing written)")
    print("  CPU per gate, one at a time: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items() if v >= 0.5) + " ms")
    print(
        "  CPU per check only, one at a time: "
        + ", ".join(f"{k} {v:.1f}" for k, v in check_cpu.items() if v >= 0.5)
        + " ms"
    )
    print(f"  race: {passed} of 32 passed, {refused} refused (payment_exceeds_*), ledger holds {held} of 1000.00")
    print(record("payment gate p99 at 8 concurrent requests", figures.p99, 50, "ms", higher_is_better=False))
    print(record("payment gate (checks only) p99 at 8 concurrent", checks.p99, 50, "ms", higher_is_better=False))
    print(record("paid beyond the contract, 32 concurrent payments", float(over), 0, "yuan", higher_is_better=False))


def decisions_section(stack: ThrowawayStack) -> None:
    from bench.approval import decisions

    print("\n== Approval: 32 decisions on 32 documents, one after another and all at once ==", flush=True)
    sequential, together = decisions(stack, LINE)
    print(f"  one after another {sequential:.2f}s, all at once {together:.2f}s")
    print(record("32 decisions: one after another / all at once", sequential / together, 4, "×", higher_is_better=True))


def replicas_section(stack: ThrowawayStack, per: dict[str, float]) -> None:
    """Submit throughput at 32 clients with one, then two replicas of the service that spends the most CPU
    per submit (on two cores a second replica mostly shows that replicas work, not that they scale)."""
    busiest = max((k for k in services_only(per) if k in SERVICES), key=lambda k: services_only(per)[k])
    print(f"\n== Replicas: submit throughput at 32 clients with one and two replicas of {busiest} ==", flush=True)
    one = asyncio.run(submits(stack, 32))
    print(one.row() + f"   (1 replica of {busiest})")
    name = stack.add_replica(busiest)
    wait_ready(f"http://127.0.0.1:{stack.settings.metrics_port(busiest) + 10}/metrics", timeout=60)
    time.sleep(3)  # the metrics port answers before nameko has started consuming
    two = asyncio.run(submits(stack, 32))
    print(two.row() + f"   (2 replicas of {busiest}: {busiest}, {name})", flush=True)
    drain(stack)


if __name__ == "__main__":
    sys.exit(main())
