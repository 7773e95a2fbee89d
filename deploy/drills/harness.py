"""A fault drill: the whole system on a private RabbitMQ node and a private PostgreSQL cluster, each behind a
fault proxy, under the load of deploy/drills/load.py; each fault in turn, then the counts (counts.py) and the
recovery time. `python -m bench.drills` runs every fault under a few thousand operations; the short form in
`make test` (tests/drills/) a few hundred.

Only the services and the gateway go through the proxies; migrations, seeding and the counts talk to the
servers directly, so that a fault never hides from the check that looks for its damage."""

from __future__ import annotations

import math
import os
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from deploy.drills.counts import Counter, Counts
from deploy.drills.load import Attempt, Lines, Load
from deploy.drills.postgres import PrivatePostgres
from deploy.drills.proxy import FaultProxy
from deploy.stack import ThrowawayStack, settings_from, wait_ready
from ic_platform.config import SERVICES
from ic_platform.db import make_engine
from tests.integration.support.private_broker import PrivateBroker

ROOT = Path(__file__).resolve().parents[2]
RPC_TIMEOUT_S = 5.0  # the gateway's: an outage answers 503 within this (and the client must not wait longer)
HANG_S = RPC_TIMEOUT_S + 5.0  # an attempt that took longer than this is a hang
SETTLE_TIMEOUT_S = 90.0


@dataclass
class Result:
    fault: str
    operations: int
    attempts: int
    unavailable: int  # 503 answers
    with_retry_after: int  # of those, how many said Retry-After
    refused_connections: int  # no HTTP answer (the gateway itself down, or the client's timeout)
    other_5xx: int  # any 5xx but 503: a defect
    hangs: int  # attempts longer than HANG_S
    longest_s: float
    recovery_s: float  # from the fault healed (for a kill: the kill) to the first 201 after the last failure
    outage_s: float  # as the clients saw it: from the first failed attempt to the first 201 after the last one
    counts: Counts
    seconds: float = 0.0  # the whole drill of this fault: warm-up, fault, recovery, more load, settling, counts
    timings: str = ""  # how long injecting and undoing the fault took (e.g. the broker's boot)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.counts.clean
            and self.other_5xx == 0
            and self.hangs == 0
            and self.unavailable == self.with_retry_after
            and not self.notes
        )


@dataclass
class Fault:
    name: str
    inject: Callable[[Drill], None]
    heal: Callable[[Drill], None] | None = None  # None: the supervisor heals it (a killed process)
    hold_s: float = 3.0  # how long the fault lasts before heal
    gateway_down: bool = False  # connections refused are expected (the gateway itself is the victim)


class DrillStack(ThrowawayStack):
    """ThrowawayStack on the private broker and cluster: the processes reach both through the proxies."""

    def __init__(self, broker: PrivateBroker, pg: PrivatePostgres, amqp: FaultProxy, pgp: FaultProxy, **kw):
        super().__init__(**kw)
        self.env.update(
            {
                "IC_AMQP_URI": f"amqp://guest:guest@127.0.0.1:{amqp.port}/%2F",
                "IC_PG_URL": f"postgresql+psycopg://postgres@127.0.0.1:{pgp.port}",
                "IC_RPC_TIMEOUT_S": str(RPC_TIMEOUT_S),
                "IC_LOG_LEVEL": "WARNING",
            }
        )
        self.settings = settings_from(self.env)
        self.direct = settings_from({**self.env, "IC_AMQP_URI": broker.amqp_uri, "IC_PG_URL": pg.url})

    def create(self) -> None:
        from deploy.seed.load import seed
        from ic_platform.db import migrate

        for service in SERVICES:
            migrate(service, self.direct)
        seed(self.direct)

    def destroy(self) -> None:
        if self.supervisor:
            self.supervisor.stop(timeout=3)  # a drill's copy needs no graceful stop: it is thrown away


