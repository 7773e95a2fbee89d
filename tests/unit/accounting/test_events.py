"""accounting.voucher_posted as pinned, validated by the catalogue; the events accounting hears are declared (as
pinned) and subscribed, and a producer's own declaration wins when its branch is merged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ic_platform import catalogue
from ic_platform.catalogue import accounting_events
from ic_platform.context import CallContext
from services.accounting.domain.chart import UnitKind
from services.accounting.domain.voucher import Kind, Source, Voucher, payment_lines
from services.accounting.service_layer.posting import payload


def voucher() -> Voucher:
    amount = Decimal("30000.00")
    v = Voucher(
        id="6f9c0c8e-8a51-4c1b-9d55-0b4d7c1e2a10",
        org="xinqiao",
        kind=Kind.PAYMENT,
        source=Source("payment_request", "p-1", "FK-2026-000001"),
        unit="dzb",
        voucher_date=date(2026, 11, 3),
        business_date=date(2026, 11, 3),
        amount=amount,
        lines=payment_lines(amount, amount, UnitKind.ADMINISTRATIVE),
        summary="支付",
        budget_line_id="2026-DZB-30201-01",
        fiscal_year=2026,
    )
    v.number("2026-11", 1)
    return v


def test_voucher_posted_carries_the_pinned_fields_and_validates():
    data = payload(voucher())
    assert set(data) == {"voucher_id", "no", "period", "kind", "source", "unit", "budget_line_id", "amount", "lines"}
    assert data["no"] == "记-2026-11-0001" and data["period"] == "2026-11"
    assert data["lines"][0] == {
        "account_code": "2302",
        "account_name": "应付账款",
        "debit": "30000.00",
        "credit": "0.00",
        "basis": "financial",
    }
    event = CallContext(org="xinqiao", actor="cashier").event("accounting.voucher_posted", data, producer="accounting")
    catalogue.validate(event.as_dict())


def test_a_voucher_posted_with_an_unknown_basis_is_refused_by_the_catalogue():
    data = payload(voucher())
    data["lines"][0]["basis"] = "cash"
    event = CallContext(org="xinqiao").event("accounting.voucher_posted", data, producer="accounting")
    with pytest.raises(catalogue.InvalidEvent):
        catalogue.validate(event.as_dict())


def test_accounting_hears_acceptances_and_executed_payments():
    assert catalogue.subscriptions("accounting") == ["contract.acceptance_recorded", "payment.payment_executed"]


def test_a_producers_schema_gains_accounting_as_subscriber_and_nothing_is_declared_twice():
    own = {
        "type": "payment.payment_executed",
        "version": 1,
        "producer": "payment",
        "summary": "own",
        "payload": {"type": "object"},
        "subscribers": ("risk",),
    }
    merged = accounting_events.merge_into([own])
    executed = [s for s in merged if s["type"] == "payment.payment_executed"]
    assert len(executed) == 1 and executed[0]["summary"] == "own"
    assert executed[0]["subscribers"] == ("accounting", "risk")
    # an event heard but not declared by its producer is not declared here either: the producer owns its schema
    assert not any(s["type"] == "contract.acceptance_recorded" for s in merged)
