"""Errors that cross a service boundary: a stable code, a Chinese message for people, details for developers.

nameko serialises a raised exception as (exc_type, exc_args); DomainError keeps everything in its args so the
gateway can rebuild it on the other side without importing the service.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None, status: int | None = None):
        # int(): nameko serialises exception args, and a status may come back across RPC as text.
        super().__init__(code, message, details or {}, int(status or self.status))

    @property
    def code(self) -> str:
        return self.args[0]

    @property
    def message(self) -> str:
        return self.args[1]

    @property
    def details(self) -> dict[str, Any]:
        return self.args[2]

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


def not_found(kind: str, key: Any, label: str) -> NotFound:
    return NotFound(f"{kind}_not_found", f"{label}不存在: {key}", {kind: str(key)})
