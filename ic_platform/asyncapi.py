"""Writes the AsyncAPI 2.6 document for our events from the catalogue: the contract other departments read
to integrate. `make catalogue` regenerates docs/asyncapi.yaml; a unit test fails when it is stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ic_platform import catalogue
from ic_platform.catalogue.fragments import ENVELOPE_SCHEMA

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "asyncapi.yaml"


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in sorted(catalogue.CATALOGUE.values(), key=lambda s: s.key):
        name = f"{spec.type}.v{spec.version}"
        envelope = {k: v for k, v in ENVELOPE_SCHEMA.items() if k != "$schema"}
        payload = dict(
            envelope,
            properties=dict(
                envelope["properties"], payload=spec.payload, type={"const": spec.type}, version={"const": spec.version}
            ),
        )
        messages[name] = {
            "name": spec.type,
            "title": spec.summary,
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "traceparent": {"type": "string", "description": "W3C trace context"},
                    "correlation_id": {"type": "string"},
                },
            },
            "payload": payload,
        }
        wildcard = {s for s in catalogue.WILDCARD_SUBSCRIBERS if catalogue.hears_everything(s, spec)}
        subscribers = sorted(set(spec.subscribers) | wildcard)
        channels[spec.type] = {
            "description": f"{spec.summary}. Producer: {spec.producer}. Subscribers here: {', '.join(subscribers)}.",
            "subscribe": {
                "operationId": f"on_{spec.type.replace('.', '_')}",
                "message": {"$ref": f"#/components/messages/{name}"},
            },
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": catalogue.EXCHANGE,
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": "/",
                    },
                }
            },
        }
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "内部控制管理系统 事件目录 (internal-control events)",
            "version": "1.0.0",
            "description": (
                "Every state change of the internal-control system is published as an event on the topic "
                f"exchange `{catalogue.EXCHANGE}` with the event type as routing key. Bind your own durable "
                "queue to the types you need. Delivery is at least once: deduplicate on `event_id`. "
                "A breaking change to a payload is published as a new `version`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {"production": {"url": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0-9-1"}},
        "channels": channels,
        "components": {"messages": messages},
    }


def render() -> str:
    return "# Generated from ic_platform/catalogue by `make catalogue`; do not edit by hand.\n" + yaml.safe_dump(
        document(), allow_unicode=True, sort_keys=False, width=120
    )


def write(path: Path = OUTPUT) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path
