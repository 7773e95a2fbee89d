"""Timing helpers: run a call for a while from N workers and summarise the latencies."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Figures:
    label: str
    workers: int
    calls: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.pct(99)

    def row(self, floor: Figures | None = None) -> str:
        ratio = ""
        if floor is not None:
            ratio = f"  p50 ×{self.p50 / floor.p50:5.1f} floor, throughput ×{self.throughput / floor.throughput:4.2f}"
        return (
            f"  {self.label:<34} {self.workers:>3} workers  {self.throughput:8.1f}/s  p50 {self.p50:7.2f} ms  "
            f"p99 {self.p99:7.2f} ms  errors {self.errors}{ratio}"
        )


def threaded(label: str, workers: int, seconds: float, call: Callable[[], None]) -> Figures:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run() -> None:
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                call()
                mine.append((time.perf_counter() - started) * 1000)
            except Exception:  # noqa: BLE001 - counted, not raised: a benchmark reports
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    began = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Figures(label, workers, len(latencies), errors[0], time.monotonic() - began, latencies)


async def concurrent(label: str, workers: int, seconds: float, call: Callable[[int], Awaitable[bool]]) -> Figures:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def run(worker: int) -> None:
        nonlocal errors
        while time.monotonic() < stop:
            started = time.perf_counter()
            ok = await call(worker)
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1

    began = time.monotonic()
    await asyncio.gather(*(run(i) for i in range(workers)))
    return Figures(label, workers, len(latencies), errors, time.monotonic() - began, latencies)
