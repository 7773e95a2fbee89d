"""The reference to a business document that every service and event uses: `{"type", "id", "no"}`.
One value type, so a matter application is named the same way by the budget, approval and risk services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentRef:
    type: str
    id: str
    no: str | None = None  # the number people see, e.g. SQ-2026-000001

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("type", self.type), ("id", self.id), ("no", self.no)) if v}

    @property
    def subject(self) -> str:
        """The event envelope's `subject`, on which dossiers are keyed."""
        return f"{self.type}/{self.id}"

    def same_document(self, other: DocumentRef) -> bool:
        return (self.type, self.id) == (other.type, other.id)


def is_document_id(value: str) -> bool:
    """Documents a service numbers itself have UUID ids: anything else names none of them, and is answered as
    not found rather than sent to the database (where a uuid column would refuse it with an error)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def derived_id(namespace: uuid.UUID, key: str | None) -> str:
    """A new document's id: derived from the caller's scoped Idempotency-Key when there is one, so a retried
    request finds the document it created before; random otherwise."""
    return str(uuid.uuid5(namespace, key) if key else uuid.uuid4())
