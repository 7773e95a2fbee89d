"""Payment gate figures (付款申请): the full gate through the gateway at 8 concurrent requests, and 32 concurrent
payment requests racing for one contract (never beyond it: the contract's row lock serialises the ledger).

Setup takes shortcuts that are not measured: the award is put into procurement's outbox as procurement would
publish it, and the drafted contract is marked signed in its own database with its commitment made by
`budget.commit` (the signing route itself is the contract bench's business). Every check of the gate runs for
real: the contract's terms and ledger under its lock, the supplier registry's standing and current accounts,
the budget as `actual` would decide, the invoice registry's UNIQUE key, the request stored with its event."""

from __future__ import annotations

import asyncio
import random
import uuid
from decimal import Decimal

import httpx
import sqlalchemy as sa

from bench.measure import Figures, concurrent
from deploy.stack import SignedContext, ThrowawayStack
from ic_platform.db import make_engine
from ic_platform.envelope import Envelope
from ic_platform.identity import Viewer
from ic_platform.rpc_client import RpcClient
from ic_platform.uow import OUTBOX
from services.procurement.domain import credit_code

ORG = "xinqiao"


def _ctx(username: str, unit: str, role: str) -> dict[str, str]:
    return SignedContext({"org": ORG, "actor": username}, Viewer.of(username, unit, [role]))


CLERK, FINANCE = _ctx("clerk", "dzb", "clerk"), _ctx("finance", "czb", "finance_reviewer")


def _credit_code() -> str:
    body = f"{random.randrange(10**8):08d}"
    first17 = "91350102" + body + credit_code.org_check_character(body)
    return first17 + credit_code.check_character(first17)


def _invoice_number() -> str:
    return "2644" + "".join(random.choice("0123456789") for _ in range(16))


def supplier(client: RpcClient) -> dict[str, str]:
    name, code = f"压测供应商{uuid.uuid4().hex[:6]}有限公司", _credit_code()
    s = client.call(
        "procurement",
        "register_supplier",
        {"credit_code": code, "name": name, "legal_representative": "压测"},
        context=CLERK,
    )
    account = f"62220202{random.randrange(10**11):011d}"
    client.call(
        "procurement",
        "change_supplier_account",
        {
            "supplier_id": s["id"],
            "change": "add",
            "account": {"bank_name": "压测银行", "account_name": name, "account_no": account},
            "reason": "压测",
        },
        context=FINANCE,
    )
    return {"id": s["id"], "name": name, "credit_code": code, "account_no": account}


def signed_contract(stack: ThrowawayStack, client: RpcClient, s: dict[str, str], amount: str) -> dict[str, str]:
    """A line, an award, a contract drafted on it (one milestone, 100 % on signing), signed with its
    commitment."""
    line_id = f"2026-B{uuid.uuid4().hex[:8]}-30201"
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
            "amount": str(Decimal(amount) * 2),
            "control_mode": "block",
        },
        context=FINANCE,
    )
    holder = {"type": "matter_application", "id": str(uuid.uuid4()), "no": "SQ-BENCH"}
    award_id = str(uuid.uuid4())
    payload = {
        "document": holder,
        "award_id": award_id,
        "unit": "dzb",
        "supplier_id": s["id"],
        "supplier_name": s["name"],
        "credit_code": s["credit_code"],
        "amount": amount,
        "budget_amount": amount,
        "method": "request_for_quotation",
        "category": "goods",
        "decided_on": "2026-03-02",
        "notice_date": "2026-03-02",
        "tender_id": None,
        "justification": None,
        "flags": [],
        "budget_line_id": line_id,
        "pre_commitment_holder": holder,
    }
    event = Envelope(
        type="procurement.award_decided",
        payload=payload,
        org=ORG,
        producer="procurement",
        actor="clerk",
        subject=f"matter_application/{holder['id']}",
        correlation_id=str(uuid.uuid4()),
    )
    engine = make_engine(stack.settings.database_url("procurement"), pool_size=1)
    with engine.begin() as conn:
        conn.execute(sa.insert(OUTBOX).values(event_id=event.event_id, type=event.type, envelope=event.as_dict()))
    engine.dispose()
    body = {
        "award_id": award_id,
        "title": "压测合同",
        "supplier_id": s["id"],
        "amount": amount,
        "start_date": "2026-03-10",
        "end_date": "2026-12-31",
        "purchaser": "clerk",
        "unit": "dzb",
        "milestones": [{"name": "全款", "condition": "on_signing", "share": "100"}],
    }
    for _ in range(300):  # until the award is heard
        try:
            c = client.call("contract", "draft_contract", body, context=CLERK)
            break
        except Exception:  # noqa: BLE001 - not heard yet (422 naming award_id)
            import time

            time.sleep(0.1)
    else:
        raise RuntimeError("the award was never heard by the contract service")
    engine = make_engine(stack.settings.database_url("contract"), pool_size=1)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE contract SET status = 'signed', signed_on = DATE '2026-03-10' WHERE id = :id"),
            {"id": c["id"]},
        )
    engine.dispose()
    client.call(
        "budget",
        "commit",
        {"budget_line_id": line_id, "amount": amount, "document": c["document"], "step": "sign", "unit": "dzb"},
        context=FINANCE,
    )
    return {"id": c["id"], "line_id": line_id}


