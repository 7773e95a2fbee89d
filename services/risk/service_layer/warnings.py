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
from ic_platform.money import parse_money
from services.risk.domain.errors import dossier_not_found
from services.risk.domain.rules import (
    RULE_LABELS,
    SEVERITY_LABELS,
    Crossing,
    Rule,
    Severity,
    Spend,
    SplitPolicy,
    WarningDraft,
    budget_nearly_exhausted,
    split_purchase,
)
from services.risk.service_layer import commands
from services.risk.service_layer.handlers import readable_document
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

PRODUCER = "risk"
# Spending documents entering approval: what the split-purchase rule looks back on.
SPEND_SUBMITTED = ("payment.matter_application_submitted",)
# Spending documents that will never spend: they no longer add up to a split.
SPEND_WITHDRAWN = ("payment.matter_application_rejected",)
# Budget moves that name the document which consumed money (and so may have crossed a warning line).
BUDGET_MOVES = ("budget.pre_committed", "budget.committed", "budget.actualized")


def on_spend_submitted(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    spend = Spend(
        _document(p["document"]),
        p["unit"],
        p["budget_line_id"],
        parse_money(p["amount"]),
        datetime.fromisoformat(event.occurred_at),
        p.get("title", ""),
    )
    policy = SplitPolicy.from_env()
    uow.warnings.lock_line(event.org, spend.unit, spend.budget_line_id)
    uow.warnings.add_spend(event.org, spend)
    earlier = uow.warnings.spends(event.org, spend.unit, spend.budget_line_id, spend.at - policy.window, spend.at)
    _raise(uow, event, split_purchase(spend, earlier, policy))


def on_spend_withdrawn(event: Envelope, uow: RiskUnitOfWork) -> None:
    """A rejected application leaves the split rule's history; a warning it already took part in stays."""
    document = event.payload["document"]
    uow.warnings.drop_spend(document["type"], document["id"])


def on_budget_move(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    document = _document(p["document"])
    uow.warnings.lock_story(event.correlation_id)
    uow.warnings.add_signal(event.event_id, event.org, event.correlation_id, "move", p["budget_line_id"], p, document)
    for row in uow.warnings.signals(event.correlation_id, p["budget_line_id"], "crossing"):
        _raise(uow, event, budget_nearly_exhausted(_crossing(row.payload), document))


def on_threshold_crossed(event: Envelope, uow: RiskUnitOfWork) -> None:
    """The crossing names only its line; the move of the same story on that line names the document. Both are
    kept, so whichever is heard second raises the warning (the story lock orders the two)."""
    p = event.payload
    uow.warnings.lock_story(event.correlation_id)
    uow.warnings.add_signal(event.event_id, event.org, event.correlation_id, "crossing", p["budget_line_id"], p)
    crossing = _crossing(p)
    for row in uow.warnings.signals(event.correlation_id, p["budget_line_id"], "move"):
        document = DocumentRef(row.document_type, row.document_id, row.document_no)
        _raise(uow, event, budget_nearly_exhausted(crossing, document))


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


def _document(value: dict[str, Any]) -> DocumentRef:
    return DocumentRef(value["type"], value["id"], value.get("no"))


def _crossing(p: dict[str, Any]) -> Crossing:
    return Crossing(p["budget_line_id"], int(p["level"]), p["rate"], Decimal(p["consumed"]), Decimal(p["amount"]))


EVENT_HANDLERS = {
    **{t: [on_spend_submitted] for t in SPEND_SUBMITTED},
    **{t: [on_spend_withdrawn] for t in SPEND_WITHDRAWN},
    **{t: [on_budget_move] for t in BUDGET_MOVES},
    "budget.threshold_crossed": [on_threshold_crossed],
}
