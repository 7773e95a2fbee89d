"""The event catalogue: every event type we publish, its JSON Schema, who produces it and who subscribes.

This is a public contract: other departments bind their own queues to the `ic.events` exchange and read the
AsyncAPI document generated from here (`make catalogue`). Changing a payload incompatibly means a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema
import jsonschema_rs

from ic_platform.catalogue import events as _events
from ic_platform.catalogue.fragments import ENVELOPE_SCHEMA

if TYPE_CHECKING:
    from ic_platform.envelope import Envelope

EXCHANGE = "ic.events"


@dataclass(frozen=True)
class EventSpec:
    type: str
    version: int
    producer: str
    summary: str  # Chinese, for people reading the catalogue
    payload: dict[str, Any]
    subscribers: tuple[str, ...] = field(default=())

    @property
    def key(self) -> tuple[str, int]:
        return (self.type, self.version)


class UnknownEvent(LookupError):
    pass


class InvalidEvent(ValueError):
    pass


CATALOGUE: dict[tuple[str, int], EventSpec] = {
    (spec["type"], spec["version"]): EventSpec(**spec) for spec in _events.SPECS
}

# Services that hear every other service's event (the risk service files all of them on dossiers; its own it
# files as it writes them, so its queue is bound to every producer's events but its own, except those of its
# own that nobody else hears: a published event must find a queue, or the relay keeps it, see outbox.py).
WILDCARD_SUBSCRIBERS = ("risk",)
# What a wildcard subscriber's queue was bound to before: unbound when the topology is declared (topology.py).
FORMER_WILDCARD_KEYS = ("#",)


def spec_for(type_: str, version: int = 1) -> EventSpec:
    try:
        return CATALOGUE[(type_, version)]
    except KeyError:
        raise UnknownEvent(f"{type_} v{version} is not in the event catalogue") from None


def subscriptions(service: str) -> list[str]:
    """Routing keys the service's queue is bound to."""
    if service in WILDCARD_SUBSCRIBERS:
        others = {f"{spec.producer}.#" for spec in CATALOGUE.values() if spec.producer != service}
        own = {spec.type for spec in CATALOGUE.values() if spec.producer == service and hears_everything(service, spec)}
        return sorted(others | own)
    return sorted({spec.type for spec in CATALOGUE.values() if service in spec.subscribers})


def approval_requests() -> list[str]:
    """The event types that put a document into approval (an approval-request payload: the document, its unit,
    its applicant): whoever needs to know who owns a document it does not own learns it from these."""
    needed = {"document", "unit", "applicant"}
    return sorted(spec.type for spec in CATALOGUE.values() if needed <= set(spec.payload.get("required", ())))


def hears_everything(service: str, spec: EventSpec) -> bool:
    """Whether a wildcard subscriber's queue gets this event without naming it: every other service's, and
    its own that no other service subscribes to (so that it finds a queue)."""
    if service not in WILDCARD_SUBSCRIBERS:
        return False
    return spec.producer != service or not set(spec.subscribers) - {service}


def subscribing_services() -> list[str]:
    named = {s for spec in CATALOGUE.values() for s in spec.subscribers}
    return sorted(named | set(WILDCARD_SUBSCRIBERS))


def _schema(type_: str, version: int) -> dict[str, Any]:
    schema = dict(ENVELOPE_SCHEMA)
    schema["properties"] = dict(schema["properties"], payload=spec_for(type_, version).payload)
    return schema


@cache
def _compiled(type_: str, version: int) -> jsonschema_rs.Validator | None:
    try:
        return jsonschema_rs.validator_for(_schema(type_, version), validate_formats=True)
    except jsonschema_rs.ValidationError:  # the schema itself is not valid (it checks it): jsonschema alone
        return None


@cache
def _validator(type_: str, version: int) -> jsonschema.protocols.Validator:
    schema = _schema(type_, version)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def with_producer(envelope: Envelope) -> Envelope:
    """The event with its producer, which the catalogue names: services do not repeat it. One naming another
    service is refused: a service publishes only its own events."""
    producer = spec_for(envelope.type, envelope.version).producer
    if envelope.producer in ("", producer):
        return replace(envelope, producer=producer) if not envelope.producer else envelope
    raise InvalidEvent(f"{envelope.type} is produced by {producer}, not {envelope.producer}")


def validate(envelope: dict[str, Any]) -> None:
    """Producers call this before an event enters the outbox; a bad event is a bug, not a retry.
    The compiled validator (jsonschema-rs) passes a valid event in a few microseconds; jsonschema took 0.7 ms
    per event, inside the producer's transaction. Only an event it refuses is checked again by jsonschema, which
    names what is wrong, and stays the judge (what it accepts passes)."""
    type_, version = envelope.get("type", ""), envelope.get("version", 1)
    try:
        compiled = _compiled(type_, version)
        if compiled is not None and compiled.is_valid(envelope):
            return
    except (ValueError, TypeError):
        pass  # a value the compiled validator cannot read: jsonschema decides
    validator = _validator(type_, version)
    errors = sorted(validator.iter_errors(envelope), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise InvalidEvent(f"{envelope.get('type')} at {where}: {first.message}")