def _body(contract_id: str, s: dict[str, str], amount: str) -> dict:
    return {
        "title": "压测付款",
        "amount": amount,
        "basis": {"type": "contract_milestone", "id": contract_id, "milestone_no": 1},
        "payee": {"name": s["name"], "credit_code": s["credit_code"], "account_no": s["account_no"]},
        "invoices": [
            {
                "number": _invoice_number(),
                "issued_on": "2026-05-12",
                "issuer_credit_code": s["credit_code"],
                "amount": amount,
            }
        ],
    }


async def _submits(stack: ThrowawayStack, workers: int, seconds: float, contract_id: str, s: dict, amount: str):
    async with httpx.AsyncClient(
        base_url=stack.base_url, timeout=60, limits=httpx.Limits(max_connections=workers + 4)
    ) as http:
        login = await http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        answers: list[int] = []

        async def submit(_: int) -> bool:
            response = await http.post(
                "/api/v1/payments",
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                json=_body(contract_id, s, amount),
            )
            answers.append(response.status_code)
            return response.status_code == 201

        if seconds > 0:
            return await concurrent("payment gate through the gateway", workers, seconds, submit), answers
        results = await asyncio.gather(*(submit(i) for i in range(workers)))
        return results, answers


async def _checks(stack: ThrowawayStack, workers: int, seconds: float, contract_id: str, s: dict, amount: str):
    """The gate as the payment form's dry run (POST /payments/check): every check, nothing written."""
    async with httpx.AsyncClient(
        base_url=stack.base_url, timeout=60, limits=httpx.Limits(max_connections=workers + 4)
    ) as http:
        login = await http.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        async def check(_: int) -> bool:
            response = await http.post("/api/v1/payments/check", headers=headers, json=_body(contract_id, s, amount))
            return response.status_code == 200 and response.json()["ok"]

        return await concurrent("payment gate (checks only)", workers, seconds, check)


def checks_only(stack: ThrowawayStack, seconds: float, workers: int = 8) -> tuple[Figures, dict[str, float]]:
    """The dry run at `workers` concurrent requests, and its CPU per check summed over every process (one at
    a time)."""
    from bench.cpu import CpuMeter, per_operation

    client = RpcClient(stack.settings.amqp_uri, name="bench-payments")
    client.start()
    try:
        s = supplier(client)
        c = signed_contract(stack, client, s, "90000000.00")
    finally:
        client.stop()
    asyncio.run(_checks(stack, 2, 1.0, c["id"], s, "1.00"))  # warm up
    meter = CpuMeter(stack)
    with meter.measure() as spent:
        one = asyncio.run(_checks(stack, 1, seconds / 2, c["id"], s, "1.00"))
    cpu = per_operation(spent(), max(one.calls, 1))
    return asyncio.run(_checks(stack, workers, seconds, c["id"], s, "1.00")), cpu


def gate(stack: ThrowawayStack, seconds: float, workers: int = 8) -> tuple[Figures, Figures, dict[str, float]]:
    """The gate at `workers` concurrent requests, one at a time, and its CPU per request summed over every
    process while one at a time (the robust figure on a shared machine)."""
    from bench.cpu import CpuMeter, per_operation

    client = RpcClient(stack.settings.amqp_uri, name="bench-payments")
    client.start()
    try:
        s = supplier(client)
        c = signed_contract(stack, client, s, "90000000.00")
    finally:
        client.stop()
    asyncio.run(_submits(stack, 2, 1.0, c["id"], s, "1.00"))  # warm up
    meter = CpuMeter(stack)
    with meter.measure() as spent:
        one, _ = asyncio.run(_submits(stack, 1, seconds / 2, c["id"], s, "1.00"))
    cpu = per_operation(spent(), max(one.calls, 1))
    figures, _ = asyncio.run(_submits(stack, workers, seconds, c["id"], s, "1.00"))
    return figures, one, cpu


def race(stack: ThrowawayStack, workers: int = 32) -> tuple[int, int, Decimal, Decimal]:
    """32 requests of 100.00 at once against a 1,000.00 contract: how many passed, how many were refused with
    payment_exceeds_*, what the ledger holds against the contract, and how far beyond it (must be 0)."""
    client = RpcClient(stack.settings.amqp_uri, name="bench-payments")
    client.start()
    try:
        s = supplier(client)
        c = signed_contract(stack, client, s, "1000.00")
    finally:
        client.stop()
    results, answers = asyncio.run(_submits(stack, workers, 0, c["id"], s, "100.00"))
    engine = make_engine(stack.settings.database_url("contract"), pool_size=1)
    with engine.connect() as conn:
        held = conn.execute(
            sa.text(
                "SELECT coalesce(sum(amount), 0) FROM contract_payment "
                "WHERE contract_id = :id AND status IN ('reserved', 'paid')"
            ),
            {"id": c["id"]},
        ).scalar_one()
    engine.dispose()
    refused = sum(1 for a in answers if a == 409)
    return sum(1 for r in results if r), refused, Decimal(held), max(Decimal(held) - Decimal("1000.00"), Decimal(0))


def payments_section(stack: ThrowawayStack, seconds: float):  # noqa: ANN201
    return gate(stack, seconds), checks_only(stack, seconds), race(stack)
