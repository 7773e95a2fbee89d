"""Risk: what a submission costs the risk service on a budget line with 10,000 spends in the split rules'
window (on the line, across the unit's lines and in the economic class), against one on a fresh line (CPU of
the risk processes per submission). Flat is the target: the rules read day buckets (one per day of the
window), never the window's history."""

from __future__ import annotations

import uuid

import httpx
import psycopg

from bench.cpu import CpuMeter, services_only
from deploy.stack import SignedContext, ThrowawayStack
from ic_platform.identity import Viewer
from ic_platform.rpc_client import RpcClient

HISTORY = 10_000
_SEED = """
INSERT INTO risk_split_part (document_type, document_id, scope, document_no, org, unit, day, at, amount, title,
                             budget_line_id)
SELECT 'matter_application', 'bench-history-' || g, s.scope, 'SQ-BENCH-' || g, 'xinqiao', 'dzb',
       ((now() - g * interval '2 minutes') AT TIME ZONE 'Asia/Shanghai')::date, now() - g * interval '2 minutes',
       CASE WHEN g %% 1000 = 0 THEN 5000.00 ELSE 100 + g %% 4000 END, '历史申请', %(line)s
FROM generate_series(1, %(n)s) g,
     (VALUES ('line:' || %(line)s), ('unit'), ('class:30201')) AS s(scope)
"""


def new_line(stack: ThrowawayStack, amount: str = "10000000.00") -> str:
    line_id = f"2026-BENCH-{uuid.uuid4().hex[:6]}"
    client = RpcClient(stack.settings.amqp_uri, name="bench")
    client.start()
    try:
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
                "amount": amount,
            },
            context=SignedContext(
                {"org": "xinqiao", "actor": "finance"}, Viewer.of("finance", "czb", ["finance_reviewer"])
            ),
            timeout=30,
        )
    finally:
        client.stop()
    return line_id


def seed_history(stack: ThrowawayStack, line_id: str, n: int = HISTORY) -> None:
    """n spends of the unit on the line within the last two weeks (petty ones, and a few parts that do not yet
    add up to a split), written straight into the risk database."""
    dsn = stack.settings.database_url("risk").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute(_SEED, {"line": line_id, "n": n})
        conn.execute("ANALYZE risk_split_part")


def risk_cpu_per_submission(stack: ThrowawayStack, meter: CpuMeter, line_id: str, drain, submits: int = 60) -> float:  # noqa: ANN001
    http = httpx.Client(base_url=stack.base_url, timeout=30)
    token = http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"}).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"

    def submit() -> None:
        body = {"title": "压测", "budget_line_id": line_id, "amount": "1.00"}
        key = {"Idempotency-Key": str(uuid.uuid4())}
        assert http.post("/api/v1/matter-applications", json=body, headers=key).status_code == 201

    submit()  # the first submission on a line counts its buckets once from the stored parts
    drain(stack)
    with meter.measure() as spent:
        for _ in range(submits):
            submit()
        drain(stack)
    return services_only(spent())["risk"] * 1000 / submits


def risk_section(stack: ThrowawayStack, meter: CpuMeter, drain) -> tuple[float, float]:  # noqa: ANN001
    fresh, history = new_line(stack), new_line(stack)
    on_fresh = risk_cpu_per_submission(stack, meter, fresh, drain)  # before any history of the unit
    seed_history(stack, history)
    on_history = risk_cpu_per_submission(stack, meter, history, drain)
    return on_fresh, on_history
