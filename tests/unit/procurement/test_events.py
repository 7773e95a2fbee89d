"""The events a purchase records: named `procurement.<past tense>`, in order, and JSON on the wire."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from services.procurement.domain import events, intention, tender
from services.procurement.domain.supplier import BankAccount
from tests.unit.procurement.factories import AT, POLICY, application, supplier

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def test_a_tendered_purchase_records_each_step_as_a_json_event():
    app = application("2000000.00", method=tender.Method.COMPETITIVE_NEGOTIATION)
    app.submit(POLICY, date(2026, 1, 5))
    app.reserved()
    app.approve()
    intention.publish(app, "i1", date(2026, 1, 10), "中国政府采购网")
    t, _ = tender.publish(app, "t1", T0, T0 + timedelta(days=5), POLICY)
    suppliers = [supplier(n) for n in (1, 2, 3)]
    for n, s in enumerate(suppliers, start=1):
        t.receive_bid(app, f"b{n}", s, D(f"1{n}00000.00"), T0 + timedelta(days=1))
    t.evaluate(app, t.submission_deadline, POLICY)
    t.award(app, "w1", "b1", suppliers[0], date(2026, 4, 7), date(2026, 4, 8))
    s = suppliers[0]
    s.add_account(BankAccount("工商银行", s.name, "6222020200001234567"), "reg", AT, "开户")
    s.suspend("未按期签订合同", date(2026, 6, 1), date(2026, 8, 31), "inspector", AT)
    recorded = app.events + t.events + s.events
    assert [e.name for e in app.events] == [
        "procurement.application_submitted",
        "procurement.application_approved",
        "procurement.intention_published",
        "procurement.award_decided",
    ]
    assert [e.name for e in t.events] == ["procurement.tender_published"] + ["procurement.bid_received"] * 3 + [
        "procurement.bids_evaluated"
    ]
    for event in recorded:
        assert event.name.startswith("procurement.") and event.name.split(".")[1].split("_")[-1].endswith("ed")
        text = json.dumps(event.payload(), ensure_ascii=False)
        assert "Decimal" not in text and "datetime" not in text
    award = app.events[-1].payload()
    assert award["amount"] == "1100000.00" and award["document"]["no"] == "CG-2026-000001"


def test_wire_turns_domain_values_into_json_values():
    flag = events.Flag("r", "low", "m", {"at": date(2026, 1, 1), "amount": D("1.5")})
    assert events.wire([flag]) == [
        {"rule": "r", "severity": "low", "message": "m", "details": {"at": "2026-01-01", "amount": "1.50"}}
    ]
