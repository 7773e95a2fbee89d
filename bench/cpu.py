"""CPU time per operation, summed over every process that serves it: the stack's services and gateway (with
their children), the PostgreSQL server (every backend, including those that exited: the postmaster's reaped
children) and the RabbitMQ node. CPU time per operation is robust on a shared machine; throughput is not."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psutil

from deploy.stack import ThrowawayStack


def _listener(port: int) -> psutil.Process | None:
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    return None


def _cpu(process: psutil.Process, reaped: bool = False) -> float:
    try:
        t = process.cpu_times()
        return t.user + t.system + ((t.children_user + t.children_system) if reaped else 0.0)
    except psutil.Error:
        return 0.0


@dataclass
class CpuMeter:
    stack: ThrowawayStack
    postmaster: psutil.Process | None = None
    broker: psutil.Process | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        pg_port = urlsplit(self.stack.settings.pg_server_url.replace("postgresql+psycopg", "postgresql")).port or 5432
        amqp_port = urlsplit(self.stack.settings.amqp_uri).port or 5672
        self.postmaster = _listener(pg_port)
        self.broker = _listener(amqp_port)
        if self.broker is not None:
            self.notes.append("rabbitmq is the machine's shared node: other users' traffic counts in its figure")

    def sample(self) -> dict[str, float]:
        """CPU seconds so far, per process name (replicas and children included under their own names)."""
        out: dict[str, float] = {}
        for name in self.stack.supervisor.names():
            pid = self.stack.supervisor.pid(name)
            try:
                process = psutil.Process(pid)
                out[name] = _cpu(process) + sum(_cpu(c) for c in process.children(recursive=True))
            except (psutil.Error, TypeError):
                out[name] = 0.0
        if self.postmaster is not None:
            out["postgres"] = _cpu(self.postmaster, reaped=True) + sum(_cpu(c) for c in self.postmaster.children())
        if self.broker is not None:
            out["rabbitmq"] = _cpu(self.broker)
        return out

    @contextmanager
    def measure(self) -> Callable[[], dict[str, float]]:
        """with meter.measure() as spent: ...; spent() is CPU seconds per process over the block."""
        before = self.sample()
        result: dict[str, float] = {}
        yield lambda: result
        after = self.sample()
        result.update({k: max(after.get(k, 0.0) - v, 0.0) for k, v in before.items()})

    def idle_rate(self, seconds: float = 5.0) -> dict[str, float]:
        """CPU milliseconds per second per process while nothing is asked of the system."""
        with self.measure() as spent:
            time.sleep(seconds)
        return {k: v * 1000 / seconds for k, v in spent().items()}


def per_operation(spent: dict[str, float], operations: int) -> dict[str, float]:
    """Milliseconds per operation, per process, the largest first."""
    per = {k: v * 1000 / operations for k, v in spent.items()}
    return dict(sorted(per.items(), key=lambda kv: -kv[1]))


def services_only(per: dict[str, float]) -> dict[str, float]:
    """Per service, its replicas summed (`payment#2` counts as payment)."""
    out: dict[str, float] = {}
    for name, value in per.items():
        out[name.split("#")[0]] = out.get(name.split("#")[0], 0.0) + value
    return out