class Drill:
    def __init__(self, *, clerks: int = 3, log_dir: str | None = None, stream=None):  # noqa: ANN001
        self.clerks, self.log_dir, self.stream = clerks, log_dir, stream
        self.broker = PrivateBroker()
        self.pg = PrivatePostgres()
        self.results: list[Result] = []
        self.stack: DrillStack | None = None
        self.load: Load | None = None

    # ── setting up and tearing down ──
    def __enter__(self) -> Drill:
        try:
            self._setup()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _setup(self) -> None:
        started = time.monotonic()
        # The broker boots (~10 s) while the cluster is made, migrated and seeded: neither needs the other.
        booting = ThreadPoolExecutor(1)
        broker_up = booting.submit(self.broker.start)
        try:
            self.pg.create()
            self.amqp_proxy = FaultProxy("amqp", self.broker.port).start()
            self.pg_proxy = FaultProxy("postgres", self.pg.port).start()
            self.stack = DrillStack(self.broker, self.pg, self.amqp_proxy, self.pg_proxy, log_dir=self.log_dir)
            self.stack.create()
            self.lines = self._lines()
            # As the server does every few minutes by itself: the crash drill then replays the drill's WAL, not
            # that of creating and seeding seven databases.
            self.pg.checkpoint()
        finally:
            booting.shutdown(wait=True)
        broker_up.result()
        made = time.monotonic()
        self.stack.start(stream=self.stream or sys.stderr)
        self._say(f"[drill] made and seeded in {made - started:.0f}s, started in {time.monotonic() - made:.0f}s")
        self.engines = {s: _checking_engine(self.stack.direct.database_url(s)) for s in SERVICES}
        self.counter = Counter(self.engines, self.lines)
        self.load = Load(self.stack.base_url, self.lines, clerks=self.clerks, timeout_s=HANG_S + 20)
        self.load.start()

    def __exit__(self, *exc: object) -> None:
        if self.load is not None:
            self.load.stop()
        if self.stack is not None:
            self.stack.destroy()
        for engine in getattr(self, "engines", {}).values():
            engine.dispose()
        for proxy in (getattr(self, "amqp_proxy", None), getattr(self, "pg_proxy", None)):
            if proxy is not None:
                proxy.stop()
        self.broker.destroy()
        self.pg.drop()

    def _lines(self) -> Lines:
        """A roomy line of the demo seed, and a tight line of its own that the load exhausts part-way."""
        from ic_platform.context import CallContext
        from services.budget.service_layer import commands, handlers
        from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

        tight, amount = f"2026-DRILL-{uuid.uuid4().hex[:6]}", Decimal(os.environ.get("IC_DRILL_TIGHT", "700.00"))
        engine = make_engine(self.stack.direct.database_url("budget"), pool_size=1)
        try:
            handlers.create_line(
                commands.CreateLine.parse(
                    {
                        "id": tight,
                        "fiscal_year": 2026,
                        "unit": "dzb",
                        "functional_class": "2010301",
                        "economic_class": "30201",
                        "expenditure_kind": "basic",
                        "fund_source": "general_public_budget",
                        "amount": str(amount),
                    }
                ),
                BudgetUnitOfWork(engine),
                CallContext(org="xinqiao", actor="admin"),
            )
        finally:
            engine.dispose()
        return Lines(roomy="2026-DZB-30201-01", tight=tight, tight_amount=amount)

    # ── running faults ──
    def run(self, fault: Fault, *, warm_ops: int = 10, after_ops: int = 20) -> Result:
        """Load flowing, the fault, its heal, recovery, `after_ops` more operations; then the load paused, the
        system settled and everything counted."""
        load = self.load
        self._wait_ops(warm_ops)
        began = time.monotonic()
        ops_before = load.operations
        fault.inject(self)
        injected = time.monotonic()
        if fault.heal is not None:
            time.sleep(fault.hold_s)
            fault.heal(self)
        healed = time.monotonic()
        timings = f"inject {injected - began:.1f}s, heal {healed - injected - (fault.hold_s if fault.heal else 0):.1f}s"
        self._wait_recovered(began, healed)
        self._wait_ops(after_ops)
        load.pause()
        settling = time.monotonic()
        counts = self._settle()
        timings += f", settle {time.monotonic() - settling:.1f}s"
        attempts = load.since(began)
        result = self._result(fault, attempts, healed, load.operations - ops_before, counts)
        result.seconds = time.monotonic() - began
        result.timings = timings
        self.results.append(result)
        self._say(f"[drill] {fault.name}: {summary(result)}")
        load.resume()
        return result

    def _wait_ops(self, n: int, timeout: float = 120) -> None:
        target, deadline = self.load.operations + n, time.monotonic() + timeout
        while self.load.operations < target and time.monotonic() < deadline:
            time.sleep(0.1)

    def _wait_recovered(self, began: float, healed: float, timeout: float = 120) -> None:
        """Until a submission succeeds that was sent after the fault was undone and after the last one that failed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not math.isnan(_first_success(self.load.since(began), healed)):
                return
            time.sleep(0.1)

    def _settle(self) -> Counts:
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            try:
                counts = self.counter.count(self.load.answers)
            except sa.exc.OperationalError:  # the database is still coming back
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
                continue
            if counts.settled or time.monotonic() > deadline:
                return counts
            time.sleep(0.5)

    def _result(self, fault: Fault, attempts: list[Attempt], healed: float, ops: int, counts: Counts) -> Result:
        # "Submits succeed again": only failed submissions count for the outage (a decision may fail too: counted
        # among the 503s, not here).
        failed = [a for a in attempts if a.op == "submit" and _failed(a)]
        first_ok = _first_success(attempts, healed)
        recovery = max(0.0, first_ok - healed) if failed else 0.0
        outage = first_ok - min(a.started for a in failed) if failed else 0.0
        notes = list(self.load.answers.other)
        self.load.answers.other.clear()
        refused = sum(1 for a in attempts if a.status is None)
        if refused and not fault.gateway_down:
            notes.append(f"{refused} attempts without an HTTP answer")
        return Result(
            fault=fault.name,
            operations=ops,
            attempts=len(attempts),
            unavailable=sum(1 for a in attempts if a.status == 503),
            with_retry_after=sum(1 for a in attempts if a.status == 503 and a.retry_after),
            refused_connections=refused,
            other_5xx=sum(1 for a in attempts if _failed(a) and a.status is not None and a.status != 503),
            hangs=sum(1 for a in attempts if a.seconds > HANG_S),
            longest_s=max((a.seconds for a in attempts), default=0.0),
            recovery_s=recovery,
            outage_s=outage,
            counts=counts,
            notes=notes,
        )

    def _say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    # ── the victims ──
    def kill(self, name: str) -> None:
        import signal

        self.stack.supervisor.kill(name, signal.SIGKILL)

    def broker_pid(self) -> int:
        return int((self.broker.folder / "node.pid").read_text().strip())

    def wait_gateway(self) -> None:
        wait_ready(self.stack.base_url + "/readyz", timeout=120)


def _failed(a: Attempt) -> bool:
    return a.status is None or a.status >= 500


def _first_success(attempts: list[Attempt], healed: float) -> float:
    """When the first submission ended with 201 that was sent after `healed` and after every failed submission
    ended; NaN when there is none (yet)."""
    failed_until = max((a.started + a.seconds for a in attempts if a.op == "submit" and _failed(a)), default=healed)
    after = max(healed, failed_until)
    ok = [a.started + a.seconds for a in attempts if a.op == "submit" and a.status == 201 and a.started >= after]
    return min(ok, default=math.nan)


def _checking_engine(url: str) -> sa.Engine:
    """The counts' own connections: checked before each use, since the database may have been crashed since."""
    return sa.create_engine(url, pool_size=1, max_overflow=2, pool_pre_ping=True)


