"""Debian's promtool and prometheus binaries for the tests (the deploy tests and the real-scrape test)."""

from __future__ import annotations

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
