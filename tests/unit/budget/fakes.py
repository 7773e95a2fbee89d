"""An in-memory budget unit of work: the repositories BudgetUnitOfWork owns, by the same names, holding what
the database would. All-or-nothing like a transaction (a use case that raises leaves nothing behind), and
repositories hand out copies, as rows read from the database are, so a use case changes only what it saves."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ic_platform import catalogue
from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict
from services.budget.domain import adjustments as adj
from services.budget.domain import overrides as ovr
from services.budget.domain.model import BudgetLine, Held, Move, MoveKind
from services.budget.domain.three_public import ORG_WIDE, Cap, category_of
from services.budget.domain.year_end import Holding

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class FakeLines:
    def __init__(self):
        self.rows: dict[str, BudgetLine] = {}

    def get(self, line_id: str, *, for_update: bool = False) -> BudgetLine | None:
        line = self.rows.get(line_id)
        return copy.deepcopy(line) if line else None

    def add(self, line: BudgetLine) -> bool:
        if line.id in self.rows:
            return False
        self.rows[line.id] = copy.deepcopy(line)
        return True

    def save_balances(self, line: BudgetLine) -> None:
        stored = self.rows[line.id]
        stored.pre_committed, stored.committed, stored.actual = line.pre_committed, line.committed, line.actual


class FakeMoves:
    def __init__(self):
        self.rows: list[Move] = []

    def _key(self, m: Move) -> tuple:
        return (m.budget_line_id, m.document.type, m.document.id, m.step)

    def add(self, move: Move, correlation_id: str | None) -> bool:
        if any(self._key(m) == self._key(move) for m in self.rows):
            return False  # the unique (line, document, step): a replay
        self.rows.append(move)
        return True

    def _of(self, document: DocumentRef) -> list[Move]:
        return [m for m in self.rows if (m.document.type, m.document.id) == (document.type, document.id)]

    def find(self, line_id: str, document: DocumentRef, step: str) -> Move | None:
        return next((m for m in self._of(document) if m.budget_line_id == line_id and m.step == step), None)

    def for_document(self, document: DocumentRef) -> list[Move]:
        return self._of(document)

    def held(self, line_id: str, document: DocumentRef) -> dict[MoveKind, Decimal]:
        sums: dict[MoveKind, Decimal] = {}
        for m in self._of(document):
            if m.budget_line_id == line_id:
                sums[m.kind] = sums.get(m.kind, Decimal("0")) + m.amount
        return sums

    def lines_of(self, document: DocumentRef) -> list[str]:
        return sorted({m.budget_line_id for m in self._of(document)})


class FakeMonths:
    def __init__(self):
        self.rows: list[tuple[str, MoveKind, Decimal]] = []

    def add(self, line_id: str, kind: MoveKind, amount: Decimal) -> None:
        self.rows.append((line_id, kind, amount))

    def add_moves(self, line_id: str, moves: list[tuple[MoveKind, Decimal]]) -> None:
        self.rows.extend((line_id, kind, amount) for kind, amount in moves)


class _Numbered:
    prefix = ""

    def __init__(self):
        self.rows: dict[str, Any] = {}
        self._seq = itertools.count(1)

    def next_no(self, year: int) -> str:
        return f"{self.prefix}-{year}-{next(self._seq):06d}"

    def add(self, doc: Any) -> Any:
        """Insert, or the stored one when the id exists (a retried submission)."""
        if doc.id not in self.rows:
            self.rows[doc.id] = replace(doc, created_at=doc.created_at or NOW)
        return copy.deepcopy(self.rows[doc.id])

    def get(self, doc_id: str, *, for_update: bool = False) -> Any | None:
        found = self.rows.get(doc_id)
        return copy.deepcopy(found) if found else None

    def save(self, doc: Any) -> None:
        self.rows[doc.id] = copy.deepcopy(doc)


class FakeAdjustments(_Numbered):
    prefix = adj.NO_PREFIX

    def open_count(self, org: str, fiscal_year: int) -> int:
        live = (adj.Status.SUBMITTED, adj.Status.RETURNED)
        return sum(1 for a in self.rows.values() if a.org == org and a.fiscal_year == fiscal_year and a.status in live)


class FakeOverrides(_Numbered):
    prefix = ovr.NO_PREFIX

    def __init__(self, lines: FakeLines, moves: FakeMoves):
        super().__init__()
        self.lines, self.moves, self.marked = lines, moves, {}

    def raise_allowance(self, line_id: str, overrun: Decimal) -> None:
        self.lines.rows[line_id].overrun_allowance += overrun

    def mark_move(self, line_id: str, document: DocumentRef, step: str, no: str) -> None:
        self.marked[(line_id, document.id, step)] = no


class FakeYears:
    """Fiscal years' states, their lines in bulk, what documents hold on a line, carried-forward successors."""

    def __init__(self, lines: FakeLines, moves: FakeMoves):
        self.table, self.moves = lines, moves
        self.states: dict[tuple[str, int], dict[str, Any]] = {}

    def lock_state(self, org: str, fiscal_year: int) -> dict[str, Any]:
        state = self.states.setdefault((org, fiscal_year), {"status": "open", "closes": 0})
        return dict(state)

    def state(self, org: str, fiscal_year: int) -> dict[str, Any] | None:
        found = self.states.get((org, fiscal_year))
        return dict(found) if found else None

    def save_state(self, org: str, fiscal_year: int, **values: Any) -> None:
        self.states[(org, fiscal_year)].update(values)

    def lines(self, org: str, fiscal_year: int, *, for_update: bool = False) -> list[BudgetLine]:
        found = [x for x in self.table.rows.values() if x.org == org and x.fiscal_year == fiscal_year]
        return [copy.deepcopy(x) for x in sorted(found, key=lambda x: x.id)]

    def set_closed(self, org: str, fiscal_year: int, closed: bool) -> int:
        changed = [x for x in self.table.rows.values() if (x.org, x.fiscal_year) == (org, fiscal_year)]
        changed = [x for x in changed if x.closed is not closed]
        for x in changed:
            x.closed = closed
        return len(changed)

    def add_amount(self, line_id: str, delta: Decimal) -> None:
        self.table.rows[line_id].amount += delta

    def successor(self, line_id: str, *, for_update: bool = False) -> BudgetLine | None:
        found = [x for x in self.table.rows.values() if x.carried_from == line_id]
        return copy.deepcopy(found[0]) if found else None

    def holdings(self, line_id: str) -> list[Holding]:
        by_document: dict[tuple[str, str], list[Move]] = {}
        for m in self.moves.rows:
            if m.budget_line_id == line_id:
                by_document.setdefault((m.document.type, m.document.id), []).append(m)
        out = []
        for key in sorted(by_document):
            moves = by_document[key]
            held = Held.from_sums(self.moves.held(line_id, moves[0].document))
            if held.pre_committed > 0 or held.committed > 0:
                out.append(Holding(moves[-1].document, held.pre_committed, held.committed))
        return out


