"""Errors that cross a service boundary: a stable code, a Chinese message for people, details for developers.

nameko serialises a raised exception as (exc_type, exc_path, exc_args) and turns every arg that is not text,
a list or a mapping into text, at any depth: details such as {"allowed": False, "version": 1} would arrive as
{"allowed": "False", "version": "1"}. So DomainError's args carry the details as JSON text, and its status as
a number that may come back as text; `details` gives the dict back on either side of any number of hops, and
the gateway reads the same text (see gateway.errors.domain_error).
"""

from __future__ import annotations

import json
from typing import Any


def details_wire(details: dict[str, Any] | str | None) -> str:
    """Details as they travel: JSON text (already-encoded text passes through, as after an RPC hop)."""
    if isinstance(details, str):
        return details
    return json.dumps(details or {}, ensure_ascii=False, separators=(",", ":"), default=str)


def details_from_wire(value: Any) -> dict[str, Any]:
    """Details as sent by `details_wire` (or, from older senders and fakes, a dict); {} when unreadable."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return {}


class DomainError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str, details: dict[str, Any] | str | None = None, status: int | str | None = None
    ):
        # int(): a status may come back across RPC as text.
        super().__init__(code, message, details_wire(details), int(status or self.status))
        self._details = details_from_wire(details)

    @property
    def code(self) -> str:
        return self.args[0]

    @property
    def message(self) -> str:
        return self.args[1]

    @property
    def details(self) -> dict[str, Any]:
        return self._details

    @property
    def http_status(self) -> int:
        return self.args[3]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 422


class Forbidden(DomainError):
    status = 403


class Unavailable(DomainError):
    """Not the request's fault: something the service needs (its database) is down or cut off for the moment.
    The gateway answers 503 with Retry-After; a retry with the same Idempotency-Key is safe."""

    status = 503


def unavailable() -> Unavailable:
    return Unavailable("service_unavailable", "服务暂不可用（数据库连接中断），请稍后重试")


def not_found(kind: str, key: Any, label: str) -> NotFound:
    return NotFound(f"{kind}_not_found", f"{label}不存在: {key}", {kind: str(key)})


# Segregation-of-duties refusals are plain Forbidden errors whose code starts with this prefix: the class
# name travels over nameko RPC and the gateway maps the four platform classes, so a subclass of our own
# would lose its 403. The platform publishes each as `<service>.segregation_refused` (catalogue/control_events).
SOD_PREFIX = "sod_"


def sod_rule(exc: DomainError) -> str | None:
    """The segregation-of-duties rule an error enforces, or None if it is not such a refusal."""
    return exc.code.removeprefix(SOD_PREFIX) if exc.code.startswith(SOD_PREFIX) else None
