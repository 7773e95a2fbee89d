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
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ic_platform.db import REPO_ROOT
from services.approval.adapters.orm import audit_trail, audit_trail_head
from services.approval.domain.trail import GENESIS, HASHED_FIELDS, Anchor, TrailDraft, TrailEntry, chain

CHAIN = "approval"  # the one chain of the approval database
_COLUMNS = [audit_trail.c[name] for name in (*HASHED_FIELDS, "hash")]
_STREAM_SQL = f"SELECT {', '.join(c.name for c in _COLUMNS)} FROM audit_trail ORDER BY seq"
assert tuple(c.name for c in _COLUMNS) == tuple(TrailEntry.__dataclass_fields__)  # positional rows fit


class TrailRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def append(self, draft: TrailDraft) -> TrailEntry:
        """Append in the caller's transaction. The head row's lock serialises appends until commit."""
        head = self._lock_head()
        entry = chain(draft, head[0] + 1, head[1])
        self.conn.execute(sa.insert(audit_trail).values(**entry.content(), hash=entry.hash))
        self.conn.execute(
            sa.update(audit_trail_head)
            .where(audit_trail_head.c.chain == CHAIN)
            .values(seq=entry.seq, hash=entry.hash, updated_at=sa.func.now())
        )
        return entry

    def _lock_head(self) -> tuple[int, str]:
        select = (
            sa.select(audit_trail_head.c.seq, audit_trail_head.c.hash)
            .where(audit_trail_head.c.chain == CHAIN)
            .with_for_update()
        )
        row = self.conn.execute(select).first()
        if row is None:  # the very first append: create the head, then lock it like everyone else
            self.conn.execute(
                sa.text("INSERT INTO audit_trail_head (chain, seq, hash) VALUES (:c, 0, :g) ON CONFLICT DO NOTHING"),
                {"c": CHAIN, "g": GENESIS},
            )
            row = self.conn.execute(select).first()
        return row.seq, row.hash

    def head(self) -> tuple[int, str] | None:
        """The recorded head (seq, hash) as committed; None before the first append."""
        row = self.conn.execute(
            sa.select(audit_trail_head.c.seq, audit_trail_head.c.hash).where(audit_trail_head.c.chain == CHAIN)
        ).first()
        return (row.seq, row.hash) if row is not None and row.seq > 0 else None

    def stream(self, batch: int = 5000) -> Iterator[list[TrailEntry]]:
        """Every entry in seq order, in batches, through a server-side cursor (memory stays flat).

        Straight from the driver's named cursor, in this connection's transaction: at a million entries the
        ORM layer's per-row work is a tenth of the verification time. Values arrive typed (int, Decimal,
        aware datetime, str), never as database text; the columns come in TrailEntry's field order."""
        driver = self.conn.connection.driver_connection
        with driver.cursor(name=f"audit_trail_{uuid.uuid4().hex[:12]}") as cursor:
            cursor.itersize = batch
            cursor.execute(_STREAM_SQL)
            while rows := cursor.fetchmany(batch):
                yield [TrailEntry(*row) for row in rows]

    def for_document(self, document_type: str, document_id: str) -> list[TrailEntry]:
        rows = self.conn.execute(
            sa.select(*_COLUMNS)
            .where(audit_trail.c.document_type == document_type, audit_trail.c.document_id == document_id)
            .order_by(audit_trail.c.seq)
        ).all()
        return [to_entry(r) for r in rows]


def to_entry(row: Any) -> TrailEntry:
    return TrailEntry(**row._mapping)


class AnchorFile:
    """An append-only JSON-lines file of anchors for one chain: `<dir>/<database name>.anchors.jsonl`.
    Each line is written with one write() on an O_APPEND descriptor and fsync'd."""

    def __init__(self, directory: str | os.PathLike, chain_name: str):
        self.directory = Path(directory)
        self.chain_name = chain_name
        self.path = self.directory / f"{chain_name}.anchors.jsonl"
        self._lock = threading.Lock()
        self._last: Anchor | None = None
        self._loaded = False

    @classmethod
    def from_env(cls, chain_name: str) -> AnchorFile:
        directory = Path(os.environ.get("IC_TRAIL_ANCHOR_DIR") or "var/anchors")
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
