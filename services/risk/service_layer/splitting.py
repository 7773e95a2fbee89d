"""Splitting and thresholds as use cases (domain/splitting.py): each spending document heard is a part of
its scopes; a part is judged on its window's day buckets, and completes the later windows when heard late.
Per event: a few buckets (at most one per day of the window) and the evidence's parts, never the history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.domain.rules import Rule
from services.risk.domain.splitting import (
    EVIDENCE_PARTS,
    Bucket,
    NeedMethod,
    Part,
    Scope,
    SplitPolicy,
    completed_by,
    completes,
    just_below_approval,
    matter_scopes,
    method_downgrade,
    payment_scopes,
    procurement_scopes,
    split_warning,
    weaker,
    window_of,
)
from services.risk.service_layer import rule_book
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings import _document, _raise

MATTER_SUBMITTED = ("payment.matter_application_submitted", "payment.matter_application_resubmitted")
PROCUREMENT_SUBMITTED = ("procurement.application_submitted", "procurement.application_resubmitted")
PAYMENT_REQUESTED = ("payment.payment_requested",)
# Documents that will never spend: they leave every scope they counted in (a warning already raised stays).
WITHDRAWN = (
    "payment.matter_application_rejected",
    "payment.application_cancelled",
    "procurement.application_rejected",
    "procurement.application_cancelled",
)


def _part(event: Envelope, amount: Any = None) -> Part:
    p = event.payload
    return Part(
        _document(p["document"]),
        p["unit"],
        parse_money(p["amount"] if amount is None else amount),
        datetime.fromisoformat(event.occurred_at),
        p.get("title", ""),
        p.get("budget_line_id") or (p.get("funding") or {}).get("budget_line_id"),
    )


def judge_parts(event: Envelope, uow: RiskUnitOfWork, part: Part, scopes: list[Scope]) -> None:
    """Each scope in turn; a part warned in one scope is not warned by the next (one split, one warning). The
    part enters every scope, and every scope's window is read, before any is judged: two statements for all
    the scopes (the judgement of one scope writes nothing another reads)."""
    if not scopes:
        return
    policies = [SplitPolicy.of(where.rule, _in_force(uow, event, where.rule)) for where in scopes]
    entered = uow.splits.enter(
        event.org, part, [(where.key, policy.band) for where, policy in zip(scopes, policies, strict=True)]
    )
    reads = []
    for where, policy, (stored, banded) in zip(scopes, policies, entered, strict=True):
        # A band not yet counted is counted now from the parts: this one is in it.
        existed = banded or uow.splits.counted(event.org, part.unit, where.key, policy)
        last = part.day + timedelta(days=policy.window_days - 1)
        reads.append((where.key, policy, last, existed and stored and policy.counts(part.amount)))
    windows = uow.splits.windows(event.org, part, reads)
    warned, completed = False, set()
    for where, policy, (buckets, later) in zip(scopes, policies, windows, strict=True):
        key = (event.org, part.unit, where.key)
        # Parts of its own day submitted after it (heard before it: it is late) are not in its window.
        if not warned:
            warned = _warn(event, uow, key, where, policy, part, _less(window_of(buckets, part.day, policy), later))
        if not policy.counts(part.amount):
            continue
        late_days = completed_by(part, buckets, policy)
        if later.count and completes(window_of(buckets, part.day, policy), part, policy):
            late_days.insert(0, part.day)  # the day's latest part, after this one, reaches it only with it
        for day in late_days:
            latest = uow.splits.latest_on(*key, policy, day)
            if latest is None or latest.document.id in completed or latest.document.same_document(part.document):
                continue
            if _warn(event, uow, key, where, policy, latest, window_of(buckets, day, policy), part):
                completed.add(latest.document.id)


def _less(window: Bucket, later: Bucket) -> Bucket:
    return Bucket(window.total - later.total, window.count - later.count)


def _warn(event, uow, key, where, policy, part, window, late=None) -> bool:  # noqa: ANN001
    if not policy.counts(part.amount) or not policy.meets(window.total, window.count):
        return False
    first = policy.first_day(part.day)
    others = uow.splits.latest_parts(*key, policy, first, part, EVIDENCE_PARTS)
    _raise(uow, event, split_warning(part, where, policy, window, others, late))
    return True


def on_matter_submitted(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    judge_parts(event, uow, _part(event), matter_scopes(p["budget_line_id"], p.get("economic_class")))


def on_procurement_submitted(event: Envelope, uow: RiskUnitOfWork) -> None:
    judge_parts(event, uow, _part(event), procurement_scopes(event.payload.get("category")))


def on_payment_requested(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Payments not against a contract, by supplier (a contract's milestones are many payments by design)."""
    p = event.payload
    if p.get("contract_id") or not p.get("supplier_id"):
        return
    doc = {"type": "payment_request", "id": p["payment_id"], "no": p.get("no")}
    part = Part(
        _document(p.get("document") or doc),
        p["unit"],
        parse_money(p["amount"]),
        datetime.fromisoformat(event.occurred_at),
        p.get("title", ""),
        p.get("budget_line_id"),
    )
    judge_parts(event, uow, part, payment_scopes(str(p["supplier_id"])))


