"""Payment request (付款申请) and execution (支付) use cases: the payment gate, before approval and again at
execution (rules in `domain/payment_request.py`).

Submitting crosses three services. Against a contract, the contract service reserves the amount in its payment
ledger first, under the contract row's lock (`contract.reserve_payment`: the terms, acceptance, retention and
the contract amount with approved amendments, checked with every other reservation counted), so concurrent
requests can never together pass the contract; then the supplier registry (procurement) is asked for the
supplier's standing and current bank accounts, and the budget whether `actual` would have the money; then the
request, its invoices (the registry's UNIQUE key) and `payment.payment_requested` are stored in one
transaction. Any refusal after the reservation gives it back. Against an application, its row is locked in
our own database while what requests already take of it is counted.

Executing (the cashier; never an approver of the payment) checks everything again on the day, then moves the
budget to actual (`budget.actual` with `from_document`: the contract's commitment, or the application's
pre-commitment, is relieved into it), settles the contract's ledger (the contract completes when paid in
full), and records the reference and day with `payment.payment_executed`. Each step is idempotent on the
payment (the budget on its (document, step), the contract on the payment id), so a retry after a crash
finishes what was begun and moves nothing twice.

Returned (退回), a request keeps its reservation and invoices while its requester corrects it; resubmitted, it
goes through the whole gate again as the next approval round (`resubmit_payment`)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

import eventlet

from ic_platform import scope
from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.documents import derived_id, is_document_id
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError, Forbidden, Unavailable, not_found
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.payment.domain import payment_request as pr
from services.payment.domain.invoices import Invoice
from services.payment.domain.payment_errors import invalid, refused
from services.payment.service_layer import heard
from services.payment.service_layer import payment_commands as commands
from services.payment.service_layer.invoices import parse_invoices
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork

SUBMIT_SCOPE = "submit_payment"
EXECUTE_SCOPE = "execute_payment"
_ID_NAMESPACE = uuid.UUID("a7d0c1f4-2f9b-4e61-8d3c-59e0b7c4d812")


class Rpc(Protocol):
    def __getattr__(self, name: str) -> Any: ...


def today() -> date:
    return datetime.now(UTC).date()


def view(p: pr.PaymentRequest) -> dict[str, Any]:
    return {
        "id": p.id,
        "no": p.no,
        "document": p.document,
        "title": p.title,
        "unit": p.unit,
        "requester": p.requester,
        "amount": money_str(p.amount),
        "budget_line_id": p.budget_line_id,
        "basis": p.basis_ref,
        "basis_label": pr.BASIS_LABELS[p.basis],
        "contract_id": p.contract_id,
        "milestone_no": p.milestone_no,
        "supplier_id": p.supplier_id,
        "payee": p.payee.as_dict(),
        "invoices": [i.ref() for i in p.invoices],
        "status": p.status.value,
        "status_label": pr.STATUS_LABELS[p.status],
        "status_reason": p.status_reason,
        "approvers": list(p.approvers),
        "executed_on": p.executed_on.isoformat() if p.executed_on else None,
        "reference": p.reference,
        "executor": p.executor,
        "round": p.round,
    }


# ── the gate's facts, from the services that own them ──
def supplier_facts(procurement: Rpc, supplier_id: str) -> tuple[pr.SupplierFacts, str]:
    """The supplier as the registry holds it today, and who registered it (a party for the conflict matrix)."""
    s = procurement.get_supplier(supplier_id=supplier_id)
    accounts = tuple(a["account_no"] for a in s.get("accounts", []))
    return pr.SupplierFacts(s["id"], s["name"], s["credit_code"], accounts, s.get("standing", "valid")), s.get(
        "registrar", ""
    )


def funds(budget: Rpc, line_id: str, amount: Decimal, settles: dict[str, str], unit: str) -> dict[str, Any]:
    decision = budget.check_funds(budget_line_id=line_id, amount=money_str(amount), from_document=settles)
    pr.check_budget(decision, amount)
    return decision


def invoice_facts(invoices: list[Invoice]) -> list[pr.InvoiceFacts]:
    return [pr.InvoiceFacts(i.key.value, i.key.number, i.amount, i.issuer_credit_code) for i in invoices]


# ── submitting ──
def submit_payment(
    cmd: commands.SubmitPayment, uow: PaymentUnitOfWork, ctx: CallContext, contract: Rpc, procurement: Rpc, budget: Rpc
) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权提交付款申请")
    request = cmd.model_dump(mode="json")
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    payment_id = derived_id(_ID_NAMESPACE, key)
    with uow:
        if key and (stored := uow.recall(SUBMIT_SCOPE, key, request)) is not None:
            return stored
        existing, no = uow.payments.get_or_next_no(payment_id, today().year)
        if existing is not None:
            return view(existing)
        uow.commit()
    invoices = parse_invoices(cmd.invoices, today())
    document = {"type": pr.DOCUMENT_TYPE, "id": payment_id, "no": no}
    p, parties, economic_class = _gate(cmd, uow, ctx, document, invoice_facts(invoices), contract, procurement, budget)
    try:
        with uow:
            _check_basis_locked(uow, p)
            uow.payments.add(p, reservation="held" if p.contract_id else "none")
            uow.invoices.use(invoices, document, p.unit)
            _publish_requested(uow, ctx, p, parties, economic_class)
            result = view(p)
            if key:
                uow.remember(SUBMIT_SCOPE, key, request, result)
            uow.commit()
    except Exception:  # a refusal (an invoice used before) or a failure: nothing stored, the reservation back
        _give_back(contract, p)
        raise
    return result


def _gate(cmd, uow, ctx, document, invoices: list[pr.InvoiceFacts], contract, procurement, budget):
    """Every check of the gate before approval (`uow` only reads, in its own transactions): the request as it
    passed, the parties approval must know (the supplier's registrar) and the line's economic class. Against a
    contract the amount is reserved in the contract's payment ledger first, under its lock (given back if a
    later check refuses)."""
    payee = pr.Payee(cmd.payee.name, cmd.payee.credit_code, cmd.payee.account_no)
    if cmd.basis.type is pr.Basis.CONTRACT_MILESTONE:
        return _against_contract(cmd, ctx, document, payee, invoices, contract, procurement, budget)
    if cmd.basis.type is pr.Basis.MATTER_APPLICATION:
        return _against_application(cmd, uow, ctx, document, payee, invoices, budget), {}, None
    return _against_claim(cmd, uow, ctx, document, payee, invoices, budget), {}, None


def _check_basis_locked(uow: PaymentUnitOfWork, p: pr.PaymentRequest) -> None:
    """Again, under the basis row's lock: two requests racing on one basis never take more than it holds."""
    if p.basis is pr.Basis.MATTER_APPLICATION:
        _check_application(uow, p.basis_id, p.unit, p.amount, lock=True)
    elif p.basis is pr.Basis.EXPENSE_CLAIM:
        _check_claim(uow, p.basis_id, p.unit, p.amount, p.invoices, lock=True)


