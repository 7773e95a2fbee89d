"""What the browser scenario's later forms stand on, made through the public API before it starts (a browser
would take far longer to click through approvals that other tests already drive):

- an award for 党政综合办公室 (a purchase approved by its head, three quotes, the lowest awarded), which the clerk's
  合同登记 form drafts a contract on, and which the supplier analysis page shows;
- a 三重一大 matter application of 党政综合办公室 approved up to its collective step, so the principal has a
  meeting to record on the desk;
- on the demo office's signed 市政设施维修合同 (城市管理办公室, deploy/seed/contracts.py): finance registers the
  supplier's bank account, and its signing milestone's payment request is approved by the unit head and finance,
  so the cashier has a payment to execute. The scenario itself records the acceptance of its acceptance
  milestone (by the unit head), attaches its scan, and requests that milestone's payment (the clerk);
- the demo office's signed 辖区道路绿化养护服务合同 (paid 40 % at 60 % progress): the unit head certifies its
  progress in the scenario, its drafter (clerk_cgb) is refused an amendment beyond 10 % at the field.

Everything is dated today (Beijing): every rule and event is the real one. The scenario's own budget figures
(党政综合办公室's office line) are not touched here: the purchase and the application use other lines."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from deploy.seed.procurement import code_for
from tests.integration.conftest import assessed, eventually

API = "/api/v1"
EQUIPMENT_LINE = "2026-DZB-31002-01"  # 党政综合办公室 办公设备购置
REPAIRS_LINE = "2026-DZB-30213-01"  # 党政综合办公室 维修(护)费
REPAIR_CONTRACT = "市政设施维修合同"  # 城市管理办公室, signed: 30 % on signing, 70 % on acceptance
GREENING_CONTRACT = "辖区道路绿化养护服务合同"  # 城市管理办公室, signed and amended: 40 % paid at 60 % progress
SIGNERS = ("finance", "finance2", "inspector")
TRAVEL_LINE = "2026-DZB-30211-01"  # 党政综合办公室 差旅费  # the countersign step of a major matter


def today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def invoice_number() -> str:
    return "2644" + "".join(random.choice("0123456789") for _ in range(16))


def _task(api, document_id: str) -> dict | None:
    tasks = api.get(f"{API}/approval/tasks", params={"page_size": 200}).json()["items"]
    return next((t for t in tasks if t["document"]["id"] == document_id), None)


def approve(api, document_id: str) -> None:
    """Approve the person's task on the document once risk has assessed it, acknowledging what must be."""
    task = eventually(lambda: _task(api, document_id))
    detail = assessed(api, task["task_id"]) or {}
    high = [w["id"] for w in detail.get("warnings", []) if w.get("must_acknowledge") and not w.get("acknowledged")]
    body: dict[str, Any] = {"decision": "approve"}
    if high:
        body |= {"acknowledge_warnings": high, "comment": "已核实（浏览器测试的准备数据）"}
    response = api.post(f"{API}/approval/tasks/{task['task_id']}/decision", json=body)
    assert response.status_code == 200, response.text


def _status(api, path: str, expected: str) -> dict:
    return eventually(lambda: (body := api.get(path).json()).get("status") == expected and body)


def an_award(login: Callable[[str], Any], title: str) -> dict:
    clerk, head = login("clerk"), login("head")
    items = [{"name": "会议室投影设备", "category": "goods", "quantity": "2", "unit": "套", "unit_price": "18000.00"}]
    app = clerk.post(
        f"{API}/procurement-applications",
        json={"title": title, "items": items, "method": "self_procurement", "budget_line_id": EQUIPMENT_LINE},
    )
    assert app.status_code == 201, app.text
    app_id = app.json()["id"]
    approve(head, app_id)
    _status(clerk, f"{API}/procurement-applications/{app_id}", "approved")
    registry = clerk.get(f"{API}/suppliers", params={"page_size": 50}).json()["items"]
    valid = [s for s in registry if s["standing"] == "valid"]
    chosen, *others = valid[:3]
    quotes = [
        {"supplier_id": s["id"], "amount": amount, "quoted_on": today(), "evidence": ["报价单"]}
        for s, amount in ((chosen, "34500.00"), (others[0], "35800.00"), (others[1], "35200.00"))
    ]
    award = clerk.post(
        f"{API}/procurement-applications/{app_id}/market-research",
        json={"quotes": quotes, "chosen_supplier_id": chosen["id"], "decided_on": today(), "notice_date": today()},
    )
    assert award.status_code == 201, award.text
    return {"supplier": chosen["name"], "amount": "34500.00"}


def a_meeting_to_record(login: Callable[[str], Any], title: str) -> None:
    clerk = login("clerk")
    body = {
        "title": title,
        "purpose": "街道机关办公楼外立面修缮，属“三重一大”事项，须党工委会议集体决策",
        "budget_line_id": REPAIRS_LINE,
        "amount": "8000.00",
        "major_matter": True,
    }
    app = clerk.post(f"{API}/matter-applications", json=body)
    assert app.status_code == 201, app.text
    app_id = app.json()["id"]
    for who in ("head", *SIGNERS):
        approve(login(who), app_id)
    task = eventually(lambda: _task(login("principal"), app_id))
    assert task["step_name"] == "集体决策（党工委会议）", task


