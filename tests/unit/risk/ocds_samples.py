"""The office's own events for one open tender, as its services publish them (payloads valid against the event
catalogue): published, three bids (the lowest disqualified), evaluated, awarded, contract signed, one payment."""

from __future__ import annotations

import uuid
from typing import Any

from ic_platform.envelope import Envelope

APP = str(uuid.UUID(int=0xA1))
TENDER = str(uuid.UUID(int=0xA2))
AWARD = str(uuid.UUID(int=0xA3))
CONTRACT = str(uuid.UUID(int=0xA4))
PAYMENT = str(uuid.UUID(int=0xA5))
S1, S2, S3 = (str(uuid.UUID(int=0xB0 + n)) for n in (1, 2, 3))
B1, B2, B3 = (str(uuid.UUID(int=0xC0 + n)) for n in (1, 2, 3))
CODES = {S1: "91350100M000100Y43", S2: "91110000802100433B", S3: "911100007109339990"}
DOC = {"type": "procurement_application", "id": APP, "no": "CG-2026-000001"}


def _suppliers() -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "procurement.supplier_registered",
            {
                "supplier_id": s,
                "credit_code": CODES[s],
                "supplier_name": name,
                "legal_representative": "张三",
                "registrar": "finance",
                "registered_at": "2026-02-01T09:00:00+08:00",
            },
        )
        for s, name in ((S1, "甲公司"), (S2, "乙公司"), (S3, "丙公司"))
    ]


def tender_events(days: int = 21, disqualify_lowest: bool = True) -> list[Envelope]:
    funding = {
        "source": "budget_line",
        "budget_line_id": "2026-DZB-30201-01",
        "matter_application": None,
        "reserve": "1500000.00",
        "taken_over": "0.00",
        "left_with_matter": "0.00",
    }
    deadline = f"2026-04-{1 + days:02d}T09:00:00+08:00"
    items: list[tuple[str, dict[str, Any]]] = [
        *_suppliers(),
        (
            "procurement.application_submitted",
            {
                "document": DOC,
                "unit": "dzb",
                "applicant": "clerk",
                "amount": "1500000.00",
                "title": "办公设备采购",
                "category": "goods",
                "method": "open_tender",
                "form": "decentralised",
                "extra_approval": False,
                "requirement": {},
                "funding": funding,
                "round": 1,
            },
        ),
        ("procurement.application_approved", {"document": DOC, "amount": "1500000.00"}),
        (
            "procurement.tender_published",
            {
                "document": DOC,
                "tender_id": TENDER,
                "method": "open_tender",
                "published_at": "2026-04-01T09:00:00+08:00",
                "submission_deadline": deadline,
                "flags": [],
            },
        ),
    ]
    for bid, supplier, amount in ((B1, S1, "1200000.00"), (B2, S2, "1300000.00"), (B3, S3, "1310000.00")):
        items.append(
            (
                "procurement.bid_received",
                {
                    "document": DOC,
                    "tender_id": TENDER,
                    "bid_id": bid,
                    "supplier_id": supplier,
                    "amount": amount,
                    "received_at": "2026-04-02T10:00:00+08:00",
                    "late": False,
                },
            )
        )
    if disqualify_lowest:
        items.append(
            (
                "procurement.bid_disqualified",
                {"document": DOC, "tender_id": TENDER, "bid_id": B1, "supplier_id": S1, "reason": "资格证明文件不全"},
            )
        )
    ranking = [
        {"rank": 1, "bid_id": B2, "supplier_id": S2, "amount": "1300000.00", "score": None},
        {"rank": 2, "bid_id": B3, "supplier_id": S3, "amount": "1310000.00", "score": None},
    ]
    items += [
        (
            "procurement.bids_evaluated",
            {"document": DOC, "tender_id": TENDER, "evaluated_on": "2026-04-23", "ranking": ranking},
        ),
        (
            "procurement.award_decided",
            {
                "document": DOC,
                "award_id": AWARD,
                "unit": "dzb",
                "supplier_id": S2,
                "supplier_name": "乙公司",
                "credit_code": CODES[S2],
                "amount": "1300000.00",
                "budget_amount": "1500000.00",
                "method": "open_tender",
                "category": "goods",
                "decided_on": "2026-04-23",
                "notice_date": "2026-04-24",
                "tender_id": TENDER,
                "justification": None,
                "flags": [],
                "budget_line_id": "2026-DZB-30201-01",
                "pre_commitment_holder": DOC,
            },
        ),
        (
            "contract.signed",
            {
                "document": {"type": "contract", "id": CONTRACT, "no": "HT-2026-000001"},
                "unit": "dzb",
                "supplier_id": S2,
                "amount": "1300000.00",
                "signed_on": "2026-05-06",
                "award_id": AWARD,
                "award_notice_date": "2026-04-24",
                "days_after_award": 12,
                "budget": {
                    "budget_line_id": "2026-DZB-30201-01",
                    "commit": "1300000.00",
                    "from_document": DOC,
                    "release": "200000.00",
                },
                "flags": [],
            },
        ),
        (
            "payment.payment_executed",
            {
                "payment_id": PAYMENT,
                "no": "FK-2026-000001",
                "unit": "dzb",
                "budget_line_id": "2026-DZB-30201-01",
                "fiscal_year": 2026,
                "economic_class": "30201",
                "amount": "390000.00",
                "basis": {"type": "contract_milestone", "id": CONTRACT, "no": "HT-2026-000001"},
                "contract_id": CONTRACT,
                "milestone_no": 1,
                "supplier_id": S2,
                "payee": {"name": "乙公司", "credit_code": CODES[S2], "account_no": "6222020200012345678"},
                "invoices": [],
                "executed_on": "2026-05-20",
                "reference": "BANK-1",
                "executor": "cashier",
                "approvers": ["finance"],
            },
        ),
    ]
    producers = {"procurement": "procurement", "contract": "contract", "payment": "payment"}
    return [
        Envelope(
            type=t,
            payload=p,
            org="xinqiao",
            producer=producers[t.split(".")[0]],
            occurred_at=f"2026-05-{1 + n // 10:02d}T0{n % 10}:00:00+00:00",
        )
        for n, (t, p) in enumerate(items)
    ]
