"""Accounting through the gateway on real services. The events it hears (contract.acceptance_recorded,
payment.payment_executed) are published here as their producers would (straight onto the stack's `ic.events`
exchange, as the relay does), since the services that publish them are other branches' work. Vouchers follow
(parallel entries, gapless numbers), the trial balance balances, a reversal corrects, the database refuses to
edit or delete the journal, a closed month takes no voucher (a late event goes to the next open month), and the
reconciliation shows a line whose budget actual differs."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pika
import pytest
import sqlalchemy as sa

from ic_platform import topology
from ic_platform.config import DEFAULT_ORG
from ic_platform.db import make_engine
from ic_platform.envelope import Envelope
from tests.integration.budget_docs import new_line
from tests.integration.conftest import eventually
from tests.integration.identity import FINANCE

pytestmark = pytest.mark.integration

BASE = "/api/v1/accounting"


def publish(stack, *events: tuple[str, dict, str]) -> list[str]:
    """(type, payload, producer) onto the stack's event exchange, each as its own envelope."""
    connection = pika.BlockingConnection(pika.URLParameters(stack.settings.amqp_uri))
    ids = []
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for type_, payload, producer in events:
            env = Envelope(type=type_, payload=payload, org=DEFAULT_ORG, producer=producer, actor="cashier")
            channel.basic_publish(
                topology.EXCHANGE,
                type_,
                json.dumps(env.as_dict(), ensure_ascii=False).encode(),
                pika.BasicProperties(content_type="application/json", message_id=env.event_id, type=type_),
                mandatory=True,
            )
            ids.append(env.event_id)
    finally:
        connection.close()
    return ids


def acceptance(contract_id, amount, accepted_on, line_id, *, unit="dzb", result="passed", milestone_no=1):
    return (
        "contract.acceptance_recorded",
        {
            "acceptance_id": str(uuid.uuid4()),
            "contract_id": contract_id,
            "contract_no": "HT-2026-T" + contract_id[:6],
            "unit": unit,
            "milestone_no": milestone_no,
            "result": result,
            "accepted_on": accepted_on,
            "amount": amount,
            "supplier_id": "sup-1",
            "budget_line_id": line_id,
            "members": ["clerk", "head", "clerk_czb"],
            "acceptor": "head",
        },
        "contract",
    )


def payment(amount, executed_on, line_id, *, unit="dzb", contract_id=None, milestone_no=None, payment_id=None):
    payment_id = payment_id or str(uuid.uuid4())
    return (
        "payment.payment_executed",
        {
            "payment_id": payment_id,
            "no": "FK-2026-T" + payment_id[:6],
            "unit": unit,
            "budget_line_id": line_id,
            "fiscal_year": int(executed_on[:4]),
            "economic_class": "30201",
            "amount": amount,
            "basis": {"type": "contract_milestone" if contract_id else "expense_claim", "id": str(uuid.uuid4())},
            "contract_id": contract_id,
            "milestone_no": milestone_no,
            "supplier_id": "sup-1" if contract_id else None,
            "payee": {"name": "新桥办公设备有限公司", "credit_code": None, "account_no": "6222000011112222"},
            "invoices": [],
            "executed_on": executed_on,
            "reference": "GK-0001",
            "executor": "cashier",
            "approvers": ["head"],
        },
        "payment",
    )


def vouchers_of(api, period, source_ids):
    response = api.get(f"{BASE}/vouchers", params={"period": period, "page_size": 200})
    assert response.status_code == 200, response.text
    found = [v for v in response.json()["items"] if v["source"]["id"] in source_ids]
    return found if len(found) == len(source_ids) else None


def entries(voucher):
    return [
        (x["account_code"], "Dr" if Decimal(x["debit"]) else "Cr", x["debit"] if Decimal(x["debit"]) else x["credit"])
        for x in voucher["lines"]
    ]


@pytest.fixture(scope="module")
def accounting_db(stack):
    engine = make_engine(stack.settings.database_url("accounting"), pool_size=1)
    yield engine
    engine.dispose()


