"""付款校验 (the gate as a dry run) through the service layer, with fakes: every refusal is listed at once with
its rule (the contract's, the payee's, the budget's, an invoice held by another document); a passing request
is ok; one call per service and nothing written; the contract's 404 and an unavailable service are raised, not
listed as refusals."""

from __future__ import annotations

from typing import Any

import pytest

from ic_platform.context import CallContext
from ic_platform.errors import NotFound, Unavailable
from ic_platform.identity import Viewer
from services.payment.domain.invoices import InvoiceUse
from services.payment.service_layer import payment_check
from services.payment.service_layer import payment_commands as commands

CODE = "91350100M000100Y43"
CID = "1f0e0d0c-0b0a-4908-8706-050403020100"
NUMBER = "26442000000123456789"
CTX = CallContext(org="xinqiao", actor="clerk", viewer=Viewer.of("clerk", "dzb", ["clerk"]))


class FakeInvoices:
    def __init__(self, held: list[InvoiceUse]):
        self.held, self.asked = held, []

    def holders(self, keys):
        keys = list(keys)
        self.asked.append(keys)
        return [h for h in self.held if h.key in keys]


class FakeUow:
    def __init__(self, held: list[InvoiceUse] = ()):
        self.invoices, self.commits = FakeInvoices(list(held)), 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        self.commits += 1


class Service:
    """One fake service: answers by method name, records every call; an exception as answer is raised."""

    def __init__(self, **answers: Any):
        self.answers, self.calls = answers, []

    def __getattr__(self, name):
        def call(**kwargs):
            self.calls.append(name)
            answer = self.answers[name]
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call


def contract_facts(refusals=()) -> dict[str, Any]:
    return {
        "contract": {"type": "contract", "id": CID, "no": "HT-2026-000001"},
        "unit": "dzb",
        "supplier": {"id": "s1", "name": "闽江办公设备有限公司", "credit_code": CODE},
        "budget_line_id": "2026-DZB-30201-01",
        "refusals": list(refusals),
    }


SUPPLIER = {
    "id": "s1",
    "name": "闽江办公设备有限公司",
    "credit_code": CODE,
    "accounts": [{"account_no": "6222020200112233445"}],
}
FUNDS = {"allowed": True, "requested": "100.00", "available": "5000.00", "covered": "100.00", "rule": "within"}


def body(**payee: str) -> commands.CheckPayment:
    return commands.CheckPayment.parse(
        {
            "amount": "100.00",
            "basis": {"type": "contract_milestone", "id": CID, "milestone_no": 1},
            "payee": {
                "name": "闽江办公设备有限公司",
                "credit_code": CODE,
                "account_no": "6222020200112233445",
                **payee,
            },
            "invoices": [{"number": NUMBER, "issued_on": "2026-05-12", "issuer_credit_code": CODE, "amount": "100.00"}],
            "unit": "dzb",
        }
    )


def check(cmd, uow=None, contract=None, procurement=None, budget=None):
    services = {
        "contract": contract or Service(check_payment=contract_facts()),
        "procurement": procurement or Service(get_supplier=SUPPLIER),
        "budget": budget or Service(check_funds=FUNDS),
    }
    uow = uow or FakeUow()
    answer = payment_check.check_payment(
        cmd, uow, CTX, services["contract"], services["procurement"], services["budget"]
    )
    return answer, services, uow


def test_a_request_that_would_pass_is_ok_with_one_call_per_service_and_nothing_written():
    answer, services, uow = check(body())
    assert answer == {"ok": True, "refusals": []}
    assert [s.calls for s in services.values()] == [["check_payment"], ["get_supplier"], ["check_funds"]]
    assert uow.commits == 0 and len(uow.invoices.asked) == 1


def test_every_refusal_is_listed_at_once_with_its_rule():
    held = InvoiceUse(NUMBER, "payment_request", "p0", "FK-2026-000007", "dzb")
    condition = {"code": "payment_condition_not_met", "message": "付款条件未满足：验收合格后方可支付", "details": {}}
    short = {**FUNDS, "allowed": False, "available": "0.00", "covered": "0.00", "rule": "block"}
    answer, _, _ = check(
        body(name="别的公司", credit_code="91110108MA01ABCD2X"),
        uow=FakeUow([held]),
        contract=Service(check_payment=contract_facts([condition])),
        budget=Service(check_funds=short),
    )
    rules = [r["rule"] for r in answer["refusals"]]
    assert answer["ok"] is False
    assert rules[0] == "payment_condition_not_met" and "payee_not_contract_party" in rules
    assert "budget_insufficient" in rules and rules[-1] == "invoice_already_used", rules
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["message"]) for r in answer["refusals"])
    assert "FK-2026-000007" in answer["refusals"][-1]["message"]


def test_a_contract_out_of_reach_and_an_unavailable_service_are_raised_not_listed():
    with pytest.raises(NotFound):
        check(body(), contract=Service(check_payment={**contract_facts(), "unit": "czb"}))
    with pytest.raises(Unavailable):
        check(body(), budget=Service(check_funds=Unavailable("budget_unavailable", "预算服务暂不可用")))
