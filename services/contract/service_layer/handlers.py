"""Contract use cases: drafting on an award, the signing route, signing (which commits the budget), reading.

Signing crosses two databases (ours and the budget's). The domain's checks run first on a copy, so a refusal
(not approved, signed before the award notice) moves no money; then the budget commits the amount from the
basis's pre-commitment holder and releases what the holder still pre-commits (both idempotent on the
contract's step, so a retry repeats nothing); then the contract is marked signed and `contract.signed`
published. A crash after the budget moved leaves an approved contract whose retry finishes the signing."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

from ic_platform import scope
from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.desk import with_desk_handlers
from ic_platform.documents import DocumentRef, is_document_id
from ic_platform.envelope import Envelope
from ic_platform.errors import Forbidden, not_found
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.contract.domain import amendments as amending
from services.contract.domain.contract import (
    DOCUMENT_TYPE,
    STATUS_LABELS,
    ApplicationFacts,
    AwardFacts,
    Contract,
    Status,
    SupplierFacts,
    check_matter_unfunded,
)
from services.contract.domain.errors import invalid
from services.contract.domain.seed import DEMO_POLICY
from services.contract.domain.terms import Milestone, describe
from services.contract.service_layer import commands
from services.contract.service_layer.publishing import publish_events
from services.contract.service_layer.unit_of_work import DESK_DOCUMENTS, ContractUnitOfWork

POLICY = DEMO_POLICY  # demo figures (seed.py); an office's own settings replace them
DRAFT_SCOPE = "draft_contract"
# Ids derived from (drafter, idempotency key): a retried request finds the contract it created before.
_ID_NAMESPACE = uuid.UUID("1b7c2f0e-5a43-4c8e-8f51-3e9d0c6a7b21")


class Budget(Protocol):
    def commit(self, **kwargs: Any) -> dict[str, Any]: ...
    def release_document(self, **kwargs: Any) -> dict[str, Any]: ...
    def relieve(self, **kwargs: Any) -> dict[str, Any]: ...


class Procurement(Protocol):
    def supplier_on(self, **kwargs: Any) -> dict[str, Any]: ...
    def matter_funding(self, **kwargs: Any) -> dict[str, Any]: ...


class Payment(Protocol):
    def get_matter_application(self, **kwargs: Any) -> dict[str, Any]: ...


def today() -> date:
    return datetime.now(UTC).date()


def document_id(ctx: CallContext, key: str | None) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{ctx.actor}:{key}") if key else uuid.uuid4())


def milestones_in(items: list[commands.MilestoneIn]) -> tuple[Milestone, ...]:
    return tuple(Milestone(no=i, **m.model_dump()) for i, m in enumerate(items, start=1))


def view(c: Contract) -> dict[str, Any]:
    return {
        "id": c.id,
        "no": c.no,
        "document": c.document.as_dict(),
        "title": c.title,
        "scope": c.scope,
        "unit": c.unit,
        "status": c.status.value,
        "status_label": STATUS_LABELS[c.status],
        "status_reason": c.status_reason,
        "basis": c.basis.as_dict(),
        "budget_line_id": c.basis.budget_line_id,
        "supplier": {"id": c.supplier.id, "name": c.supplier.name, "credit_code": c.supplier.credit_code},
        "original_amount": money_str(c.original_amount),
        "amount": money_str(c.amount),
        "cumulative_change": money_str(c.cumulative_change),
        "cumulative_increase": money_str(c.cumulative_increase),
        "increase_limit": money_str(amending.increase_limit(c, POLICY)),
        "settlement_amount": money_str(c.settlement_amount) if c.settlement_amount is not None else None,
        "retention": money_str(c.retention),
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat(),
        "warranty_end": c.warranty_end.isoformat() if c.warranty_end else None,
        "milestones": describe(c.milestones, POLICY),
        "drafter": c.drafter,
        "purchaser": c.purchaser,
        "round": c.round,
        "signed_on": c.signed_on.isoformat() if c.signed_on else None,
    }


# ── drafting ──
def supplier_on(procurement: Procurement, supplier_id: str, on: date) -> SupplierFacts:
    """The counterparty as procurement's registry knows it on the day: name, code, its registrar (a party, so
    the conflict matrix keeps them from approving this contract's payments), SME, standing then."""
    s = procurement.supplier_on(supplier_id=supplier_id, on=on.isoformat())
    return SupplierFacts(
        s["id"], s["name"], s["credit_code"], s["registrar"], s["standing"], s.get("reason"), bool(s.get("sme"))
    )


