"""The broker's shape for events: one durable topic exchange, one durable queue per subscribing service.

Every relay declares the whole topology before it publishes, so a subscriber's queue exists before the first
event for it is sent, even when the subscriber has never started. Publishing is mandatory: an event that
still finds no queue comes back to the relay and stays in the outbox."""

from __future__ import annotations

from ic_platform import catalogue
from ic_platform.config import settings

EXCHANGE = catalogue.EXCHANGE
QUEUE_TYPES = ("classic", "quorum")


def queue_arguments() -> dict[str, str]:
    """The arguments every durable queue of the system is declared with (event queues and the services' RPC
    queues). IC_QUEUE_TYPE=quorum on a RabbitMQ cluster: replicated queues that survive losing a node. A queue's
    type is fixed when it is created and every declaration must name the same one, so it is one setting for all;
    the default (classic, no argument) is what a single node and the tests use."""
    queue_type = settings().queue_type
    if queue_type not in QUEUE_TYPES:
        raise ValueError(f"IC_QUEUE_TYPE must be one of {QUEUE_TYPES}, not {queue_type!r}")
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else {}


def queue_name(service: str) -> str:
    return f"ic.{service}.events"


def bindings(extra: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """queue name → routing keys, from the catalogue (plus test-only extras)."""
    result = {queue_name(s): catalogue.subscriptions(s) for s in catalogue.subscribing_services()}
    for service, keys in (extra or {}).items():
        result.setdefault(queue_name(service), []).extend(keys)
    return result


def declare(channel, extra: dict[str, list[str]] | None = None) -> None:  # noqa: ANN001 - pika channel
    channel.exchange_declare(EXCHANGE, exchange_type="topic", durable=True)
    for queue, keys in bindings(extra).items():
        channel.queue_declare(queue, durable=True, arguments=queue_arguments() or None)
        for key in keys:
            channel.queue_bind(queue, EXCHANGE, routing_key=key)
    unbind_former(channel)


def unbind_former(channel) -> None:  # noqa: ANN001 - pika channel
    """A broker that ran an older version keeps the bindings it was given: a wildcard subscriber's former `#`
    would still bring it its own events (which it files as it writes them). Declaring is not enough, so the
    former bindings are removed here (removing one the queue does not have is a no-op)."""
    for service in catalogue.WILDCARD_SUBSCRIBERS:
        for key in catalogue.FORMER_WILDCARD_KEYS:
            if key not in catalogue.subscriptions(service):
                channel.queue_unbind(queue_name(service), EXCHANGE, routing_key=key)
