"""Storing the trail (an append-only hash chain in the approval database) and its anchors (outside it).

Anchors, and why a file is the primary record: an anchor is only worth something if it lives where whoever
can rewrite the approval database cannot also rewrite it, and `verify` must be able to read it synchronously,
without the broker or another service being up. So the primary record is an append-only JSON-lines file per
chain under IC_TRAIL_ANCHOR_DIR (default var/anchors/): in production that directory is a separate volume
(another host's mount, WORM storage, or a log-shipped path) with its own permissions. Each anchor is also
published as `approval.trail_anchored` on the event bus, so other departments' systems can keep their own copy;
that copy is not what `verify` reads (the risk service files only events about a document, so it would not
keep them, and reading another service's store would make verification depend on it)."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from ic_platform.db import REPO_ROOT
from services.approval.adapters.orm import audit_trail, audit_trail_head, audit_trail_seal, audit_trail_seal_leaf
from services.approval.domain.seals import Seal, SealLeaf
from services.approval.domain.trail import GENESIS, HASHED_FIELDS, Anchor, TrailDraft, TrailEntry, chain

_COLUMNS = [audit_trail.c[name] for name in (*HASHED_FIELDS, "hash")]
# One partition of the chains, in chain order: [lower, upper) of (document_type, document_id).
_STREAM_SQL = (
    f"SELECT {', '.join(c.name for c in _COLUMNS)} FROM audit_trail "
    "WHERE (%(lo_type)s::text IS NULL OR (document_type, document_id) >= (%(lo_type)s, %(lo_id)s)) "
    "AND (%(hi_type)s::text IS NULL OR (document_type, document_id) < (%(hi_type)s, %(hi_id)s)) "
    "ORDER BY document_type, document_id, seq"
)
assert tuple(c.name for c in _COLUMNS) == tuple(TrailEntry.__dataclass_fields__)  # positional rows fit
H, SEAL, LEAF = audit_trail_head.c, audit_trail_seal.c, audit_trail_seal_leaf.c
Bound = tuple[str, str] | None  # (document_type, document_id) or open


def chain_of(document_type: str, document_id: str) -> str:
    return f"{document_type}/{document_id}"


# Built once: an action's entries are written when its transaction commits (`flush`), in one executemany.
_INSERT_ENTRY = sa.insert(audit_trail)
_MOVE_HEAD = (
    sa.update(audit_trail_head)
    .where(H.chain == sa.bindparam("key"))
    .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"), updated_at=sa.func.now())
)


class TrailRepository:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._heads: dict[str, tuple[int, str]] = {}  # chains whose head this transaction holds
        self._unwritten: list[dict[str, Any]] = []  # entries chained, written at flush
        self._moved: set[str] = set()  # heads moved since the last flush

    def append(self, draft: TrailDraft) -> TrailEntry:
        """Append to the document's chain in the caller's transaction; its head row stays locked until commit.
        The entry is chained now (its head is locked and held here) and written by `flush`, which the unit of
        work calls before it commits: an action's entries (submitted and assigned, decided and assigned) are
        one statement and each chain's head one update, however many entries the action makes."""
        key = chain_of(draft.document_type, draft.document_id)
        head = self._heads.get(key) or self._lock_head(key)
        entry = chain(draft, head[0] + 1, head[1])
        self._unwritten.append({**entry.content(), "hash": entry.hash})
        self._heads[key] = (entry.seq, entry.hash)
        self._moved.add(key)
        return entry

    def flush(self) -> None:
        """Write the entries appended since the last flush and move their chains' heads."""
        if self._unwritten:
            self.conn.execute(_INSERT_ENTRY, self._unwritten)
            self._unwritten = []
        if self._moved:
            moves = [
                {"key": k, "new_seq": self._heads[k][0], "new_hash": self._heads[k][1]} for k in sorted(self._moved)
            ]
            self.conn.execute(_MOVE_HEAD, moves)
            self._moved = set()

    def _lock_head(self, key: str) -> tuple[int, str]:
        """The chain's head, locked; created (empty) by the first append. One statement either way."""
        row = self.conn.execute(
            pg_insert(audit_trail_head)
            .values(chain=key, seq=0, hash=GENESIS)
            .on_conflict_do_update(index_elements=[H.chain], set_={"chain": key})
            .returning(H.seq, H.hash)
        ).one()
        return row.seq, row.hash

    def heads(self, lower: Bound = None, upper: Bound = None) -> dict[str, tuple[int, str]]:
        """The recorded heads (as committed) of the chains in [lower, upper)."""
        self.flush()
        rows = self.conn.execute(sa.select(H.chain, H.seq, H.hash).where(H.seq > 0)).all()
        return {r.chain: (r.seq, r.hash) for r in rows if _within(r.chain, lower, upper)}

    def stream(self, lower: Bound = None, upper: Bound = None, batch: int = 5000) -> Iterator[list[tuple]]:
        """The entries of the chains in [lower, upper), chain after chain, each in seq order, as rows in
        TrailEntry's field order, in batches, through a server-side cursor (memory stays flat).

        Straight from the driver's named cursor, in this connection's transaction: at a million entries the
        ORM layer's per-row work would be a tenth of the verification time. Values arrive typed (int, Decimal,
        aware datetime, str), never as database text."""
        driver = self.conn.connection.driver_connection
        args = {
            "lo_type": lower[0] if lower else None,
            "lo_id": lower[1] if lower else None,
            "hi_type": upper[0] if upper else None,
            "hi_id": upper[1] if upper else None,
        }
        with driver.cursor(name=f"audit_trail_{uuid.uuid4().hex[:12]}") as cursor:
            cursor.itersize = batch
            cursor.execute(_STREAM_SQL, args)
            while rows := cursor.fetchmany(batch):
                yield rows

    def split_points(self, parts: int) -> list[tuple[str, str]]:
        """Document keys that cut the chains into `parts` runs of about equal numbers of chains."""
        if parts <= 1:
            return []
        count = self.conn.execute(sa.select(sa.func.count()).select_from(audit_trail_head)).scalar_one()
        points = []
        for i in range(1, parts):
            row = self.conn.execute(
                sa.select(audit_trail.c.document_type, audit_trail.c.document_id)
                .where(audit_trail.c.seq == 1)
                .order_by(audit_trail.c.document_type, audit_trail.c.document_id)
                .offset(count * i // parts)
                .limit(1)
            ).first()
            if row is not None:
                points.append((row.document_type, row.document_id))
        return sorted(set(points))

    def for_document(self, document_type: str, document_id: str) -> list[TrailEntry]:
        self.flush()  # this transaction's own entries too
        rows = self.conn.execute(
            sa.select(*_COLUMNS)
            .where(audit_trail.c.document_type == document_type, audit_trail.c.document_id == document_id)
            .order_by(audit_trail.c.seq)
        ).all()
        return [to_entry(r) for r in rows]

    # ── seals ──
    def unsealed_heads(self, limit: int) -> list[SealLeaf]:
        """Heads that moved since they were last sealed, locked; heads an append holds right now are skipped
        (they are sealed next time, as committed)."""
        self.flush()
        rows = self.conn.execute(
            sa.select(H.chain, H.seq, H.hash)
            .where(H.seq > H.sealed_seq)
            .order_by(H.chain)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        return [SealLeaf(r.chain, r.seq, r.hash) for r in rows]

    def count_unsealed(self, at_most: int) -> int:
        inner = sa.select(H.chain).where(H.seq > H.sealed_seq).limit(at_most).subquery()
        return self.conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one()

    def last_seal(self) -> Seal | None:
        row = self.conn.execute(sa.select(audit_trail_seal).order_by(SEAL.seal_no.desc()).limit(1)).first()
        return _seal(row) if row is not None else None

    def add_seal(self, seal: Seal, leaves: list[SealLeaf]) -> None:
        self.conn.execute(sa.insert(audit_trail_seal).values(**seal.__dict__))
        if leaves:
            self.conn.execute(
                sa.insert(audit_trail_seal_leaf),
                [{"seal_no": seal.seal_no, "chain": x.chain, "seq": x.seq, "hash": x.hash} for x in leaves],
            )
            self.conn.execute(
                sa.update(audit_trail_head)
                .where(H.chain == sa.bindparam("leaf_chain"))
                .values(sealed_seq=sa.bindparam("leaf_seq")),
                [{"leaf_chain": x.chain, "leaf_seq": x.seq} for x in leaves],
            )

    def seals(self) -> Iterator[tuple[Seal, list[SealLeaf]]]:
        """Every seal with its leaves, in order (leaves are a fraction of the entries: one per moved head)."""
        seals = [_seal(r) for r in self.conn.execute(sa.select(audit_trail_seal).order_by(SEAL.seal_no)).all()]
        leaves: dict[int, list[SealLeaf]] = {}
        rows = self.conn.execute(sa.select(LEAF.seal_no, LEAF.chain, LEAF.seq, LEAF.hash)).all()
        for r in rows:
            leaves.setdefault(r.seal_no, []).append(SealLeaf(r.chain, r.seq, r.hash))
        for seal in seals:
            yield seal, leaves.pop(seal.seal_no, [])
        for seal_no in sorted(leaves):  # leaves of a seal that is gone: its absence is a gap in the seals
            yield Seal(seal_no, "", "", 0, datetime.min), leaves[seal_no]

    def export_snapshot(self) -> str:
        """This transaction's snapshot, for other connections to read exactly what it reads."""
        return self.conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()


def _within(key: str, lower: Bound, upper: Bound) -> bool:
    document = tuple(key.split("/", 1))
    return (lower is None or document >= lower) and (upper is None or document < upper)


def _seal(row: Any) -> Seal:
    return Seal(row.seal_no, row.prev_hash, row.root, row.leaves, row.sealed_at, row.hash)


def to_entry(row: Any) -> TrailEntry:
    return TrailEntry(**row._mapping)


class AnchorFile:
    """An append-only JSON-lines file of anchored seals: `<dir>/<database name>.seals.jsonl`.
    Each line is written with one write() on an O_APPEND descriptor and fsync'd."""

    def __init__(self, directory: str | os.PathLike, chain_name: str):
        self.directory = Path(directory)
        self.chain_name = chain_name
        # `.seals`: each line anchors a seal (its number and hash). The office-wide chain this trail had
        # before per-document chains anchored its head in `.anchors.jsonl`; that file is left as it was.
        self.path = self.directory / f"{chain_name}.seals.jsonl"
        self._lock = threading.Lock()
        self._last: Anchor | None = None
        self._loaded = False

    @classmethod
    def in_directory(cls, setting: str, chain_name: str) -> AnchorFile:
        """The anchor file of `chain_name` in the folder IC_TRAIL_ANCHOR_DIR names (relative: to the repository)."""
        directory = Path(setting)
        return cls(directory if directory.is_absolute() else REPO_ROOT / directory, chain_name)

    def append(self, anchor: Anchor) -> None:
        line = json.dumps(anchor.as_dict(self.chain_name), sort_keys=True) + "\n"
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            self._last = anchor
            self._loaded = True

    def read(self) -> list[Anchor]:
        """Every anchor, oldest first. A torn last line (a crash mid-write) is skipped, not fatal."""
        if not self.path.exists():
            return []
        anchors = []
        with open(self.path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if data.get("chain") == self.chain_name:
                    anchors.append(Anchor.from_dict(data))
        return anchors

    def last(self) -> Anchor | None:
        with self._lock:
            if not self._loaded:
                anchors = self.read()
                self._last = max(anchors, key=lambda a: a.seq, default=None)
                self._loaded = True
            return self._last


# ── connections of their own: the sealing lock, and reading the trail as of one moment ──
_SEAL_LOCK = "approval_trail_seal"


@contextmanager
def sealing_lock(engine: Engine) -> Iterator[bool]:
    """Whether this process may seal and anchor now: one replica at a time (a session advisory lock on a
    connection of its own, held until the seal is anchored and announced; a process that dies drops it)."""
    with engine.connect() as conn:
        mine = conn.execute(sa.text("SELECT pg_try_advisory_lock(hashtext(:k))"), {"k": _SEAL_LOCK}).scalar()
        conn.commit()
        try:
            yield bool(mine)
        finally:
            if mine:
                conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": _SEAL_LOCK})
                conn.commit()


@contextmanager
def trail_snapshot(engine: Engine, snapshot: str | None = None) -> Iterator[TrailRepository]:
    """The trail as of one moment (a read-only REPEATABLE READ transaction), however long reading takes;
    with `snapshot` (exported by another transaction's `export_snapshot`), exactly as that one reads it."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            if snapshot is not None:
                conn.execute(sa.text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))  # must be the first statement
            conn.execute(sa.text("SET LOCAL TIME ZONE 'UTC'"))  # timestamps arrive in UTC: hashed as they come
            yield TrailRepository(conn)


@contextmanager
def trail_snapshot_at(dsn: str, snapshot: str) -> Iterator[TrailRepository]:
    """`trail_snapshot` in another process (a verification worker): an engine of its own, dropped after."""
    engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
    try:
        with trail_snapshot(engine, snapshot) as trail:
            yield trail
    finally:
        engine.dispose()