def _matter_application(payment: Payment, application_id: str) -> ApplicationFacts:
    """The approved matter application a contract without procurement stands on (payment's, in the caller's
    data scope: another unit's is 404 there)."""
    m = payment.get_matter_application(application_id=application_id)
    return ApplicationFacts(
        DocumentRef("matter_application", m["id"], m.get("no")),
        m["status"],
        m["unit"],
        Decimal(m["amount"]),
        m["budget_line_id"],
        claimed_by=m.get("expense_claim_no"),
    )


def _basis_and_supplier(
    cmd: commands.DraftContract, award: AwardFacts | None, procurement: Procurement, payment: Payment, on: date
) -> tuple[AwardFacts | ApplicationFacts, SupplierFacts]:
    if (cmd.award_id is None) == (cmd.matter_application_id is None):
        raise invalid("contract_basis_missing", "award_id", "中标（成交）结果与事前申请须且只须填写一项")
    if cmd.matter_application_id is not None:
        if not is_document_id(cmd.matter_application_id):
            raise not_found("matter_application", cmd.matter_application_id, "事前申请")
        application = _matter_application(payment, cmd.matter_application_id)
        funding = procurement.matter_funding(matter_application_id=application.document.id)
        check_matter_unfunded(application, funding.get("procurement_application_no"))
        return application, supplier_on(procurement, cmd.supplier_id, on)
    if award is None:
        raise invalid("contract_basis_missing", "award_id", f"未收到中标（成交）结果 {cmd.award_id}")
    if cmd.supplier_id != award.supplier_id:  # refused by the domain: not the awarded supplier
        return award, SupplierFacts(cmd.supplier_id, cmd.supplier_id, "", "")
    return award, supplier_on(procurement, cmd.supplier_id, on)


def draft_contract(
    cmd: commands.DraftContract, uow: ContractUnitOfWork, ctx: CallContext, procurement: Procurement, payment: Payment
) -> dict[str, Any]:
    """Draft (起草登记) a contract on an award, or on an approved matter application below the direct-contract
    amount: the counterparty must be the awarded supplier and in good standing today (asked of procurement's
    registry), the amount at most the award's (or the application's), the milestones must add up to the amount;
    each refusal names its rule."""
    request = cmd.model_dump(mode="json")
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    on = today()
    with uow:
        if key and (stored := uow.recall(DRAFT_SCOPE, key, request)) is not None:
            return stored
        found = (
            uow.contracts.awards.get(ctx.org, cmd.award_id) if cmd.award_id and is_document_id(cmd.award_id) else None
        )
    basis, supplier = _basis_and_supplier(cmd, found[0] if found else None, procurement, payment, on)
    with uow:
        if key and (stored := uow.recall(DRAFT_SCOPE, key, request)) is not None:
            return stored
        contract = Contract.register(
            document_id(ctx, ctx.idempotency_key),
            uow.contracts.next_no(on.year),
            ctx.org,
            cmd.unit,
            cmd.title,
            basis,
            supplier,
            cmd.amount,
            cmd.start_date,
            cmd.end_date,
            milestones_in(cmd.milestones),
            ctx.actor or "",
            cmd.purchaser,
            POLICY,
            warranty_end=cmd.warranty_end,
            scope=cmd.scope,
            on=on,
            basis_taken_by=uow.contracts.holding_basis(basis),
        )
        uow.contracts.add(contract)  # the database holds one basis, one contract against a racing draft too
        publish_events(uow, ctx, contract)
        result = view(contract)
        if key:
            uow.remember(DRAFT_SCOPE, key, request, result)
        uow.commit()
    return result


