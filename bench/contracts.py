"""Contracts and procurement at an office's scale after some years: 10,000 contracts with 40,000 milestones
(a third with a payment heard) and 20,000 awards, written straight into the contract and procurement
databases in a few statements (through the API it would take an hour). Then:
- the contract execution report (合同执行情况表) by unit: p99 < 100 ms;
- the supplier analysis (供应商信息表) for a year: p99 < 200 ms;
- signing a contract whose approval is done (the budget commit and release included, the supplier's standing
  asked of procurement's registry): p99 < 150 ms at 8 concurrent signings."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import psycopg

from bench.cpu import CpuMeter, per_operation, services_only
from bench.measure import Figures
from bench.targets import record
from deploy.stack import SignedContext, ThrowawayStack
from ic_platform.identity import Viewer
from ic_platform.rpc_client import RpcClient
from services.contract.adapters.execution_sql import REFRESH

CONTRACTS, AWARDS, SIGNINGS, WORKERS = 10_000, 20_000, 320, 8
YEAR = 2031
_UNIT = "'bench' || lpad((g % 20 + 1)::text, 2, '0')"
_AMOUNT = "(10000 + (g * 37) % 490000)::numeric(15, 2)"

_CONTRACT_SQL = f"""
INSERT INTO award_fact (award_id, org, unit, application, supplier_id, supplier_name, credit_code, amount,
                        notice_date, method, category, budget_line_id, pre_commitment_holder)
SELECT md5('bench-award-' || g)::uuid, 'xinqiao', {_UNIT},
       jsonb_build_object('type', 'procurement_application', 'id', md5('bench-app-' || g)::uuid::text),
       'bench-supplier-' || g % 200, '压测供应商' || g % 200, '', {_AMOUNT}, make_date({YEAR}, 1, 1) + g % 300,
       'competitive_consultation', 'services', '{YEAR}-BENCH',
       jsonb_build_object('type', 'procurement_application', 'id', md5('bench-app-' || g)::uuid::text)
FROM generate_series(1, %(n)s) g;
INSERT INTO contract (id, no, org, unit, title, award_id, supplier_id, supplier_name, original_amount, amount,
                      settlement_amount, start_date, end_date, warranty_end, milestones, drafter, purchaser, status,
                      round, signed_on)
SELECT md5('bench-contract-' || g)::uuid, 'HT-B-' || lpad(g::text, 6, '0'), 'xinqiao', {_UNIT}, '压测合同' || g,
       md5('bench-award-' || g)::uuid, 'bench-supplier-' || g % 200, '压测供应商' || g % 200, {_AMOUNT},
       {_AMOUNT} * CASE WHEN g % 10 = 3 THEN 1.05 ELSE 1 END, CASE WHEN g % 20 = 0 THEN {_AMOUNT} * 0.5 END,
       make_date({YEAR}, 1, 1) + g % 300, make_date({YEAR}, 1, 1) + g % 300 + 90 + g % 400,
       make_date({YEAR}, 1, 1) + g % 300 + 500, '[]', 'bench', 'bench',
       CASE g % 20 WHEN 0 THEN 'terminated' WHEN 1 THEN 'completed' ELSE 'signed' END, 1,
       make_date({YEAR}, 1, 1) + g % 300
FROM generate_series(1, %(n)s) g;
INSERT INTO contract_milestone (contract_id, no, name, condition, amount, planned_date, payment_days, met_on)
SELECT c.id, m.no, m.name, m.condition,
       CASE m.no WHEN 4 THEN c.amount - 3 * round(c.amount * 0.3167, 2) ELSE round(c.amount * 0.3167, 2) END,
       CASE WHEN m.condition = 'on_acceptance' THEN c.start_date + 120 END, NULL,
       CASE WHEN m.condition IN ('on_progress', 'on_acceptance') AND hashtext(c.no || m.no) % 3 = 0
            THEN c.start_date + 60 END
FROM contract c,
     (VALUES (1, '预付款', 'on_signing'), (2, '进度款', 'on_progress'), (3, '验收款', 'on_acceptance'),
             (4, '质保金', 'after_warranty')) AS m (no, name, condition)
WHERE c.no LIKE 'HT-B-%%';
INSERT INTO contract_payment (payment_id, payment_no, contract_id, milestone_no, amount, status, reserved_on, paid_on)
SELECT md5('bench-pay-' || c.no)::uuid, 'FK-B-' || c.no, c.id, 1, m.amount, 'paid', c.signed_on + 5, c.signed_on + 10
FROM contract c JOIN contract_milestone m ON m.contract_id = c.id AND m.no = 1
WHERE c.no LIKE 'HT-B-%%' AND right(c.no, 1)::int %% 3 = 0;
"""

_AWARD_SQL = f"""
INSERT INTO procurement_application (id, no, org, unit, applicant, purchaser, title, category, amount, method,
                                     status, budget_line_id, approved_on, award_id)
