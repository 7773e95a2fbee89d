"""The event envelope: what every published event looks like on the wire, whatever its type."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

EVENT_TYPE = re.compile(r"^[a-z]+\.[a-z_]+$")


@dataclass(frozen=True)
class Envelope:
    type: str
    payload: dict[str, Any]
    org: str
    producer: str = ""  # the service that publishes it: the unit of work sets it from the catalogue
    version: int = 1
    actor: str | None = None
    subject: str | None = None  # the document the event is about, "<document_type>/<id>"; dossiers key on it
    correlation_id: str = ""
    causation_id: str | None = None
    traceparent: str | None = None
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: utc_now_iso())

    def __post_init__(self) -> None:
        if not EVENT_TYPE.match(self.type):
            raise ValueError(f"event type must be <domain>.<past_tense>, got {self.type!r}")
        if not self.correlation_id:
            # A fresh story starts here; everything it causes carries this id.
            object.__setattr__(self, "correlation_id", self.event_id)

    @property
    def domain(self) -> str:
        return self.type.split(".", 1)[0]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Envelope:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def caused(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        producer: str = "",
        actor: str | None = None,
        subject: str | None = None,
        traceparent: str | None = None,
    ) -> Envelope:
        """An event this one caused: same story (correlation), this one as its cause."""
        return Envelope(
            type=type,
            payload=payload,
            org=self.org,
            producer=producer,
            actor=actor if actor is not None else self.actor,
            subject=subject if subject is not None else self.subject,
            correlation_id=self.correlation_id,
            causation_id=self.event_id,
            traceparent=traceparent or self.traceparent,
        )


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def subject_of(document_type: str, document_id: str) -> str:
    return f"{document_type}/{document_id}"
