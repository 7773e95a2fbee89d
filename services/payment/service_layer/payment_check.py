"""The payment gate as a dry run (付款校验, POST /payments/check): the payment form asks before it submits.

Every check of the gate runs (the contract's terms, milestone condition, retention and cumulative paid with its
amendments; payee = contract party = invoice issuer; the supplier's standing and registered accounts; the
budget; the invoices not used by another document) and nothing is written: no number drawn, no reservation, no
invoice claimed, no lock that a submission would queue behind. Unlike the gate it does not stop at the first
refusal: the answer lists each refusal with its rule, so the form can show them all at once. Documents outside
the caller's data scope answer 404, as everywhere. At most one call per foreign service; the supplier registry
and the budget are asked at once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import eventlet

from ic_platform.context import CallContext
from ic_platform.errors import DomainError, Forbidden, Unavailable, not_found
from ic_platform.money import money_str
from services.payment.domain import payment_request as pr
from services.payment.domain.invoices import Invoice, already_used
from services.payment.domain.payment_errors import invalid
from services.payment.service_layer import claims, handlers
from services.payment.service_layer import payment_commands as commands
from services.payment.service_layer.invoices import parse_invoices
from services.payment.service_layer.payments import (
    Rpc,
    _check_application,
    _check_claim,
    invoice_facts,
    supplier_facts,
    today,
)
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork


class _Refusals(list):
    """The refusals found so far, each as the gate would answer it (code = rule, Chinese message, details)."""

    def add(self, refusal: DomainError) -> None:
        self.append({"rule": refusal.code, "message": refusal.message, "details": refusal.details})

    def run(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """The check's answer, or None with its refusal recorded. Input errors, 404s and an unavailable
        service are not refusals of the gate: they are raised as they are."""
        try:
            return check(*args, **kwargs)
        except Unavailable:
            raise
        except DomainError as refusal:
            if refusal.http_status != 409:
                raise
            self.add(refusal)
            return None


def check_payment(
    cmd: commands.CheckPayment, uow: PaymentUnitOfWork, ctx: CallContext, contract: Rpc, procurement: Rpc, budget: Rpc
) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权校验付款申请")
    invoices = parse_invoices(cmd.invoices, today())
    payee = pr.Payee(cmd.payee.name, cmd.payee.credit_code, cmd.payee.account_no)
    refusals = _Refusals()
    if cmd.basis.type is pr.Basis.CONTRACT_MILESTONE:
        # The invoice registry is read while the contract is asked (the contract path uses `uow` for nothing
        # else, so the read has the connection to itself).
        holders = eventlet.spawn(_holders, uow, invoices)
        try:
            _against_contract(cmd, ctx, payee, invoice_facts(invoices), refusals, contract, procurement, budget)
        finally:
            held = holders.wait()
    else:
        _against_spending_document(cmd, uow, ctx, payee, invoice_facts(invoices), refusals, budget)
        held = _holders(uow, invoices)
    for holder in held:
        refusals.add(already_used(_key_of(invoices, holder.key), holder))
    return {"ok": not refusals, "refusals": list(refusals)}


def _holders(uow: PaymentUnitOfWork, invoices: list[Invoice]) -> list:
    with uow:
        return uow.invoices.holders(i.key.value for i in invoices)


def _key_of(invoices: list[Invoice], key: str) -> Any:
    return next((i.key for i in invoices if i.key.value == key), key)


def _against_contract(cmd, ctx, payee, invoices, refusals: _Refusals, contract, procurement, budget) -> None:
    basis = cmd.basis
    if basis.milestone_no is None:
        raise invalid("payment_basis_missing", "basis.milestone_no", "合同付款须指明付款节点")
    facts = contract.check_payment(contract_id=basis.id, milestone_no=basis.milestone_no, amount=money_str(cmd.amount))
    if facts["unit"] != cmd.unit:  # another unit's contract reads as if it did not exist
        raise not_found("contract", basis.id, "合同")
    refusals.extend({"rule": r["code"], **{k: r[k] for k in ("message", "details")}} for r in facts["refusals"])
    # The registry and the budget at once (neither needs the other's answer).
    asked = eventlet.spawn(supplier_facts, procurement, facts["supplier"]["id"])
    try:
        decision = _funds(budget, facts["budget_line_id"], cmd.amount, facts["contract"])
    finally:
        supplier, _ = asked.wait()
    refusals.run(pr.check_payee, payee, supplier)
    refusals.run(pr.check_invoices, payee, invoices, cmd.amount, required=True)
    refusals.run(pr.check_budget, decision, cmd.amount)


def _against_spending_document(cmd, uow, ctx, payee, invoices, refusals: _Refusals, budget) -> None:
    """An approved matter application or expense claim (read under the caller's data scope, else 404)."""
    with uow:
        if cmd.basis.type is pr.Basis.MATTER_APPLICATION:
            handlers.application_owner(uow, ctx, cmd.basis.id)
            held = refusals.run(_check_application, uow, cmd.basis.id, cmd.unit, cmd.amount, lock=False)
        else:
            claims.claim_owner(uow, ctx, cmd.basis.id)
            held = refusals.run(_check_claim, uow, cmd.basis.id, cmd.unit, cmd.amount, invoices, lock=False)
    if cmd.basis.type is pr.Basis.MATTER_APPLICATION:
        refusals.run(pr.check_invoices, payee, invoices, cmd.amount, required=False)
    if held is not None:
        decision = _funds(budget, held.budget_line_id, cmd.amount, held.document)
        refusals.run(pr.check_budget, decision, cmd.amount)


def _funds(budget: Rpc, line_id: str, amount: Decimal, settles: dict[str, str]) -> dict[str, Any]:
    return budget.check_funds(budget_line_id=line_id, amount=money_str(amount), from_document=settles)