def _give_back(contract: Rpc, p: pr.PaymentRequest) -> None:
    if p.contract_id:
        contract.release_payment(contract_id=p.contract_id, payment=p.document)


def _publish_requested(
    uow: PaymentUnitOfWork, ctx: CallContext, p: pr.PaymentRequest, parties: dict, economic_class: str | None
) -> None:
    """Into approval: the first round (`payment_requested`), or a corrected request's next."""
    first = p.round == 1
    uow.publish(
        ctx.event(
            "payment.payment_requested" if first else "payment.payment_request_resubmitted",
            {
                **_approval_request(p),
                **({"parties": parties} if parties else {}),
                **({"economic_class": economic_class} if economic_class and first else {}),
                **({} if first else {"round": p.round}),
                **ctx.client(),
            },
            subject=p.subject,
        )
    )


def _against_contract(cmd, ctx, document, payee, invoices, contract, procurement, budget):
    basis = cmd.basis
    if basis.milestone_no is None:
        raise invalid("payment_basis_missing", "basis.milestone_no", "合同付款须指明付款节点")
    facts = contract.reserve_payment(
        contract_id=basis.id, milestone_no=basis.milestone_no, amount=money_str(cmd.amount), payment=document
    )
    try:
        if facts["unit"] != cmd.unit:  # another unit's contract reads as if it did not exist
            raise not_found("contract", basis.id, "合同")
        contract_doc = facts["contract"]
        # The registry and the budget are asked at once (neither needs the other's answer).
        asked = eventlet.spawn(supplier_facts, procurement, facts["supplier"]["id"])
        try:
            decision = budget.check_funds(
                budget_line_id=facts["budget_line_id"], amount=money_str(cmd.amount), from_document=contract_doc
            )
        finally:
            supplier, registrar = asked.wait()
        pr.check_payee(payee, supplier)
        pr.check_invoices(payee, invoices, cmd.amount, required=True)
        pr.check_budget(decision, cmd.amount)
    except Exception:
        contract.release_payment(contract_id=basis.id, payment=document)
        raise
    p = pr.PaymentRequest(
        id=document["id"],
        no=document["no"],
        org=ctx.org,
        unit=cmd.unit,
        requester=ctx.actor,
        title=cmd.title,
        amount=cmd.amount,
        budget_line_id=facts["budget_line_id"],
        basis=pr.Basis.CONTRACT_MILESTONE,
        basis_id=contract_doc["id"],
        basis_no=contract_doc.get("no") or contract_doc["id"],
        payee=payee,
        invoices=invoices,
        contract_id=contract_doc["id"],
        milestone_no=basis.milestone_no,
        supplier_id=supplier.id,
        fiscal_year=decision.get("fiscal_year"),
        economic_class=decision.get("economic_class"),
    )
    return p, ({"supplier_registrar": registrar} if registrar else {}), decision.get("economic_class")


