"""Returning a document to its initiator, and resubmitting it: what the gateway accepts and sends on."""

from __future__ import annotations

from ic_platform.errors import Conflict, Forbidden

from .conftest import assert_error, bearer, fields
from .test_errors import remote

DECIDE = "/api/v1/approval/tasks/t-1/decision"
RESUBMIT = "/api/v1/matter-applications/a-1/resubmit"


def test_a_return_sends_its_reason_trimmed(client, fake):
    fake.on("approval", "decide", {"task_id": "t-1", "decision": "returned"})
    body = {"decision": "return", "comment": "  请补充采购清单  "}
    assert client.post(DECIDE, json=body, headers=bearer()).status_code == 200
    assert fake.calls[0].kwargs == {"task_id": "t-1", "decision": "return", "comment": "请补充采购清单"}


def test_a_return_without_a_reason_names_the_comment(client, fake):
    for body in ({"decision": "return"}, {"decision": "return", "comment": "   "}):
        response = client.post(DECIDE, json=body, headers=bearer())
        assert_error(response, 422, "invalid_input")
        assert fields(response) == {"comment": "退回必须填写理由"}
    assert fake.calls == []


def test_resubmit_sends_only_what_was_given(client, fake):
    fake.on("payment", "resubmit_matter_application", {"id": "a-1", "status": "submitted"})
    response = client.post(RESUBMIT, json={"purpose": "附采购清单"}, headers=bearer())
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "submitted"
    response = client.post(RESUBMIT, json={}, headers=bearer())
    assert response.status_code == 200, response.text
    sent = [c.kwargs for c in fake.calls]
    assert sent == [{"application_id": "a-1", "purpose": "附采购清单"}, {"application_id": "a-1"}]
    assert all(c.context["actor"] == "clerk" for c in fake.calls)


def test_resubmit_refuses_changing_money_or_unknown_fields(client, fake):
    for extra in ({"amount": "100.00"}, {"budget_line_id": "L-2"}, {"title": "   "}):
        response = client.post(RESUBMIT, json=extra, headers=bearer())
        assert_error(response, 422, "invalid_input")
    assert fake.calls == []


def test_resubmit_refusals_keep_their_status(client, fake):
    fake.on(
        "payment",
        "resubmit_matter_application",
        remote(Conflict("matter_application_not_returned", "只有已退回的申请可以重新提交")),
    )
    assert_error(client.post(RESUBMIT, json={}, headers=bearer()), 409, "matter_application_not_returned")
    fake.on(
        "payment",
        "resubmit_matter_application",
        remote(Forbidden("matter_application_not_applicant", "只有申请人可以重新提交")),
    )
    assert_error(client.post(RESUBMIT, json={}, headers=bearer()), 403, "matter_application_not_applicant")


CLAIM_RESUBMIT = "/api/v1/expense-claims/c-1/resubmit"
PAYMENT_RESUBMIT = "/api/v1/payments/p-1/resubmit"


def test_a_returned_claim_or_payment_is_resubmitted_with_its_corrections_to_the_payment_service(client, fake):
    fake.on("payment", "resubmit_expense_claim", {"id": "c-1", "status": "submitted", "round": 2})
    fake.on("payment", "resubmit_payment", {"id": "p-1", "status": "submitted", "round": 2})
    detail = {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "250.00"}]}
    assert client.post(CLAIM_RESUBMIT, json={"detail": detail}, headers=bearer()).json()["round"] == 2
    assert client.post(PAYMENT_RESUBMIT, json={"amount": "100.00"}, headers=bearer()).status_code == 200
    # the path names the document, whatever the body says
    client.post(PAYMENT_RESUBMIT, json={"payment_id": "p-2"}, headers=bearer())
    assert [(c.method, c.kwargs) for c in fake.calls] == [
        ("resubmit_expense_claim", {"detail": detail, "claim_id": "c-1"}),
        ("resubmit_payment", {"amount": "100.00", "payment_id": "p-1"}),
        ("resubmit_payment", {"payment_id": "p-1"}),
    ]


def test_a_claim_or_payment_resubmission_refused_keeps_its_status_and_chinese_reason(client, fake):
    fake.on(
        "payment",
        "resubmit_expense_claim",
        remote(
            Conflict(
                "expense_claim_not_returned",
                "报销单 BX-2026-000001 当前为「审批中」，只有被退回的报销单可以修改后重新提交",
            )
        ),
    )
    refused = client.post(CLAIM_RESUBMIT, json={}, headers=bearer())
    assert_error(refused, 409, "expense_claim_not_returned")
    assert "只有被退回的报销单" in refused.json()["error"]["message"]
    fake.on("payment", "resubmit_payment", remote(Forbidden("payment_not_requester", "只有申请人可以重新提交付款申请")))
    assert_error(client.post(PAYMENT_RESUBMIT, json={}, headers=bearer()), 403, "payment_not_requester")
