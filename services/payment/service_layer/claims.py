"""Expense claim (报销) use cases.

Submitting: the detail is checked first (standards through budget's `check_standard`, before anything is
stored); then one transaction stores the claim and uses its invoices (the registry's key refuses an invoice
used before, whatever the race); a claim on an application goes into approval in that same transaction (the
application's pre-commitment already covers it); a standalone claim is stored `reserving`, reserves its own
money on its line, then goes into approval (redriven after a crash, as applications are).

Approved: a claim on an application is settled on the budget by a timer (`settle_approved_claims`): it commits
its amount from the application's pre-commitment (`budget.commit` with `from_document`) and, in the same
move (`release_rest`), releases what the application still holds; idempotent on its step. The application is
then closed (结项). The line moves exactly: pre-committed −application, committed +claim, available +difference.
Rejected or cancelled: its invoices are released (they may be claimed again). Returned: it keeps them, and its
claimant corrects it and resubmits it as the next approval round, examined again (`resubmit_expense_claim`)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ic_platform import scope
from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.documents import derived_id, is_document_id
from ic_platform.domain_events import wire
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput, Unavailable, not_found
from ic_platform.money import LIMIT, money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.payment.domain import claims as rules
from services.payment.domain.claims import (
    DOCUMENT_TYPE,
    KIND_LABELS,
    STATUS_LABELS,
    ApplicationFacts,
    ClaimKind,
    ClaimPolicy,
    ClaimStatus,
    ExpenseClaim,
    Trip,
)
from services.payment.domain.invoices import Invoice
from services.payment.domain.model import MatterApplication
from services.payment.domain.model import Status as AppStatus
from services.payment.service_layer import claim_commands as commands
from services.payment.service_layer import heard
from services.payment.service_layer.invoices import parse_invoices
from services.payment.service_layer.standards import ExpenseSection, check_expense
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork

SUBMIT_SCOPE = "submit_expense_claim"
LOCAL = ZoneInfo("Asia/Shanghai")
POLICY = ClaimPolicy()
_ID_NAMESPACE = uuid.UUID("0b7c2f9e-5d41-4a8e-8c3b-2e6f1a9d7c54")
REDRIVE_AFTER = timedelta(seconds=30)
SETTLE_AFTER = timedelta(seconds=0)


class Road(Protocol):
    """Contract's `matter_contract` or procurement's `matter_funding`: what else took a matter application's money."""

    def matter_contract(self, **kwargs: Any) -> dict[str, Any]: ...
    def matter_funding(self, **kwargs: Any) -> dict[str, Any]: ...


def check_application_unused(application_id: str, contract: Road, procurement: Road) -> None:
    """One matter application's money goes by one road: a claim (事后报销) settles none that funds a live
    procurement application or carries a live direct contract; those are paid through their contract."""
    if not is_document_id(application_id):
        return  # unknown: refused as not found under the caller's scope, in the transaction
    funded = procurement.matter_funding(matter_application_id=application_id).get("procurement_application_no")
    contracted = contract.matter_contract(matter_application_id=application_id).get("contract_no")
    if funded or contracted:
        road = f"采购申请 {funded}" if funded else f"合同 {contracted}"
        raise Conflict(
            "expense_claim_application_used",
            f"已用于采购或订立合同的事前申请不得再报销：该事前申请已用于{road}，须经合同付款",
            {"rule": "expense_claim_application_used", "procurement_application_no": funded, "contract_no": contracted},
        )


class Budget(Protocol):
    def reserve(self, **kwargs: Any) -> dict[str, Any]: ...
    def commit(self, **kwargs: Any) -> dict[str, Any]: ...
    def release_document(self, **kwargs: Any) -> dict[str, Any]: ...
    def check_standard(self, **kwargs: Any) -> dict[str, Any]: ...


def view(claim: ExpenseClaim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "no": claim.no,
        "title": claim.title,
        "kind": claim.kind.value,
        "kind_label": KIND_LABELS[claim.kind],
        "unit": claim.unit,
        "claimant": claim.claimant,
        "budget_line_id": claim.budget_line_id,
        "amount": money_str(claim.amount),
        "application": (
            {"type": "matter_application", "id": claim.application_id, "no": claim.application_no}
            if claim.application_id
            else None
        ),
        "release_on_approval": money_str(claim.release_on_approval),
        "detail": claim.detail,
        "flags": claim.flags,
        "invoices": claim.invoices,
        "status": claim.status.value,
        "status_label": STATUS_LABELS[claim.status],
        "status_reason": claim.status_reason,
        "settled": claim.settled,
        "round": claim.round,
        "document": claim.document,
        "created_at": claim.created_at.isoformat() if claim.created_at else None,
    }