def _check_application(uow: PaymentUnitOfWork, app_id: str, unit: str, amount: Decimal, *, lock: bool):
    app = uow.applications.get(app_id, for_update=lock) if is_document_id(app_id) else None
    if app is None:
        raise not_found("matter_application", app_id, "事前申请")
    requested = uow.payments.requested_on(pr.Basis.MATTER_APPLICATION, app.id)
    facts = pr.ApplicationFacts(app.id, app.no, app.status.value, app.unit, app.budget_line_id, app.amount, requested)
    pr.check_application(facts, unit, amount)
    return app


def _against_application(cmd, uow, ctx, document, payee, invoices, budget):
    with uow:
        app = _check_application(uow, cmd.basis.id, cmd.unit, cmd.amount, lock=False)
    pr.check_invoices(payee, invoices, cmd.amount, required=False)
    return _on_spending_document(cmd, ctx, document, payee, invoices, budget, pr.Basis.MATTER_APPLICATION, app)


def _check_claim(uow: PaymentUnitOfWork, claim_id: str, unit: str, amount: Decimal, invoices, *, lock: bool):
    claim = uow.claims.get(claim_id, for_update=lock) if is_document_id(claim_id) else None
    if claim is None:
        raise not_found("expense_claim", claim_id, "报销单")
    requested = uow.payments.requested_on(pr.Basis.EXPENSE_CLAIM, claim.id)
    facts = pr.ClaimFacts(claim.id, claim.no, claim.status.value, claim.settled, claim.unit, claim.amount, requested)
    pr.check_claim(facts, unit, amount, invoices)
    return claim


def _against_claim(cmd, uow, ctx, document, payee, invoices, budget):
    """报销付款: the claimant is reimbursed what an approved claim holds on the line (its invoices are the claim's)."""
    with uow:
        claim = _check_claim(uow, cmd.basis.id, cmd.unit, cmd.amount, invoices, lock=False)
    return _on_spending_document(cmd, ctx, document, payee, [], budget, pr.Basis.EXPENSE_CLAIM, claim)


