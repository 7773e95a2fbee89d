"""One project's events, as their producers publish them (the pinned payloads of issue 13 included): a matter
application, the procurement bought on it, a tender with a bid, the award, the contract drafted on the award,
signed, amended, accepted, paid, and the voucher; an expense claim on the application; an attachment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ic_platform.envelope import Envelope

ORG = "xinqiao"
LINE = "2026-DZB-30201-01"


def ids(prefix: str) -> dict[str, str]:
    """The ids of one project, distinct per prefix so several projects can share a database."""
    names = (
        "application",
        "procurement",
        "tender",
        "bid",
        "award",
        "contract",
        "amendment",
        "acceptance",
        "payment",
        "claim",
        "voucher",
    )
    return {n: f"{prefix}-{n}" for n in names}


def doc(type_: str, id_: str, no: str | None = None) -> dict[str, str]:
    return {"type": type_, "id": id_, **({"no": no} if no else {})}


def project_events(prefix: str = "p1", line: str = LINE, start: datetime | None = None) -> list[Envelope]:
    i = ids(prefix)
    at = start or datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    sq = doc("matter_application", i["application"], f"SQ-{prefix}")
    cg = doc("procurement_application", i["procurement"], f"CG-{prefix}")
    ht = doc("contract", i["contract"], f"HT-{prefix}")
    bg = doc("contract_amendment", i["amendment"], f"BG-{prefix}")
    request = {"unit": "dzb", "applicant": "clerk"}
    steps: list[tuple[str, str, dict[str, Any]]] = [
        (
            "payment.matter_application_submitted",
            f"matter_application/{i['application']}",
            {**request, "document": sq, "amount": "90000.00", "title": "会议室改造", "budget_line_id": line},
        ),
        ("payment.matter_application_approved", f"matter_application/{i['application']}", {"document": sq}),
        (
            "procurement.application_submitted",
            f"procurement_application/{i['procurement']}",
            {
                **request,
                "document": cg,
                "amount": "88000.00",
                "title": "会议室改造采购",
                "method": "request_for_quotation",
                "category": "works",
                "funding": {"source": "matter_application", "budget_line_id": line, "matter_application": sq},
            },
        ),
        (
            "procurement.tender_published",
            f"procurement_application/{i['procurement']}",
            {"document": cg, "tender_id": i["tender"], "method": "request_for_quotation"},
        ),
        (
            "procurement.bid_received",
            f"procurement_application/{i['procurement']}",
            {"document": cg, "tender_id": i["tender"], "bid_id": i["bid"], "supplier_id": "s1", "amount": "86000.00"},
        ),
        (
            "procurement.award_decided",
            f"procurement_application/{i['procurement']}",
            {
                "document": cg,
                "award_id": i["award"],
                "unit": "dzb",
                "supplier_id": "s1",
                "supplier_name": "新桥装饰工程有限公司",
                "amount": "86000.00",
                "tender_id": i["tender"],
                "budget_line_id": line,
            },
        ),
        (
            "contract.drafted",
            f"contract/{i['contract']}",
            {
                "document": ht,
                "unit": "dzb",
                "title": "会议室改造合同",
                "basis": {"type": "award", "award_id": i["award"], "application": cg},
                "supplier_id": "s1",
                "amount": "86000.00",
            },
        ),
        (
            "contract.signed",
            f"contract/{i['contract']}",
            {"document": ht, "unit": "dzb", "amount": "86000.00", "signed_on": "2026-03-10", "award_id": i["award"]},
        ),
        (
            "contract.amendment_submitted",
            f"contract_amendment/{i['amendment']}",
            {**request, "document": bg, "contract": ht, "amount": "4000.00", "title": "增加隔音层", "delta": "4000.00"},
        ),
        (
            "contract.acceptance_recorded",
            f"contract/{i['contract']}",
            {
                "acceptance_id": i["acceptance"],
                "contract_id": i["contract"],
                "contract_no": f"HT-{prefix}",
                "unit": "dzb",
                "milestone_no": 1,
                "result": "passed",
                "accepted_on": "2026-04-01",
                "amount": "86000.00",
                "supplier_id": "s1",
                "budget_line_id": line,
                "members": ["clerk_czb"],
                "acceptor": "head",
            },
        ),
        (
            "payment.payment_executed",
            f"payment_request/{i['payment']}",
            {
                "payment_id": i["payment"],
                "no": f"FK-{prefix}",
                "unit": "dzb",
                "budget_line_id": line,
                "amount": "86000.00",
                "basis": {"type": "contract_milestone", "id": i["contract"], "no": f"HT-{prefix}"},
                "contract_id": i["contract"],
                "milestone_no": 1,
                "payee": {"name": "新桥装饰工程有限公司", "credit_code": None, "account_no": "6222000011112222"},
                "executed_on": "2026-04-05",
            },
        ),
        (
            "payment.expense_claim_submitted",
            f"expense_claim/{i['claim']}",
            {
                "claim_id": i["claim"],
                "no": f"BX-{prefix}",
                "unit": "dzb",
                "claimant": "clerk",
                "amount": "800.00",
                "budget_line_id": line,
                "application_id": i["application"],
                "kind": "other",
            },
        ),
        (
            "accounting.voucher_posted",
            f"voucher/{i['voucher']}",
            {
                "voucher_id": i["voucher"],
                "no": f"记-{prefix}",
                "period": "2026-04",
                "kind": "payment",
                "source": {"type": "payment_request", "id": i["payment"], "no": f"FK-{prefix}"},
                "unit": "dzb",
                "budget_line_id": line,
                "amount": "86000.00",
            },
        ),
        (
            "contract.attachment_added",
            f"contract/{i['contract']}",
            {
                "document": ht,
                "unit": "dzb",
                "sha256": "ab" * 32,
                "filename": "验收报告.pdf",
                "media_type": "application/pdf",
                "size": 2048,
                "uploaded_by": "clerk",
            },
        ),
    ]
    return [
        Envelope(
            type=type_,
            payload=payload,
            org=ORG,
            producer=type_.split(".")[0],
            actor="clerk",
            subject=subject,
            occurred_at=(at + timedelta(hours=n)).isoformat(),
        )
        for n, (type_, subject, payload) in enumerate(steps)
    ]