# ── the detail: totals and the standards ──
def _trips(detail: commands.TravelDetail) -> list[Trip]:
    trips = [Trip(**t.model_dump()) for t in detail.trips]
    for i, trip in enumerate(trips):
        rules.check_trip(trip, f"detail.trips.{i}")
    return trips


def _standard(budget: Budget, kind: str, on: date, details: dict[str, Any], where: str) -> dict[str, Any] | None:
    """A flag for an excess over a flag standard; refused (409) over a block standard."""
    answer = check_expense(
        ExpenseSection.parse({"kind": kind, "expense_date": on.isoformat(), "details": details}), budget
    )
    flag = rules.standard_flag(answer, where)
    return wire(flag) if flag else None


def examine(kind: ClaimKind, raw: dict[str, Any], budget: Budget) -> tuple[Any, Decimal, Decimal, list[dict]]:
    """(the parsed detail, total, the part to be invoiced, flags). Standards are budget's; refusals raise."""
    d = commands.parse_detail(kind, raw)
    flags: list[dict[str, Any] | None] = []
    if kind is ClaimKind.TRAVEL:
        trips = _trips(d)
        total, invoiced = (
            sum((t.amount for t in trips), Decimal("0.00")),
            sum((t.invoiced for t in trips), Decimal("0.00")),
        )
        for i, t in enumerate(trips):
            where = f"第 {i + 1} 段行程（{t.to_city}）"
            base = {"city_tier": t.city_tier, "city": t.to_city, "rank": d.rank, "persons": 1}
            if t.nights > 0:  # lodging by the night
                flags.append(
                    _standard(
                        budget,
                        "travel",
                        t.departed_on,
                        {**base, "days": t.nights, "lodging": str(t.lodging), "meals": "0", "transport": "0"},
                        where,
                    )
                )
            if t.meals > 0 or t.city_transport > 0:  # allowances by the day
                flags.append(
                    _standard(
                        budget,
                        "travel",
                        t.departed_on,
                        {
                            **base,
                            "days": t.days,
                            "lodging": "0",
                            "meals": str(t.meals),
                            "transport": str(t.city_transport),
                        },
                        where,
                    )
                )
        flags.extend(wire(f) for f in rules.transport_flags(trips, d.rank))
    elif kind in (ClaimKind.MEETING, ClaimKind.TRAINING):
        total = invoiced = d.amount
        details = {"category": d.category, "persons": d.persons, "days": d.days, "amount": str(d.amount)}
        flags.append(_standard(budget, kind.value, d.held_on, details, KIND_LABELS[kind]))
    elif kind is ClaimKind.RECEPTION:
        total = invoiced = d.amount
        details = {"guests": len(d.guests), "accompany": d.accompany, "meals": d.meals, "amount": str(d.amount)}
        flags.append(_standard(budget, "reception", d.held_on, details, "公务接待"))
    else:
        total = invoiced = sum((i.amount for i in d.items), Decimal("0.00"))
    if total >= LIMIT:  # what numeric(15,2) holds
        reason = "报销金额合计超出允许范围"
        raise InvalidInput(
            "invalid_input", f"输入有误：detail: {reason}", {"fields": [{"field": "detail", "reason": reason}]}
        )
    if total <= 0:
        raise InvalidInput(
            "invalid_input",
            "输入有误：detail: 报销金额合计必须大于零",
            {"fields": [{"field": "detail", "reason": "报销金额合计必须大于零"}]},
        )
    return d, total, invoiced, [f for f in flags if f]