def _on_spending_document(cmd, ctx, document, payee, invoices, budget, basis, held) -> pr.PaymentRequest:
    """A request paying what an application or a claim (`held`) holds on its line, once the line has it."""
    decision = funds(budget, held.budget_line_id, cmd.amount, held.document, cmd.unit)
    return pr.PaymentRequest(
        id=document["id"],
        no=document["no"],
        org=ctx.org,
        unit=cmd.unit,
        requester=ctx.actor,
        title=cmd.title,
        amount=cmd.amount,
        budget_line_id=held.budget_line_id,
        basis=basis,
        basis_id=held.id,
        basis_no=held.no,
        payee=payee,
        invoices=invoices,
        fiscal_year=decision.get("fiscal_year"),
        economic_class=decision.get("economic_class"),
    )


def _approval_request(p: pr.PaymentRequest) -> dict[str, Any]:
    return {
        "document": p.document,
        "payment_id": p.id,
        "no": p.no,
        "unit": p.unit,
        "applicant": p.requester,
        "amount": money_str(p.amount),
        "title": p.title,
        "budget_line_id": p.budget_line_id,
        "basis": p.basis_ref,
        "contract_id": p.contract_id,
        "milestone_no": p.milestone_no,
        "supplier_id": p.supplier_id,
        "payee": p.payee.as_dict(),
        "invoices": [i.ref() for i in p.invoices],
    }


# ── resubmitting (退回后修改重新提交) ──
def resubmit_payment(
    cmd: commands.ResubmitPayment,
    uow: PaymentUnitOfWork,
    ctx: CallContext,
    contract: Rpc,
    procurement: Rpc,
    budget: Rpc,
    reads: PaymentUnitOfWork,
) -> dict[str, Any]:
    """The requester corrects a returned request (title, amount, payee, invoices; the basis stays: it is what
    the request pays) and sends it back as the next approval round, through the whole gate again.

    The request's row stays locked throughout (the gate reads through `reads`), so a second resubmission waits
    and then finds it resubmitted. Against a contract, what it held is given back first and reserved afresh
    under the contract's lock, every term checked with the new figures; refused by the gate, the request stays
    returned as it was and holds nothing against the contract (its `reservation` may still say `held`: every
    give-back is idempotent). Its invoices stay its own: listed again they are not "used twice", another
    document's are refused, those no longer listed are given back."""
    invoices = None if cmd.invoices is None else parse_invoices(cmd.invoices, today())
    with uow:
        before = _readable_payment(cmd.payment_id, uow, ctx, for_update=True)
        before.check_resubmittable(ctx.actor)
        facts = _own_invoices(uow, before) if invoices is None else invoice_facts(invoices)
        corrected = _corrected(before, cmd)
        _give_back(contract, before)  # the gate reserves afresh, every term checked with the new figures
        p, parties, economic_class = _gate(corrected, reads, ctx, before.document, facts, contract, procurement, budget)
        try:
            _check_basis_locked(uow, p)
            if invoices is not None:
                uow.invoices.replace(invoices, p.document, p.unit, f"付款申请 {p.no} 重新提交时不再列出")
            p.resubmitted(before)
            uow.payments.save(p, reservation="held" if p.contract_id else "none")
            _publish_requested(uow, ctx, p, parties, economic_class)
            uow.commit()
        except Exception:  # nothing of the correction stored: the reservation the gate made back too
            _give_back(contract, p)
            raise
    return view(p)


def _corrected(p: pr.PaymentRequest, cmd: commands.ResubmitPayment) -> commands.SubmitPayment:
    """The returned request with its requester's corrections, as the gate takes a request."""
    basis = {"type": p.basis.value, "id": p.contract_id or p.basis_id, "milestone_no": p.milestone_no}
    return commands.SubmitPayment.parse(
        {
            "title": p.title if cmd.title is None else cmd.title,
            "amount": money_str(p.amount if cmd.amount is None else cmd.amount),
            "basis": {k: v for k, v in basis.items() if v is not None},
            "payee": p.payee.as_dict() if cmd.payee is None else cmd.payee.model_dump(),
            "unit": p.unit,
        }
    )


