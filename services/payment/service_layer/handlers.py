"""Matter application use cases.

Submitting crosses two databases (ours and the budget's), so it is done in three steps that are each safe to
repeat: store the application as `reserving`; ask the budget service to pre-commit (idempotent on the document);
mark it `submitted` and publish. A crash between the steps leaves a `reserving` row that `redrive_reserving`
finishes later, so a pre-commitment never outlives its document unnoticed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from ic_platform import scope
from ic_platform.attachments import Owner
from ic_platform.context import CallContext
from ic_platform.desk import with_desk_handlers
from ic_platform.documents import derived_id, is_document_id
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, DomainError, Forbidden, Unavailable, not_found
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.scope import Area
from services.payment.domain.model import DOCUMENT_TYPE, STATUS_LABELS, MatterApplication, Status
from services.payment.service_layer import claims, commands, heard, payments, standards
from services.payment.service_layer.unit_of_work import DESK_DOCUMENTS, PaymentUnitOfWork

SUBMIT_SCOPE = "submit_matter_application"
# Ids derived from (applicant, idempotency key): a retried request finds the document it created before.
_ID_NAMESPACE = uuid.UUID("6f0e3a52-3c1b-4d8e-9b0a-7d1f2c4e5a60")
REDRIVE_AFTER = timedelta(seconds=30)


class Budget(Protocol):
    def reserve(self, **kwargs: Any) -> dict[str, Any]: ...


def view(app: MatterApplication) -> dict[str, Any]:
    return {
        "id": app.id,
        "no": app.no,
        "title": app.title,
        "purpose": app.purpose,
        "unit": app.unit,
        "applicant": app.applicant,
        "budget_line_id": app.budget_line_id,
        "amount": money_str(app.amount),
        "major_matter": app.major_matter,
        "status": app.status.value,
        "status_label": STATUS_LABELS[app.status],
        "status_reason": app.status_reason,
        "override_id": app.override_id,
        "document": app.document,
        "created_at": app.created_at.isoformat() if app.created_at else None,
    }


def submit_matter_application(
    cmd: commands.SubmitMatterApplication, uow: PaymentUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    # Without an expense section the request reads as it did before sections existed (same idempotency hash).
    request = cmd.model_dump(mode="json", exclude={"expense"} if cmd.expense is None else None)
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    app_id = derived_id(_ID_NAMESPACE, key)
    checked = standards.check_expense(cmd.expense, budget)  # over a block standard: refused, nothing stored
    with uow:
        # The key is claimed with the stored application, in one transaction: a concurrent request with the
        # same key waits for it and then gets a conflict (or, once answered, the same answer), never a second
        # application or another body's answer.
        if key and (stored := _claimed(uow, key, request, app_id)) is not None:
            return stored
        app = uow.applications.add(
            MatterApplication(
                id=app_id,
                no="",  # drawn by the statement that stores it
                org=ctx.org,
                title=cmd.title,
                purpose=cmd.purpose,
                unit=cmd.unit,
                applicant=ctx.actor,
                budget_line_id=cmd.budget_line_id,
                amount=cmd.amount,
                major_matter=cmd.major_matter,
            ),
            numbered_in=datetime.now(UTC).year,
        )
        standards.publish_if_exceeded(uow, ctx, app, checked)
        uow.commit()
    return _reserve_and_submit(app, uow, ctx, budget, remember=(key, request) if key else None)


def _reserve_and_submit(
    app: MatterApplication,
    uow: PaymentUnitOfWork,
    ctx: CallContext,
    budget: Budget,
    remember: tuple[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    try:
        decision = budget.reserve(
            budget_line_id=app.budget_line_id,
            amount=money_str(app.amount),
            document=app.document,
            step=app.reserve_step,
            unit=app.unit,
            **({"override_id": app.override_id} if app.override_id else {}),
        )
    except Unavailable:
        raise  # the budget could not answer (its database is down): not a refusal; the retry or redrive finishes
    except DomainError as refusal:
        with uow:
            current = uow.applications.get(app.id, for_update=True)
            current.move_to(Status.REFUSED, refusal.message)
            uow.applications.save_status(current)
            if remember:  # the same key gets the same refusal
                uow.remember_refusal(SUBMIT_SCOPE, remember[0], remember[1], refusal)
            uow.commit()
        raise
    with uow:
        current = uow.applications.get(app.id, for_update=True)
        if current.move_to(Status.SUBMITTED):
            # Into approval: a first round, or a new round of the route it already has (withdrawn earlier).
            first, current.routed = not current.routed, True
            uow.applications.save_status(current, routed=True)
            event = "payment.matter_application_submitted" if first else "payment.matter_application_resubmitted"
            economic_class = decision.get("economic_class") if first else None
            uow.publish(
                ctx.event(
                    event,
                    {
                        **_approval_request(current),
                        **({"economic_class": economic_class} if economic_class else {}),
                        **ctx.client(),
                    },
                    subject=current.subject,
                    actor=current.applicant,
                )
            )
        result = {**view(current), "funds": decision}
        # The answer is remembered in the same transaction, so a retry with the key gets exactly this answer.
        if remember:
            uow.remember(SUBMIT_SCOPE, remember[0], remember[1], result)
        uow.commit()
    return result


def _claimed(uow: PaymentUnitOfWork, key: str, request: dict[str, Any], app_id: str) -> dict[str, Any] | None:
    """The stored answer for the key, or None once the key is claimed for this request. A claim whose answer
    never came (the process stopped after storing the application) is answered by the application itself
    once the redrive has finished it."""
    try:
        return uow.claim(SUBMIT_SCOPE, key, request)
    except Conflict as busy:
        app = uow.applications.get(app_id) if busy.code == "idempotency_request_in_progress" else None
        if app is None or app.status is Status.RESERVING:
            raise
        if app.status is Status.REFUSED:
            # The redrive finished it as refused: the retry is refused too, never answered as if it were stored.
            raise Conflict(
                "matter_application_refused",
                f"事前申请 {app.no} 未能提交：{app.status_reason or '预算服务拒绝了预占'}",
                {"application_id": app.id, "status": app.status.value},
            ) from busy
        return view(app)


def redrive_reserving(uow: PaymentUnitOfWork, ctx: CallContext, budget: Budget) -> int:
    """Finish submissions interrupted between our commit and the budget's answer."""
    with uow:
        stuck = uow.applications.claim_stuck_reserving(REDRIVE_AFTER)  # replicas never redrive the same one
        uow.commit()
    for app_id in stuck:
        with uow:
            app = uow.applications.get(app_id)
        try:
            _reserve_and_submit(app, uow, CallContext(org=app.org, actor=app.applicant), budget)
        except DomainError:
            pass  # recorded as refused
    return len(stuck)