class FakeCaps:
    """三公经费 caps, with consumption summed from the lines as the repository's query does."""

    def __init__(self, lines: FakeLines):
        self.lines = lines
        self.rows: list[Cap] = []

    def economic_class(self, line_id: str) -> str | None:
        line = self.lines.rows.get(line_id)
        return line.economic_class if line else None

    def lock_caps_of_line(self, line_id: str) -> list[Cap]:
        line = self.lines.rows[line_id]
        category = category_of(line.economic_class)
        return [
            c
            for c in self.rows
            if c.category == category and c.fiscal_year == line.fiscal_year and c.unit in (ORG_WIDE, line.unit)
        ]

    def consumed(self, org: str, fiscal_year: int, category: Any, unit: str) -> Decimal:
        return sum(
            (
                x.pre_committed + x.committed + x.actual
                for x in self.lines.rows.values()
                if x.org == org
                and x.fiscal_year == fiscal_year
                and category_of(x.economic_class) == category
                and unit in (ORG_WIDE, x.unit)
            ),
            Decimal("0.00"),
        )


class FakeDesk:
    def __init__(self):
        self.readers: set[tuple[str, str]] = set()  # (username, document id) on someone's desk

    def holds(self, viewer: Any, document_type: str, document_id: str) -> bool:
        return viewer is not None and (viewer.username, document_id) in self.readers


class FakeClock:
    def __init__(self):
        self.at = NOW

    def now(self) -> datetime:
        return self.at


class FakeEngine:
    def __init__(self):
        self.url = f"memory://budget/{id(self)}"  # three_public's per-database cache key


class FakeBudgetUnitOfWork:
    """Commits are all-or-nothing; events are validated against the catalogue and kept once committed."""

    def __init__(self):
        self.engine = FakeEngine()
        self.lines = FakeLines()
        self.moves = FakeMoves()
        self.months = FakeMonths()
        self.adjustments = FakeAdjustments()
        self.overrides = FakeOverrides(self.lines, self.moves)
        self.years = FakeYears(self.lines, self.moves)
        self.caps = FakeCaps(self.lines)
        self.desk = FakeDesk()
        self.clock = FakeClock()
        self.answers: dict[tuple[str, str], tuple[dict, dict]] = {}
        self.published: list = []  # committed
        self.commits = 0
        self._pending: list = []
        self._snapshot: list | None = None

    def _state(self) -> list[tuple[Any, str]]:
        """What a transaction changes (document numbers, like sequences, are not given back)."""
        return [
            (self.lines, "rows"),
            (self.moves, "rows"),
            (self.months, "rows"),
            (self.adjustments, "rows"),
            (self.overrides, "rows"),
            (self.overrides, "marked"),
            (self.caps, "rows"),
            (self.years, "states"),
            (self, "answers"),
        ]

    def __enter__(self):
        self._snapshot = [copy.deepcopy(getattr(owner, name)) for owner, name in self._state()]
        self._pending = []
        return self

    def __exit__(self, *exc):
        if self._snapshot is not None:  # not committed: as a rollback, nothing of it stays
            for (owner, name), value in zip(self._state(), self._snapshot, strict=True):
                setattr(owner, name, value)
        self._snapshot, self._pending = None, []

    def commit(self):
        self.published.extend(self._pending)
        self._pending, self._snapshot = [], None
        self.commits += 1

    def publish(self, envelope):
        catalogue.validate(envelope.as_dict())  # as the real unit of work: an event off the contract is a bug
        self._pending.append(envelope)

    def recall(self, scope, key, request):
        stored = self.answers.get((scope, key))
        if stored is None:
            return None
        if stored[0] != request:
            raise Conflict("idempotency_key_reused", "该幂等键已用于另一内容不同的请求")
        return stored[1]

    def remember(self, scope, key, request, response):
        self.answers.setdefault((scope, key), (request, response))

    # ── for the tests ──
    def add_line(self, line: BudgetLine) -> None:
        self.lines.rows[line.id] = copy.deepcopy(line)

    def line(self, line_id: str) -> BudgetLine:
        return self.lines.rows[line_id]

    def types(self) -> list[str]:
        return [e.type for e in self.published]
