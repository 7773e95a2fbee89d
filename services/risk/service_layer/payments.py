"""The payment rules as use cases (domain/payments.py): keeping the facts they need as the chain's events are
heard (contracts, acceptances, suppliers' credit codes and accounts, applications' amounts), and judging payment
requests and expense claims in their assessment (so the approver sees the warnings before deciding) and
executions after the fact. Each event reads and writes a few rows by key: never history."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.domain.payments import (
    ACCEPTED,
    AccountChange,
    ContractTerms,
    Payment,
    bank_account_recently_changed,
    claim_above_application,
    duplicate_payment,
    near_duplicate_payment,
    payee_not_supplier,
    payment_before_acceptance,
    payment_before_signing,
    payment_beyond_contract,
)
from services.risk.domain.rules import Rule
from services.risk.domain.splitting import office_day
from services.risk.service_layer import rule_book
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings import _document, _raise


# ── facts ──
def on_contract_drafted(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    doc = _document(p["document"])
    amount = parse_money(p["amount"])
    uow.payments.put_contract(
        event.org,
        ContractTerms(
            doc.id,
            doc,
            p["unit"],
            str(p["supplier_id"]),
            amount,
            amount,
            start_date=_date(p.get("start_date")),
            end_date=_date(p.get("end_date")),
            milestones={
                int(m["no"]): {
                    "condition": m.get("condition"),
                    "planned_date": m.get("planned_date"),
                    "amount": m.get("amount"),
                }
                for m in p.get("milestones") or []
            },
        ),
    )


def on_contract_signed(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.payments.update_contract(p["document"]["id"], signed_on=date.fromisoformat(p["signed_on"]))


def on_contract_amended(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.payments.amended(p["document"]["id"], parse_money(p["amount"]), _date(p.get("end_date")))


def on_contract_terminated(event: Envelope, uow: RiskUnitOfWork) -> None:
    uow.payments.update_contract(event.payload["document"]["id"], closed=True)


def on_acceptance_recorded(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    on, milestone = date.fromisoformat(p["accepted_on"]), p.get("milestone_no")
    uow.payments.put_acceptance(p["contract_id"], int(milestone or 0), p["result"], on)
    if milestone and p["result"] in ACCEPTED:
        uow.payments.put_acceptance(p["contract_id"], 0, p["result"], on)  # the contract has a passed acceptance


def on_supplier_registered(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.payments.put_supplier(str(p["supplier_id"]), p["credit_code"], p["supplier_name"])


def on_bank_account_changed(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    if not p.get("after"):
        return  # an account removed is paid to no more
    uow.payments.put_account_change(
        AccountChange(
            str(p["supplier_id"]),
            p["after"]["account_no"],
            datetime.fromisoformat(p["changed_at"]),
            p["change"],
            p["changed_by"],
            p["reason"],
        )
    )


def on_matter_submitted(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.payments.put_application(event.org, _document(p["document"]), parse_money(p["amount"]))


# ── judging payment requests (in their assessment) ──
def payment_of(event: Envelope, *, executed: bool = False) -> Payment:
    p = event.payload
    doc = p.get("document") or {"type": "payment_request", "id": p["payment_id"], "no": p.get("no")}
    payee = p.get("payee") or {}
    on = date.fromisoformat(p["executed_on"]) if executed else office_day(datetime.fromisoformat(event.occurred_at))
    return Payment(
        _document(doc),
        p["unit"],
        parse_money(p["amount"]),
        on,
        p.get("contract_id"),
        p.get("milestone_no"),
        str(p["supplier_id"]) if p.get("supplier_id") else None,
        payee.get("name", ""),
        payee.get("credit_code"),
        payee.get("account_no", ""),
        tuple((i["key"], i["number"]) for i in p.get("invoices") or []),
    )


def judge_beyond_contract(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = payment_of(event)
    _raise(uow, event, payment_beyond_contract(p, uow.payments.contract(p.contract_id)))


def judge_before_acceptance(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = payment_of(event)
    acceptance = uow.payments.acceptance(p.contract_id, p.milestone_no or 0)
    _raise(uow, event, payment_before_acceptance(p, uow.payments.contract(p.contract_id), acceptance))


def judge_before_signing(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = payment_of(event)
    _raise(uow, event, payment_before_signing(p, uow.payments.contract(p.contract_id)))


def judge_payee(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = payment_of(event)
    contract = uow.payments.contract(p.contract_id)
    code = uow.payments.credit_code(contract.supplier_id) if contract else None
    _raise(uow, event, payee_not_supplier(p, contract, code))


def judge_account(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = payment_of(event)
    days = int(Decimal(_in_force(uow, event, Rule.BANK_ACCOUNT_RECENTLY_CHANGED)["days"]))
    supplier = p.supplier_id or (uow.payments.contract(p.contract_id) or _NO).supplier_id
    _raise(uow, event, bank_account_recently_changed(p, uow.payments.account_change(supplier, p.account_no), days))


def judge_duplicates(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Each invoice: the first payment to use it (with this supplier and amount) is kept; a later one warns."""
    p = payment_of(event)
    for key, _ in p.invoices:
        earlier = uow.payments.use_invoice(event.org, p.supplier_key, key, p.amount, p.document, p.on)
        _raise(uow, event, duplicate_payment(p, key, earlier))


