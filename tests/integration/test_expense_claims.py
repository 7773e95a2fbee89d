"""Expense claims (报销), invoices and attachments through the gateway on the real stack (issue 12): a travel
claim within the standards approved (the application's remainder released exactly), an over-standard one whose
warning the approver sees, an invoice reused under another spelling refused, attachments read under the
document's data scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.budget_docs import new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.test_contracts import approve, approved_application, task_for
from tests.integration.test_contracts import line as funds
from tests.unit.payment.test_invoices import code_for

pytestmark = pytest.mark.integration
API = "/api/v1"
ISSUER = code_for(12)


def number(seed: int) -> str:
    return f"2644{seed:016d}"


def invoice(no: str, amount: str, **kw) -> dict:
    return {"number": no, "issued_on": "2026-05-13", "issuer_credit_code": ISSUER, "amount": amount, **kw}


def trip(**kw) -> dict:
    base = {
        "departed_on": "2026-05-11",
        "returned_on": "2026-05-13",
        "from_city": "本市",
        "to_city": "广州",
        "city_tier": "一类",
        "nights": 2,
        "transport_mode": "火车",
        "transport_class": "二等座",
        "fare": "600.00",
        "lodging": "800.00",
        "meals": "300.00",
        "city_transport": "240.00",
    }
    return {**base, **kw}


def travel(title: str, trips: list[dict], invoices: list[dict], **kw) -> dict:
    detail = {"traveller": "李晓敏", "rank": "其余人员", "purpose": "学习考察", "trips": trips}
    return {"title": title, "kind": "travel", "detail": detail, "invoices": invoices, **kw}


def claim_of(api, claim_id) -> dict:
    response = api.get(f"{API}/expense-claims/{claim_id}")
    assert response.status_code == 200, response.text
    return response.json()


def seed() -> int:
    import uuid

    return uuid.uuid4().int % 10**15


def test_a_travel_claim_within_standards_is_approved_and_the_rest_of_its_application_released(
    login,
    rpc,
):
    clerk, head, finance = login("clerk"), login("head"), login("finance")
    line_id = new_line(rpc, "100000.00", economic_class="30211")
    app = approved_application(clerk, head, "3000.00", line_id)
    s = seed()

    over = clerk.post(
        f"{API}/expense-claims",
        json=travel(
            "差旅费（超申请）", [trip(fare="2500.00")], [invoice(number(s), "3300.00")], application_id=app["id"]
        ),
    )
    assert over.status_code == 409, over.text
    error = over.json()["error"]
    assert error["code"] == "expense_claim_exceeds_application"
    assert "3840.00" in error["message"] and "3000.00" in error["message"] and "840.00" in error["message"]

    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number(s))  # the invoice as typed from a PDF
    response = clerk.post(
        f"{API}/expense-claims",
        json=travel("赴广州学习考察差旅费", [trip()], [invoice(full_width, "1400.00")], application_id=app["id"]),
    )
    assert response.status_code == 201, response.text
    claim = response.json()
    assert claim["no"].startswith("BX-") and claim["status"] == "submitted" and claim["flags"] == []
    assert claim["amount"] == "1940.00" and claim["release_on_approval"] == "1060.00"
    assert claim["invoices"] == [{"key": number(s), "number": number(s), "amount": "1400.00"}]
    assert claim["detail"]["trips"][0]["transport_class"] == "二等座"  # the detail is stored

    approve(head, claim["id"])  # the unit head
    approve(finance, claim["id"])  # finance review (或签)
    eventually(lambda: claim_of(clerk, claim["id"])["settled"])
    done = claim_of(clerk, claim["id"])
    assert done["status"] == "approved"
    after = funds(clerk, line_id)
    assert after == {
        "pre_committed": Decimal("0.00"),  # the application's 3,000.00: 1,940.00 taken over, 1,060.00 released
        "committed": Decimal("1940.00"),
        "available": Decimal("98060.00"),
    }
    closed = clerk.get(f"{API}/matter-applications/{app['id']}").json()
    assert closed["status"] == "closed" and claim["no"] in closed["status_reason"]
    listed = clerk.get(f"{API}/expense-claims", params={"status": "approved"}).json()["items"]
    assert claim["id"] in [c["id"] for c in listed]


def test_an_over_standard_travel_claim_shows_the_warning_to_the_approver(login, rpc):
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "50000.00", economic_class="30211")
    over = trip(fare="0.00", lodging="1200.00", transport_mode="飞机", transport_class="公务舱")  # 450 a night
    response = clerk.post(
        f"{API}/expense-claims",
        json=travel("赴广州差旅费（小额）", [over], [invoice(number(seed()), "1200.00")], budget_line_id=line_id),
    )
    assert response.status_code == 201, response.text
    claim = response.json()
    assert claim["application"] is None and claim["status"] == "submitted"
    assert {f["rule"] for f in claim["flags"]} == {"expenditure_standard_exceeded", "travel_class_exceeded"}
    assert funds(clerk, line_id)["pre_committed"] == Decimal("1740.00")  # standalone: it reserves its own

    task = eventually(lambda: task_for(head, claim["id"]))
    seen = assessed(head, task["task_id"])
    warnings = {w["rule"]: w for w in seen["warnings"]}
    assert set(warnings) == {"expenditure_standard_exceeded", "travel_class_exceeded"}
    standard = warnings["expenditure_standard_exceeded"]
    assert "住宿费" in standard["message"] and "900.00" in standard["message"] and "300.00" in standard["message"]
    assert "公务舱" in warnings["travel_class_exceeded"]["message"]


def test_an_invoice_used_once_is_refused_however_it_is_written(login, rpc):
    clerk, other = login("clerk"), login("clerk_djb")
    line_id = new_line(rpc, "50000.00", economic_class="30201")
    other_line = new_line(rpc, "50000.00", unit="djb", economic_class="30201")
    code, no = "044001900111", f"{seed() % 10**8:08d}"
    first = clerk.post(
        f"{API}/expense-claims",
        json={
            "title": "办公用品",
            "kind": "other",
            "budget_line_id": line_id,
            "detail": {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "300.00"}]},
            "invoices": [invoice(no, "300.00", code=code)],
        },
    )
    assert first.status_code == 201, first.text
    again = other.post(
        f"{API}/expense-claims",
        json={
            "title": "办公用品",
            "kind": "other",
            "budget_line_id": other_line,
            "detail": {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "300.00"}]},
            "invoices": [invoice(f"No.{code[:4]} {code[4:]}-{no[:4]}－{no[4:]}", "300.00")],  # code and number in one
        },
    )
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "invoice_already_used" and first.json()["no"] in error["message"]
    assert error["details"]["used_by"]["no"] == first.json()["no"]
    assert other.get(f"{API}/expense-claims").json()["total"] == 0 or all(
        c["title"] != "办公用品" for c in other.get(f"{API}/expense-claims").json()["items"]
    )


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachments_are_read_under_the_documents_data_scope(login, rpc):
    clerk, head, stranger = login("clerk"), login("head"), login("clerk_djb")
    line_id = new_line(rpc, "50000.00", economic_class="30201")
    claim = clerk.post(
        f"{API}/expense-claims",
        json={
            "title": "会议资料印刷",
            "kind": "other",
            "budget_line_id": line_id,
            "detail": {"spent_on": "2026-05-10", "items": [{"description": "印刷", "amount": "200.00"}]},
            "invoices": [invoice(number(seed()), "200.00")],
        },
    ).json()
    path = f"{API}/attachments/expense_claim/{claim['id']}"
    uploaded = clerk.post(path, files={"file": ("发票.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    item = uploaded.json()
    assert item["media_type"] == "application/pdf" and item["size"] == len(PDF) and item["filename"] == "发票.pdf"
    again = clerk.post(path, files={"file": ("copy.pdf", PDF, "application/pdf")})
    assert again.status_code == 201 and again.json()["created"] is False  # the same content: one attachment

    listed = clerk.get(path).json()
    assert [i["sha256"] for i in listed["items"]] == [item["sha256"]]
    content = head.get(f"{path}/{item['sha256']}")  # the unit head reads the unit's documents
    assert content.status_code == 200 and content.content == PDF
    assert content.headers["content-type"] == "application/pdf"

    def filed() -> bool:
        entries = clerk.get(f"{API}/dossiers/expense_claim/{claim['id']}").json().get("entries", [])
        return any(e["type"] == "payment.attachment_added" and "发票.pdf" in e["summary"] for e in entries)

    eventually(filed)  # listed in the document's dossier

    assert stranger.get(path).status_code == 404
    assert stranger.get(f"{path}/{item['sha256']}").status_code == 404
    assert stranger.post(path, files={"file": ("x.pdf", PDF, "application/pdf")}).status_code == 404

    exe = clerk.post(path, files={"file": ("发票.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf")})
    assert exe.status_code == 422, exe.text
    assert (
        exe.json()["error"]["details"]["fields"][0]["field"] == "file" and "文件类型" in exe.json()["error"]["message"]
    )
    disguised = clerk.post(path, files={"file": ("发票.pdf", PNG, "application/pdf")})
    assert disguised.status_code == 422 and "扩展名" in disguised.json()["error"]["message"]
    too_big = clerk.post(path, files={"file": ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")})
    assert too_big.status_code == 422 and too_big.json()["error"]["details"]["fields"][0]["field"] == "file"
    assert clerk.post(f"{API}/attachments/nothing/{claim['id']}", files={"file": ("a.pdf", PDF)}).status_code == 422
    # contract and procurement keep their documents' files too: an unknown document is theirs to answer, 404
    for kind in ("contract", "procurement_application", "matter_application"):
        assert clerk.get(f"{API}/attachments/{kind}/{claim['id']}").status_code == 404


def test_a_travel_claim_within_standards_is_paid_to_the_claimant_and_posted(login, rpc):
    """报销 → 付款 → 记账: the head and finance approve a claim within the standards, the cashier reimburses it
    (a payment request on the claim, approved in its turn), the line moves to actual, the books post it."""
    clerk, head, finance, cashier = login("clerk"), login("head"), login("finance"), login("cashier")
    line_id = new_line(rpc, "20000.00", economic_class="30211")
    body = travel("赴广州学习考察差旅费", [trip()], [invoice(number(seed()), "1400.00")], budget_line_id=line_id)
    claim = clerk.post(f"{API}/expense-claims", json=body)
    assert claim.status_code == 201, claim.text
    claim = claim.json()
    assert claim["flags"] == []
    approve(head, claim["id"])
    approve(finance, claim["id"])
    eventually(lambda: (c := claim_of(clerk, claim["id"]))["status"] == "approved" and c["settled"])

    payee = {"name": "李晓敏", "account_no": "6217000010012345678"}
    request = {"title": "差旅费报销付款", "amount": "1940.00", "basis": {"type": "expense_claim", "id": claim["id"]}}
    twice = clerk.post(f"{API}/payments", json={**request, "payee": payee, "invoices": claim_invoices(claim)})
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "claim_invoices_on_claim"
    beyond = clerk.post(f"{API}/payments", json={**request, "amount": "1940.01", "payee": payee, "invoices": []})
    assert beyond.status_code == 409 and beyond.json()["error"]["code"] == "payment_exceeds_claim"
    paying = clerk.post(f"{API}/payments", json={**request, "payee": payee, "invoices": []})
    assert paying.status_code == 201, paying.text
    approve(head, paying.json()["id"])
    approve(finance, paying.json()["id"])
    eventually(lambda: clerk.get(f"{API}/payments/{paying.json()['id']}").json()["status"] == "approved")
    before = clerk.get(f"{API}/budget-lines/{line_id}").json()
    executed = cashier.post(f"{API}/payments/{paying.json()['id']}/execute", json={"reference": "GK-20261128-0001"})
    assert executed.status_code == 200, executed.text
    after = clerk.get(f"{API}/budget-lines/{line_id}").json()
    held = "committed" if Decimal(before["committed"]) else "pre_committed"
    assert Decimal(after[held]) == Decimal(before[held]) - Decimal("1940.00")
    assert Decimal(after["actual"]) == Decimal(before["actual"]) + Decimal("1940.00")

    accountant = login("accountant")
    period = executed.json()["executed_on"][:7]

    def posted():
        listed = accountant.get(f"{API}/accounting/vouchers", params={"period": period, "page_size": 200}).json()
        return next((v for v in listed["items"] if v["source"]["id"] == paying.json()["id"]), None)

    voucher = eventually(posted)
    assert voucher["kind"] == "payment" and voucher["amount"] == "1940.00"


def claim_invoices(claim: dict) -> list[dict]:
    return [invoice(i["number"], i["amount"]) for i in claim["invoices"]]