def on_withdrawn(event: Envelope, uow: RiskUnitOfWork) -> None:
    document = event.payload["document"]
    uow.splits.drop(document["type"], document["id"])


def on_approval_completed(event: Envelope, uow: RiskUnitOfWork) -> None:
    """A document rejected in approval, whatever its kind, no longer adds up to a split."""
    if event.payload.get("outcome") == "rejected":
        on_withdrawn(event, uow)


def on_just_below_approval(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    values = _in_force(uow, event, Rule.JUST_BELOW_APPROVAL_THRESHOLD)
    draft = just_below_approval(
        _document(p["document"]),
        parse_money(p["amount"]),
        parse_money(values["approval_threshold"]),
        parse_money(values["margin_percent"]),
    )
    _raise(uow, event, draft)


def need_of(payload: dict[str, Any]) -> str:
    """A procurement's need: the matter application funding it, else the procurement application itself."""
    matter = (payload.get("funding") or {}).get("matter_application")
    if matter:
        return f"matter_application:{matter['id']}"
    return f"procurement_application:{payload['document']['id']}"


def on_procurement_method(event: Envelope, uow: RiskUnitOfWork) -> None:
    """A new or resubmitted procurement application: judged against the strongest method of its need, which
    it then raises if stronger."""
    p = event.payload
    if not p.get("method"):
        return
    document, need = _document(p["document"]), need_of(p)
    earlier = uow.splits.strongest(event.org, need)
    if earlier is not None:
        _raise(uow, event, method_downgrade(document, p["method"], earlier))
    if earlier is None or weaker(earlier.method, p["method"]):
        uow.splits.keep_strongest(event.org, NeedMethod(need, p["method"], document))


def on_method_change_requested(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    draft = method_downgrade(
        _document(p["document"]),
        p["requested"],
        None,
        tender_failed=bool(p.get("tender_failed")),
        requested_from=p["current"],
    )
    _raise(uow, event, draft)


def _in_force(uow: RiskUnitOfWork, event: Envelope, rule: Rule) -> dict[str, Any]:
    return rule_book.parameters_in_force(uow, event.org, rule, datetime.fromisoformat(event.occurred_at))


# Judged on the submission itself, so part of its assessment (the approver sees them before deciding).
SUBMISSION_RULES = {
    **{
        t: [
            (Rule.SPLIT_PURCHASE, on_matter_submitted),
            (Rule.JUST_BELOW_APPROVAL_THRESHOLD, on_just_below_approval),
        ]
        for t in MATTER_SUBMITTED
    },
    **{
        t: [(Rule.SPLIT_PURCHASE, on_procurement_submitted), (Rule.METHOD_DOWNGRADE, on_procurement_method)]
        for t in PROCUREMENT_SUBMITTED
    },
    "procurement.method_change_requested": [(Rule.METHOD_DOWNGRADE, on_method_change_requested)],
    **{t: [(Rule.SPLIT_SMALL_PARTS, on_payment_requested)] for t in PAYMENT_REQUESTED},
}

EVENT_HANDLERS = {
    **{t: [on_withdrawn] for t in WITHDRAWN},
    "approval.completed": [on_approval_completed],
}