def get_matter_application(app_id: str, uow: PaymentUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """One application, if the caller's data scope reads it; otherwise 404, as if it did not exist."""
    with uow:
        app = uow.applications.get(app_id) if is_document_id(app_id) else None
        readable = app is not None and app.org == ctx.org and _readable(app, uow, ctx)
        claimed_by = uow.claims.live_on(app.id) if readable else None
    if not readable:
        raise not_found("matter_application", app_id, "事前申请")
    # Asked by contract and procurement: an application a live claim settles funds no contract nor procurement.
    return {**view(app), "expense_claim_no": claimed_by}


def _readable(app: MatterApplication, uow: PaymentUnitOfWork, ctx: CallContext) -> bool:
    return scope.visible(
        ctx.viewer,
        Area.PAYMENT,
        app.unit,
        initiator=app.applicant,
        on_desk=lambda: uow.desk.holds(ctx.viewer, DOCUMENT_TYPE, app.id),
    )


def list_matter_applications(
    cmd: commands.ListMatterApplications, uow: PaymentUnitOfWork, ctx: CallContext
) -> dict[str, Any]:
    """The caller's own applications (`mine`), or every application their data scope reads, newest first."""
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看事前申请")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, apps = uow.applications.page(
            org=ctx.org,
            applicant=ctx.actor if cmd.mine else None,
            scope=scope.scope_of(ctx.viewer, Area.PAYMENT),
            status=cmd.status,
            limit=limit,
            offset=offset,
        )
    return paged([view(a) for a in apps], total, cmd.page, limit)


def on_approval_completed(event: Envelope, uow: PaymentUnitOfWork) -> None:
    app = heard.document_in(event, DOCUMENT_TYPE, uow.applications.get)
    if app is None:
        return
    approved = event.payload["outcome"] == "approved"
    reason = event.payload.get("reason")
    if app.move_to(Status.APPROVED if approved else Status.REJECTED, reason):
        uow.applications.save_status(app)
        ctx = CallContext.from_envelope(event)
        if approved:
            uow.publish(
                ctx.event(
                    "payment.matter_application_approved",
                    {"document": app.document},
                    subject=app.subject,
                )
            )
        else:
            uow.publish(
                ctx.event(
                    "payment.matter_application_rejected",
                    {"document": app.document, "reason": reason or "审批未通过"},
                    subject=app.subject,
                )
            )


def on_approval_returned(event: Envelope, uow: PaymentUnitOfWork) -> None:
    """An approver sent the application back: the applicant sees it as returned, with the reason. The budget
    pre-commitment stays reserved while it is being corrected (nothing is released)."""
    app = heard.document_in(event, DOCUMENT_TYPE, uow.applications.get)
    if app is None:
        return
    if app.status is not Status.SUBMITTED:
        return  # heard before (already returned, or resubmitted since)
    app.move_to(Status.RETURNED, event.payload["reason"])
    uow.applications.save_status(app)


def on_approval_withdrawn(event: Envelope, uow: PaymentUnitOfWork) -> None:
    """The applicant withdrew the application from approval (撤回), in approval or returned to them. The
    budget service hears the same event and releases this round's pre-commitment (services/budget
    service_layer/handlers.on_approval_withdrawn); a resubmission reserves again."""
    app = heard.document_in(event, DOCUMENT_TYPE, uow.applications.get)
    if app is None:
        return
    if app.status not in (Status.SUBMITTED, Status.RETURNED):
        return  # heard before (already withdrawn, or resubmitted since)
    app.move_to(Status.WITHDRAWN, event.payload.get("reason") or "申请人已撤回")
    uow.applications.save_status(app)