def _own_invoices(uow: PaymentUnitOfWork, p: pr.PaymentRequest) -> list[pr.InvoiceFacts]:
    """The invoices a returned request keeps, when its requester lists none anew; one it no longer holds (given
    back before returned requests kept theirs) must be listed again, so that it is registered again."""
    held = uow.invoices.keys_of(p.document)
    missing = [i for i in p.invoices if i.key not in held]
    if missing:
        raise refused(
            "payment_invoices_released",
            f"付款申请 {p.no} 的发票 {missing[0].number} 已释放，请在重新提交时填写发票",
            invoices=[i.key for i in missing],
        )
    return p.invoices


# ── executing ──
def execute_payment(
    cmd: commands.ExecutePayment,
    uow: PaymentUnitOfWork,
    ctx: CallContext,
    contract: Rpc,
    procurement: Rpc,
    budget: Rpc,
) -> dict[str, Any]:
    """支付: the cashier pays an approved request. Every check of the gate runs again on the day."""
    roles = ctx.viewer.roles if ctx.viewer is not None else frozenset()
    with uow:
        p = _readable_payment(cmd.payment_id, uow, ctx)
    if p.status is pr.Status.EXECUTED:
        return view(p)  # a retried execution: done before
    on = cmd.executed_on or today()
    pr.check_executor(ctx.actor or "", roles, p.approvers, p.no)
    p.check_executable()
    settles = p.settles
    asked = eventlet.spawn(
        budget.check_funds, budget_line_id=p.budget_line_id, amount=money_str(p.amount), from_document=settles
    )
    try:
        if p.basis is pr.Basis.CONTRACT_MILESTONE:
            contract.settle_payment(contract_id=p.contract_id, payment=p.document, paid_on=on.isoformat(), dry_run=True)
            supplier, _ = supplier_facts(procurement, p.supplier_id)
            pr.check_payee(p.payee, supplier)
        pr.check_invoices(p.payee, p.invoices, p.amount, required=p.basis is pr.Basis.CONTRACT_MILESTONE)
    finally:
        decision = asked.wait()
    pr.check_budget(decision, p.amount)
    # The money moves: the budget first (idempotent on the payment's step), then the contract's ledger.
    budget.actual(
        budget_line_id=p.budget_line_id,
        amount=money_str(p.amount),
        document=p.document,
        step="pay",
        from_document=settles,
        unit=p.unit,
    )
    if p.contract_id:
        contract.settle_payment(
            contract_id=p.contract_id, payment=p.document, paid_on=on.isoformat(), reference=cmd.reference
        )
    with uow:
        p = uow.payments.get(p.id, for_update=True)
        if p.status is not pr.Status.EXECUTED:
            p.execute(ctx.actor, on, cmd.reference)
            p.fiscal_year = p.fiscal_year or decision.get("fiscal_year")
            p.economic_class = p.economic_class or decision.get("economic_class")
            uow.payments.save(p, reservation="settled" if p.contract_id else "none")
            uow.publish(
                ctx.event(
                    "payment.payment_executed",
                    {
                        "payment_id": p.id,
                        "no": p.no,
                        "unit": p.unit,
                        "budget_line_id": p.budget_line_id,
                        "fiscal_year": p.fiscal_year or on.year,
                        "economic_class": p.economic_class,
                        "amount": money_str(p.amount),
                        "basis": p.basis_ref,
                        "contract_id": p.contract_id,
                        "milestone_no": p.milestone_no,
                        "supplier_id": p.supplier_id,
                        "payee": p.payee.as_dict(),
                        "invoices": [i.ref() for i in p.invoices],
                        "executed_on": on.isoformat(),
                        "reference": p.reference,
                        "executor": p.executor,
                        "approvers": list(p.approvers),
                    },
                    subject=p.subject,
                )
            )
            uow.commit()
    return view(p)


# ── reading ──
def _readable(p: pr.PaymentRequest, uow: PaymentUnitOfWork, ctx: CallContext) -> bool:
    return scope.visible(
        ctx.viewer,
        Area.PAYMENT,
        p.unit,
        initiator=p.requester,
        on_desk=lambda: uow.desk.holds(ctx.viewer, pr.DOCUMENT_TYPE, p.id),
    )


