"""Risk with a long history (issue 13 §6): the project projection's replay over 100,000 stored events (target
≥ 2,000 events/s), and the time from publishing one event that raises a warning to that warning being there,
with 1,000 and with 100,000 events of the unit's history (p50 and p99 ≤ 1.3× apart).

The history is written straight into the running copy's risk database (bench/risk_history.py: 10 events a
project, 10,000 projects of one unit, with the facts the payment rules keep of them). The event measured is a
payment request on a contract of that history already paid in full (payment.payment_requested, published on
the exchange as the payment service's relay publishes it): its assessment raises payment_beyond_contract,
deterministically. Its latency is from the publish to the warning's row being committed, polled every 2 ms on
the risk database; the whole system hears the event meanwhile (approval opens its route, risk files it,
assesses it, announces the assessment), as it would in use."""

from __future__ import annotations

import json
import os
import time
import uuid

import pika
import psycopg

from bench import risk_history
from bench.cpu import CpuMeter, per_operation, services_only
from bench.measure import Figures
from bench.targets import record
from deploy.stack import ThrowawayStack
from ic_platform import catalogue, topology
from ic_platform.db import make_engine
from ic_platform.envelope import Envelope
from services.risk import replay

PROJECTS = 10_000  # × 10 events: 100,000
SMALL = 100  # projects of the first history: 1,000 events
SAMPLES, WARM = 50, 5
AMOUNT = "1234.56"  # not round: only the rule measured is sure to fire
_WARNED = """SELECT 1 FROM risk_warning
              WHERE document_type = 'payment_request' AND document_id = %s AND rule = 'payment_beyond_contract'"""
# When risk's transaction for the event began (its inbox rows' processed_at is the transaction's now()).
_BEGUN = "SELECT extract(epoch FROM min(processed_at)) FROM inbox WHERE event_id = %s"


def _dsn(stack: ThrowawayStack) -> str:
    return stack.settings.database_url("risk").replace("postgresql+psycopg://", "postgresql://")


def payment_beyond(g: int, n: int) -> Envelope:
    """A request to pay AMOUNT more on project g's contract, which the history paid in full."""
    contract = risk_history.contract_of(g)
    payment_id, no = str(uuid.uuid4()), f"FK-2026-{900000 + n % 100000:06d}"
    supplier = f"{g % risk_history.SUPPLIERS:012d}"
    invoice = f"2644{uuid.uuid4().int % 10**16:016d}"
    payload = {
        "document": {"type": "payment_request", "id": payment_id, "no": no},
        "unit": risk_history.UNIT,
        "applicant": "clerk",
        "amount": AMOUNT,
        "title": "合同追加付款",
        "payment_id": payment_id,
        "no": no,
        "budget_line_id": risk_history.LINE,
        "basis": {"type": "contract_milestone", "id": contract["id"], "no": contract["no"]},
        "contract_id": contract["id"],
        "milestone_no": 1,
        "supplier_id": contract["supplier_id"],
        "payee": {"name": f"压测供应商{supplier}", "credit_code": f"91{supplier}XXXX", "account_no": f"6222{supplier}"},
        "invoices": [{"key": invoice, "number": invoice, "amount": AMOUNT}],
    }
    event = Envelope(
        type="payment.payment_requested",
        payload=payload,
        org=risk_history.ORG,
        producer="payment",
        actor="clerk",
        subject=f"payment_request/{payment_id}",
    )
    catalogue.validate(event.as_dict())
    return event


