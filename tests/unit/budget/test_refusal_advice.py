"""A budget refusal says what the user can do next, and an override request names a real document of the
requester's own unit on the line it is for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.errors import InvalidInput
from services.budget.domain.errors import insufficient_funds
from services.budget.domain.model import FundsDecision
from services.budget.service_layer import control_commands as cc
from services.budget.service_layer.overrides import check_document

APP = DocumentRef("matter_application", "a-1", "SQ-2026-000009")


def refusal(rule="block_insufficient", document=APP):
    decision = FundsDecision(False, "2026-L-30201", Decimal("1200.00"), Decimal("1000.00"), rule)
    return insufficient_funds(decision, document, 2026)


def test_the_refusal_names_adjusting_or_an_override_and_the_routes_to_call():
    error = refusal()
    steps = error.details["next_steps"]
    assert [s["action"] for s in steps] == ["adjust", "request_override", "resubmit"]
    assert error.details["shortfall"] == "200.00" and error.details["document"]["id"] == "a-1"
    assert steps[1]["body"] == {"budget_line_id": "2026-L-30201", "amount": "200.00", "document": APP.as_dict()}
    assert steps[2]["path"] == "/api/v1/matter-applications/a-1/resubmit"
    assert "差额 200.00 元" in error.message and "/api/v1/budget-overrides" in error.message
    assert error.details["allowed"] is False  # typed, not "False"


def test_a_refusal_without_a_document_still_says_what_to_do_and_a_closed_year_says_reopen():
    assert [s["action"] for s in refusal(document=None).details["next_steps"]] == ["adjust", "request_override"]
    closed = refusal(rule="fiscal_year_closed").details["next_steps"]
    assert [(s["action"], s["path"]) for s in closed] == [("reopen_year", "/api/v1/fiscal-years/2026/reopen-requests")]


def request(document=None, unit="dzb", line="L1"):
    return cc.RequestOverride.parse(
        {
            "budget_line_id": line,
            "document": document or {"type": "matter_application", "id": "a-1"},
            "amount": "10.00",
            "reason": "r",
            "unit": unit,
        }
    )


def lookup(found):
    return lambda document_type, document_id: found


MINE = {"unit": "dzb", "budget_line_id": "L1", "no": "SQ-2026-000009"}


@pytest.mark.parametrize(
    "cmd, found, field",
    [
        (request(), None, "document.id"),  # none, or out of the caller's data scope
        (request(), {**MINE, "unit": "czb"}, "document.id"),  # another unit's
        (request(line="L2"), MINE, "budget_line_id"),  # another line's
        (request({"type": "contract", "id": "c"}), MINE, "document.type"),  # no owner to ask yet
    ],
)
def test_an_override_must_name_an_existing_document_of_the_unit_on_the_line(cmd, found, field):
    with pytest.raises(InvalidInput) as refused:
        check_document(cmd, lookup(found))
    assert [f["field"] for f in refused.value.details["fields"]] == [field]


def test_the_document_is_named_as_its_owner_names_it_and_finance_may_ask_for_any_unit():
    assert check_document(request(), lookup(MINE)).no == "SQ-2026-000009"
    assert check_document(request(unit=None), lookup({**MINE, "unit": "czb"})).id == "a-1"
