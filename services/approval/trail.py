"""The approval trail from the command line: `python -m services.approval.trail <command>`.

verify [--workers N]  recompute every document chain and the seals in the approval database (IC_DB_PREFIX,
                      IC_PG_URL) and check them against the anchors in IC_TRAIL_ANCHOR_DIR, with N processes
                      (default: the machine's cores); prints the result as JSON; exit status 0 intact, 1 broken
anchor                seal the heads that moved and anchor the seal now (the running service does it on a timer)
bench [N]             build N synthetic entries (default 1,000,000; a document every five) in a throwaway database
                      with the domain functions, sealed every 100,000, time `verify` over them, drop the database
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PSYCOPG_IMPL", "binary")

import json  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from ic_platform.config import Settings, settings  # noqa: E402
from ic_platform.context import CallContext  # noqa: E402
from ic_platform.db import drop_database, make_engine, migrate  # noqa: E402
from services.approval.adapters.trail import AnchorFile, chain_of  # noqa: E402
from services.approval.domain.seals import SealLeaf, make_seal  # noqa: E402
from services.approval.domain.trail import (  # noqa: E402
    GENESIS,
    HASHED_FIELDS,
    Anchor,
    TrailAction,
    TrailDraft,
    chain,
)
from services.approval.service_layer import bus as approval_bus  # noqa: E402
from services.approval.service_layer import trail  # noqa: E402

SERVICE = "approval"


def verify(cfg: Settings | None = None, anchors: AnchorFile | None = None, workers: int | None = None) -> dict:
    cfg = cfg or settings()
    url = cfg.database_url(SERVICE)
    engine = make_engine(url, pool_size=2)
    try:
        anchors = anchors or AnchorFile.in_directory(cfg.trail_anchor_dir, cfg.database_name(SERVICE))
        workers = workers or os.cpu_count() or 1
        return trail.verify_trail(approval_bus.unit_of_work(engine), anchors, workers=workers, dsn=url)
    finally:
        engine.dispose()


def anchor(cfg: Settings | None = None) -> dict | None:
    """Record the head in the anchor file (the event goes out with the service's outbox relay)."""
    cfg = cfg or settings()
    engine = make_engine(cfg.database_url(SERVICE), pool_size=2)
    try:
        anchors = AnchorFile.in_directory(cfg.trail_anchor_dir, cfg.database_name(SERVICE))
        return trail.anchor_trail(approval_bus.unit_of_work(engine), anchors, CallContext(org="xinqiao"), force=True)
    finally:
        engine.dispose()


def synthetic_drafts(n: int, start: datetime | None = None):
    """Plausible entries: a document every five actions, Chinese comments, amounts, addresses."""
    start = start or datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    actions = [
        TrailAction.SUBMITTED,
        TrailAction.STEP_ASSIGNED,
        TrailAction.APPROVED,
        TrailAction.STEP_ASSIGNED,
        TrailAction.APPROVED,
    ]
    for i in range(n):
        doc = i // 5
        yield TrailDraft(
            action=actions[i % 5].value,
            org="xinqiao",
            actor=("clerk", "head", "head", "leader", "leader")[i % 5],
            document_type="matter_application",
            document_id=str(uuid.UUID(int=doc)),
            document_no=f"SQ-2026-{doc:06d}",
            task_id=str(uuid.UUID(int=i)),
            assignee="leader" if i % 5 == 3 else None,
            from_step=None if i % 5 < 2 else (i % 5 - 1) // 2,
            to_step=(i % 5 + 1) // 2 or 1,
            amount=Decimal(f"{(doc % 90000) + 100}.{doc % 100:02d}"),
            comment="同意" if i % 5 in (2, 4) else None,
            occurred_at=start + timedelta(seconds=i * 7, microseconds=i % 1000),
            client_ip=f"10.12.{doc % 250}.{i % 250}",
            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
            trace_id=f"{i:032x}",
        )


def bench(n: int = 1_000_000, workers: int | None = None) -> dict:
    """Build a trail of n entries (a document every five) in a throwaway database, sealed every 100,000
    entries and each seal anchored, and time verify over it."""
    base = settings()
    cfg = base.with_(db_prefix=f"{base.db_prefix}_trailbench{uuid.uuid4().hex[:6]}")
    url = cfg.database_url(SERVICE)
    anchor_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"{cfg.db_prefix}_anchors"
    figures: dict = {"entries": n}
    anchors = AnchorFile(anchor_dir, cfg.database_name(SERVICE))
    try:
        migrate(SERVICE, cfg)
        engine = make_engine(url, pool_size=2)
        t0 = time.perf_counter()
        _load(engine, n, anchors)
        figures["build_and_load_s"] = round(time.perf_counter() - t0, 1)
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE audit_trail; ANALYZE audit_trail_head; ANALYZE audit_trail_seal_leaf"))
            conn.commit()
        t0 = time.perf_counter()
        result = verify(cfg, anchors, workers)
        figures["verify_s"] = round(time.perf_counter() - t0, 1)
        figures["entries_per_s"] = round(n / figures["verify_s"]) if figures["verify_s"] else None
        figures["ok"], figures["anchors_checked"] = result["ok"], result["anchors_checked"]
        figures["chains"], figures["seals"], figures["workers"] = result["chains"], result["seals"], result["workers"]
        engine.dispose()
    finally:
        drop_database(url)
        if anchors.path.exists():
            anchors.path.unlink()
    return figures


def _load(engine, n: int, anchors: AnchorFile) -> None:  # noqa: ANN001
    """COPY the entries in; every 100,000 entries seal the heads that moved and anchor the seal."""
    columns = [*HASHED_FIELDS, "hash"]
    heads: dict[str, tuple[int, str]] = {}
    moved: dict[str, tuple[int, str]] = {}
    seals = []
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur, cur.copy(f"COPY audit_trail ({', '.join(columns)}) FROM STDIN") as copy:
            for i, draft in enumerate(synthetic_drafts(n), start=1):
                key = chain_of(draft.document_type, draft.document_id)
                seq, prev = heads.get(key, (0, GENESIS))
                entry = chain(draft, seq + 1, prev)
                copy.write_row([getattr(entry, c) for c in columns])
                heads[key] = moved[key] = (entry.seq, entry.hash)
                if i % 100_000 == 0 or i == n:
                    seals.append(_seal(seals[-1][0] if seals else None, moved, anchors))
        with raw.cursor() as cur:
            cur.executemany(
                "INSERT INTO audit_trail_head (chain, seq, hash, sealed_seq) VALUES (%s, %s, %s, %s)",
                [(k, s, h, s) for k, (s, h) in heads.items()],
            )
            cur.executemany(
                "INSERT INTO audit_trail_seal (seal_no, prev_hash, root, leaves, sealed_at, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(x.seal_no, x.prev_hash, x.root, x.leaves, x.sealed_at, x.hash) for x, _ in seals],
            )
            cur.executemany(
                "INSERT INTO audit_trail_seal_leaf (seal_no, chain, seq, hash) VALUES (%s, %s, %s, %s)",
                [(x.seal_no, leaf.chain, leaf.seq, leaf.hash) for x, leaves in seals for leaf in leaves],
            )
        raw.commit()
    finally:
        raw.close()


def _seal(previous, moved: dict, anchors: AnchorFile):  # noqa: ANN001, ANN202
    leaves = [SealLeaf(k, s, h) for k, (s, h) in moved.items()]
    number, prev_hash = (previous.seal_no + 1, previous.hash) if previous else (1, GENESIS)
    seal = make_seal(number, prev_hash, leaves, datetime.now(UTC))
    anchors.append(Anchor(seal.seal_no, seal.hash, seal.sealed_at))
    moved.clear()
    return seal, leaves


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("verify", "anchor", "bench"):
        print(__doc__)
        raise SystemExit(2)
    if argv[0] == "verify":
        workers = int(argv[2]) if argv[1:2] == ["--workers"] and len(argv) > 2 else None
        result = verify(workers=workers)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        raise SystemExit(0 if result["ok"] else 1)
    if argv[0] == "anchor":
        print(json.dumps(anchor(), ensure_ascii=False))
        return
    print(json.dumps(bench(int(argv[1]) if len(argv) > 1 else 1_000_000)))


if __name__ == "__main__":
    main(sys.argv[1:])
