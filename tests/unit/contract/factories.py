"""Builders for the contract domain's tests: a valid award-based contract by default."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ic_platform.documents import DocumentRef
from services.contract.domain.contract import ApplicationFacts, AwardFacts, Contract, SupplierFacts
from services.contract.domain.errors import ContractRefused
from services.contract.domain.seed import DEMO_POLICY
from services.contract.domain.terms import Condition, Milestone

POLICY = DEMO_POLICY
NOTICE = date(2026, 4, 10)
APPLICATION = DocumentRef("procurement_application", "a1", "CG-2026-000001")
MATTER = DocumentRef("matter_application", "m1", "SQ-2026-000001")
SUPPLIER = SupplierFacts("s1", "供应商1有限公司", "91350100M000100Y43", "reg")


def award(amount: str = "100000.00", **kw) -> AwardFacts:
    return AwardFacts(
        kw.get("award_id", "w1"),
        APPLICATION,
        kw.get("unit", "dzb"),
        kw.get("supplier_id", "s1"),
        D(amount),
        kw.get("notice_date", NOTICE),
        kw.get("method", "open_tender"),
        kw.get("category", "goods"),
        "L1",
        kw.get("holder", APPLICATION),
    )


def matter(amount: str = "40000.00", status: str = "approved") -> ApplicationFacts:
    return ApplicationFacts(MATTER, status, "dzb", D(amount), "L1", "services")


def ms(*specs) -> tuple[Milestone, ...]:
    """("30%", on_signing), ("5000.00", on_acceptance) …: a share ends with %, else an amount."""
    out = []
    for n, (figure, condition, *rest) in enumerate(specs, start=1):
        extra = rest[0] if rest else {}
        if figure.endswith("%"):
            out.append(Milestone(n, f"节点{n}", condition, share=D(figure[:-1]), **extra))
        else:
            out.append(Milestone(n, f"节点{n}", condition, amount=D(figure), **extra))
    return tuple(out)


STANDARD = ms(
    ("30%", Condition.ON_SIGNING),
    ("65%", Condition.ON_ACCEPTANCE, {"planned_date": date(2026, 8, 31)}),
    ("5%", Condition.AFTER_WARRANTY),
)


def contract(amount: str = "100000.00", basis=None, milestones=STANDARD, **kw) -> Contract:
    c = Contract.register(
        "c1",
        "HT-2026-000001",
        "org",
        kw.pop("unit", "dzb"),
        "采购合同",
        basis or award(kw.pop("award_amount", amount)),
        kw.pop("supplier", SUPPLIER),
        D(amount),
        kw.pop("start_date", date(2026, 4, 15)),
        kw.pop("end_date", date(2026, 12, 31)),
        milestones,
        kw.pop("drafter", "clerk"),
        kw.pop("purchaser", "buyer"),
        kw.pop("policy", POLICY),
        warranty_end=kw.pop("warranty_end", date(2027, 12, 31)),
        on=kw.pop("on", NOTICE),
        **kw,
    )
    c.events.clear()
    return c


def signed(amount: str = "100000.00", signed_on: date = date(2026, 4, 20), **kw) -> Contract:
    c = contract(amount, **kw)
    c.submit("clerk", POLICY)
    c.approve()
    c.sign(signed_on, POLICY, held=D(kw.get("award_amount", amount)))
    c.events.clear()
    return c


def refusal(fn, *args, **kwargs) -> ContractRefused:
    with pytest.raises(ContractRefused) as caught:
        fn(*args, **kwargs)
    return caught.value