SELECT md5('bench-papp-' || g)::uuid, 'CG-B-' || lpad(g::text, 6, '0'), 'xinqiao', {_UNIT}, 'bench', 'bench',
       '压测采购', (ARRAY['goods', 'services', 'works'])[1 + g % 3], {_AMOUNT},
       (ARRAY['self_procurement', 'request_for_quotation', 'competitive_consultation', 'open_tender'])[1 + g % 4],
       'awarded', '{YEAR}-BENCH', make_date({YEAR}, 1, 1) + g % 360, md5('bench-paward-' || g)::uuid
FROM generate_series(1, %(n)s) g;
INSERT INTO procurement_award (id, org, application_id, unit, supplier_id, supplier_name, credit_code, amount,
                               budget_amount, method, category, decided_on, notice_date)
SELECT md5('bench-paward-' || g)::uuid, 'xinqiao', md5('bench-papp-' || g)::uuid, {_UNIT},
       md5('bench-supplier-' || g % 300)::uuid, '压测供应商' || g % 300, '', {_AMOUNT} * 0.95, {_AMOUNT},
       (ARRAY['self_procurement', 'request_for_quotation', 'competitive_consultation', 'open_tender'])[1 + g % 4],
       (ARRAY['goods', 'services', 'works'])[1 + g % 3], make_date({YEAR}, 1, 1) + g % 360,
       make_date({YEAR}, 1, 1) + g % 360
FROM generate_series(1, %(n)s) g;
"""


def _plain(sql: str, n: int) -> str:
    """The statements with their one figure written in (several statements in one call take no parameters)."""
    return sql.replace("%(n)s", str(n)).replace("%%", "%")


def _dsn(stack: ThrowawayStack, service: str) -> str:
    return stack.settings.database_url(service).replace("postgresql+psycopg://", "postgresql://")


def seed(stack: ThrowawayStack) -> float:
    started = time.monotonic()
    with psycopg.connect(_dsn(stack, "contract")) as conn:
        conn.execute(_plain(_CONTRACT_SQL, CONTRACTS))
        # Facts written straight into the tables: their running figures as migration 0007 backfills them.
        conn.execute(REFRESH.format(where="TRUE"))
        conn.execute(
            "ANALYZE award_fact; ANALYZE contract; ANALYZE contract_milestone; ANALYZE contract_payment;"
            " ANALYZE contract_running"
        )
        (milestones,) = conn.execute("SELECT count(*) FROM contract_milestone").fetchone()
        assert milestones >= 4 * CONTRACTS, milestones
    with psycopg.connect(_dsn(stack, "procurement")) as conn:
        conn.execute(_plain(_AWARD_SQL, AWARDS))
        conn.execute("ANALYZE procurement_application; ANALYZE procurement_award")
    return time.monotonic() - started


def _timed(client: RpcClient, service: str, method: str, kwargs: dict, ctx, calls: int) -> Figures:
    client.call(service, method, kwargs, context=ctx, timeout=30)  # warm
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        client.call(service, method, kwargs, context=ctx, timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
    return Figures(f"{service}.{method}", 1, calls, 0, sum(latencies) / 1000, latencies)


def _approved_contracts(stack: ThrowawayStack, client: RpcClient, n: int) -> list[str]:
    """n contracts approved and ready to sign, each on an award whose holder pre-commits on a line of its own
    (the budget's reserve, by RPC), with a supplier of the demo registry."""
    ctx = SignedContext({"org": "xinqiao", "actor": "clerk"}, Viewer.of("clerk", "dzb", ["clerk"]))
    line_id = f"2026-BENCH-SIGN-{uuid.uuid4().hex[:6]}"
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
            "amount": "100000000.00",
        },
        context=ctx,
        timeout=30,
    )
    with psycopg.connect(_dsn(stack, "procurement")) as conn:
        suppliers = [str(r[0]) for r in conn.execute("SELECT id FROM supplier WHERE name <> '鑫源餐饮管理有限公司'")]
    ids = []
    with psycopg.connect(_dsn(stack, "contract")) as conn:
        for i in range(n):
            holder = {"type": "procurement_application", "id": str(uuid.uuid4()), "no": f"CG-S-{i:06d}"}
            amount = Decimal("10000.00") + i
            client.call(
                "budget",
                "reserve",
                {"budget_line_id": line_id, "amount": str(amount + 500), "document": holder},
                context=ctx,
                timeout=30,
            )
            award_id, contract_id = str(uuid.uuid4()), str(uuid.uuid4())
            conn.execute(
                "INSERT INTO award_fact (award_id, org, unit, application, supplier_id, supplier_name, credit_code,"
                " amount, notice_date, method, category, budget_line_id, pre_commitment_holder) VALUES (%s, 'xinqiao',"
                " 'dzb', %s, %s, '压测', '', %s, '2026-11-01', 'request_for_quotation', 'goods', %s, %s)",
                (
                    award_id,
                    psycopg.types.json.Jsonb(holder),
                    suppliers[i % len(suppliers)],
                    amount,
                    line_id,
                    psycopg.types.json.Jsonb(holder),
                ),
            )
            milestone = {
                "no": 1,
                "name": "验收款",
                "condition": "on_acceptance",
                "amount": str(amount),
                "share": None,
                "progress": None,
                "planned_date": None,
                "payment_days": None,
            }
            conn.execute(
                "INSERT INTO contract (id, no, org, unit, title, award_id, supplier_id, supplier_name, original_amount,"
                " amount, start_date, end_date, milestones, drafter, purchaser, status, round) VALUES (%s, %s,"
                " 'xinqiao', 'dzb', '压测签订', %s, %s, '压测', %s, %s, '2026-11-20', '2027-11-19', %s, 'bench',"
                " 'bench', 'approved', 1)",
                (
                    contract_id,
                    f"HT-S-{i:06d}",
                    award_id,
                    suppliers[i % len(suppliers)],
                    amount,
                    amount,
                    psycopg.types.json.Jsonb([milestone]),
                ),
            )
            conn.execute(
                "INSERT INTO contract_milestone (contract_id, no, name, condition, amount) VALUES"
                " (%s, 1, '验收款', 'on_acceptance', %s)",
                (contract_id, amount),
            )
            ids.append(contract_id)
    return ids


