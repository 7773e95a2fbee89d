"""No overspend under concurrency: many reservations race for one line through the real budget service."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from ic_platform.rpc_client import RemoteError
from tests.integration.identity import CLERK, FINANCE

pytestmark = pytest.mark.integration


def test_32_parallel_reservations_never_overspend_a_line(rpc):
    ctx = CLERK
    line_id = f"2026-TEST-{uuid.uuid4().hex[:6]}"
    rpc.call(
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
            "amount": "100000.00",
        },
        context=ctx,
    )

    def reserve(i: int) -> str:
        try:
            rpc.call(
                "budget",
                "reserve",
                {
                    "budget_line_id": line_id,
                    "amount": "5000.00",
                    "unit": "dzb",
                    "document": {"type": "matter_application", "id": str(uuid.uuid4())},
                },
                context=ctx,
                timeout=30,
            )
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


def test_parallel_commits_and_payments_settle_exactly_once_and_never_overspend(rpc):
    """48 contracts race to commit 5,000 each on a 100,000 line (20 win); then each winner's two payments
    of 2,500, each sent twice, race with 16 unsourced payments that would need available money."""
    ctx = FINANCE
    line_id = f"2026-TEST-{uuid.uuid4().hex[:6]}"
    rpc.call(
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
            "amount": "100000.00",
        },
        context=ctx,
    )

    def call(method: str, kwargs: dict) -> str:
        try:
            answer = rpc.call("budget", method, {"budget_line_id": line_id, **kwargs}, context=ctx, timeout=30)
            return "replayed" if answer["replayed"] else "done"
        except RemoteError as exc:
            assert exc.exc_args[0] == "budget_insufficient", exc
            return "refused"

    contracts = [{"type": "contract", "id": str(uuid.uuid4())} for _ in range(48)]
    with ThreadPoolExecutor(32) as pool:
        signed = list(pool.map(lambda c: call("commit", {"amount": "5000.00", "document": c}), contracts))
    assert signed.count("done") == 20 and signed.count("refused") == 28
    winners = [c for c, outcome in zip(contracts, signed, strict=True) if outcome == "done"]

    payments = [
        {"amount": "2500.00", "document": {"type": "payment_request", "id": f"{c['id']}-{n}"}, "from_document": c}
        for c in winners
        for n in (1, 2)
    ]
    unsourced = [
        {"amount": "1000.00", "document": {"type": "payment_request", "id": str(uuid.uuid4())}} for _ in range(16)
    ]
    with ThreadPoolExecutor(32) as pool:
        paid = list(pool.map(lambda p: call("actual", p), payments + payments + unsourced))
    assert paid.count("done") == 40 and paid.count("replayed") == 40 and paid.count("refused") == 16

    line = rpc.call("budget", "get_line", {"budget_line_id": line_id}, context=ctx)
    assert (line["pre_committed"], line["committed"], line["actual"], line["available"]) == (
        "0.00",
        "0.00",
        "100000.00",
        "0.00",
    )
