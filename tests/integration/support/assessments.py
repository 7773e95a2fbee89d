"""Risk's side of the assessment gate, for tests that drive approval's handlers in-process (no risk service)."""

from __future__ import annotations

from datetime import UTC, datetime

from ic_platform import catalogue
from ic_platform.envelope import Envelope


def assessed_by_risk(submission: Envelope, warnings: list[dict] = ()) -> Envelope:
    """The `risk.document_assessed` risk would publish for this approval request."""
    event = Envelope(
        type="risk.document_assessed",
        payload={
            "document": submission.payload["document"],
            "submission": {"event_id": submission.event_id, "type": submission.type},
            "assessed_at": datetime.now(UTC).isoformat(),
            "rules": [],
            "warnings": list(warnings),
        },
        org=submission.org,
        producer="risk",
        subject=submission.subject,
        correlation_id=submission.correlation_id,
        causation_id=submission.event_id,
    )
    catalogue.validate(event.as_dict())
    return event