def publish_to_warning(
    stack: ThrowawayStack, meter: CpuMeter, projects: list[int], label: str
) -> tuple[Figures, Figures, dict[str, float]]:
    """One payment request at a time: publish, then poll until its warning is committed. Also the part of
    each spent in risk's transaction (from its start, as PostgreSQL's clock has it, to the warning seen), and
    the CPU per request of the services (what a shared machine's load does not change)."""
    connection = pika.BlockingConnection(pika.URLParameters(stack.settings.amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    latencies: list[float] = []
    in_risk: list[float] = []
    try:
        with psycopg.connect(_dsn(stack), autocommit=True) as db, meter.measure() as spent:
            for n, g in enumerate(projects):
                event = payment_beyond(g, n)
                properties = pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=event.event_id,
                    type=event.type,
                    app_id="payment",
                    headers={"correlation_id": event.correlation_id, "org": event.org},
                )
                body = json.dumps(event.as_dict(), ensure_ascii=False).encode()
                started = time.perf_counter()
                channel.basic_publish(topology.EXCHANGE, event.type, body, properties, mandatory=True)
                while db.execute(_WARNED, (event.payload["payment_id"],)).fetchone() is None:
                    if time.perf_counter() - started > 60:
                        raise TimeoutError(f"no payment_beyond_contract warning for {event.subject} in 60 s")
                    time.sleep(0.002)
                seen_at = time.time()
                if n >= WARM:
                    latencies.append((time.perf_counter() - started) * 1000)
                    (begun,) = db.execute(_BEGUN, (event.event_id,)).fetchone()
                    in_risk.append((seen_at - float(begun)) * 1000)
                connection.sleep(0.25)  # the event's aftermath (approval's route, the announcements) settles
    finally:
        connection.close()
    figures = Figures(label, 1, len(latencies), 0, sum(latencies) / 1000, latencies)
    cpu = services_only(per_operation(spent(), len(projects)))
    return figures, Figures("in risk's transaction", 1, len(in_risk), 0, sum(in_risk) / 1000, in_risk), cpu


def _split(in_risk: Figures, cpu: dict[str, float]) -> str:
    return (
        f"    of which in risk's transaction (the inbox rows, the handlers, the commit): p50 {in_risk.p50:.2f} ms, "
        f"p99 {in_risk.p99:.2f} ms; the rest is the broker and the consumer\n"
        f"    CPU per request: risk {cpu.get('risk', 0):.1f} ms, approval {cpu.get('approval', 0):.1f} ms "
        "(its work on it, on what it set off, and its timers over the 0.25 s after), "
        f"PostgreSQL {cpu.get('postgres', 0):.1f} ms "
        "(the whole server's: other users' work counts in it)"
    )


def risk_replay_section(stack: ThrowawayStack, drain) -> None:  # noqa: ANN001 - bench/__main__.drain
    print(
        "\n== Risk with a long history: the project projection's replay; publish-to-warning with 1,000 and "
        "100,000 events of the unit's history ==  target: replay ≥ 2,000 events/s; p50 and p99 ≤ 1.3× apart",
        flush=True,
    )
    engine = make_engine(stack.settings.database_url("risk"), pool_size=2)
    meter = CpuMeter(stack)
    try:
        started = time.monotonic()
        written = risk_history.seed(_dsn(stack), 1, SMALL, PROJECTS)
        small = replay.replay(engine)
        print(
            f"  seeded {written:,} events ({SMALL} projects) in {time.monotonic() - started:.1f}s; "
            f"replayed {small['events']:,} in {small['seconds']:.1f}s",
            flush=True,
        )
        drain(stack)  # the copy's start (the demo organisation's events) is not measured
        # Contracts spread over the history's projects; a different one for each request.
        on_small, risk_small, cpu_small = publish_to_warning(
            stack, meter, [1 + (n * 37) % SMALL for n in range(WARM + SAMPLES)], "publish → warning, 1,000 events"
        )
        print(on_small.row() + f"   (load average {os.getloadavg()[0]:.1f})", flush=True)
        print(_split(risk_small, cpu_small), flush=True)

        started = time.monotonic()
        written = risk_history.seed(_dsn(stack), SMALL + 1, PROJECTS, PROJECTS)
        print(f"  seeded {written:,} more events in {time.monotonic() - started:.1f}s", flush=True)
        load = os.getloadavg()[0]
        big = replay.replay(engine)
        print(
            f"  replay: {big['events']:,} events of {big['projects']:,} projects ({big['nodes']:,} documents, "
            f"{big['links']:,} links) in {big['seconds']:.1f}s: {big['events_per_second']:,.0f} events/s "
            f"(load average {load:.1f})",
            flush=True,
        )
        print(record("replay of 100,000 events", big["events_per_second"], 2000, "/s", higher_is_better=True))
        drain(stack)
        on_big, risk_big, cpu_big = publish_to_warning(
            stack,
            meter,
            [SMALL + 1 + (n * 197) % (PROJECTS - SMALL) for n in range(WARM + SAMPLES)],
            "publish → warning, 100,000 events",
        )
        print(on_big.row() + f"   (load average {os.getloadavg()[0]:.1f})", flush=True)
        print(_split(risk_big, cpu_big), flush=True)
        for name, a, b in (("p50", on_small.p50, on_big.p50), ("p99", on_small.p99, on_big.p99)):
            label = f"publish-to-warning {name}: 100,000 / 1,000 events of history"
            print(record(label, b / a, 1.3, "×", higher_is_better=False), flush=True)
        print(f"  risk CPU per request: 100,000 / 1,000 events of history {cpu_big['risk'] / cpu_small['risk']:.2f}×")
    finally:
        engine.dispose()
