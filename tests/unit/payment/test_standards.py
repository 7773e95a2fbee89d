"""A matter application's expense section: refused over a block standard, published over a flag one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ic_platform import catalogue
from ic_platform.context import CallContext
from ic_platform.errors import Conflict, InvalidInput
from services.payment.domain.model import MatterApplication
from services.payment.service_layer.standards import ExpenseSection, check_expense, publish_if_exceeded

SECTION = ExpenseSection.parse(
    {
        "kind": "meeting",
        "expense_date": "2026-05-12",
        "details": {"category": "二类", "persons": 10, "days": 1, "amount": "8000.00"},
    }
)


def answer(action: str, within: bool = False) -> dict:
    return {
        "kind": "meeting",
        "expense_date": "2026-05-12",
        "within": within,
        "exceeds": not within,
        "blocked": not within and action == "block",
        "action": action,
        "standard": {"code": "MEETING-2", "version": 1, "name": "会议费开支标准（二类会议）"},
        "citation": "《会议费开支标准（二类会议）》（MEETING-2）第 1 版（生效日期 2026-01-01）",
        "items": [
            {
                "item": "total",
                "label": "综合定额（元/人·天）",
                "limit": "6500.00",
                "asked": "8000.00",
                "excess": "1500.00" if not within else "0.00",
                "exceeded": not within,
            }
        ],
        "excess_total": "1500.00" if not within else "0.00",
        "message": "超出支出标准：…超出 1500.00 元",
    }


class Budget:
    def __init__(self, reply: dict):
        self.reply, self.asked = reply, []

    def check_standard(self, **kwargs):
        self.asked.append(kwargs)
        return self.reply


class Uow:
    def __init__(self):
        self.published = []

    def publish(self, envelope):
        catalogue.validate(envelope.as_dict())  # what the real unit of work does first
        self.published.append(envelope)


APP = MatterApplication(
    id="5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10",
    no="SQ-2026-000009",
    org="xinqiao",
    title="会",
    purpose="",
    unit="dzb",
    applicant="clerk",
    budget_line_id="L",
    amount=Decimal("8000.00"),
)


def test_no_section_asks_nothing():
    budget = Budget(answer("block"))
    assert check_expense(None, budget) is None and budget.asked == []


def test_over_a_block_standard_is_refused_with_the_budget_message_and_citation():
    budget = Budget(answer("block"))
    with pytest.raises(Conflict) as refused:
        check_expense(SECTION, budget)
    assert refused.value.code == "expenditure_standard_exceeded" and refused.value.http_status == 409
    assert refused.value.message == "超出支出标准：…超出 1500.00 元"
    assert refused.value.details["citation"].endswith("第 1 版（生效日期 2026-01-01）")
    assert budget.asked == [{"kind": "meeting", "expense_date": "2026-05-12", "details": SECTION.details}]


def test_over_a_flag_standard_passes_and_publishes_a_valid_event_once():
    uow, checked = Uow(), check_expense(SECTION, Budget(answer("flag")))
    publish_if_exceeded(uow, CallContext(org="xinqiao", actor="clerk"), APP, checked)
    (event,) = uow.published
    assert event.type == "payment.standard_exceeded" and event.subject == f"matter_application/{APP.id}"
    assert event.payload["standard_code"] == "MEETING-2" and event.payload["standard_version"] == 1
    assert event.payload["items"][0]["excess"] == "1500.00"


def test_within_the_standard_publishes_nothing():
    uow = Uow()
    publish_if_exceeded(uow, CallContext(org="xinqiao"), APP, check_expense(SECTION, Budget(answer("flag", True))))
    assert uow.published == []


def test_the_section_refuses_unknown_kinds_and_fields():
    for bad in (
        {"kind": "banquet", "expense_date": "2026-05-12", "details": {}},
        {"kind": "meeting", "expense_date": "2026-05-12", "details": {}, "x": 1},
        {"kind": "meeting", "details": {}},
    ):
        with pytest.raises(InvalidInput):
            ExpenseSection.parse(bad)
