"""The broker's shape for events: one durable topic exchange, one durable queue per subscribing service.

Every relay declares the whole topology before it publishes, so a subscriber's queue exists before the first
event for it is sent, even when the subscriber has never started. Publishing is mandatory: an event that
still finds no queue comes back to the relay and stays in the outbox."""

from __future__ import annotations

from ic_platform import catalogue

EXCHANGE = catalogue.EXCHANGE


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
        channel.queue_declare(queue, durable=True)
        for key in keys:
            channel.queue_bind(queue, EXCHANGE, routing_key=key)
