"""The web client's home page: how soon it is interactive, by the browser's Performance API (Debian's Chromium,
driven by clients/web/e2e/timing.mjs against the bench's stack). Target: within 1.5 s on this machine."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bench.targets import record
from deploy.stack import ThrowawayStack

WEB = Path(__file__).resolve().parent.parent / "clients" / "web"


def clients_section(stack: ThrowawayStack) -> None:
    print("\n== Web client: home page interactive (Performance API, median of 5 loads) ==  target: < 1500 ms")
    if not (WEB / "dist" / "index.html").is_file() or not Path("/usr/bin/chromium").exists():
        print("  (skipped: run `make clients` and install chromium: scripts/ensure-browser.sh browser)")
        return
    run = subprocess.run(
        ["node", "e2e/timing.mjs"],
        cwd=WEB,
        env={**os.environ, "BASE_URL": stack.base_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    found = json.loads(lines[-1]) if lines else {"ok": False, "error": run.stderr[-500:]}
    if not found.get("ok"):
        print(f"  (failed: {found.get('error')})")
        return
    print(f"  DOM interactive {found['domInteractive_ms']} ms, lists shown {found['ready_ms']} ms (median)")
    print(record("home page shown, web client", found["ready_ms"], 1500, "ms", higher_is_better=False), flush=True)