# ── submitting ──
def submit_expense_claim(
    cmd: commands.SubmitExpenseClaim,
    uow: PaymentUnitOfWork,
    ctx: CallContext,
    budget: Budget,
    contract: Road,
    procurement: Road,
) -> dict[str, Any]:
    detail, total, invoiced, flags = examine(cmd.kind, cmd.detail, budget)
    if cmd.application_id:
        check_application_unused(cmd.application_id, contract, procurement)
    invoices = parse_invoices(list(cmd.invoices), today=datetime.now(LOCAL).date())
    rules.check_invoices_cover(invoiced, sum((i.amount for i in invoices), Decimal("0.00")))
    request = cmd.model_dump(mode="json")
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    claim_id = derived_id(_ID_NAMESPACE, key)
    with uow:
        if key and (stored := _claimed(uow, key, request, claim_id)) is not None:
            return stored
        claim = ExpenseClaim(
            id=claim_id,
            no="",
            org=ctx.org,
            unit=cmd.unit,
            claimant=ctx.actor or "",
            title=cmd.title,
            kind=cmd.kind,
            budget_line_id=cmd.budget_line_id or "",
            amount=total,
            detail=detail.model_dump(mode="json"),
            flags=flags,
            invoices=[i.ref for i in invoices],
        )
        if cmd.application_id:
            _on_application(uow, ctx, claim, cmd.application_id, cmd.budget_line_id)
        else:
            rules.check_standalone(total, POLICY)
            if not cmd.budget_line_id:
                reason = "无事前申请的报销须指定预算指标"
                raise InvalidInput(
                    "invalid_input",
                    f"输入有误：budget_line_id: {reason}",
                    {"fields": [{"field": "budget_line_id", "reason": reason}]},
                )
            claim.status = ClaimStatus.RESERVING
        claim.no = uow.claims.next_no(datetime.now(UTC).year)
        stored = uow.claims.add(claim)
        if stored is None:
            raise _already_claimed(claim)
        uow.invoices.use(invoices, stored.document, stored.unit)
        if stored.status is ClaimStatus.SUBMITTED:
            _publish_submitted(uow, ctx, stored)
            result = view(stored)
            if key:
                uow.remember(SUBMIT_SCOPE, key, request, result)
            uow.commit()
            return result
        uow.commit()
    return _reserve_and_submit(stored, uow, ctx, budget, remember=(key, request) if key else None)


def _on_application(
    uow: PaymentUnitOfWork, ctx: CallContext, claim: ExpenseClaim, application_id: str, line: str | None
) -> None:
    app = uow.applications.get(application_id, for_update=True) if is_document_id(application_id) else None
    if app is None or app.org != ctx.org:
        raise not_found("matter_application", application_id, "事前申请")
    claim.release_on_approval = _check_application(uow, app, claim.unit, claim.amount)
    if line and line != app.budget_line_id:
        reason = f"应为事前申请 {app.no} 的预算指标 {app.budget_line_id}"
        raise InvalidInput(
            "invalid_input",
            f"输入有误：budget_line_id: {reason}",
            {"fields": [{"field": "budget_line_id", "reason": reason}]},
        )
    claim.budget_line_id, claim.application_id, claim.application_no = app.budget_line_id, app.id, app.no


def _check_application(
    uow: PaymentUnitOfWork, app: MatterApplication, unit: str, amount: Decimal, claim_id: str | None = None
) -> Decimal:
    """The (locked) application may be claimed for `amount` by `unit`, by no live claim but `claim_id`'s;
    returns what approval will release of it."""
    facts = ApplicationFacts(
        id=app.id,
        no=app.no,
        unit=app.unit,
        budget_line_id=app.budget_line_id,
        amount=app.amount,
        approved=app.status is AppStatus.APPROVED,
        claimed_by=uow.claims.live_on(app.id, exclude=claim_id),
    )
    return rules.check_application(facts, unit, amount)


def _already_claimed(claim: ExpenseClaim) -> Conflict:
    return Conflict(
        "expense_claim_application_claimed",
        f"事前申请 {claim.application_no} 已有报销单，不能重复报销",
        {"application": claim.application_no},
    )


def _claimed(uow: PaymentUnitOfWork, key: str, request: dict[str, Any], claim_id: str) -> dict[str, Any] | None:
    try:
        return uow.claim(SUBMIT_SCOPE, key, request)
    except Conflict as busy:
        claim = uow.claims.get(claim_id) if busy.code == "idempotency_request_in_progress" else None
        if claim is None or claim.status is ClaimStatus.RESERVING:
            raise
        return view(claim)


