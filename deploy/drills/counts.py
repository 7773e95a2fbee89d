"""What a drill counts after each fault, straight from the services' databases (never through the system under
test): every figure here must be 0.

- lost events: an outbox event not yet published, or published but missing from the inbox of a service that
  handles its type (each service's handlers say which types it hears);
- duplicated effects: a document's event announced twice, a budget line whose balances disagree with its ledger
  (a move applied twice, or a balance moved without one), a document routed twice;
- dead letters: inbox rows parked after their last retry;
- acknowledged-but-lost writes: a submission answered 201 that is not submitted in the payment database, a
  decision answered 200 whose task is still pending;
- overspend: a drill line holding more than its amount, or more than the submissions answered 201 on it."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache

import sqlalchemy as sa

from deploy.drills.load import Answers, Lines
from ic_platform.config import SERVICES
from ic_platform.envelope import Envelope
from ic_platform.inbox import Inbox

ONCE_PER_DOCUMENT = (
    "payment.matter_application_submitted",
    "payment.matter_application_approved",
    "budget.pre_committed",
    "approval.completed",
)


@dataclass
class Counts:
    lost_events: int = 0
    unpublished: int = 0  # part of lost_events: still in an outbox (the relay has not sent it yet)
    inbox_pending: int = 0  # heard, waiting for a retry: not lost, not yet applied
    duplicated: int = 0
    dead_lettered: int = 0
    acked_lost: int = 0
    overspend: Decimal = Decimal("0.00")
    unaccounted: Decimal = Decimal("0.00")  # reserved on the tight line beyond what 201s account for
    events: int = 0

    @property
    def settled(self) -> bool:
        return self.lost_events == 0 and self.inbox_pending == 0

    @property
    def clean(self) -> bool:
        return (
            self.lost_events == self.duplicated == self.dead_lettered == self.acked_lost == 0
            and self.overspend == 0
            and self.unaccounted == 0
        )

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


@cache
def heard_types(service: str) -> frozenset[str]:
    """The event types a service's inbox stores (its handlers'; "*" for all)."""
    module = importlib.import_module(f"services.{service}.service")
    return frozenset(module.SERVICE.platform.event_handlers)


@cache
def _inbox_of(service: str) -> Inbox:
    """The service's inbox as it decides which events concern it (no engine: it is only asked, never run)."""
    module = importlib.import_module(f"services.{service}.service")
    return Inbox(service, None, module.SERVICE.platform.event_handlers, None)  # type: ignore[arg-type]


def hears(service: str, envelope: dict) -> bool:
    """Whether the service's inbox keeps this event: a handler of its type that hears it (the desk's handlers
    hear only the service's own document types, and store nothing for another's)."""
    return bool(_inbox_of(service).hearing(Envelope.from_dict(envelope)))


class Counter:
    def __init__(self, engines: dict[str, sa.Engine], lines: Lines):
        self.engines, self.lines = engines, lines

    def count(self, answers: Answers) -> Counts:
        c = Counts()
        outbox = {
            s: self._rows(s, "SELECT event_id::text, type, published_at IS NOT NULL, envelope FROM outbox")
            for s in SERVICES
        }
        c.events = sum(len(rows) for rows in outbox.values())
        c.unpublished = sum(1 for rows in outbox.values() for _, _, published, _ in rows if not published)
        c.lost_events = c.unpublished
        for consumer in SERVICES:
            types = heard_types(consumer)
            if not types:
                continue
            heard = {r[0] for r in self._rows(consumer, "SELECT DISTINCT event_id::text FROM inbox")}
            c.lost_events += sum(
                1
                for rows in outbox.values()
                for event_id, type_, published, envelope in rows
                if published
                and ("*" in types or type_ in types)
                and event_id not in heard
                and hears(consumer, envelope)
            )
            ((pending, dead),) = self._rows(
                consumer,
                "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'dead') FROM inbox",
            )
            c.inbox_pending += pending
            c.dead_lettered += dead
        c.duplicated = self._duplicated()
        c.acked_lost = self._acked_lost(answers)
        c.overspend, c.unaccounted = self._overspend(answers)
        return c

    def _duplicated(self) -> int:
        announced = sum(
            n - 1
            for service in ("payment", "budget", "approval")
            for (n,) in self._rows(
                service,
                "SELECT count(*) FROM outbox WHERE type = ANY(:t) "
                "GROUP BY type, envelope->'payload'->'document'->>'id' HAVING count(*) > 1",
                t=list(ONCE_PER_DOCUMENT),
            )
        )
        (misbalanced,) = self._rows(
            "budget",
            """
            SELECT count(*) FROM budget_line b LEFT JOIN (
              SELECT budget_line_id,
                COALESCE(SUM(amount) FILTER (WHERE kind = 'pre_commit'), 0)
                  - COALESCE(SUM(amount) FILTER (WHERE kind = 'release'), 0) AS pre,
                COALESCE(SUM(amount) FILTER (WHERE kind = 'commit'), 0)
                  - COALESCE(SUM(amount) FILTER (WHERE kind = 'relieve'), 0) AS com,
                COALESCE(SUM(amount) FILTER (WHERE kind = 'actual'), 0)
                  - COALESCE(SUM(amount) FILTER (WHERE kind = 'reversal'), 0) AS act
              FROM budget_move GROUP BY 1) m ON m.budget_line_id = b.id
            WHERE b.id = ANY(:lines)
              AND (b.pre_committed, b.committed, b.actual)
                  <> (COALESCE(m.pre, 0), COALESCE(m.com, 0), COALESCE(m.act, 0))
            """,
            lines=[self.lines.roomy, self.lines.tight],
        )[0]
        routed_twice = len(
            self._rows(
                "approval", "SELECT document_id FROM approval_route GROUP BY 1, document_type HAVING count(*) > 1"
            )
        )
        return announced + misbalanced + routed_twice

    def _acked_lost(self, answers: Answers) -> int:
        ids = list(answers.accepted)
        stored = dict(
            self._rows("payment", "SELECT id::text, status FROM matter_application WHERE id::text = ANY(:i)", i=ids)
        )
        lost = sum(1 for i in ids if stored.get(i) not in ("submitted", "approved"))
        decided = list(answers.decided)
        still_pending = self._rows(
            "approval", "SELECT id FROM approval_task WHERE id::text = ANY(:t) AND status = 'pending'", t=decided
        )
        return lost + len(still_pending)

    def _overspend(self, answers: Answers) -> tuple[Decimal, Decimal]:
        ((amount, pre, com, act),) = self._rows(
            "budget",
            "SELECT amount, pre_committed, committed, actual FROM budget_line WHERE id = :l",
            l=self.lines.tight,
        )
        held = pre + com + act
        told = sum((a for line, a in answers.accepted.values() if line == self.lines.tight), Decimal("0.00"))
        return max(Decimal("0.00"), held - amount), held - told

    def _rows(self, service: str, statement: str, **params) -> list[tuple]:  # noqa: ANN003
        with self.engines[service].connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(statement), params).all()]


def total(rows: Iterable[Counts]) -> Counts:
    out = Counts()
    for c in rows:
        for k in ("lost_events", "duplicated", "dead_lettered", "acked_lost", "overspend", "unaccounted"):
            setattr(out, k, max(getattr(out, k), getattr(c, k)))
    return out