def submit_contract(cmd: commands.ContractId, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Send a draft (or a returned or withdrawn contract) into its signing route (drafter only). A withdrawn
    contract gave its basis back: submitted again it claims it anew, refused if another contract took it."""
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx, for_update=True)
        reclaims = c.status is Status.WITHDRAWN
        c.submit(ctx.actor, POLICY, uow.contracts.holding_basis(c.basis, exclude=c.id) if reclaims else None)
        uow.contracts.save(c, claims_basis=reclaims)
        publish_events(uow, ctx, c)
        uow.commit()
    return view(c)


def cancel_contract(cmd: commands.CancelContract, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """作废: the drafter gives up a contract never signed (draft, returned or withdrawn), with a reason; its basis
    (award or matter application) is free for another contract. `contract.cancelled` closes a returned route in
    approval. Asked again, it answers the cancelled contract and publishes nothing."""
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx, for_update=True)
        if c.cancel(ctx.actor, cmd.reason):
            uow.contracts.save(c)
            publish_events(uow, ctx, c)
            uow.commit()
    return view(c)


# ── signing ──
def sign_contract(
    cmd: commands.SignContract, uow: ContractUnitOfWork, ctx: CallContext, budget: Budget, procurement: Procurement
) -> dict[str, Any]:
    """Record the signing on `signed_on` (not before the award notice; only once approved; the supplier in good
    standing that day, asked of procurement's registry), committing the budget: the amount moves from the
    holder's pre-commitment to a commitment, any difference released."""
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        if c.status is Status.SIGNED and c.signed_on == cmd.signed_on:
            return {**view(c), "flags": uow.contracts.flags(c.id)}  # a retried signing: already done
    c.check_drafter(ctx.actor, "登记合同签订")
    if c.status is not Status.APPROVED:
        copy.deepcopy(c).sign(cmd.signed_on, POLICY, held=c.amount)  # not approved: refused, nothing asked
    supplier = supplier_on(procurement, c.supplier.id, cmd.signed_on)
    copy.deepcopy(c).sign(cmd.signed_on, POLICY, held=c.amount, supplier=supplier)  # refusals before money moves
    holder = c.basis.pre_commitment_holder
    committed = budget.commit(  # the holder's pre-commitment taken over, the rest released, in one move
        budget_line_id=c.basis.budget_line_id,
        amount=money_str(c.amount),
        document=c.document.as_dict(),
        step="sign",
        from_document=holder.as_dict(),
        unit=c.unit,
        release_rest=f"合同 {c.no} 已签订，释放预占差额",
    )
    released_total = sum((Decimal(x) for x in committed.get("released_rest", [])), Decimal("0.00"))
    with uow:
        c = uow.contracts.get(c.id, for_update=True)
        if c.status is not Status.SIGNED:
            _, flags = c.sign(cmd.signed_on, POLICY, held=c.amount + released_total, supplier=supplier)
            flagged = [{"rule": f.rule, "severity": f.severity, "message": f.message} for f in flags]
            uow.contracts.save(c, terms=False, flags=flagged)  # the row, its flags and figures: one write each
            publish_events(uow, ctx, c)
        else:  # signed meanwhile by a retry of this request: its flags as stored
            flagged = uow.contracts.flags(c.id)
        result = {**view(c), "flags": flagged}
        uow.commit()
    return result


# ── reading ──
def _readable_contract(
    contract_id: str, uow: ContractUnitOfWork, ctx: CallContext, *, for_update: bool = False
) -> Contract:
    """The contract, if the caller's data scope reads it; otherwise 404, as if it did not exist."""
    c = uow.contracts.get(contract_id, for_update=for_update) if is_document_id(contract_id) else None
    if c is None or c.org != ctx.org or not _readable(c, uow, ctx):
        raise not_found("contract", contract_id, "合同")
    return c


def _readable(c: Contract, uow: ContractUnitOfWork, ctx: CallContext) -> bool:
    return scope.visible(
        ctx.viewer,
        Area.CONTRACT,
        c.unit,
        initiator=c.drafter,
        on_desk=lambda: uow.desk.holds(ctx.viewer, DOCUMENT_TYPE, c.id),
    )


def contract_owner(uow: ContractUnitOfWork, ctx: CallContext, contract_id: str) -> Owner:
    """For attachments (合同文本、验收报告): the contract, if the caller reads it (else 404)."""
    c = _readable_contract(contract_id, uow, ctx)
    return Owner(DOCUMENT_TYPE, c.id, c.unit, c.no)


def matter_contract(cmd: commands.MatterContract, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The live direct contract a matter application carries, if any (asked by procurement before the matter
    application funds a procurement; its number only: the caller read the application itself from payment)."""
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查询事前申请的合同情况")
    with uow:
        holder = uow.contracts.direct_contract(cmd.matter_application_id)
    return {
        "matter_application_id": cmd.matter_application_id,
        "contract_no": holder.no if holder else None,
        "contract_status": holder.status.value if holder else None,
    }


def get_contract(cmd: commands.ContractId, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        return {**view(c), "flags": uow.contracts.flags(c.id)}


def list_contracts(cmd: commands.ListContracts, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Every contract the caller's data scope reads, newest first."""
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看合同")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, contracts = uow.contracts.page(
            org=ctx.org,
            scope=scope.scope_of(ctx.viewer, Area.CONTRACT),
            status=cmd.status,
            supplier_id=cmd.supplier_id,
            limit=limit,
            offset=offset,
        )
    return paged([view(c) for c in contracts], total, cmd.page, limit)


# ── heard from procurement and approval ──
def on_award_decided(event: Envelope, uow: ContractUnitOfWork) -> None:
    """Keep the award's facts: a contract is drafted against them without asking procurement."""
    uow.contracts.awards.add(event.org, event.payload)


def _contract_in(event: Envelope, uow: ContractUnitOfWork) -> tuple[Contract, str | None] | None:
    """The contract an approval event is about (locked), and the amendment id when it is about an amendment;
    None for other documents. A missing one raises, so the inbox retries and then parks the event."""
    document = DocumentRef(**event.payload["document"])
    if document.type == DOCUMENT_TYPE:
        contract_id, amendment_id = document.id, None
    elif document.type == amending.DOCUMENT_TYPE:
        contract_id, amendment_id = uow.contracts.contract_of_amendment(document.id), document.id
    else:
        return None
    c = uow.contracts.get(contract_id, for_update=True) if contract_id else None
    if c is None:
        raise LookupError(f"{document.type} {document.id} not found")
    return c, amendment_id


def on_approval_completed(event: Envelope, uow: ContractUnitOfWork) -> None:
    found = _contract_in(event, uow)
    if found is None:
        return
    c, amendment_id = found
    approved = event.payload["outcome"] == "approved"
    reason = event.payload.get("reason")
    if amendment_id:
        _decide_amendment(event, uow, c, amendment_id, approved, reason)
        return
    if c.status is not Status.SUBMITTED:
        return  # heard before
    c.approve() if approved else c.reject(reason or "审批未通过")
    uow.contracts.save(c)
    publish_events(uow, CallContext.from_envelope(event), c)


def on_approval_ended_without_decision(event: Envelope, uow: ContractUnitOfWork) -> None:
    """Returned (退回) or withdrawn (撤回): a contract waits for correction and resubmission; an amendment,
    which has no round of its own, ends as not approved so the next one can be proposed."""
    found = _contract_in(event, uow)
    if found is None:
        return
    c, amendment_id = found
    reason = event.payload.get("reason") or ("已退回" if event.type == "approval.returned" else "已撤回")
    if amendment_id:
        _decide_amendment(event, uow, c, amendment_id, False, reason)
        return
    if c.status is not Status.SUBMITTED:
        return
    c.return_(reason) if event.type == "approval.returned" else c.withdraw(reason)
    uow.contracts.save(c)


def _decide_amendment(
    event: Envelope, uow: ContractUnitOfWork, c: Contract, amendment_id: str, approved: bool, reason: str | None
) -> None:
    amendment = amending.decide(c, amendment_id, approved, today(), reason)
    if not c.events:
        return  # decided before (a redelivery)
    uow.contracts.save(c)
    uow.contracts.save_amendment_decision(amendment)
    publish_events(uow, CallContext.from_envelope(event), c, amendment)


def on_unit_registered(event: Envelope, uow: ContractUnitOfWork) -> None:
    """Unit names for the reports (names beside codes)."""
    unit = event.payload["unit"]
    uow.reports.upsert_unit(event.org, unit["code"], unit["name"], datetime.fromisoformat(event.occurred_at))


EVENT_HANDLERS = with_desk_handlers(
    {
        "procurement.award_decided": [on_award_decided],
        "org.unit_registered": [on_unit_registered],
        "approval.completed": [on_approval_completed],
        "approval.returned": [on_approval_ended_without_decision],
        "approval.withdrawn": [on_approval_ended_without_decision],
    },
    documents=DESK_DOCUMENTS,
)