def _readable_payment(
    payment_id: str, uow: PaymentUnitOfWork, ctx: CallContext, for_update: bool = False
) -> pr.PaymentRequest:
    p = uow.payments.get(payment_id, for_update=for_update) if is_document_id(payment_id) else None
    if p is None or p.org != ctx.org or not _readable(p, uow, ctx):
        raise not_found("payment_request", payment_id, "付款申请")
    return p


def payment_owner(uow: PaymentUnitOfWork, ctx: CallContext, payment_id: str) -> Owner:
    """For attachments: the request, if the caller reads it (else 404)."""
    p = _readable_payment(payment_id, uow, ctx)
    return Owner(pr.DOCUMENT_TYPE, p.id, p.unit, p.no)


def get_payment(cmd: commands.PaymentId, uow: PaymentUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        return view(_readable_payment(cmd.payment_id, uow, ctx))


def list_payments(cmd: commands.ListPayments, uow: PaymentUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看付款申请")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, items = uow.payments.page(
            org=ctx.org,
            scope=scope.scope_of(ctx.viewer, Area.PAYMENT),
            status=cmd.status.value if cmd.status else None,
            contract_id=cmd.contract_id,
            limit=limit,
            offset=offset,
        )
    return paged([view(p) for p in items], total, cmd.page, limit)


# ── heard from approval ──
def on_step_decided(event: Envelope, uow: PaymentUnitOfWork) -> None:
    """Who approved the payment: the executor may not be one of them (付款审批 × 付款执行)."""
    p = heard.document_in(event, pr.DOCUMENT_TYPE, uow.payments.get)
    if p is None or event.payload["decision"] != "approved":
        return
    before = list(p.approvers)
    p.approved_by(event.payload["decided_by"])
    if p.approvers != before:
        uow.payments.save(p)


def on_approval_completed(event: Envelope, uow: PaymentUnitOfWork) -> None:
    p = heard.document_in(event, pr.DOCUMENT_TYPE, uow.payments.get)
    if p is None:
        return
    if event.payload["outcome"] == "approved":
        if p.move_to(pr.Status.APPROVED):
            uow.payments.save(p)
        return
    _end(uow, p, pr.Status.REJECTED, event.payload.get("reason") or "审批未通过")


def on_approval_ended_without_decision(event: Envelope, uow: PaymentUnitOfWork) -> None:
    """Returned (退回): the request waits for its requester's correction, keeping its reservation against the
    contract and its invoices (another document may not take them meanwhile). Withdrawn (撤回, in approval or
    returned): it ends here, and both are given back."""
    p = heard.document_in(event, pr.DOCUMENT_TYPE, uow.payments.get)
    if p is None:
        return
    if event.type == "approval.returned":
        if p.status is pr.Status.SUBMITTED:  # else heard before
            p.move_to(pr.Status.RETURNED, event.payload.get("reason") or "已退回")
            uow.payments.save(p)
        return
    _end(uow, p, pr.Status.WITHDRAWN, event.payload.get("reason") or "已撤回")


def _end(uow: PaymentUnitOfWork, p: pr.PaymentRequest, status: pr.Status, reason: str) -> None:
    """Rejected or withdrawn: the contract reservation is given back (by the timer) and the invoices at once."""
    if p.status not in (pr.Status.SUBMITTED, pr.Status.RETURNED):
        return  # heard before
    p.move_to(status, reason)
    uow.payments.save(p, **({"reservation": "releasing"} if p.contract_id else {}))
    uow.invoices.release(p.document, f"付款申请{pr.STATUS_LABELS[status]}：{reason}")


def release_reservations(uow: PaymentUnitOfWork, contract: Rpc) -> int:
    """Give back the contract reservations of ended requests (a timer: event handlers make no calls)."""
    with uow:
        rows = uow.payments.releasing()
        for row in rows:
            try:
                contract.release_payment(
                    contract_id=row["contract_id"],
                    payment={"type": pr.DOCUMENT_TYPE, "id": str(row["id"]), "no": row["no"]},
                )
            except (DomainError, Unavailable):
                continue  # tried again on the next tick
            uow.payments.set_reservation(str(row["id"]), "released")
        uow.commit()
    return len(rows)
