"""The approval trail from the command line: `python -m services.approval.trail <command>`.

verify              recompute the chain in the approval database (IC_DB_PREFIX, IC_PG_URL) and check it against
                    the anchors in IC_TRAIL_ANCHOR_DIR; prints the result as JSON; exit status 0 intact, 1 broken
anchor              record the current head in the anchor file now (the running service does it on a timer)
bench [N]           build N synthetic entries (default 1,000,000) in a throwaway database with the domain
                    functions, time `verify` over them, drop the database
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PSYCOPG_IMPL", "binary")

import json  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from ic_platform.config import Settings, settings  # noqa: E402
from ic_platform.context import CallContext  # noqa: E402
from ic_platform.db import drop_database, make_engine, migrate  # noqa: E402
from services.approval.adapters.trail import CHAIN, AnchorFile  # noqa: E402
from services.approval.domain.trail import (  # noqa: E402
    GENESIS,
    HASHED_FIELDS,
    Anchor,
    TrailAction,
    TrailDraft,
    build_chain,
)
from services.approval.service_layer import handlers  # noqa: E402
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork  # noqa: E402

SERVICE = "approval"


def verify(cfg: Settings | None = None, anchors: AnchorFile | None = None) -> dict:
    cfg = cfg or settings()
    engine = make_engine(cfg.database_url(SERVICE), pool_size=2)
    try:
        anchors = anchors or AnchorFile.from_env(cfg.database_name(SERVICE))
        return handlers.verify_trail(ApprovalUnitOfWork(engine), anchors)
    finally:
        engine.dispose()


def anchor(cfg: Settings | None = None) -> dict | None:
    """Record the head in the anchor file (the event goes out with the service's outbox relay)."""
    cfg = cfg or settings()
    engine = make_engine(cfg.database_url(SERVICE), pool_size=2)
    try:
        anchors = AnchorFile.from_env(cfg.database_name(SERVICE))
        return handlers.anchor_trail(ApprovalUnitOfWork(engine), anchors, CallContext(org="xinqiao"), force=True)
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


def bench(n: int = 1_000_000) -> dict:
    """Build a chain of n entries in a throwaway database and time verify over it."""
    base = settings()
    cfg = replace(base, db_prefix=f"{base.db_prefix}_trailbench{uuid.uuid4().hex[:6]}")
    url = cfg.database_url(SERVICE)
    anchor_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"{cfg.db_prefix}_anchors"
    figures: dict = {"entries": n}
    anchors = AnchorFile(anchor_dir, cfg.database_name(SERVICE))
    try:
        migrate(SERVICE, cfg)
        engine = make_engine(url, pool_size=2)
        t0 = time.perf_counter()
        columns = [*HASHED_FIELDS, "hash"]
        head = (0, GENESIS)
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(f"COPY audit_trail ({', '.join(columns)}) FROM STDIN") as copy:
                for entry in build_chain(synthetic_drafts(n)):
                    copy.write_row([getattr(entry, c) for c in columns])
                    head = (entry.seq, entry.hash)
                    if entry.seq % 100_000 == 0:
                        anchors.append(Anchor(entry.seq, entry.hash, datetime.now(UTC)))
            with raw.cursor() as cur:
                cur.execute("INSERT INTO audit_trail_head (chain, seq, hash) VALUES (%s, %s, %s)", (CHAIN, *head))
            raw.commit()
        finally:
            raw.close()
        figures["build_and_load_s"] = round(time.perf_counter() - t0, 1)
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE audit_trail"))
            conn.commit()
        t0 = time.perf_counter()
        result = handlers.verify_trail(ApprovalUnitOfWork(engine), anchors)
        figures["verify_s"] = round(time.perf_counter() - t0, 1)
        figures["entries_per_s"] = round(n / figures["verify_s"]) if figures["verify_s"] else None
        figures["ok"], figures["anchors_checked"] = result["ok"], result["anchors_checked"]
        engine.dispose()
    finally:
        drop_database(url)
        if anchors.path.exists():
            anchors.path.unlink()
    return figures


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("verify", "anchor", "bench"):
        print(__doc__)
        raise SystemExit(2)
    if argv[0] == "verify":
        result = verify()
        print(json.dumps(result, ensure_ascii=False, indent=2))
        raise SystemExit(0 if result["ok"] else 1)
    if argv[0] == "anchor":
        print(json.dumps(anchor(), ensure_ascii=False))
        return
    print(json.dumps(bench(int(argv[1]) if len(argv) > 1 else 1_000_000)))


if __name__ == "__main__":
    main(sys.argv[1:])
