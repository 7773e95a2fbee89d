"""Acceptances (验收) and the payment ledger against a contract.

An acceptance is checked by the domain (`domain/acceptance.py`: result, members, committee, segregation with
the conflict matrix) and stored with `contract.acceptance_recorded` in one transaction.

The payment ledger is how the payment service's gate asks "may this be paid against the contract?" so that no
race pays beyond it: `reserve_payment` locks the contract's row, computes its execution (acceptances,
progress certificates, and every payment paid or reserved), runs `execution.check_payment` and records the
reservation in the same transaction; concurrent requests queue on the lock and each sees the reservations
before it. `settle_payment` (execution) checks again on the day, the payment's own reservation excluded, and
marks it paid (the contract completes when paid in full); `release_payment` gives a rejected request's
reservation back. All are idempotent on the payment. `check_payment` is the payment form's dry run: the same
rules, nothing written, no lock."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.documents import derived_id, is_document_id
from ic_platform.errors import DomainError, Forbidden, NotFound, not_found
from ic_platform.money import money_str
from services.contract.domain import acceptance as accepting
from services.contract.domain import execution, ledger
from services.contract.domain.acceptance import AcceptanceRecord
from services.contract.domain.contract import Contract, Status
from services.contract.service_layer import commands
from services.contract.service_layer.handlers import POLICY, _readable_contract, today
from services.contract.service_layer.publishing import publish_events
from services.contract.service_layer.unit_of_work import ContractUnitOfWork

RECORD_SCOPE = "record_acceptance"
ACCEPTANCE = "acceptance"  # the document type its attachments are filed under
_ID_NAMESPACE = uuid.UUID("0b8f5f3e-7d7a-4a55-9d0e-5c3b1f1a2e44")


def record_acceptance(cmd: commands.RecordAcceptance, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Record an acceptance: the acceptor is the caller; nobody named may be the purchaser or the drafter."""
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权登记验收")
    request = cmd.model_dump(mode="json")
    key = ctx.scoped_key
    with uow:
        if key and (stored := uow.recall(RECORD_SCOPE, key, request)) is not None:
            return stored
        c = _readable_contract(cmd.contract_id, uow, ctx, for_update=True)
        record = accepting.record(
            c,
            derived_id(_ID_NAMESPACE, key),
            milestone_no=cmd.milestone_no,
            delivery=cmd.delivery,
            result=execution.AcceptanceResult(cmd.result),
            accepted_on=cmd.accepted_on,
            members=tuple(cmd.members),
            acceptor=ctx.actor,
            findings=cmd.findings,
            earlier=uow.acceptances.of(c.id),
            policy=POLICY,
            today=today(),
        )
        uow.acceptances.add(record)
        uow.publish(
            ctx.event(
                "contract.acceptance_recorded",
                {
                    "acceptance_id": record.id,
                    "contract_id": c.id,
                    "contract_no": c.no,
                    "unit": c.unit,
                    "milestone_no": record.milestone_no,
                    "result": record.result.value,
                    "accepted_on": record.accepted_on.isoformat(),
                    "amount": money_str(record.amount) if record.amount is not None else None,
                    "supplier_id": c.supplier.id,
                    "budget_line_id": c.basis.budget_line_id,
                    "members": list(record.members),
                    "acceptor": record.acceptor,
                },
                subject=c.document.subject,
            )
        )
        result = {**record.as_dict(), "attachments": [], "contract": c.document.as_dict()}  # files come after
        if key:
            uow.remember(RECORD_SCOPE, key, request, result)
        uow.commit()
    return result


