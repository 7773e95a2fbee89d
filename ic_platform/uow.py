"""The unit of work: one database transaction holding a change and the events it causes (the outbox)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ic_platform import catalogue
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, DomainError
from ic_platform.storage import platform_tables

if TYPE_CHECKING:
    from ic_platform.messagebus import MessageBus

_T = platform_tables(sa.MetaData())
OUTBOX, IDEMPOTENCY = _T["outbox"], _T["idempotency_key"]
# Fixed statements, one per number of events a transaction publishes (built per event with SQLAlchemy they
# cost more CPU in compiling than the insert itself): every event of a transaction in one round trip.
_OUTBOX_ROW = "(CAST(:event_id_{i} AS uuid), :type_{i}, CAST(:envelope_{i} AS jsonb))"


@functools.cache
def _insert_outbox(rows: int) -> sa.TextClause:
    values = ", ".join(_OUTBOX_ROW.format(i=i) for i in range(rows))
    return sa.text(f"INSERT INTO outbox (event_id, type, envelope) VALUES {values} RETURNING id, event_id")


# `claim` in one round trip (it was three: the key's lock, the read, the insert): the lock, then the key taken
# unless it is there already. The CTE is read by the INSERT, so the lock is held before the insert is tried.
_CLAIM = sa.text(
    "WITH locked AS (SELECT pg_advisory_xact_lock(hashtext(:lock)))"
    " INSERT INTO idempotency_key (scope, key, request_hash, response)"
    " SELECT :scope, :key, :request_hash, CAST(:pending AS jsonb) FROM locked"
    " ON CONFLICT DO NOTHING RETURNING true"
)
# The first answer stored for a key stays the answer: only a claim (of the same request) is answered over.
_REMEMBER = sa.text(
    "INSERT INTO idempotency_key AS k (scope, key, request_hash, response)"
    " VALUES (:scope, :key, :request_hash, CAST(:response AS jsonb))"
    " ON CONFLICT (scope, key) DO UPDATE SET response = excluded.response"
    " WHERE k.response = CAST(:pending AS jsonb) AND k.request_hash = excluded.request_hash"
)


@dataclass(frozen=True)
class OutboxEvent:
    """A committed outbox row, as the relay publishes it."""

    id: int
    type: str
    envelope: dict[str, Any]
    body: str | None = None  # the envelope as JSON, when the unit of work serialised it already


class UnitOfWork:
    """Subclasses add repositories built on `self.conn`.

    `on_commit` receives the events this unit of work committed, as (outbox row id, type, envelope), right
    after the commit: the service's outbox relay publishes them without looking for them.

    `bus` (ic_platform/messagebus.py) handles the events this unit of work published, in its transaction,
    just before it commits; the unit of work collects them for it (`collect_new_events`)."""

    def __init__(
        self,
        engine: Engine,
        on_commit: Callable[[list[OutboxEvent]], None] | None = None,
        bus: MessageBus | None = None,
    ):
        self.engine = engine
        self._on_commit = on_commit
        self.bus = bus
        self._collected: list[Envelope] = []
        self.conn: Connection | None = None
        self.published: list[Envelope] = []
        self._outbox_rows: list[OutboxEvent] = []
        self._unwritten: list[tuple[str, dict[str, Any], str]] = []

    def __enter__(self) -> UnitOfWork:
        self.conn = self.engine.connect()
        self._tx = self.conn.begin()
        self.published = []
        self._outbox_rows = []
        self._unwritten = []
        self._collected = []
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()

    def commit(self) -> None:
        if self.bus is not None and self._collected:
            self.bus.handle_collected(self)
        self.before_commit()
        self._write_outbox()
        self._tx.commit()
        if self._outbox_rows and self._on_commit:
            self._on_commit(self._outbox_rows)
        self._outbox_rows = []

    def before_commit(self) -> None:
        """What a service's unit of work buffered during the use case, written last (approval's trail)."""

    def rollback(self) -> None:
        self._tx.rollback()

    def publish(self, envelope: Envelope) -> None:
        """Validated now, stored in this transaction (with its other events, just before it commits), sent by
        the relay after commit."""
        envelope = catalogue.with_producer(envelope)
        data = envelope.as_dict()
        catalogue.validate(data)
        body = json.dumps(data, ensure_ascii=False)  # once: the outbox row and the relay's message body
        self._unwritten.append((str(envelope.event_id), data, body))
        self.published.append(envelope)
        self._collected.append(envelope)

    def _write_outbox(self) -> None:
        """The events published in this transaction, in publishing order, in one statement (a signing's budget
        commit publishes three: three round trips under the budget line's lock, before)."""
        rows, self._unwritten = self._unwritten, []
        if not rows:
            return
        params: dict[str, Any] = {}
        for i, (event_id, data, body) in enumerate(rows):
            params.update({f"event_id_{i}": event_id, f"type_{i}": data["type"], f"envelope_{i}": body})
        ids = {str(e): row_id for row_id, e in self.conn.execute(_insert_outbox(len(rows)), params)}
        self._outbox_rows.extend(OutboxEvent(ids[e], data["type"], data, body) for e, data, body in rows)

    def collect_new_events(self) -> list[Envelope]:
        """The events published since last asked (the message bus's), in publishing order."""
        events, self._collected = self._collected, []
        return events

    # ── idempotency: the same key twice has one effect and one answer ──
    # Within one transaction: `recall` first (it holds the key's lock until commit), `remember` before commit.
    # Across transactions (a use case that asks another service between two of its own): `claim` in the first;
    # the key is then taken, for this request only, until `remember` or `remember_refusal` answers it.
    def recall(self, scope: str, key: str, request: dict[str, Any]) -> dict[str, Any] | None:
        """Serialises requests with the same key (advisory lock until commit), then returns the stored
        answer if there is one. A key reused for a different request is a conflict, not a replay; a key whose
        first request is still being answered is a conflict too (never somebody else's half-made answer)."""
        self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"{scope}:{key}"})
        row = self.conn.execute(
            sa.select(IDEMPOTENCY.c.request_hash, IDEMPOTENCY.c.response).where(
                IDEMPOTENCY.c.scope == scope, IDEMPOTENCY.c.key == key
            )
        ).first()
        if row is None:
            return None
        if row.request_hash != request_hash(request):
            raise Conflict(
                "idempotency_key_reused",
                "该幂等键已用于另一内容不同的请求：新的操作请使用新的 Idempotency-Key",
                {"idempotency_key": key},
            )
        if row.response == PENDING:
            raise Conflict(
                "idempotency_request_in_progress",
                "使用该幂等键的同一请求正在处理中，请稍后用同一个 Idempotency-Key 重试以获取结果",
                {"idempotency_key": key},
            )
        if REFUSAL in row.response:
            raise DomainError(**row.response[REFUSAL])  # the same refusal again, not a second attempt
        return row.response

    def claim(self, scope: str, key: str, request: dict[str, Any]) -> dict[str, Any] | None:
        """`recall`, and when the key is new, take it for this request until it is answered. The common case
        (a new key) is one statement; a key already there is read as `recall` reads it (the lock, taken again
        in the same transaction, is already ours)."""
        taken = self.conn.execute(
            _CLAIM,
            {
                "lock": f"{scope}:{key}",
                "scope": scope,
                "key": key,
                "request_hash": request_hash(request),
                "pending": _PENDING_JSON,
            },
        ).first()
        return None if taken is not None else self.recall(scope, key, request)

    def remember(self, scope: str, key: str, request: dict[str, Any], response: dict[str, Any]) -> None:
        """Store the answer; the first answer stored for a key stays the answer (a claim is answered here)."""
        self.conn.execute(
            _REMEMBER,
            {
                "scope": scope,
                "key": key,
                "request_hash": request_hash(request),
                "response": json.dumps(response, ensure_ascii=False),
                "pending": _PENDING_JSON,
            },
        )

    def remember_refusal(self, scope: str, key: str, request: dict[str, Any], refusal: DomainError) -> None:
        """A claimed request was refused: the same key answers the same refusal from now on."""
        wire = {"code": refusal.code, "message": refusal.message, "details": refusal.details}
        self.remember(scope, key, request, {REFUSAL: {**wire, "status": refusal.http_status}})


# A claimed key's answer while its request is being answered; a stored refusal (see remember_refusal).
PENDING: dict[str, Any] = {"__pending__": True}
_PENDING_JSON = json.dumps(PENDING)
REFUSAL = "__refusal__"


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
