"""The web client in the browser (Debian's Chromium, driven by clients/web/e2e/*.mjs against the bench's stack):
how soon the home page is interactive, by the browser's Performance API (target: within 1.5 s on this machine);
and a page of a 10,000-row list (报销单, paged on the server): the time from a click on the pager until the new
rows are on screen, and the long tasks meanwhile (target: a page within 1 s, no long task over 200 ms)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import psycopg

from bench.targets import record
from deploy.stack import ThrowawayStack

WEB = Path(__file__).resolve().parent.parent / "clients" / "web"


LIST_ROWS = 10_000


def _browser(stack: ThrowawayStack, script: str) -> dict | None:
    """One e2e/*.mjs script's JSON line; None (said why) when the client is not built or the browser missing."""
    if not (WEB / "dist" / "index.html").is_file() or not Path("/usr/bin/chromium").exists():
        print("  (skipped: run `make clients` and install chromium: scripts/ensure-browser.sh browser)")
        return None
    run = subprocess.run(
        ["node", script],
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
        return None
    return found


def clients_section(stack: ThrowawayStack) -> None:
    print("\n== Web client: home page interactive (Performance API, median of 5 loads) ==  target: < 1500 ms")
    found = _browser(stack, "e2e/timing.mjs")
    if found is not None:
        print(f"  DOM interactive {found['domInteractive_ms']} ms, lists shown {found['ready_ms']} ms (median)")
        print(record("home page shown, web client", found["ready_ms"], 1500, "ms", higher_is_better=False), flush=True)
    list_section(stack)


def list_section(stack: ThrowawayStack) -> None:
    print(
        f"\n== Web client: a page of a {LIST_ROWS:,}-row list (报销单, paged on the server; next, last, first × 3) ==  "
        "target: < 1000 ms a page, no long task over 200 ms (latency: other helpers share this machine)"
    )
    _seed_claims(stack, LIST_ROWS)
    found = _browser(stack, "e2e/list_timing.mjs")
    if found is None:
        return
    print(
        f"  {found['total']}; first page shown {found['first_page_ms']} ms after navigation; "
        f"a page {found['page_ms']} ms (median), worst {found['worst_ms']} ms; "
        f"{found['long_tasks']} long tasks, longest {found['longest_task_ms']} ms"
    )
    print(record(f"a page of a {LIST_ROWS:,}-row list", found["page_ms"], 1000, "ms", higher_is_better=False))
    print(record("longest main-thread task while paging", found["longest_task_ms"], 200, "ms", higher_is_better=False))


def _seed_claims(stack: ThrowawayStack, rows: int) -> None:
    """`rows` approved claims of the clerk, written straight into the payment database: the list's reading is
    what is measured, not the submitting (which the payments section measures)."""
    dsn = stack.settings.database_url("payment").replace("postgresql+psycopg://", "postgresql://")
    detail = '{"spent_on": "2026-11-01", "items": [{"description": "办公用品", "amount": "100.00"}]}'
    with psycopg.connect(dsn) as conn:
        conn.execute(
            """INSERT INTO expense_claim (id, no, org, unit, claimant, title, kind, budget_line_id, amount, detail,
                                          status, created_at)
               SELECT gen_random_uuid(), 'BX-BENCH-' || lpad(i::text, 6, '0'), 'xinqiao', 'dzb', 'clerk',
                      '基准测试报销 ' || i, 'other', '2026-DZB-30201-01', 100 + i, %s::jsonb, 'approved',
                      now() - i * interval '1 minute'
               FROM generate_series(1, %s) AS i
               ON CONFLICT (no) DO NOTHING""",
            (detail, rows),
        )