def judge_near_duplicates(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = payment_of(event)
    days = int(Decimal(_in_force(uow, event, Rule.NEAR_DUPLICATE_PAYMENT)["days"]))
    first, last = p.on - timedelta(days=days), p.on + timedelta(days=days)
    numbers = [n for _, n in p.invoices]
    recent = uow.payments.see_payment(event.org, p.supplier_key, p.amount, p.on, p.document, numbers, first, last)
    _raise(uow, event, near_duplicate_payment(p, recent, days))


def on_payment_executed(event: Envelope, uow: RiskUnitOfWork) -> None:
    """What was paid on the contract grows; beyond the contract is judged again on what was really paid."""
    p = payment_of(event, executed=True)
    if p.contract_id is None or uow.payments.contract(p.contract_id, lock=True) is None:
        return
    if not uow.payments.once("payments:executed", str(event.payload["payment_id"])):
        return  # heard before: already paid on the contract
    uow.payments.add_paid(p.contract_id, p.amount)
    _raise(uow, event, payment_beyond_contract(p, uow.payments.contract(p.contract_id), executed=True))


def judge_claim(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    found = uow.payments.application(p.get("application_id"))
    percent = Decimal(_in_force(uow, event, Rule.CLAIM_ABOVE_APPLICATION)["percent"])
    application, applied = found if found else (None, None)
    draft = claim_above_application(_document(p["document"]), parse_money(p["amount"]), application, applied, percent)
    _raise(uow, event, draft)


class _NoContract:
    supplier_id = None


_NO = _NoContract()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _in_force(uow: RiskUnitOfWork, event: Envelope, rule: Rule) -> dict[str, Any]:
    return rule_book.parameters_in_force(uow, event.org, rule, datetime.fromisoformat(event.occurred_at))


# Judged on the submission itself, so part of its assessment (the approver sees them before deciding).
_ON_WHAT_IT_SAYS = [
    (Rule.PAYMENT_BEYOND_CONTRACT, judge_beyond_contract),
    (Rule.PAYMENT_BEFORE_ACCEPTANCE, judge_before_acceptance),
    (Rule.PAYMENT_BEFORE_SIGNING, judge_before_signing),
    (Rule.PAYEE_NOT_SUPPLIER, judge_payee),
    (Rule.BANK_ACCOUNT_RECENTLY_CHANGED, judge_account),
]
SUBMISSION_RULES = {
    "payment.payment_requested": [
        *_ON_WHAT_IT_SAYS,
        (Rule.DUPLICATE_PAYMENT, judge_duplicates),
        (Rule.NEAR_DUPLICATE_PAYMENT, judge_near_duplicates),
    ],
    # A returned request, corrected and resubmitted, is judged again on what it now says; it is the same
    # payment, so it is not compared with payments seen as if it were another (duplicates).
    "payment.payment_request_resubmitted": _ON_WHAT_IT_SAYS,
    "payment.expense_claim_submitted": [(Rule.CLAIM_ABOVE_APPLICATION, judge_claim)],
    "payment.expense_claim_resubmitted": [(Rule.CLAIM_ABOVE_APPLICATION, judge_claim)],
}

EVENT_HANDLERS = {
    "contract.drafted": [on_contract_drafted],
    "contract.signed": [on_contract_signed],
    "contract.amended": [on_contract_amended],
    "contract.terminated": [on_contract_terminated],
    "contract.acceptance_recorded": [on_acceptance_recorded],
    "procurement.supplier_registered": [on_supplier_registered],
    "procurement.supplier_bank_account_changed": [on_bank_account_changed],
    "payment.matter_application_submitted": [on_matter_submitted],
    "payment.payment_executed": [on_payment_executed],
}