def test_events_post_parallel_vouchers_the_trial_balance_balances_and_a_reversal_corrects(
    stack,
    login,
    rpc,
    accounting_db,
):
    accountant, clerk, auditor = login("accountant"), login("clerk"), login("auditor")
    line_id = new_line(rpc, "100000.00")
    contract_id = str(uuid.uuid4())
    accepted = acceptance(contract_id, "30000.00", "2026-06-10", line_id)
    paid = payment("30000.00", "2026-06-15", line_id, contract_id=contract_id, milestone_no=1)
    claim = payment("1200.00", "2026-06-16", line_id, unit="zwzx")  # 政务服务中心: 事业单位 (demo)
    publish(stack, accepted)
    eventually(lambda: vouchers_of(accountant, "2026-06", {accepted[1]["acceptance_id"]}))
    # the same payment heard twice (a producer's retry with a new event id) posts once
    publish(stack, paid, claim, paid)
    ids = {accepted[1]["acceptance_id"], paid[1]["payment_id"], claim[1]["payment_id"]}
    found = {v["source"]["id"]: v for v in eventually(lambda: vouchers_of(accountant, "2026-06", ids))}

    accrual, pay, other = (
        found[accepted[1]["acceptance_id"]],
        found[paid[1]["payment_id"]],
        found[claim[1]["payment_id"]],
    )
    assert accrual["kind"] == "accrual" and entries(accrual) == [("5001", "Dr", "30000.00"), ("2302", "Cr", "30000.00")]
    assert entries(pay) == [
        ("2302", "Dr", "30000.00"),
        ("1011", "Cr", "30000.00"),
        ("7101", "Dr", "30000.00"),
        ("8001", "Cr", "30000.00"),
    ]
    assert {x["basis"] for x in pay["lines"]} == {"financial", "budgetary"}
    assert ("7201", "Dr", "1200.00") in entries(other) and ("5001", "Dr", "1200.00") in entries(other)
    everything = accountant.get(f"{BASE}/vouchers", params={"period": "2026-06", "page_size": 200}).json()
    numbers = sorted(int(v["no"].rsplit("-", 1)[1]) for v in everything["items"])
    assert numbers == list(range(1, everything["total"] + 1))  # no gap, no duplicate
    assert all(v["no"].startswith("记-2026-06-") for v in everything["items"])
    assert sum(1 for v in everything["items"] if v["source"]["id"] == paid[1]["payment_id"]) == 1

    tb = auditor.get(f"{BASE}/trial-balance", params={"period": "2026-06"})
    assert tb.status_code == 200, tb.text
    tb = tb.json()
    assert tb["balanced"] and tb["totals"]["financial"]["balanced"] and tb["totals"]["budgetary"]["balanced"]
    assert Decimal(tb["totals"]["budgetary"]["debit"]) >= Decimal("31200.00")
    xlsx = accountant.get(f"{BASE}/trial-balance.xlsx", params={"period": "2026-06"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    ledger = accountant.get(
        f"{BASE}/ledger", params={"account_code": "2302", "period_from": "2026-06", "period_to": "2026-06"}
    )
    assert ledger.status_code == 200, ledger.text
    assert {i["voucher_no"] for i in ledger.json()["items"]} >= {accrual["no"], pay["no"]}
    assert clerk.get(f"{BASE}/trial-balance", params={"period": "2026-06"}).status_code == 403

    # 冲销: the accountant only, once; the original stays as it was
    assert (
        login("finance").post(f"{BASE}/vouchers/{other['id']}/reversal", json={"reason": "重复报销"}).status_code == 403
    )
    reversal = accountant.post(f"{BASE}/vouchers/{other['id']}/reversal", json={"reason": "重复报销"})
    assert reversal.status_code == 201, reversal.text
    reversal = reversal.json()
    assert reversal["kind"] == "reversal" and reversal["reverses"] == other["id"]
    assert entries(reversal) == [(c, "Cr" if s == "Dr" else "Dr", a) for c, s, a in entries(other)]
    again = accountant.post(f"{BASE}/vouchers/{other['id']}/reversal", json={"reason": "再次冲销"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "voucher_already_reversed"
    assert accountant.get(f"{BASE}/vouchers/{other['id']}").json()["reversed_by"] == reversal["no"]

    # the journal is append-only in the database itself
    for statement in (
        sa.text("UPDATE voucher SET amount = 1 WHERE id = :id"),
        sa.text("DELETE FROM voucher WHERE id = :id"),
        sa.text("UPDATE journal_line SET debit = debit + 1 WHERE voucher_id = :id AND debit > 0"),
        sa.text("DELETE FROM journal_line WHERE voucher_id = :id"),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="账簿只增不改"), accounting_db.begin() as conn:
            conn.execute(statement, {"id": pay["id"]})
    with pytest.raises(sa.exc.DBAPIError, match="账簿只增不改"), accounting_db.begin() as conn:
        conn.execute(sa.text("TRUNCATE journal_line, voucher"))
    with pytest.raises(sa.exc.DBAPIError, match="账簿只增不改"), accounting_db.begin() as conn:
        conn.execute(sa.text("UPDATE account_period_total SET debit = debit - 1 WHERE debit > 0"))
    # the trial balance's monthly totals agree with the journal's lines
    with accounting_db.connect() as conn:
        sums = "SELECT account_code, unit, sum(debit), sum(credit) FROM {} WHERE period = '2026-06' GROUP BY 1, 2"
        assert sorted(conn.execute(sa.text(sums.format("account_period_total"))).all()) == sorted(
            conn.execute(sa.text(sums.format("journal_line"))).all()
        )
    assert entries(accountant.get(f"{BASE}/vouchers/{pay['id']}").json()) == entries(pay)


def test_a_closed_month_takes_no_voucher_and_a_late_event_goes_to_the_next_open_month(stack, login, rpc, accounting_db):
    accountant = login("accountant")
    line_id = new_line(rpc, "50000.00", year=2025)
    first = payment("800.00", "2025-02-10", line_id)
    publish(stack, first)
    eventually(lambda: vouchers_of(accountant, "2025-02", {first[1]["payment_id"]}))
    assert login("finance").post(f"{BASE}/periods/2025-02/close").status_code == 403
    closed = accountant.post(f"{BASE}/periods/2025-02/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    again = accountant.post(f"{BASE}/periods/2025-02/close")
    assert again.status_code == 409 and again.json()["error"]["code"] == "period_already_closed"

    late = payment("300.00", "2025-02-20", line_id)
    publish(stack, late)
    [voucher] = eventually(lambda: vouchers_of(accountant, "2025-03", {late[1]["payment_id"]}))
    assert voucher["voucher_date"] == "2025-03-01" and voucher["business_date"] == "2025-02-20"
    assert voucher["no"].startswith("记-2025-03-")
    # the database refuses a voucher into the closed month, whoever writes it
    with pytest.raises(sa.exc.DBAPIError, match="已结账"), accounting_db.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO voucher (id, org, no, period, seq, voucher_date, business_date, kind, source_type,"
                " source_id, unit, amount, summary, posted_by) VALUES (gen_random_uuid(), :org, '记-2025-02-9999',"
                " '2025-02', 9999, '2025-02-28', '2025-02-28', 'payment', 'payment_request', 'x', 'dzb', 1, 'x', 'x')"
            ),
            {"org": DEFAULT_ORG},
        )
    periods = {p["period"]: p for p in accountant.get(f"{BASE}/periods").json()["items"]}
    assert periods["2025-02"]["status"] == "closed" and periods["2025-03"]["status"] == "open"


def test_the_reconciliation_shows_where_the_budget_actual_differs(stack, login, rpc):
    accountant = login("accountant")
    line_id = new_line(rpc, "20000.00")
    matched = payment("500.00", "2026-07-01", line_id)
    rpc.call(
        "budget",
        "actual",
        {
            "budget_line_id": line_id,
            "amount": "500.00",
            "document": {"type": "payment_request", "id": matched[1]["payment_id"], "no": matched[1]["no"]},
        },
        context=FINANCE,
    )
    publish(stack, matched)
    eventually(lambda: vouchers_of(accountant, "2026-07", {matched[1]["payment_id"]}))

    def row():
        report = accountant.get(f"{BASE}/reconciliation", params={"fiscal_year": 2026})
        assert report.status_code == 200, report.text
        return next((r for r in report.json()["items"] if r["budget_line_id"] == line_id), None)

    assert row() == {
        "budget_line_id": line_id,
        "unit": "dzb",
        "budgetary_expenditure": "500.00",
        "budget_actual": "500.00",
        "difference": "0.00",
        "matched": True,
    }
    unrecorded = payment("200.00", "2026-07-02", line_id)  # paid in the books, never actualised on the line
    publish(stack, unrecorded)
    eventually(lambda: vouchers_of(accountant, "2026-07", {unrecorded[1]["payment_id"]}))
    differing = row()
    assert (differing["budgetary_expenditure"], differing["budget_actual"], differing["difference"]) == (
        "700.00",
        "500.00",
        "200.00",
    )
    assert differing["matched"] is False
    report = accountant.get(f"{BASE}/reconciliation", params={"fiscal_year": 2026}).json()
    assert report["matched"] is False and report["items"][0]["difference"] != "0.00"  # differences first