def _reserve_and_submit(
    claim: ExpenseClaim,
    uow: PaymentUnitOfWork,
    ctx: CallContext,
    budget: Budget,
    remember: tuple[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A standalone claim reserves its own money (三公 caps and the line's control are budget's), then goes
    into approval; refused, its invoices are given back. A resubmitted one whose amount changed first gives back
    what it held for the old amount (each step idempotent, so a redrive repeats nothing)."""
    try:
        if claim.round > 1:
            reason = f"报销单 {claim.no} 修改金额后重新提交（第 {claim.round} 轮）"
            budget.release_document(document=claim.document, reason=reason, step=claim.release_step)
        decision = budget.reserve(
            budget_line_id=claim.budget_line_id,
            amount=money_str(claim.amount),
            document=claim.document,
            step=claim.reserve_step,
            unit=claim.unit,
        )
    except Unavailable:
        raise
    except DomainError as refusal:
        with uow:
            current = uow.claims.get(claim.id, for_update=True)
            if current.move_to(ClaimStatus.REFUSED, refusal.message):
                uow.claims.save_status(current)
                uow.invoices.release(current.document, f"报销单 {current.no} 预算不足未提交")
            if remember:
                uow.remember_refusal(SUBMIT_SCOPE, remember[0], remember[1], refusal)
            uow.commit()
        raise
    with uow:
        current = uow.claims.get(claim.id, for_update=True)
        if current.move_to(ClaimStatus.SUBMITTED):
            uow.claims.save_status(current)
            _publish_submitted(uow, ctx, current, decision.get("economic_class"))
        result = {**view(current), "funds": decision}
        if remember:
            uow.remember(SUBMIT_SCOPE, remember[0], remember[1], result)
        uow.commit()
    return result


def _claim_payload(claim: ExpenseClaim) -> dict[str, Any]:
    return {
        "claim_id": claim.id,
        "no": claim.no,
        "document": claim.document,
        "unit": claim.unit,
        "claimant": claim.claimant,
        "amount": money_str(claim.amount),
        "budget_line_id": claim.budget_line_id,
        "application_id": claim.application_id,
        "kind": claim.kind.value,
        "invoices": claim.invoices,
        "flags": claim.flags,
    }


def _publish_submitted(
    uow: PaymentUnitOfWork, ctx: CallContext, claim: ExpenseClaim, economic_class: str | None = None
) -> None:
    """Into approval: the first round (`_submitted`), or a corrected claim's next (`_resubmitted`)."""
    first = claim.round == 1
    uow.publish(
        ctx.event(
            "payment.expense_claim_submitted" if first else "payment.expense_claim_resubmitted",
            {
                **_claim_payload(claim),
                "applicant": claim.claimant,  # approval routes by the applicant
                "title": claim.title,
                **({"economic_class": economic_class} if economic_class and first else {}),
                **({} if first else {"round": claim.round}),
                **ctx.client(),
            },
            subject=claim.subject,
            actor=claim.claimant,
        )
    )


def redrive_reserving(uow: PaymentUnitOfWork, budget: Budget) -> int:
    with uow:
        stuck = uow.claims.claim_stuck(ClaimStatus.RESERVING.value, REDRIVE_AFTER)
        uow.commit()
    for claim_id in stuck:
        with uow:
            claim = uow.claims.get(claim_id)
        try:
            _reserve_and_submit(claim, uow, CallContext(org=claim.org, actor=claim.claimant), budget)
        except DomainError:
            pass  # recorded as refused
    return len(stuck)


# ── approval's answers ──
def on_approval_completed(event: Envelope, uow: PaymentUnitOfWork) -> None:
    claim = heard.document_in(event, DOCUMENT_TYPE, uow.claims.get)
    if claim is None:
        return
    approved = event.payload["outcome"] == "approved"
    reason = event.payload.get("reason")
    if not claim.move_to(ClaimStatus.APPROVED if approved else ClaimStatus.REJECTED, reason):
        return
    ctx = CallContext.from_envelope(event)
    if approved:
        claim.settled = claim.standalone  # a standalone claim holds its own (now approved) pre-commitment
        uow.claims.save_status(claim)
        uow.publish(
            ctx.event(
                "payment.expense_claim_approved",
                _claim_payload(claim),
                subject=claim.subject,
            )
        )
        return
    uow.claims.save_status(claim)
    uow.invoices.release(claim.document, f"报销单 {claim.no} 已驳回")
    uow.publish(
        ctx.event(
            "payment.expense_claim_rejected",
            {"document": claim.document, "unit": claim.unit, "reason": reason or "审批未通过"},
            subject=claim.subject,
        )
    )


def on_approval_returned(event: Envelope, uow: PaymentUnitOfWork) -> None:
    claim = heard.document_in(event, DOCUMENT_TYPE, uow.claims.get)
    if claim is not None and claim.status is ClaimStatus.SUBMITTED:
        claim.move_to(ClaimStatus.RETURNED, event.payload["reason"])
        uow.claims.save_status(claim)


def on_approval_withdrawn(event: Envelope, uow: PaymentUnitOfWork) -> None:
    claim = heard.document_in(event, DOCUMENT_TYPE, uow.claims.get)
    if claim is not None and claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.RETURNED):
        claim.move_to(ClaimStatus.WITHDRAWN, event.payload.get("reason") or "报销人已撤回")
        uow.claims.save_status(claim)


def settle_approved_claims(uow: PaymentUnitOfWork, budget: Budget) -> int:
    """An approved claim on an application takes its amount over from the application's pre-commitment and
    gives the rest back; the application is closed. Each budget call is idempotent on its step, so a pass
    interrupted anywhere is finished by the next."""
    with uow:
        due = uow.claims.claim_stuck(ClaimStatus.APPROVED.value, SETTLE_AFTER, unsettled=True)
        uow.commit()
    for claim_id in due:
        with uow:
            claim = uow.claims.get(claim_id)
            app = uow.applications.get(claim.application_id) if claim.application_id else None
        if app is None:
            continue
        reason = f"报销单 {claim.no} 已批准，事前申请结余释放"
        budget.commit(
            budget_line_id=claim.budget_line_id,
            amount=money_str(claim.amount),
            document=claim.document,
            step="approved",
            from_document=app.document,
            unit=claim.unit,
            release_rest=reason,  # the application's rest given back in the same move
        )
        with uow:
            current = uow.claims.get(claim_id, for_update=True)
            application = uow.applications.get(app.id, for_update=True)
            current.settled = True
            uow.claims.save_status(current)
            if application.status is AppStatus.APPROVED:
                application.move_to(AppStatus.CLOSED, f"已报销（{claim.no}）")
                uow.applications.save_status(application)
            uow.commit()
    return len(due)


# ── resubmitting (退回后修改重新提交) ──
def resubmit_expense_claim(
    cmd: commands.ResubmitExpenseClaim, uow: PaymentUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    """The claimant corrects a returned claim and sends it back as the next approval round. It is examined as
    on submission: the standards in force (a block standard refuses, a flag standard flags), the invoices
    covering what must be invoiced, its application (or the standalone limit). Its invoices stay its own (listed
    again they are not "used twice"; another document's are refused; those no longer listed are given back).
    A standalone claim whose amount changed reserves the new amount first, as a submission does."""
    with uow:
        claim = _readable(uow, ctx, cmd.claim_id)
    claim.check_resubmittable(ctx.actor)  # before the budget is asked anything
    correction, invoices = _corrected(claim, cmd, budget)
    with uow:
        current = _readable(uow, ctx, cmd.claim_id, for_update=True)
        if current.application_id:
            app = uow.applications.get(current.application_id, for_update=True)
            released = _check_application(uow, app, current.unit, correction.amount, claim_id=current.id)
            correction = replace(correction, release_on_approval=released)
        reserve = current.resubmit(ctx.actor, correction)
        uow.claims.save_resubmission(current)
        if invoices is not None:
            reason = f"报销单 {current.no} 第 {current.round} 轮重新提交时不再列出"
            uow.invoices.replace(invoices, current.document, current.unit, reason)
        if not reserve:
            _publish_submitted(uow, ctx, current)
        uow.commit()
    if reserve:
        return _reserve_and_submit(current, uow, ctx, budget)
    return view(current)


def _corrected(
    claim: ExpenseClaim, cmd: commands.ResubmitExpenseClaim, budget: Budget
) -> tuple[rules.Correction, list[Invoice] | None]:
    """The claim as corrected (what is left out stays), examined again; and the invoices listed anew, if any."""
    raw = cmd.detail if cmd.detail is not None else claim.detail
    detail, total, invoiced, flags = examine(claim.kind, raw, budget)
    invoices = None if cmd.invoices is None else parse_invoices(list(cmd.invoices), today=datetime.now(LOCAL).date())
    refs = [i.ref for i in invoices] if invoices is not None else claim.invoices
    rules.check_invoices_cover(invoiced, sum((Decimal(i["amount"]) for i in refs), Decimal("0.00")))
    if claim.standalone:
        rules.check_standalone(total, POLICY)
    title = cmd.title if cmd.title is not None else claim.title
    return rules.Correction(title, detail.model_dump(mode="json"), total, flags, refs), invoices


# ── cancelling (作废) ──
def cancel_expense_claim(
    cmd: commands.CancelExpenseClaim, uow: PaymentUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    """The claimant gives up a returned, withdrawn or refused claim: its invoices are released, and what a
    standalone one still holds on the budget is released first (returned: its reservation; withdrawn: what the
    budget's release on withdrawal left, if a resubmission had reserved more than the first round)."""
    with uow:
        claim = _readable(uow, ctx, cmd.claim_id)
        holds = claim.standalone and claim.status in (ClaimStatus.RETURNED, ClaimStatus.WITHDRAWN)
        claim.cancel(ctx.actor, cmd.reason)  # checked before the budget is asked
    if holds:
        budget.release_document(document=claim.document, reason=f"报销单 {claim.no} 作废：{cmd.reason}", step="cancel")
    with uow:
        current = _readable(uow, ctx, cmd.claim_id, for_update=True)
        if current.status is not ClaimStatus.CANCELLED:
            current.cancel(ctx.actor, cmd.reason)
            uow.claims.save_status(current)
            uow.invoices.release(current.document, f"报销单 {current.no} 已作废")
            uow.publish(
                ctx.event(
                    "payment.expense_claim_cancelled",
                    {"document": current.document, "unit": current.unit, "reason": cmd.reason, "by": ctx.actor},
                    subject=current.subject,
                )
            )
        uow.commit()
    return view(current)


# ── reading ──
def _visible(claim: ExpenseClaim, uow: PaymentUnitOfWork, ctx: CallContext) -> bool:
    return claim.org == ctx.org and scope.visible(
        ctx.viewer,
        Area.PAYMENT,
        claim.unit,
        initiator=claim.claimant,
        on_desk=lambda: uow.desk.holds(ctx.viewer, DOCUMENT_TYPE, claim.id),
    )


def _readable(uow: PaymentUnitOfWork, ctx: CallContext, claim_id: str, for_update: bool = False) -> ExpenseClaim:
    claim = uow.claims.get(claim_id, for_update=for_update) if is_document_id(claim_id) else None
    if claim is None or not _visible(claim, uow, ctx):
        raise not_found("expense_claim", claim_id, "报销单")
    return claim


def get_expense_claim(cmd: commands.ClaimId, uow: PaymentUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        claim = _readable(uow, ctx, cmd.claim_id)
        held = uow.invoices.of_document(claim.document)
    return {**view(claim), "invoices_held": held}


def list_expense_claims(cmd: commands.ListExpenseClaims, uow: PaymentUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看报销单")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, items = uow.claims.page(
            org=ctx.org,
            claimant=ctx.actor if cmd.mine else None,
            scope=scope.scope_of(ctx.viewer, Area.PAYMENT),
            status=cmd.status,
            kind=cmd.kind,
            limit=limit,
            offset=offset,
        )
    return paged([view(c) for c in items], total, cmd.page, limit)


def claim_owner(uow: PaymentUnitOfWork, ctx: CallContext, claim_id: str) -> Owner:
    """For attachments: the claim, if the caller reads it (else 404)."""
    claim = _readable(uow, ctx, claim_id)
    return Owner(DOCUMENT_TYPE, claim.id, claim.unit, claim.no)


EVENT_HANDLERS = {
    "approval.completed": [on_approval_completed],
    "approval.returned": [on_approval_returned],
    "approval.withdrawn": [on_approval_withdrawn],
}
