"""Risk warnings as use cases: the events the rules listen to, raising a warning once per (document, rule) and
publishing `risk.warning_raised`, and answering `warnings_for`.

Each handler runs in the inbox's transaction for its event (beside the dossier filing, which is another
handler of the same event)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ic_platform import metrics
from ic_platform.context import CallContext
from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.domain.errors import dossier_not_found
from services.risk.domain.rules import (
    EVIDENCE_PARTS,
    FLAG_RULES,
    RULE_LABELS,
    SEVERITY_LABELS,
    Crossing,
    PartsInWindow,
    Rule,
    Severity,
    Spend,
    SplitPolicy,
    SplitTally,
    WarningDraft,
    budget_nearly_exhausted,
    flagged,
    split_purchase_of,
)
from services.risk.service_layer import commands, rule_book
from services.risk.service_layer.handlers import readable_document
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

PRODUCER = "risk"
# Spending documents entering approval: what the split-purchase rule looks back on.
SPEND_SUBMITTED = ("payment.matter_application_submitted",)
# Spending documents that will never spend: they no longer add up to a split.
SPEND_WITHDRAWN = ("payment.matter_application_rejected", "payment.application_cancelled")
# Budget moves that name the document which consumed money (and so may have crossed a warning line).
BUDGET_MOVES = ("budget.pre_committed", "budget.committed", "budget.actualized")


def on_spend_submitted(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Judge a spend against the split rule from the unit's running tally on the line (domain SplitTally):
    a few rows read however long the line's history."""
    p = event.payload
    spend = Spend(
        _document(p["document"]),
        p["unit"],
        p["budget_line_id"],
        parse_money(p["amount"]),
        datetime.fromisoformat(event.occurred_at),
        p.get("title", ""),
    )
    policy = _split_policy(uow, event.org, spend.at)
    key = (event.org, spend.unit, spend.budget_line_id)
    tally = uow.warnings.lock_tally(*key)
    tally = _moved_on(uow, key, tally, spend.at - policy.window, policy)
    if uow.warnings.add_spend(event.org, spend) and tally.counts(spend, policy):
        tally = tally.plus(spend)
    uow.warnings.save_tally(*key, tally)
    _raise(uow, event, split_purchase_of(spend, _others(uow, key, tally, spend, policy), policy))


def _moved_on(
    uow: RiskUnitOfWork, key: tuple[str, str, str], tally: SplitTally, start: datetime, policy: SplitPolicy
) -> SplitTally:
    """The tally with its window starting at `start` (if that is later): parts before it leave the tally. A
    tally never counted, or counted under another policy, is counted afresh from the stored spends (once)."""
    if tally.since is None or tally.policy != policy.key:
        total, count, oldest, newest = uow.warnings.parts_between(*key, policy, start, None)
        return SplitTally(start, total, count, oldest, newest, policy.key)
    if start <= tally.since:
        return tally
    if not tally.expires_before(start):
        return replace(tally, since=start)
    gone_total, gone_count, oldest = uow.warnings.expire(*key, policy, tally.since, start)
    return tally.moved_to(start, gone_total, gone_count, oldest)


def _others(
    uow: RiskUnitOfWork, key: tuple[str, str, str], tally: SplitTally, spend: Spend, policy: SplitPolicy
) -> PartsInWindow:
    """The other parts in the spend's own window [at - window, at]. The tally holds the parts from the newest
    window's start on, so for the newest spend it is the answer. For a spend heard late the difference is
    read: the parts between its window's start and the tally's, less those after it; for one older than the
    tally's whole span, its window directly. The spend itself is stored by now: as a part it is in that sum
    once, and is left out of "the others"."""
    start = spend.at - policy.window
    if spend.at < tally.since:
        total, count, _, _ = uow.warnings.parts_between(*key, policy, start, spend.at + timedelta(microseconds=1))
    else:
        total, count = tally.total, tally.count
        if start < tally.since:
            earlier = uow.warnings.parts_between(*key, policy, start, tally.since)
            total, count = total + earlier[0], count + earlier[1]
        if tally.newest is not None and tally.newest > spend.at:
            later = uow.warnings.parts_after(*key, policy, spend.at)
            total, count = total - later[0], count - later[1]
    if policy.is_part(spend):
        total, count = total - spend.amount, count - 1
    if not policy.is_part(spend) or count == 0 or total + spend.amount < policy.threshold:
        return PartsInWindow(total, count)  # no warning: the evidence is not needed
    listed = uow.warnings.latest_parts(*key, policy, start, spend.at, spend.document, EVIDENCE_PARTS)
    return PartsInWindow(total, count, tuple(listed))


def on_spend_withdrawn(event: Envelope, uow: RiskUnitOfWork) -> None:
    """A rejected or cancelled (作废) application leaves the split rule's history (and its tally); a warning it
    already took part in stays."""
    document = event.payload["document"]
    dropped = uow.warnings.drop_spend(document["type"], document["id"])
    if dropped is None:
        return
    org, spend = dropped
    key = (org, spend.unit, spend.budget_line_id)
    tally = uow.warnings.lock_tally(*key)
    policy = _split_policy(uow, org, spend.at)
    if tally.policy == policy.key and tally.counts(spend, policy):
        uow.warnings.save_tally(*key, tally.minus(spend))