def summary(r: Result) -> str:
    c = r.counts
    return (
        f"ops {r.operations}, 503 {r.unavailable} (Retry-After {r.with_retry_after}), refused {r.refused_connections}, "
        f"other 5xx {r.other_5xx}, hangs {r.hangs}, longest {r.longest_s:.1f}s, outage {r.outage_s:.1f}s, "
        f"recovery {r.recovery_s:.1f}s; "
        f"lost {c.lost_events}, duplicated {c.duplicated}, dead {c.dead_lettered}, acked-lost {c.acked_lost}, "
        f"overspend {c.overspend}, unaccounted {c.unaccounted}; {r.seconds:.0f}s ({r.timings})"
        + (f"; NOTES {r.notes[:3]}" if r.notes else "")
    )


def table(results: list[Result]) -> str:
    head = (
        "| fault | operations | 503 (with Retry-After) | refused / other 5xx | hangs | longest wait | outage seen "
        "| recovery after heal | lost | duplicated | dead-lettered | acked-but-lost | overspend |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = [
        f"| {r.fault} | {r.operations} | {r.unavailable} ({r.with_retry_after}) | {r.refused_connections} / "
        f"{r.other_5xx} | {r.hangs} | {r.longest_s:.1f} s | {r.outage_s:.1f} s | {r.recovery_s:.1f} s | "
        f"{r.counts.lost_events} | {r.counts.duplicated} | {r.counts.dead_lettered} | {r.counts.acked_lost} | "
        f"{r.counts.overspend} |"
        for r in results
    ]
    return "\n".join([head, *rows])
