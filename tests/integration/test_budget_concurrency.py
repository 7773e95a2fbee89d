"""No overspend under concurrency: many reservations race for one line through the real budget service."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from ic_platform.rpc_client import RemoteError, RpcClient

pytestmark = pytest.mark.integration


@pytest.fixture
def rpc(stack):
    client = RpcClient(stack.settings.amqp_uri, name="test")
    client.start()
    yield client
    client.stop()


def test_32_parallel_reservations_never_overspend_a_line(rpc):
    ctx = {"org": "xinqiao", "actor": "clerk"}
    line_id = f"2026-TEST-{uuid.uuid4().hex[:6]}"
    rpc.call("budget", "create_line", {
        "id": line_id, "fiscal_year": 2026, "unit": "dzb", "functional_class": "2010301",
        "economic_class": "30201", "expenditure_kind": "basic", "fund_source": "general_public_budget",
        "amount": "100000.00"}, context=ctx)

    def reserve(i: int) -> str:
        try:
            rpc.call("budget", "reserve", {
                "budget_line_id": line_id, "amount": "5000.00", "unit": "dzb",
                "document": {"type": "matter_application", "id": str(uuid.uuid4())}}, context=ctx, timeout=30)
            return "reserved"
        except RemoteError as exc:
            assert exc.exc_args[0] == "budget_insufficient", exc
            return "refused"

    with ThreadPoolExecutor(32) as pool:
        outcomes = list(pool.map(reserve, range(48)))

    line = rpc.call("budget", "get_line", {"budget_line_id": line_id}, context=ctx)
    assert outcomes.count("reserved") == 20 and outcomes.count("refused") == 28
    assert Decimal(line["pre_committed"]) == Decimal("100000.00")
    assert Decimal(line["available"]) == Decimal("0.00")
