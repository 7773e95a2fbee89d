"""Risk warnings as use cases: the events the rules listen to, raising a warning once per (document, rule) and
publishing `risk.warning_raised`, and answering `warnings_for`.

Each handler runs in the inbox's transaction for its event (beside the dossier filing, which is another
handler of the same event)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ic_platform import metrics
from ic_platform.context import CallContext
from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.domain.errors import dossier_not_found
from services.risk.domain.rules import (
    FLAG_RULES,
    RULE_LABELS,
    SEVERITY_LABELS,
    Crossing,
    Rule,
    Severity,
    WarningDraft,
    budget_nearly_exhausted,
    flagged,
)
from services.risk.service_layer import commands, rule_book
from services.risk.service_layer.handlers import readable_document
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

PRODUCER = "risk"
# Budget moves that name the document which consumed money (and so may have crossed a warning line).
BUDGET_MOVES = ("budget.pre_committed", "budget.committed", "budget.actualized")


def on_budget_move(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    document = _document(p["document"])
    uow.warnings.add_signal(event.event_id, event.org, event.correlation_id, "move", p["budget_line_id"], p, document)
    crossings = uow.warnings.signals(event.correlation_id, p["budget_line_id"], "crossing")
    if not crossings:
        return  # most moves cross no line: the rule book is not read for them
    level = _nearly_exhausted_level(uow, event)
    for row in crossings:
        _raise(uow, event, budget_nearly_exhausted(_crossing(row.payload), document, level))


def on_threshold_crossed(event: Envelope, uow: RiskUnitOfWork) -> None:
    """The crossing names only its line; the move of the same story on that line names the document. Both are
    kept, so whichever is heard second raises the warning (the story lock, taken with the signal, orders the
    two)."""
    p = event.payload
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
# apart, and the announcement must never be ahead of the rules it vouches for. The split rules are in
# splitting.py (and their SUBMISSION_RULES).
def flags_of(rule: Rule):  # noqa: ANN201 - a judge
    """Judge a submission by its own flags of `rule` (an expense claim's: standards, transport class)."""

    def judge(event: Envelope, uow: RiskUnitOfWork) -> None:
        _raise(uow, event, flagged(_document(event.payload["document"]), event.payload.get("flags") or [], rule))

    return judge


# Submissions that carry flags (the producer's policy let a rule through): each flag becomes a warning.
# A corrected claim was examined against the standards again: its new flags are judged too.
FLAGGED_SUBMITTED = ("payment.expense_claim_submitted", "payment.expense_claim_resubmitted")
SUBMISSION_RULES = {t: [(rule, flags_of(rule)) for rule in FLAG_RULES] for t in FLAGGED_SUBMITTED}

EVENT_HANDLERS = {
    **{t: [on_budget_move] for t in BUDGET_MOVES},
    "budget.threshold_crossed": [on_threshold_crossed],
}