def on_budget_move(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    document = _document(p["document"])
    uow.warnings.lock_story(event.correlation_id)
    uow.warnings.add_signal(event.event_id, event.org, event.correlation_id, "move", p["budget_line_id"], p, document)
    level = _nearly_exhausted_level(uow, event)
    for row in uow.warnings.signals(event.correlation_id, p["budget_line_id"], "crossing"):
        _raise(uow, event, budget_nearly_exhausted(_crossing(row.payload), document, level))


def on_threshold_crossed(event: Envelope, uow: RiskUnitOfWork) -> None:
    """The crossing names only its line; the move of the same story on that line names the document. Both are
    kept, so whichever is heard second raises the warning (the story lock orders the two)."""
    p = event.payload
    uow.warnings.lock_story(event.correlation_id)
    uow.warnings.add_signal(event.event_id, event.org, event.correlation_id, "crossing", p["budget_line_id"], p)
    crossing, level = _crossing(p), _nearly_exhausted_level(uow, event)
    for row in uow.warnings.signals(event.correlation_id, p["budget_line_id"], "move"):
        document = DocumentRef(row.document_type, row.document_id, row.document_no)
        _raise(uow, event, budget_nearly_exhausted(crossing, document, level))


def _raise(uow: RiskUnitOfWork, event: Envelope, draft: WarningDraft | None) -> None:
    if draft is None:
        return
    stored = uow.warnings.raise_once(event.org, draft)
    if stored is None:
        return  # this rule already warned about this document
    metrics.risk_warnings_raised.labels(draft.rule.value, draft.severity.value).inc()
    ctx = CallContext.from_envelope(event)
    uow.publish(
        ctx.event(
            "risk.warning_raised",
            {
                "warning_id": stored["id"],
                "document": stored["document"],
                "rule": stored["rule"],
                "severity": stored["severity"],
                "message": stored["message"],
                "evidence": stored["evidence"],
                "raised_at": stored["raised_at"],
            },
            producer=PRODUCER,
            subject=draft.document.subject,
        )
    )


def warnings_for(query: commands.DocumentQuery, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A document's warnings; 404 for a document risk has never heard of, or outside the reader's data scope."""
    document = DocumentRef(query.document_type, query.document_id)
    with uow:
        known = bool(uow.dossier.entries(ctx.org, document))
        if not known or not readable_document(uow, ctx, document):
            raise dossier_not_found(document)
        items = uow.warnings.for_document(ctx.org, query.document_type, query.document_id)
    for item in items:
        item["rule_label"] = RULE_LABELS[Rule(item["rule"])]
        item["severity_label"] = SEVERITY_LABELS[Severity(item["severity"])]
    return {"items": items, "total": len(items)}


def _split_policy(uow: RiskUnitOfWork, org: str, at: datetime) -> SplitPolicy:
    """The split rule's parameters in force on the spend's day (the rule book, effective-dated)."""
    return SplitPolicy.from_parameters(rule_book.parameters_in_force(uow, org, Rule.SPLIT_PURCHASE, at))


def _nearly_exhausted_level(uow: RiskUnitOfWork, event: Envelope) -> int:
    at = datetime.fromisoformat(event.occurred_at)
    values = rule_book.parameters_in_force(uow, event.org, Rule.BUDGET_NEARLY_EXHAUSTED, at)
    return int(Decimal(values["level"]))


def _document(value: dict[str, Any]) -> DocumentRef:
    return DocumentRef(value["type"], value["id"], value.get("no"))


def _crossing(p: dict[str, Any]) -> Crossing:
    return Crossing(p["budget_line_id"], int(p["level"]), p["rate"], Decimal(p["consumed"]), Decimal(p["amount"]))


# The rules judged on an approval request itself, by its event type. The assessment (assessment.py) runs them
# and then announces `risk.document_assessed`, in one handler: the inbox may retry the handlers of one event
# apart, and the announcement must never be ahead of the rules it vouches for.
def flags_of(rule: Rule):  # noqa: ANN201 - a judge
    """Judge a submission by its own flags of `rule` (an expense claim's: standards, transport class)."""

    def judge(event: Envelope, uow: RiskUnitOfWork) -> None:
        _raise(uow, event, flagged(_document(event.payload["document"]), event.payload.get("flags") or [], rule))

    return judge


# Submissions that carry flags (the producer's policy let a rule through): each flag becomes a warning.
FLAGGED_SUBMITTED = ("payment.expense_claim_submitted",)
SUBMISSION_RULES = {
    **{t: [(Rule.SPLIT_PURCHASE, on_spend_submitted)] for t in SPEND_SUBMITTED},
    **{t: [(rule, flags_of(rule)) for rule in FLAG_RULES] for t in FLAGGED_SUBMITTED},
}

EVENT_HANDLERS = {
    **{t: [on_spend_withdrawn] for t in SPEND_WITHDRAWN},
    **{t: [on_budget_move] for t in BUDGET_MOVES},
    "budget.threshold_crossed": [on_threshold_crossed],
}
