"""Accounting: the trial balance (科目余额表) of December over a year's journal of 1,000,000 lines (every line is
in its opening balance or its turnover), and the year's reconciliation of budgetary expenditure per budget line
with the budget ledger's actuals (the journal's side over the same lines, the budget's asked by RPC). Both
through the service's RPC as the accountant, timed end to end from the caller.

The journal is seeded with bulk SQL straight into the accounting database (250,000 payment vouchers of four
lines each: Dr 业务活动费用 / Cr 零余额账户用款额度, Dr 行政支出 / Cr 资金结存, on 400 budget lines, over the twelve
months) with each month's turnover per account and unit, as the posting would have written them; inserting is
what the append-only triggers allow."""

from __future__ import annotations

import statistics
import time

import psycopg

from bench.targets import record
from deploy.stack import SignedContext, ThrowawayStack
from ic_platform.identity import Viewer
from ic_platform.rpc_client import RpcClient

VOUCHERS = 250_000
LINES_PER_VOUCHER = 4
BUDGET_LINES = 400
YEAR = 2026

_SEED = [
    """
INSERT INTO accounting_period (org, period)
SELECT 'xinqiao', to_char(make_date(%(year)s, m, 1), 'YYYY-MM') FROM generate_series(1, 12) m
ON CONFLICT DO NOTHING
""",
    """
INSERT INTO voucher (id, org, no, period, seq, voucher_date, business_date, kind, source_type, source_id, source_no,
                     unit, budget_line_id, fiscal_year, amount, summary, posted_by)
SELECT md5('bench-voucher-' || g)::uuid, 'xinqiao', '记-' || x.p || '-' || lpad(x.s::text, 6, '0'), x.p, x.s, x.d, x.d,
       'payment', 'payment_request', 'bench-' || g, 'FK-BENCH-' || g, 'dzb',
       '%(year)s-BENCH-' || (g %% %(lines)s), %(year)s, (100 + g %% 1000)::numeric(15, 2), '基准测试支付', 'bench'
FROM generate_series(1, %(n)s) g,
     LATERAL (SELECT to_char(make_date(%(year)s, g %% 12 + 1, 1), 'YYYY-MM') AS p,
                     make_date(%(year)s, g %% 12 + 1, 1 + g %% 28) AS d,
                     100000 + g / 12 AS s) x
""",
    """
INSERT INTO journal_line (voucher_id, line_no, org, period, account_code, basis, debit, credit, unit, budget_line_id,
                          fiscal_year)
SELECT v.id, l.n, v.org, v.period, l.code, l.basis,
       CASE WHEN l.dr THEN v.amount ELSE 0 END, CASE WHEN l.dr THEN 0 ELSE v.amount END,
       v.unit, v.budget_line_id, v.fiscal_year
FROM voucher v
CROSS JOIN (VALUES (1, '5001', 'financial', true), (2, '1011', 'financial', false),
                   (3, '7101', 'budgetary', true), (4, '8001', 'budgetary', false)) AS l(n, code, basis, dr)
WHERE v.posted_by = 'bench'
""",
    """
INSERT INTO account_period_total (org, period, account_code, unit, debit, credit)
SELECT l.org, l.period, l.account_code, l.unit, sum(l.debit), sum(l.credit)
FROM journal_line l JOIN voucher v ON v.id = l.voucher_id
WHERE v.posted_by = 'bench'
GROUP BY l.org, l.period, l.account_code, l.unit
ON CONFLICT (org, period, account_code, unit) DO UPDATE
SET debit = account_period_total.debit + excluded.debit, credit = account_period_total.credit + excluded.credit
""",
    """
UPDATE accounting_period p SET last_seq = s.top
FROM (SELECT period, max(seq) AS top FROM voucher WHERE org = 'xinqiao' GROUP BY period) s
WHERE p.org = 'xinqiao' AND p.period = s.period
""",
]


def seed_journal(stack: ThrowawayStack) -> tuple[float, int]:
    return seed_database(stack.settings.database_url("accounting"))


def seed_database(url: str, vouchers: int = VOUCHERS) -> tuple[float, int]:
    """(seconds, journal lines) after seeding, vacuumed so that the reports read the covering indexes."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        for statement in _SEED:
            conn.execute(statement, {"year": YEAR, "n": vouchers, "lines": BUDGET_LINES})
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE voucher")
        conn.execute("VACUUM ANALYZE journal_line")
        lines = conn.execute("SELECT count(*) FROM journal_line").fetchone()[0]
    return time.perf_counter() - started, lines


def _timed(client: RpcClient, method: str, kwargs: dict, ctx: dict, calls: int) -> tuple[list[float], dict]:
    client.call("accounting", method, kwargs, context=ctx, timeout=60)  # warm
    times, answer = [], {}
    for _ in range(calls):
        started = time.perf_counter()
        answer = client.call("accounting", method, kwargs, context=ctx, timeout=60)
        times.append(time.perf_counter() - started)
    return times, answer


def accounting_section(stack: ThrowawayStack, calls: int = 5) -> None:
    print(
        "\n== Accounting: trial balance over 1,000,000 journal lines (target < 1 s); the year's reconciliation "
        "with the budget ledger (target < 2 s) ==",
        flush=True,
    )
    seconds, lines = seed_journal(stack)
    print(f"  seeded {lines:,} journal lines ({VOUCHERS:,} vouchers, {BUDGET_LINES} budget lines) in {seconds:.1f}s")
    ctx = SignedContext({"org": "xinqiao", "actor": "accountant"}, Viewer.of("accountant", "czb", ["accountant"]))
    client = RpcClient(stack.settings.amqp_uri, name="bench-accounting")
    client.start()
    try:
        tb_times, tb = _timed(client, "trial_balance", {"period": f"{YEAR}-12"}, ctx, calls)
        rec_times, rec = _timed(client, "reconciliation", {"fiscal_year": YEAR}, ctx, calls)
    finally:
        client.stop()
    tb_median, rec_median = statistics.median(tb_times), statistics.median(rec_times)
    print(
        f"  trial balance {YEAR}-12: median {tb_median * 1000:.0f} ms, max {max(tb_times) * 1000:.0f} ms "
        f"over {calls} calls; {len(tb['items'])} accounts, balanced {tb['balanced']}",
        flush=True,
    )
    print(
        f"  reconciliation {YEAR}: median {rec_median * 1000:.0f} ms, max {max(rec_times) * 1000:.0f} ms over "
        f"{calls} calls; {rec['lines']} lines compared, budgetary expenditure {rec['budgetary_expenditure']}",
        flush=True,
    )
    print(record("trial balance over 1,000,000 journal lines", tb_median, 1, "s", higher_is_better=False))
    print(record("year's reconciliation with the budget ledger", rec_median, 2, "s", higher_is_better=False))
