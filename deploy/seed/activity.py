"""A living office on the first start: once the system is up, a few things happen through the public API, as the
demo people would do them, so that the contract execution report, the budget's actual and the books show paid
figures (issue 12):
- 市政设施维修合同 (城市管理办公室): its signing milestone paid; the works accepted; the acceptance milestone paid;
- 执法文书印制合同 (综合行政执法队): accepted and paid in one go;
- a travel claim of 城市管理办公室 approved by its head and finance and reimbursed by the cashier.
Finance registers each supplier's bank account first (the seeded registry has none), so the approvers see and
acknowledge risk's `bank_account_recently_changed` warning, as they would. Done once: a second start finds the
repair contract paid and does nothing. Everything goes through the gateway, so every rule, event and trail entry
is the real one."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from deploy.seed.demo_org import DEMO_PASSWORD, FISCAL_YEAR
from deploy.seed.procurement import code_for

API = "/api/v1"
REPAIR, PRINTING = "市政设施维修合同", "执法文书印制合同"


class Person:
    def __init__(self, base_url: str, username: str):
        self.http = httpx.Client(base_url=base_url, timeout=30)
        token = self.http.post(f"{API}/auth/login", json={"username": username, "password": DEMO_PASSWORD})
        token.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        if response.status_code >= 400:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
        return response.json()


def _until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    raise TimeoutError("the demo activity waited too long")


def approve(person: Person, document_id: str) -> None:
    """Decide the person's task on the document once risk has assessed it, acknowledging high warnings."""

    def ready() -> dict[str, Any] | None:
        tasks = person.get(f"{API}/approval/tasks", page_size=200)["items"]
        task = next((t for t in tasks if t["document"]["id"] == document_id), None)
        if task is None:
            return None
        detail = person.get(f"{API}/approval/tasks/{task['task_id']}")
        return detail if detail["risk_assessment"]["status"] != "pending" else None

    task = _until(ready)
    high = [w["id"] for w in task.get("warnings", []) if w.get("severity") == "high"]
    body: dict[str, Any] = {"decision": "approve"}
    if high:
        body |= {"acknowledge_warnings": high, "comment": "已核实（演示数据）"}
    person.post(f"{API}/approval/tasks/{task['task_id']}/decision", body)


def register_account(finance: Person, supplier: dict[str, Any]) -> str:
    account_no = f"6222{uuid.uuid5(uuid.NAMESPACE_URL, supplier['id']).int % 10**15:015d}"
    change = {
        "change": "add",
        "account": {"bank_name": "中国工商银行新桥支行", "account_name": supplier["name"], "account_no": account_no},
        "reason": "供应商提供开户许可证（演示数据）",
    }
    finance.post(f"{API}/suppliers/{supplier['id']}/accounts", change)
    return account_no


def pay(people: dict[str, Person], clerk: str, head: str, body: dict[str, Any]) -> None:
    payment = people[clerk].post(f"{API}/payments", body)
    approve(people[head], payment["id"])
    approve(people["finance"], payment["id"])
    _until(lambda: people[clerk].get(f"{API}/payments/{payment['id']}")["status"] == "approved")
    people["cashier"].post(f"{API}/payments/{payment['id']}/execute", {"reference": f"GK-{payment['no']}"})


def pay_contract(people: dict[str, Person], unit: str, title: str, accepted_on: str) -> None:
    clerk, head = f"clerk_{unit}", f"head_{unit}"
    contract = people[clerk].get(f"{API}/contracts/{_contract(people[clerk], title)['id']}")
    supplier = people[clerk].get(f"{API}/suppliers/{contract['supplier']['id']}")
    account_no = register_account(people["finance"], supplier)
    for milestone in contract["milestones"]:
        if milestone["condition"] == "on_acceptance":
            acceptance = {"milestone_no": milestone["no"], "result": "passed", "accepted_on": accepted_on}
            people[head].post(f"{API}/contracts/{contract['id']}/acceptances", {**acceptance, "members": [head]})
        elif milestone["condition"] != "on_signing":
            continue
        invoice = {
            "number": f"26{uuid.uuid4().int % 10**18:018d}",
            "issued_on": accepted_on,
            "issuer_credit_code": supplier["credit_code"],
            "amount": milestone["amount"],
            "tax": "0.00",
        }
        body = {
            "title": f"{title}：{milestone['name']}",
            "amount": milestone["amount"],
            "basis": {"type": "contract_milestone", "id": contract["id"], "milestone_no": milestone["no"]},
            "payee": {"name": supplier["name"], "credit_code": supplier["credit_code"], "account_no": account_no},
            "invoices": [invoice],
        }
        pay(people, clerk, head, body)


def reimburse_travel(people: dict[str, Person]) -> None:
    trip = {
        "departed_on": f"{FISCAL_YEAR}-06-08",
        "returned_on": f"{FISCAL_YEAR}-06-10",
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
    invoice = {
        "number": f"26{uuid.uuid4().int % 10**18:018d}",
        "issued_on": f"{FISCAL_YEAR}-06-10",
        "issuer_credit_code": code_for(90),  # a hotel's (a valid, fictitious code)
        "amount": "1400.00",
    }
    claim = people["clerk_cgb"].post(
        f"{API}/expense-claims",
        {
            "title": "赴广州学习城市精细化管理差旅费",
            "kind": "travel",
            "budget_line_id": f"{FISCAL_YEAR}-CGB-30211-01",
            "detail": {"traveller": "许诗涵", "rank": "其余人员", "purpose": "学习考察", "trips": [trip]},
            "invoices": [invoice],
        },
    )
    approve(people["head_cgb"], claim["id"])
    approve(people["finance"], claim["id"])
    _until(lambda: people["clerk_cgb"].get(f"{API}/expense-claims/{claim['id']}")["settled"])
    body = {
        "title": "差旅费报销",
        "amount": claim["amount"],
        "basis": {"type": "expense_claim", "id": claim["id"]},
        "payee": {"name": "许诗涵", "account_no": "6217000010012345678"},
        "invoices": [],
    }
    pay(people, "clerk_cgb", "head_cgb", body)


def _contract(clerk: Person, title: str) -> dict[str, Any]:
    return next(c for c in clerk.get(f"{API}/contracts", page_size=50)["items"] if c["title"] == title)


def _paid(clerk: Person, title: str) -> bool:
    return clerk.get(f"{API}/contracts/{_contract(clerk, title)['id']}/execution")["paid"] != "0.00"


def run(base_url: str) -> bool:
    """The demo activity, once. True if it ran now, False if it had run before."""
    users = ("clerk_cgb", "head_cgb", "clerk_zfd", "head_zfd", "finance", "cashier")
    people = {u: Person(base_url, u) for u in users}
    if _paid(people["clerk_cgb"], REPAIR):
        return False
    pay_contract(people, "cgb", REPAIR, f"{FISCAL_YEAR}-09-20")
    pay_contract(people, "zfd", PRINTING, f"{FISCAL_YEAR}-07-15")
    reimburse_travel(people)
    return True
