"""Domain events as pure dataclasses, past tense, shared by every service's domain: `payload()` gives the wire
form (money as two-place strings, dates ISO, documents as `{"type", "id", "no"}`), and `Flag` is a broken rule
that a policy lets through, carried on the event for risk and the approvers."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str


def wire(value: Any) -> Any:
    """The JSON form of a domain value."""
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, DocumentRef):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: wire(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(wire(k)): wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    return value


@dataclass(frozen=True)
class Flag:
    """A broken rule that the policy lets through (Action.FLAG): carried on the event, seen by risk and approvers."""

    rule: str
    severity: str  # low / medium / high, as risk's warnings
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    name: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        return wire(self)
