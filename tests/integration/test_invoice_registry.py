"""The invoice registry on a real database (payment's own, migrated into a throwaway copy; no stack needed):
the UNIQUE key decides between racing documents, however each wrote the invoice."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from deploy.stack import settings_from
from ic_platform.db import drop_database, migrate
from ic_platform.errors import Conflict
from services.payment.domain.invoices import Invoice
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork
from tests.unit.payment.test_invoices import DIGITAL_NO, FULL_WIDTH, ISSUER

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def engine():
    cfg = settings_from({"IC_DB_PREFIX": f"ic_inv{uuid.uuid4().hex[:8]}"})
    url = cfg.database_url("payment")
    migrate("payment", cfg)
    engine = sa.create_engine(url, pool_size=20, max_overflow=0)
    yield engine
    engine.dispose()
    drop_database(url)


def inv(number: str = DIGITAL_NO, code: str | None = None) -> Invoice:
    return Invoice.of(
        number=number, code=code, issued_on=date(2026, 5, 1), issuer_credit_code=ISSUER, amount=Decimal("300.00")
    )


def doc(kind: str = "expense_claim") -> dict[str, str]:
    n = uuid.uuid4().hex[:6]
    return {"type": kind, "id": str(uuid.uuid4()), "no": f"BX-2026-{n}"}


def use(engine, invoices, document, hold: float = 0.0, before_commit: threading.Event | None = None) -> str:
    uow = PaymentUnitOfWork(engine)
    try:
        with uow:
            uow.invoices.use(invoices, document, "dzb")
            if before_commit is not None:
                before_commit.set()
            time.sleep(hold)
            uow.commit()
        return "won"
    except Conflict as refusal:
        assert refusal.code == "invoice_already_used"
        return refusal.details["used_by"]["no"]


def test_a_second_use_waiting_on_the_first_is_refused_naming_it(engine):
    number = f"2644{uuid.uuid4().int % 10**16:016d}"
    first, second = doc(), doc("payment_request")
    inserted = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(use, engine, [inv(number)], first, 0.5, inserted)
        inserted.wait(5)
        spaced = " ".join(number[i : i + 4] for i in range(0, 20, 4))  # the same invoice, written apart
        b = pool.submit(use, engine, [inv(spaced)], second)
        assert a.result() == "won"
        assert b.result() == first["no"]


def test_many_documents_racing_for_one_invoice_have_one_winner(engine):
    number = f"2644{uuid.uuid4().int % 10**16:016d}"
    docs = [doc() for _ in range(12)]
    barrier = threading.Barrier(len(docs))
    spellings = [number, "-".join(number[i : i + 4] for i in range(0, 20, 4)), "No." + number]

    def race(i: int) -> str:
        barrier.wait()
        return use(engine, [inv(spellings[i % 3])], docs[i])

    with ThreadPoolExecutor(len(docs)) as pool:
        results = list(pool.map(race, range(len(docs))))
    winners = [docs[i]["no"] for i, r in enumerate(results) if r == "won"]
    assert len(winners) == 1
    assert all(r == winners[0] for r in results if r != "won")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM invoice_use WHERE key = :k"), {"k": number}).scalar() == 1


def test_two_documents_sharing_invoices_in_opposite_orders_do_not_deadlock(engine):
    a_no = f"2644{uuid.uuid4().int % 10**16:016d}"
    b_no, b_code = f"{uuid.uuid4().int % 10**8:08d}", "044001900111"
    first, second = doc(), doc()
    barrier = threading.Barrier(2)

    def race(document, invoices) -> str:
        barrier.wait()
        return use(engine, invoices, document, hold=0.2)

    with ThreadPoolExecutor(2) as pool:
        r1 = pool.submit(race, first, [inv(a_no), inv(b_no, b_code)])
        r2 = pool.submit(race, second, [inv(f"{b_code}-{b_no}"), inv(a_no)])
        results = sorted([r1.result(), r2.result()])
    assert results[1] == "won" or results[0] == "won"
    assert results.count("won") == 1


def test_the_same_document_again_is_fine_and_a_release_frees_the_invoice(engine):
    first, later = doc(), doc()
    assert use(engine, [inv(FULL_WIDTH)], first) == "won"  # FULL_WIDTH is DIGITAL_NO, written in full width
    assert use(engine, [inv(DIGITAL_NO)], first) == "won"  # a retry of the same document
    assert use(engine, [inv(DIGITAL_NO)], later) == first["no"]
    uow = PaymentUnitOfWork(engine)
    with uow:
        assert uow.invoices.of_document(first)[0]["key"] == DIGITAL_NO
        assert uow.invoices.release(first, "报销单已驳回") == [DIGITAL_NO]
        assert uow.invoices.release(first, "报销单已驳回") == []  # heard twice: nothing more
        uow.commit()
    assert use(engine, [inv(DIGITAL_NO)], later) == "won"
    with engine.connect() as conn:
        released = conn.execute(
            sa.text("SELECT document_no, reason FROM invoice_release WHERE key = :k"), {"k": DIGITAL_NO}
        )
        assert [tuple(r) for r in released] == [(first["no"], "报销单已驳回")]


def test_a_resubmitted_document_keeps_its_own_invoices_gives_back_the_dropped_and_is_refused_anothers(engine):
    kept, dropped, taken, added = (f"2644{uuid.uuid4().int % 10**16:016d}" for _ in range(4))
    returned, other = doc(), doc("payment_request")
    assert use(engine, [inv(kept), inv(dropped)], returned) == "won"
    assert use(engine, [inv(taken)], other) == "won"
    assert use(engine, [inv(kept)], other) == returned["no"]  # returned, it still holds its invoices

    def replace(invoices) -> str:
        uow = PaymentUnitOfWork(engine)
        try:
            with uow:
                uow.invoices.replace(invoices, returned, "dzb", "报销单第 2 轮重新提交时不再列出")
                uow.commit()
            return "won"
        except Conflict as refusal:
            return refusal.details["used_by"]["no"]

    assert replace([inv(kept), inv(taken)]) == other["no"]  # another document's: refused, nothing changed
    uow = PaymentUnitOfWork(engine)
    with uow:
        assert uow.invoices.keys_of(returned) == {kept, dropped}
    assert replace([inv(kept), inv(added)]) == "won"  # its own again: not "used twice"
    with uow:
        assert uow.invoices.keys_of(returned) == {kept, added}
    assert use(engine, [inv(dropped)], other) == "won"  # no longer listed: given back
    assert use(engine, [inv(kept)], other) == returned["no"]


def test_the_database_itself_refuses_a_second_row_for_a_key(engine):
    with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
        for n in ("A", "B"):
            conn.execute(
                sa.text(
                    "INSERT INTO invoice_use (key, kind, number, issued_on, issuer_credit_code, amount, tax,"
                    " document_type, document_id, document_no, unit)"
                    " VALUES ('99990000000000000001', 'digital', '99990000000000000001', '2026-05-01', :c, 1, 0,"
                    " 'expense_claim', :n, :n, 'dzb')"
                ),
                {"c": ISSUER, "n": n},
            )
