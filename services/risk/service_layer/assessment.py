"""The assessment of a submission (送审风险评估): the gate that makes a warning in time for the decision.

Risk assesses every approval request it hears (each event type whose payload is an approval request,
`catalogue.approval_requests()`: a submission or a resubmission, of any document type, present or future):
it runs the rules judged on that event (none yet for most types) and announces `risk.document_assessed`,
naming the submission event and listing every warning the document has by then. Approval holds each round's
decisions until that announcement for the event that opened the round has arrived (docs/risk-assessment.md)."""

from __future__ import annotations

from ic_platform import catalogue
from ic_platform.context import CallContext
from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.service_layer import behaviour, chain, payments, splitting, suppliers, warnings
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

ASSESSED = "risk.document_assessed"


def submission_rules(event_type: str) -> list:
    """The rules judged on this kind of request: the warnings', the chain rules' and the split rules'."""
    return [
        *warnings.SUBMISSION_RULES.get(event_type, ()),
        *chain.SUBMISSION_RULES.get(event_type, ()),
        *splitting.SUBMISSION_RULES.get(event_type, ()),
        *payments.SUBMISSION_RULES.get(event_type, ()),
        *suppliers.SUBMISSION_RULES.get(event_type, ()),
        *behaviour.SUBMISSION_RULES.get(event_type, ()),
    ]


def assess_submission(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Runs in the inbox's transaction: the rules' warnings, the assessment row and the announcement commit
    together. A submission heard again (a redelivery under another handler name, a replay) is not announced
    twice: the row is keyed by the submission's event id."""
    ran = []
    for rule, judge in submission_rules(event.type):
        judge(event, uow)
        ran.append(rule.value)
    doc = event.payload["document"]
    found = uow.warnings.for_document(event.org, doc["type"], doc["id"])
    assessed_at = uow.assessments.add(event.org, event.event_id, event.type, doc, ran, [w["id"] for w in found])
    if assessed_at is None:
        return
    document = DocumentRef(doc["type"], doc["id"], doc.get("no"))
    uow.publish(
        CallContext.from_envelope(event).event(
            ASSESSED,
            {
                "document": document.as_dict(),
                "submission": {"event_id": str(event.event_id), "type": event.type},
                "assessed_at": assessed_at.isoformat(),
                "rules": ran,
                "warnings": [_listed(w) for w in found],
            },
            producer=warnings.PRODUCER,
            subject=document.subject,
        )
    )


def _listed(warning: dict) -> dict:
    return {
        "warning_id": warning["id"],
        "rule": warning["rule"],
        "severity": warning["severity"],
        "message": warning["message"],
        "evidence": warning["evidence"],
        "raised_at": warning["raised_at"],
    }


EVENT_HANDLERS = {t: [assess_submission] for t in catalogue.approval_requests()}
