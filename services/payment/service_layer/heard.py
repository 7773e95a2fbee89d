"""What approval's events are about, for payment's handlers of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ic_platform.envelope import Envelope

T = TypeVar("T")


def document_in(event: Envelope, document_type: str, get: Callable[..., T | None]) -> T | None:
    """The document of `document_type` an approval event is about, locked (`get(id, for_update=True)`); None when
    the event is about another kind of document. A missing one raises, so the inbox retries and then parks the
    event (its document may be committed a moment later than approval heard of it)."""
    document = event.payload["document"]
    if document["type"] != document_type:
        return None
    found = get(document["id"], for_update=True)
    if found is None:
        raise LookupError(f"{document_type} {document['id']} not found")
    return found