def a_payment_to_execute(login: Callable[[str], Any]) -> dict:
    clerk, head, finance = login("clerk_cgb"), login("head_cgb"), login("finance")
    contracts = clerk.get(f"{API}/contracts", params={"status": "signed", "page_size": 50}).json()["items"]
    contract = next(c for c in contracts if c["title"] == REPAIR_CONTRACT)
    supplier = clerk.get(f"{API}/suppliers/{contract['supplier']['id']}").json()
    account_no = "6222020200112233445"
    account = {"bank_name": "中国工商银行新桥支行", "account_name": supplier["name"], "account_no": account_no}
    added = finance.post(
        f"{API}/suppliers/{supplier['id']}/accounts",
        json={"change": "add", "account": account, "reason": "供应商提供开户许可证（浏览器测试）"},
    )
    assert added.status_code == 200, added.text
    first = contract["milestones"][0]
    title = f"{REPAIR_CONTRACT} {first['name']}"
    body = {
        "title": title,
        "amount": first["amount"],
        "basis": {"type": "contract_milestone", "id": contract["id"], "milestone_no": first["no"]},
        "payee": {"name": supplier["name"], "credit_code": supplier["credit_code"], "account_no": account_no},
        "invoices": [
            {
                "number": invoice_number(),
                "issued_on": today(),
                "issuer_credit_code": supplier["credit_code"],
                "amount": first["amount"],
                "tax": "0.00",
            }
        ],
    }
    submitted = clerk.post(f"{API}/payments", json=body)
    assert submitted.status_code == 201, submitted.text
    payment_id = submitted.json()["id"]
    for approver in (head, finance):
        approve(approver, payment_id)
    _status(clerk, f"{API}/payments/{payment_id}", "approved")
    greening = next(c for c in contracts if c["title"] == GREENING_CONTRACT)
    return {"contract_id": contract["id"], "payment_title": title, "greening_id": greening["id"]}


def a_returned_claim(login: Callable[[str], Any], title: str, invoice: str) -> dict:
    """A small claim (其他, standalone on the clerk's travel line) returned by the unit head: the scenario
    corrects its items and invoice in the claim form and resubmits it (issue 14)."""
    clerk, head = login("clerk"), login("head")
    body = {
        "title": title,
        "kind": "other",
        "budget_line_id": TRAVEL_LINE,
        "detail": {"spent_on": today(), "items": [{"description": "资料复印费", "amount": "300.00"}]},
        "invoices": [
            {
                "number": invoice,
                "issued_on": today(),
                "issuer_credit_code": code_for(1),
                "amount": "300.00",
                "tax": "0.00",
            }
        ],
    }
    claim = clerk.post(f"{API}/expense-claims", json=body, headers={"Idempotency-Key": f"returned-{invoice}"})
    assert claim.status_code == 201, claim.text
    claim_id = claim.json()["id"]
    task = eventually(lambda: _task(head, claim_id))
    assessed(head, task["task_id"])
    answer = head.post(
        f"{API}/approval/tasks/{task['task_id']}/decision", json={"decision": "return", "comment": "请补充复印明细"}
    )
    assert answer.status_code == 200, answer.text
    _status(clerk, f"{API}/expense-claims/{claim_id}", "returned")
    return claim.json()


def prepare(login: Callable[[str], Any], suffix: str) -> dict[str, str]:
    """Everything above; the scenario's environment (names it finds its way by, ids it opens)."""
    started = time.monotonic()
    procurement_title = f"党政办会议室投影设备采购{suffix}"
    meeting_title = f"机关办公楼外立面修缮{suffix}"
    award = an_award(login, procurement_title)
    a_meeting_to_record(login, meeting_title)
    payment = a_payment_to_execute(login)
    returned = a_returned_claim(login, f"资料复印费{suffix}", invoice_number())
    return {
        "RETURNED_CLAIM_ID": returned["id"],
        "RETURNED_CLAIM_TITLE": returned["title"],
        "RESUBMIT_INVOICE": invoice_number(),
        "PROCUREMENT_TITLE": procurement_title,
        "AWARD_SUPPLIER": award["supplier"],
        "MEETING_TITLE": meeting_title,
        "REPAIR_CONTRACT_ID": payment["contract_id"],
        "GREENING_CONTRACT_ID": payment["greening_id"],
        "PAYMENT_TITLE": payment["payment_title"],
        "CLAIM_INVOICE": invoice_number(),
        "PAYMENT_INVOICE": invoice_number(),
        "INVOICE_ISSUER": code_for(1),
        "SETUP_SECONDS": f"{time.monotonic() - started:.1f}",
    }
