"""Who is acting, for which org, in which story: carried by every RPC (nameko context data) and event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ic_platform.config import DEFAULT_ORG
from ic_platform.envelope import Envelope
from ic_platform.identity import IDENTITY_KEY, Viewer, verify
from ic_platform.tracing import current_traceparent


@dataclass(frozen=True)
class CallContext:
    org: str
    actor: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    idempotency_key: str | None = None
    client_ip: str | None = None
    user_agent: str | None = None
    # The signed-in caller (unit, roles, units led) for data-scope checks; None for system work and events.
    viewer: Viewer | None = None
    # The signed assertion it came from (ic_platform/identity.py), passed on unchanged to the calls this one makes.
    identity: str | None = None

    # nameko context data keys; the gateway sets them as `nameko.<key>` AMQP headers.
    KEYS = ("org", "actor", "correlation_id", "causation_id", "idempotency_key", "client_ip", "user_agent")

    @classmethod
    def from_context_data(cls, data: dict[str, Any], default_org: str = DEFAULT_ORG) -> CallContext:
        values = {k: data.get(k) for k in cls.KEYS}
        values["org"] = values["org"] or default_org
        token = data.get(IDENTITY_KEY)
        caller = verify(token)
        viewer = caller.viewer if caller else None
        if viewer is not None and values["actor"] not in (None, viewer.username):
            viewer = None  # an identity for someone else than the actor is no identity at all
        return cls(**values, viewer=viewer, identity=token if caller else None)

    @classmethod
    def from_envelope(cls, envelope: Envelope) -> CallContext:
        return cls(
            org=envelope.org,
            actor=envelope.actor,
            correlation_id=envelope.correlation_id,
            causation_id=envelope.event_id,
        )

    @property
    def scoped_key(self) -> str | None:
        """The caller's Idempotency-Key scoped to them (two users' keys never meet); None without one."""
        return f"{self.actor}:{self.idempotency_key}" if self.idempotency_key and self.actor else None

    def client(self) -> dict[str, dict[str, str]]:
        """The request's client (address, device) as an event payload field, for events that start an audited
        story (a submission): the approval trail records where an action came from. Empty when unknown."""
        client = {k: v for k, v in (("ip", self.client_ip), ("user_agent", self.user_agent)) if v}
        return {"client": client} if client else {}

    def with_client_of(self, payload: dict[str, Any]) -> CallContext:
        """This context with the client a payload carries (see `client`)."""
        client = payload.get("client") or {}
        return replace(self, client_ip=client.get("ip"), user_agent=client.get("user_agent"))

    def as_context_data(self) -> dict[str, str]:
        data = {k: v for k in self.KEYS if (v := getattr(self, k)) is not None}
        if self.identity is not None:
            data[IDENTITY_KEY] = self.identity
        return data

    def event(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        producer: str = "",  # the catalogue's, set by the unit of work
        subject: str | None = None,
        actor: str | None = None,
        version: int = 1,
    ) -> Envelope:
        return Envelope(
            type=type_,
            version=version,
            payload=payload,
            org=self.org,
            producer=producer,
            actor=actor or self.actor,
            subject=subject,
            correlation_id=self.correlation_id or "",
            causation_id=self.causation_id,
            traceparent=current_traceparent(),
        )
