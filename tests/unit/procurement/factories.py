"""Builders for the procurement domain's tests: valid by default, each test changes what it is about."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from ic_platform.documents import DocumentRef
from services.procurement.domain import credit_code
from services.procurement.domain.application import Item, MatterFacts, ProcurementApplication
from services.procurement.domain.errors import ProcurementRefused
from services.procurement.domain.kinds import Category, Method
from services.procurement.domain.seed import DEMO_POLICY
from services.procurement.domain.supplier import BankAccount, Supplier

POLICY = DEMO_POLICY
TODAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Real codes (GB 32100's own example, and three well-known companies): both check characters hold.
REAL_CODES = ("91350100M000100Y43", "914403001922038216", "91440300708461136T", "91330100716105852F")


def code_for(n: int) -> str:
    """A valid credit code for supplier n: region 110105, organisation body from n, both checks computed."""
    body = f"{n:08d}"
    first17 = "91110105" + body + credit_code.org_check_character(body)
    return first17 + credit_code.check_character(first17)


def supplier(n: int = 1, **kw) -> Supplier:
    name = kw.pop("name", f"供应商{n}有限公司")
    s = Supplier.register(
        f"s{n}", code_for(n), name, kw.pop("legal_representative", f"法人{n}"), kw.pop("registrar", "reg"), AT, **kw
    )
    s.events.clear()
    return s


def with_account(s: Supplier, account_no: str) -> Supplier:
    s.add_account(BankAccount("工商银行", s.name, account_no), "reg", AT, "开户")
    s.events.clear()
    return s


def item(amount: str, category: Category = Category.GOODS, **kw) -> Item:
    return Item(kw.pop("name", "办公设备"), category, D(kw.pop("quantity", "1")), D(amount), **kw)


def matter(amount: str = "2000000.00", **kw) -> MatterFacts:
    return MatterFacts(
        DocumentRef("matter_application", "m1", "SQ-2026-000001"),
        kw.get("status", "approved"),
        kw.get("unit", "dzb"),
        kw.get("budget_line_id", "L1"),
        D(amount),
    )


def application(
    amount: str = "30000.00",
    method: Method = Method.SELF_PROCUREMENT,
    *,
    items: tuple[Item, ...] | None = None,
    funded_by_matter: bool = False,
    **kw,
) -> ProcurementApplication:
    items = items or (item(amount, kw.pop("category", Category.GOODS)),)
    funding = (
        {"matter": matter(kw.pop("matter_amount", "9000000.00"))} if funded_by_matter else {"budget_line_id": "L1"}
    )
    return ProcurementApplication.draft(
        "a1", "CG-2026-000001", "org", "dzb", "clerk", "采购办公设备", items, method, **funding, **kw
    )


def approved(amount: str = "30000.00", method: Method = Method.SELF_PROCUREMENT, on: date = TODAY, **kw):
    app = application(amount, method, **kw)
    app.submit(POLICY, on)
    app.reserved() if app.status.value == "reserving" else None
    app.approve()
    app.events.clear()
    return app


def refusal(fn, *args, **kwargs) -> ProcurementRefused:
    with pytest.raises(ProcurementRefused) as caught:
        fn(*args, **kwargs)
    return caught.value
