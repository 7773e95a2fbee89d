"""One payload per `procurement.*` event type, produced by the domain itself (not written by hand), so the
catalogue's schemas are tested against what the service really publishes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

from services.procurement.domain import intention, market_research
from services.procurement.domain import tender as tenders
from services.procurement.domain.application import Item, ProcurementApplication
from services.procurement.domain.kinds import Category, Method
from services.procurement.domain.seed import DEMO_POLICY
from services.procurement.domain.supplier import BankAccount, Supplier
from services.procurement.service_layer.common import award_extra
from tests.unit.procurement.factories import code_for

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _id(n: int) -> str:
    return str(uuid.UUID(int=n))


def _supplier(n: int) -> Supplier:
    return Supplier.register(_id(100 + n), code_for(n), f"供应商{n}有限公司", f"法人{n}", "clerk", AT)


def _app(n: int, amount: str, method: Method) -> ProcurementApplication:
    items = (Item("办公设备", Category.GOODS, D("1"), D(amount), "台"),)
    return ProcurementApplication.draft(
        _id(n), f"CG-2026-00000{n}", "xinqiao", "dzb", "clerk", "采购办公设备", items, method, budget_line_id="L1"
    )


def _payloads(events: list, app: ProcurementApplication | None = None) -> dict[str, dict[str, Any]]:
    out = {}
    for event in events:
        payload = event.payload()
        if event.name == "procurement.award_decided" and app is not None:
            payload |= award_extra(app)
        out[event.name] = payload
    return out


def procurement_payloads() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    suppliers = [_supplier(n) for n in (1, 2, 3)]
    for s in suppliers:
        found |= _payloads(s.events)
    suppliers[2].suspend("提供虚假材料", DAY + timedelta(days=90), None, "finance", AT)
    found |= _payloads(suppliers[2].events)
    suppliers[0].add_account(BankAccount("工商银行", suppliers[0].name, "6222020200012345678"), "finance", AT, "开户")
    suppliers[2].lift(DAY + timedelta(days=120), "整改完成", "finance", AT)
    found |= _payloads(suppliers[0].events) | _payloads(suppliers[2].events)
    for s in suppliers:
        s.events.clear()

    # A tender: submitted, approved, intention, published, three bids (one disqualified), evaluated, awarded.
    app = _app(1, "1500000.00", Method.OPEN_TENDER)
    app.submit(DEMO_POLICY, DAY)
    app.reserved()
    app.approve()
    intention.publish(app, _id(9), DAY, "中国政府采购网")
    found |= _payloads(app.events)
    app.events.clear()
    start = AT + timedelta(days=31)
    tender, _ = tenders.publish(app, _id(10), start, start + timedelta(days=21), DEMO_POLICY)
    for n, s in enumerate(suppliers, start=1):
        tender.receive_bid(app, _id(20 + n), s, D("1400000.00") - n, start + timedelta(days=2))
    extra = _supplier(4)
    tender.receive_bid(app, _id(24), extra, D("1300000.00"), start + timedelta(days=3))
    tender.disqualify(app, _id(24), "资格证明文件不全")
    tender.evaluate(app, start + timedelta(days=21), DEMO_POLICY)
    award = tender.award(app, _id(30), _id(23), suppliers[2], (start + timedelta(days=21)).date(), DAY + timedelta(60))
    found |= _payloads(tender.events) | _payloads(app.events, app)
    assert award.supplier_id == suppliers[2].id

    # Self procurement with three quotes.
    small = _app(2, "80000.00", Method.SELF_PROCUREMENT)
    small.submit(DEMO_POLICY, DAY)
    small.reserved()
    small.approve()
    small.events.clear()
    quotes = [market_research.Quote(s.id, D("79000.00") - n, DAY) for n, s in enumerate(suppliers)]
    market_research.conclude(
        small, _id(31), quotes, {s.id: s for s in suppliers}, suppliers[2].id, DAY, DAY, DEMO_POLICY
    )
    found |= {k: v for k, v in _payloads(small.events, small).items() if k != "procurement.award_decided"}

    # A failed tender, a rejection and a cancellation.
    failing = _app(3, "1500000.00", Method.OPEN_TENDER)
    failing.submit(DEMO_POLICY, DAY)
    failing.reserved()
    failing.approve()
    intention.publish(failing, _id(11), DAY, "中国政府采购网")
    tender2, _ = tenders.publish(failing, _id(12), start, start + timedelta(days=21), DEMO_POLICY)
    tender2.evaluate(failing, start + timedelta(days=22), DEMO_POLICY)
    found |= _payloads(tender2.events)
    rejected = _app(4, "1000.00", Method.SELF_PROCUREMENT)
    rejected.submit(DEMO_POLICY, DAY)
    rejected.reserved()
    rejected.reject("预算不足")
    cancelled = _app(5, "1000.00", Method.SELF_PROCUREMENT)
    cancelled.submit(DEMO_POLICY, DAY)
    cancelled.reserved()
    cancelled.approve()
    cancelled.cancel("clerk", "需求取消")
    found |= _payloads(rejected.events) | _payloads(cancelled.events)
    returned = _app(6, "1000.00", Method.SELF_PROCUREMENT)
    returned.submit(DEMO_POLICY, DAY)
    returned.reserved()
    returned.return_("请补充规格")
    returned.events.clear()
    returned.resubmit("clerk", DEMO_POLICY, DAY + timedelta(days=1))
    (again,) = returned.events
    found["procurement.application_resubmitted"] = again.payload()  # published under that name for a new round

    # A method change: requested (a document of its own for approval), then approved and rejected.
    changing = _app(7, "1000.00", Method.SELF_PROCUREMENT)
    changing.submit(DEMO_POLICY, DAY)
    changing.reserved()
    changing.approve()
    changing.request_method_change(Method.COMPETITIVE_NEGOTIATION, "需要谈判确定技术方案", DAY)
    change = changing.method_change
    found["procurement.method_change_requested"] = {
        "document": {"type": "procurement_method_change", "id": _id(40), "no": f"{changing.no}-BG"},
        "unit": changing.unit,
        "applicant": "clerk",
        "amount": "1000.00",
        "title": f"采购方式变更：{changing.title}",
        "major_matter": False,
        "application": changing.document.as_dict(),
        "current": "self_procurement",
        "requested": change.requested.value,
        "reason": change.reason,
        "tender_failed": False,
    }
    changing.events.clear()
    changing.method_change_decided(True)
    changing.request_method_change(Method.SELF_PROCUREMENT, "改回", DAY)
    changing.method_change_decided(False)
    found |= {k: v for k, v in _payloads(changing.events).items() if k != "procurement.method_change_requested"}
    return found