def resubmit_matter_application(
    cmd: commands.ResubmitMatterApplication, uow: PaymentUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    """The applicant sends a returned, withdrawn or refused application back (title, purpose may change; amount
    and budget line may not). A returned one still holds its pre-commitment and starts a new approval round at
    once; a withdrawn or refused one holds nothing, so the budget is asked again first (with the approved
    over-budget override the caller names, if any) and a refusal leaves it refused, as a first submission."""
    with uow:
        app = _own(uow, ctx, cmd.application_id, for_update=True)
        reserve = app.resubmit(ctx.actor, title=cmd.title, purpose=cmd.purpose, override_id=cmd.override_id)
        uow.applications.save_resubmission(app)
        if not reserve:
            uow.publish(
                ctx.event(
                    "payment.matter_application_resubmitted",
                    {**_approval_request(app), **ctx.client()},
                    subject=app.subject,
                    actor=app.applicant,
                )
            )
        uow.commit()
    if reserve:
        return _reserve_and_submit(app, uow, ctx, budget)
    return view(app)


def cancel_matter_application(
    cmd: commands.EndMatterApplication, uow: PaymentUnitOfWork, ctx: CallContext
) -> dict[str, Any]:
    """作废: the applicant gives up a withdrawn, returned or refused application. The budget hears
    `payment.application_cancelled` and releases whatever the application still holds."""
    with uow:
        app = _own(uow, ctx, cmd.application_id, for_update=True)
        app.cancel(ctx.actor, cmd.reason)
        _publish_end(uow, ctx, app, "payment.application_cancelled", cmd.reason)
        uow.commit()
    return view(app)


def close_matter_application(
    cmd: commands.EndMatterApplication, uow: PaymentUnitOfWork, ctx: CallContext
) -> dict[str, Any]:
    """结项: the applicant (or finance) closes an approved matter; the budget hears
    `payment.application_closed` and releases the unspent remainder of its pre-commitment."""
    with uow:
        app = _own(uow, ctx, cmd.application_id, for_update=True)
        roles = frozenset(ctx.viewer.roles) if ctx.viewer is not None else frozenset()
        if (claim_no := uow.claims.live_on(app.id)) is not None:
            # Its claim settles it (commit from it, release the rest, then 结项): closing first would release
            # the money the claim is about to take over.
            raise Conflict(
                "matter_application_claim_in_progress",
                f"事前申请 {app.no} 有报销单 {claim_no} 正在办理，报销批准后自动结项；如需结项请先处理该报销单",
                {"claim": claim_no},
            )
        app.close(ctx.actor, roles, cmd.reason)
        _publish_end(uow, ctx, app, "payment.application_closed", cmd.reason)
        uow.commit()
    return view(app)


def _publish_end(uow: PaymentUnitOfWork, ctx: CallContext, app: MatterApplication, event: str, reason: str) -> None:
    uow.applications.save_status(app)
    uow.publish(
        ctx.event(
            event,
            {
                "document": app.document,
                "unit": app.unit,
                "budget_line_id": app.budget_line_id,
                "amount": money_str(app.amount),
                "reason": reason,
                "by": ctx.actor,
            },
            subject=app.subject,
        )
    )


def _own(uow: PaymentUnitOfWork, ctx: CallContext, application_id: str, for_update: bool) -> MatterApplication:
    """An application the caller's data scope reads (else 404, as if it did not exist), locked for a change."""
    app = uow.applications.get(application_id, for_update=for_update) if is_document_id(application_id) else None
    if app is None or app.org != ctx.org or not _readable(app, uow, ctx):
        raise not_found("matter_application", application_id, "事前申请")
    return app


def _approval_request(app: MatterApplication) -> dict[str, Any]:
    """What approval routes by, as the submitted and resubmitted events carry it."""
    return {
        "document": app.document,
        "unit": app.unit,
        "applicant": app.applicant,
        "budget_line_id": app.budget_line_id,
        "amount": money_str(app.amount),
        "title": app.title,
        "purpose": app.purpose,
        "major_matter": app.major_matter,
    }


def application_owner(uow: PaymentUnitOfWork, ctx: CallContext, application_id: str) -> Owner:
    """For attachments: the application, if the caller reads it (else 404)."""
    app = _own(uow, ctx, application_id, for_update=False)
    return Owner(DOCUMENT_TYPE, app.id, app.unit, app.no)


EVENT_HANDLERS = with_desk_handlers(
    {
        "approval.completed": [on_approval_completed, claims.on_approval_completed, payments.on_approval_completed],
        "approval.returned": [
            on_approval_returned,
            claims.on_approval_returned,
            payments.on_approval_ended_without_decision,
        ],
        "approval.withdrawn": [
            on_approval_withdrawn,
            claims.on_approval_withdrawn,
            payments.on_approval_ended_without_decision,
        ],
        "approval.step_decided": [payments.on_step_decided],
    },
    documents=DESK_DOCUMENTS,
)
