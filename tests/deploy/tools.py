"""Debian's promtool and prometheus binaries for the tests (the deploy tests and the real-scrape test)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS = DEPLOY / "prometheus"


def prometheus_tools() -> Path:
    """The folder with `promtool` and `prometheus`: scripts/prometheus-tools.sh fetches them once, into var/."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "prometheus-tools.sh")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"could not get promtool and prometheus: {done.stderr}"
    return Path(done.stdout.strip())


# ── which metrics a PromQL expression names, and which exist ──
_NOT_METRICS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"}
# Series Prometheus makes itself.
PROMETHEUS_OWN = {"up", "ALERTS", "ALERTS_FOR_STATE"}
# What the rules and the dashboard read from RabbitMQ's plugin (/metrics/detailed, families queue_coarse_metrics
# and queue_consumer_count); tests/integration/test_prometheus_scrape.py checks that the broker really exports them.
RABBITMQ_QUEUE_METRICS = {"rabbitmq_detailed_queue_messages_ready", "rabbitmq_detailed_queue_consumers"}


def metric_names(expr: str) -> set[str]:
    """The metric names in a PromQL expression: identifiers that are not functions, keywords, label names,
    strings, durations or template variables."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    s = re.sub(r"\{[^}]*\}", "", s)
    s = re.sub(r"\[[^\]]*\]", "", s)
    s = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", s)
    s = re.sub(r"\$\w+", "", s)
    names = set()
    for match in re.finditer(r"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*", s):
        word = match.group(0)
        if s[match.end() :].lstrip().startswith("(") or word in _NOT_METRICS:
            continue  # a function or an aggregation, or a keyword
        names.add(word)
    return names


def exported_metric_names() -> set[str]:
    """Every sample name ic_platform/metrics.py can export (counters as _total, histograms as _bucket/_count/_sum)."""
    from prometheus_client import REGISTRY

    import ic_platform.metrics  # noqa: F401 - registers the metrics

    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("ic_")
        for suffix in suffixes.get(family.type, ("",))
    }
