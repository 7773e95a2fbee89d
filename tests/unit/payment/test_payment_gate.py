"""The payment gate's rules (付款申请), each refusal naming its rule, and execution by a cashier who did not
approve (付款审批 × 付款执行, the conflict matrix's pair)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ic_platform.errors import DomainError
from services.payment.domain import payment_request as pr

CODE = "91350100M000100Y43"
SUPPLIER = pr.SupplierFacts("s1", "新桥办公设备有限公司", CODE, ("6222020200112233445",))
PAYEE = pr.Payee("新桥办公设备有限公司", CODE, "6222 0202 0011 2233 445")
INVOICE = pr.InvoiceFacts("26442000000123456789", "26442000000123456789", D("10800.00"), CODE)


def rule(fn, *args, **kw) -> DomainError:
    with pytest.raises(DomainError) as caught:
        fn(*args, **kw)
    return caught.value


def test_the_contract_party_paid_to_its_registered_account_passes_written_with_blanks():
    pr.check_payee(PAYEE, SUPPLIER)
    pr.check_payee(pr.Payee("x", CODE.lower(), "６２２２０２０２００１１２２３３４４５"), SUPPLIER)


def test_another_payee_is_refused():
    error = rule(pr.check_payee, pr.Payee("别的公司", "91110108MA01ABCD2X", "6222020200112233445"), SUPPLIER)
    assert error.code == "payee_not_contract_party" and "合同相对方" in error.message


def test_an_account_the_registry_does_not_hold_today_is_refused():
    error = rule(pr.check_payee, pr.Payee(PAYEE.name, CODE, "6222020200999999999"), SUPPLIER)
    assert error.code == "bank_account_not_registered" and "6222020200999999999" in error.message


def test_a_suspended_supplier_is_not_paid():
    suspended = pr.SupplierFacts("s1", SUPPLIER.name, CODE, SUPPLIER.accounts, "suspended")
    assert rule(pr.check_payee, PAYEE, suspended).code == "supplier_not_in_good_standing"


def test_invoices_are_the_payees_and_cover_a_contract_payment():
    pr.check_invoices(PAYEE, [INVOICE], D("10800.00"), required=True)
    other = pr.InvoiceFacts("k", "n", D("10800.00"), "91110108MA01ABCD2X")
    assert rule(pr.check_invoices, PAYEE, [other], D("1.00"), required=True).code == "invoice_issuer_not_payee"
    assert rule(pr.check_invoices, PAYEE, [], D("1.00"), required=True).code == "invoice_required"
    assert rule(pr.check_invoices, PAYEE, [INVOICE], D("10800.01"), required=True).code == "invoices_below_amount"
    pr.check_invoices(PAYEE, [], D("1.00"), required=False)


def test_the_budget_as_actual_would_decide():
    pr.check_budget({"allowed": True}, D("1.00"))
    error = rule(
        pr.check_budget, {"allowed": False, "budget_line_id": "L1", "available": "5.00", "covered": "0.00"}, D("9.00")
    )
    assert error.code == "budget_insufficient" and "可用 5.00 元" in error.message


def test_an_application_basis_is_approved_of_the_unit_and_never_paid_beyond():
    app = pr.ApplicationFacts("a", "SQ-2026-000001", "approved", "dzb", "L1", D("1000.00"), D("600.00"))
    pr.check_application(app, "dzb", D("400.00"))
    assert rule(pr.check_application, app, "dzb", D("400.01")).code == "payment_exceeds_application"
    assert rule(pr.check_application, app, "czb", D("1.00")).code == "payment_unit_mismatch"
    submitted = pr.ApplicationFacts("a", "SQ", "submitted", "dzb", "L1", D("1000.00"), D("0"))
    assert rule(pr.check_application, submitted, "dzb", D("1.00")).code == "application_not_approved"


def test_only_a_cashier_executes_and_never_one_who_approved():
    pr.check_executor("cashier", {"cashier"}, ["head", "finance"], "FK-2026-000001")
    assert rule(pr.check_executor, "head", {"unit_head"}, [], "FK").code == "not_cashier"
    error = rule(pr.check_executor, "finance", {"cashier", "finance_reviewer"}, ["head", "finance"], "FK-1")
    assert error.code == "sod_incompatible_roles" and error.details["rule"] == "payment_approver/payment_executor"
    assert "付款审批与付款执行分离" in error.message


def request(**kw) -> pr.PaymentRequest:
    args = dict(
        id="p1",
        no="FK-2026-000001",
        org="o",
        unit="dzb",
        requester="clerk",
        title="t",
        amount=D("1.00"),
        budget_line_id="L1",
        basis=pr.Basis.CONTRACT_MILESTONE,
        basis_id="c1",
        basis_no="HT-1",
        payee=PAYEE,
        contract_id="c1",
        milestone_no=1,
    )
    return pr.PaymentRequest(**{**args, **kw})


def test_a_request_is_executed_once_approved_and_settles_its_contract():
    p = request()
    assert rule(p.check_executable).code == "payment_not_approved"
    p.move_to(pr.Status.APPROVED)
    p.check_executable()
    p.execute("cashier", __import__("datetime").date(2026, 5, 1), "TR-1")
    assert p.status is pr.Status.EXECUTED and p.settles == {"type": "contract", "id": "c1", "no": "HT-1"}
    assert rule(p.move_to, pr.Status.REJECTED).code == "invalid_status_transition"
    app = request(basis=pr.Basis.MATTER_APPLICATION, basis_id="a1", basis_no="SQ-1", contract_id=None)
    assert app.settles == {"type": "matter_application", "id": "a1", "no": "SQ-1"}


def _claim(**kw) -> pr.ClaimFacts:
    base = dict(id="c1", no="BX-2026-000001", status="approved", settled=True, unit="dzb", amount=D("1940.00"))
    return pr.ClaimFacts(**{**base, "requested": D("0.00"), **kw})


def test_a_claim_basis_is_approved_settled_of_the_unit_without_invoices_and_never_paid_beyond():
    pr.check_claim(_claim(), "dzb", D("1940.00"), [])
    cases = [
        (_claim(status="submitted"), "dzb", D("1.00"), [], "claim_not_approved"),
        (_claim(settled=False), "dzb", D("1.00"), [], "claim_not_settled"),
        (_claim(), "djb", D("1.00"), [], "payment_unit_mismatch"),
        (_claim(requested=D("1000.00")), "dzb", D("940.01"), [], "payment_exceeds_claim"),
        (_claim(), "dzb", D("1.00"), [pr.InvoiceFacts("k", "n", D("1.00"), None)], "claim_invoices_on_claim"),
    ]
    for claim, unit, amount, invoices, rule in cases:
        with pytest.raises(DomainError) as refused:
            pr.check_claim(claim, unit, amount, invoices)
        assert refused.value.code == rule and refused.value.details["rule"] == rule
    with pytest.raises(DomainError) as refused:
        pr.check_claim(_claim(requested=D("1000.00")), "dzb", D("940.01"), [])
    assert "1940.00" in refused.value.message and "1000.00" in refused.value.message