def list_acceptances(cmd: commands.ContractId, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The contract's acceptances, earliest first, each with its own attachments (验收报告 and the like)."""
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        items = [{**r.as_dict(), "attachments": uow.attachments.list(_owner(c, r))} for r in uow.acceptances.of(c.id)]
    return {"contract": c.document.as_dict(), "items": items, "total": len(items)}


def acceptance_owner(uow: ContractUnitOfWork, ctx: CallContext, acceptance_id: str) -> Owner:
    """For attachments (验收报告、验收照片): the acceptance, read under its contract's data scope; another
    unit's, like a missing one, is 404 naming only the acceptance."""
    record = uow.acceptances.get(acceptance_id) if is_document_id(acceptance_id) else None
    try:
        c = _readable_contract(record.contract_id, uow, ctx) if record is not None else None
    except NotFound:
        c = None
    if c is None:
        raise not_found(ACCEPTANCE, acceptance_id, "验收记录")
    return _owner(c, record)


def _owner(c: Contract, record: AcceptanceRecord) -> Owner:
    # An acceptance has no number of its own: people find it under its contract's.
    return Owner(ACCEPTANCE, record.id, c.unit, c.no)


# ── the payment ledger ──
def _execution(c: Contract, on: date, facts: execution.LedgerFacts) -> execution.Execution:
    """The contract's execution on `on`, every payment paid or reserved counted (the ledger read without the
    asking payment's own): an on_acceptance milestone is met by its acceptances, an on_progress one by the
    progress certificates."""
    payments = [execution.Payment(total, on, no) for no, total in facts.held.items()]
    return execution.compute(c, on, POLICY, acceptances=facts.acceptances, progress=facts.progress, payments=payments)


def _facts(c: Contract, row: dict[str, Any], held: Decimal | None = None) -> dict[str, Any]:
    """What the payment gate needs of the contract: the party to pay, the line, the figures after the move."""
    return {
        "contract": c.document.as_dict(),
        "unit": c.unit,
        "status": c.status.value,
        "supplier": {"id": c.supplier.id, "name": c.supplier.name, "credit_code": c.supplier.credit_code},
        "budget_line_id": c.basis.budget_line_id,
        "amount": money_str(c.amount),
        "ceiling": money_str(c.payable_ceiling),
        **({"paid_or_reserved": money_str(held)} if held is not None else {}),
        "milestone_no": row["milestone_no"],
        "payment_amount": money_str(row["amount"]),
        "payment_status": row["status"],
    }


def _contract_for_payment(uow: ContractUnitOfWork, ctx: CallContext, contract_id: str) -> Contract:
    # The payment service calls these with its caller's identity (or its own, from an event handler) and has
    # checked the data scope of its own document; here the contract is only the org's, locked: the lock every
    # payment move on it queues on.
    c = uow.contracts.get(contract_id, for_update=True) if is_document_id(contract_id) else None
    if c is None or c.org != ctx.org:
        raise not_found("contract", contract_id, "合同")
    ledger.check_payable(c)
    return c


def reserve_payment(cmd: commands.ReservePayment, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        c = _contract_for_payment(uow, ctx, cmd.contract_id)
        facts = uow.acceptances.ledger_facts(c.id, exclude=cmd.payment.id, mine=cmd.payment.id)
        mine = facts.mine
        if mine is not None and mine["status"] != "released":
            return _facts(c, mine)  # asked before (a retry): reserved once
        on = today()
        ex = _execution(c, on, facts)
        execution.check_payment(ex, cmd.milestone_no, cmd.amount)
        row = {
            "payment_id": cmd.payment.id,
            "payment_no": cmd.payment.no or cmd.payment.id,
            "contract_id": c.id,
            "milestone_no": cmd.milestone_no,
            "amount": cmd.amount,
            "status": "reserved",
            "reserved_on": on,
        }
        if mine is None:
            uow.acceptances.add_payment(**row)
        else:
            uow.acceptances.set_payment(cmd.payment.id, **{k: v for k, v in row.items() if k != "payment_id"})
        result = _facts(c, row, ex.paid + cmd.amount)
        uow.commit()
    return result


def check_payment(cmd: commands.CheckPayment, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """What `reserve_payment` would decide now, every reservation counted, with nothing written and no lock
    taken (a form asking before it submits must not queue behind submissions). Answers the facts the payment
    gate needs and the contract's refusals (none: it would pass), each with its rule."""
    with uow:
        c = uow.contracts.get(cmd.contract_id) if is_document_id(cmd.contract_id) else None
        if c is None or c.org != ctx.org:
            raise not_found("contract", cmd.contract_id, "合同")
        refusals, held = [], None
        try:
            ledger.check_payable(c)
            ex = _execution(c, today(), uow.acceptances.ledger_facts(c.id))
            execution.check_payment(ex, cmd.milestone_no, cmd.amount)
            held = ex.paid + cmd.amount
        except DomainError as refusal:
            refusals.append({"code": refusal.code, "message": refusal.message, "details": refusal.details})
    row = {"milestone_no": cmd.milestone_no, "amount": cmd.amount, "status": "checked"}
    return {**_facts(c, row, held), "refusals": refusals}


def settle_payment(cmd: commands.SettlePayment, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """At execution: check the reserved payment again on the day (acceptance still passed, within the milestone
    and the contract), then mark it paid. `dry_run` checks only."""
    with uow:
        c = _contract_for_payment(uow, ctx, cmd.contract_id)
        mine = uow.acceptances.payment(cmd.payment.id)
        ledger.check_reserved(c, cmd.payment.model_dump(), mine)
        if mine["status"] == "paid":
            return _facts(c, mine)
        ex = _execution(c, cmd.paid_on, uow.acceptances.ledger_facts(c.id, exclude=cmd.payment.id))
        execution.check_payment(ex, mine["milestone_no"], mine["amount"])
        if cmd.dry_run:
            return _facts(c, mine, ex.paid + mine["amount"])
        uow.acceptances.set_payment(cmd.payment.id, status="paid", paid_on=cmd.paid_on, reference=cmd.reference)
        mine = {**mine, "status": "paid", "paid_on": cmd.paid_on}
        paid = uow.acceptances.paid(c.id)
        if c.status is Status.SIGNED and paid == c.amount:
            c.complete(paid, cmd.paid_on)
            uow.contracts.save(c)
            publish_events(uow, ctx, c)
        result = _facts(c, mine, ex.paid + mine["amount"])
        uow.commit()
    return result


def release_payment(cmd: commands.ReleasePayment, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A rejected (or cancelled) payment request gives its reservation back; a paid one stays paid."""
    with uow:
        c = uow.contracts.get(cmd.contract_id, for_update=True) if is_document_id(cmd.contract_id) else None
        if c is None or c.org != ctx.org:
            raise not_found("contract", cmd.contract_id, "合同")
        mine = uow.acceptances.payment(cmd.payment.id)
        if mine is not None and mine["status"] == "reserved":
            uow.acceptances.set_payment(cmd.payment.id, status="released")
            mine = {**mine, "status": "released"}
            uow.commit()
    return {"payment": cmd.payment.model_dump(), "status": mine["status"] if mine else "none"}