def _signings(client: RpcClient, ids: list[str]) -> tuple[Figures, int]:
    ctx = SignedContext({"org": "xinqiao", "actor": "bench"}, Viewer.of("bench", "dzb", ["clerk"]))
    queue, lock, latencies, errors = list(ids), threading.Lock(), [], [0]

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                contract_id = queue.pop()
            started = time.perf_counter()
            try:
                client.call(
                    "contract",
                    "sign_contract",
                    {"contract_id": contract_id, "signed_on": "2026-11-20"},
                    context=ctx,
                    timeout=30,
                )
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
            except Exception:  # noqa: BLE001 - counted: a benchmark reports
                with lock:
                    errors[0] += 1

    began = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Figures(
        "contract.sign_contract", WORKERS, len(latencies), errors[0], time.monotonic() - began, latencies
    ), errors[0]


def _cpu_text(spent: dict[str, float], operations: int) -> str:
    """Milliseconds per operation, summed and by process (the largest six): robust where latency is not."""
    per = services_only(per_operation(spent, operations))
    shown = ", ".join(f"{k} {v:.1f}" for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:6])
    return f"{sum(per.values()):.1f} ms ({shown})"


def contracts_section(stack: ThrowawayStack, calls: int = 50) -> None:
    print(
        f"\n== Contracts: {CONTRACTS:,} contracts, {4 * CONTRACTS:,} milestones, {AWARDS:,} awards ==  "
        "targets: execution report by unit p99 < 100 ms; supplier analysis for a year p99 < 200 ms; "
        f"signing p99 < 150 ms at {WORKERS} concurrent",
        flush=True,
    )
    print(f"  seeded straight into the contract and procurement databases in {seed(stack):.1f}s", flush=True)
    client = RpcClient(stack.settings.amqp_uri, name="bench-contracts")
    client.start()
    try:
        auditor = SignedContext({"org": "xinqiao", "actor": "bench"}, Viewer.of("bench", "sjb", ["auditor"]))
        meter = CpuMeter(stack)
        with meter.measure() as spent:
            report = _timed(
                client, "contract", "execution_report", {"group_by": "unit", "as_of": f"{YEAR}-12-31"}, auditor, calls
            )
        print(report.row() + "   (execution report by unit)", flush=True)
        print(f"  CPU per report by unit: {_cpu_text(spent(), calls + 1)}", flush=True)
        body = client.call(
            "contract", "execution_report", {"group_by": "unit", "as_of": f"{YEAR}-12-31"}, context=auditor, timeout=30
        )
        totals = body["totals"]
        print(
            f"  {body['total']} units, {totals['contracts']} contracts: amount {totals['amount']}, paid "
            f"{totals['paid']}, payable now {totals['payable_now']}, with overdue {totals['with_overdue']}, "
            f"lapsed {totals['lapsed']}",
            flush=True,
        )
        by_contract = _timed(
            client, "contract", "execution_report", {"group_by": "contract", "as_of": f"{YEAR}-12-31"}, auditor, calls
        )
        print(by_contract.row() + "   (execution report per contract, first page of 20)", flush=True)
        analysis = _timed(
            client,
            "procurement",
            "supplier_analysis",
            {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31"},
            auditor,
            calls,
        )
        print(analysis.row() + "   (supplier analysis for a year)", flush=True)
        ids = _approved_contracts(stack, client, SIGNINGS)
        with meter.measure() as spent:
            signing, errors = _signings(client, ids)
            time.sleep(2)  # the events a signing publishes, heard by approval, procurement and risk
        print(signing.row() + f"   ({SIGNINGS} approved contracts signed, budget committed)", flush=True)
        print(f"  CPU per signing (and its events): {_cpu_text(spent(), SIGNINGS)}", flush=True)
    finally:
        client.stop()
    print(record("contract execution report by unit p99", report.p99, 100, "ms", higher_is_better=False))
    print(record("supplier analysis for a year p99", analysis.p99, 200, "ms", higher_is_better=False))
    print(record(f"contract signing p99 at {WORKERS} concurrent", signing.p99, 150, "ms", higher_is_better=False))
    print(record("contract signings refused or failed", errors, 0, "", higher_is_better=False), flush=True)
