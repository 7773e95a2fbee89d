"""The trail as use cases: sealing the document chains' heads and anchoring the seals outside the database,
and verifying everything (domain/trail.py, domain/seals.py).

Verification streams the entries chain after chain in one database snapshot. It can split the chains among
worker processes (`workers`), each reading its share in the same snapshot (PostgreSQL's exported snapshots), so
a million entries verify in seconds on two cores; the service itself verifies in-process."""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ic_platform import metrics
from ic_platform.context import CallContext
from services.approval.adapters.trail import AnchorFile, Bound, TrailRepository, trail_snapshot_at
from services.approval.domain.seals import SealVerifier, make_seal
from services.approval.domain.trail import (
    GENESIS,
    HASHED_FIELDS,
    Anchor,
    Break,
    ChainVerifier,
    TrailEntry,
    entry_bytes,
)
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

MAX_LEAVES = 20_000  # heads sealed at most at once; more wait for the next tick


# ── sealing and anchoring ──
def anchor_trail(
    uow: ApprovalUnitOfWork,
    anchors: AnchorFile,
    ctx: CallContext,
    *,
    every_entries: int = 100,
    every_seconds: float = 60.0,
    force: bool = False,
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """Seal the heads that moved when a seal is due (N chains moved, or the interval passed since the last
    seal; `force`: whenever any moved), then anchor the latest seal if it is not anchored yet: the file first
    (it is what `verify` reads), then the event, for anyone else who wants a copy. One replica at a time does
    this (an advisory lock); the others skip the tick. Returns the anchor record, None when nothing was due."""
    now = now or datetime.now(UTC)
    with uow.sealing_lock() as mine:
        if not mine:
            return None
        with uow:
            latest = uow.trail.last_seal()
            if _seal_due(uow.trail, latest, now, every_entries, every_seconds, force):
                leaves = uow.trail.unsealed_heads(MAX_LEAVES)
                if leaves:
                    latest = make_seal(
                        latest.seal_no + 1 if latest else 1, latest.hash if latest else GENESIS, leaves, now
                    )
                    uow.trail.add_seal(latest, leaves)
            uow.commit()
        last_anchor = anchors.last()
        if latest is None or (last_anchor is not None and last_anchor.seq >= latest.seal_no):
            _record_anchor_lag(anchors, last_anchor, now, pending=latest is not None and uow_has_unsealed(uow))
            return None
        anchors.append(Anchor(latest.seal_no, latest.hash, now))
        metrics.trail_anchor_lag.labels(anchors.chain_name).set(0)
        record = {
            "chain": anchors.chain_name,
            "seal": latest.seal_no,
            "hash": latest.hash,
            "root": latest.root,
            "leaves": latest.leaves,
            "sealed_at": latest.sealed_at.astimezone(UTC).isoformat(),
            "anchored_at": now.isoformat(),
        }
        with uow:
            uow.publish(ctx.event("approval.trail_anchored", record, version=2))
            uow.commit()
    return record


def uow_has_unsealed(uow: ApprovalUnitOfWork) -> bool:
    with uow:
        return uow.trail.count_unsealed(at_most=1) > 0


def _record_anchor_lag(anchors: AnchorFile, last: Anchor | None, now: datetime, *, pending: bool) -> None:
    """Seconds the trail has had changes not yet anchored (0 when everything is anchored; +Inf when changes
    were never anchored): what the TrailAnchorStale alert watches."""
    if not pending:
        lag = 0.0
    elif last is None:
        lag = float("inf")
    else:
        lag = max((now - last.anchored_at).total_seconds(), 0.0)
    metrics.trail_anchor_lag.labels(anchors.chain_name).set(lag)


def _seal_due(trail: TrailRepository, latest: Any, now: datetime, every: int, seconds: float, force: bool) -> bool:
    moved = trail.count_unsealed(at_most=max(every, 1))
    if moved == 0:
        return False
    if force or latest is None or moved >= every:
        return True
    return (now - latest.sealed_at).total_seconds() >= seconds


# ── verification ──
_TYPE, _ID, _SEQ, _PREV = (HASHED_FIELDS.index(f) for f in ("document_type", "document_id", "seq", "prev_hash"))


@dataclass
class ChainsChecked:
    entries: int = 0
    chains: int = 0
    unsealed: int = 0
    anchors_checked: int = 0
    first_break: Break | None = None
    breaks: list[Break] = field(default_factory=list)


def verify_trail(
    uow: ApprovalUnitOfWork,
    anchors: AnchorFile,
    pause: Callable[[], None] | None = None,
    workers: int = 1,
    dsn: str | None = None,
) -> dict[str, Any]:
    """Check the chain of seals against its anchors, then every document chain against its latest sealed
    head and its head row, in one snapshot. `workers` > 1 (with `dsn`) splits the chains among processes."""
    started = time.perf_counter()
    # Anchors first: each is of a seal committed before the snapshot below starts, so a concurrent seal can
    # never make an anchor look "beyond the end".
    recorded = anchors.read()
    with uow.trail_snapshot() as trail:
        seals = SealVerifier(recorded)
        latest = None
        for seal, leaves in trail.seals():
            latest = seal
            if seals.feed(seal, leaves) is not None:
                break
        seal_break = seals.finish()
        if workers > 1 and dsn:
            checked = _in_processes(trail, dsn, seals.sealed, workers)
        else:
            checked = check_chains(trail, seals.sealed, None, None, pause)
    first = seal_break or checked.first_break
    metrics.trail_verified.labels(anchors.chain_name).set(1 if first is None else 0)
    metrics.trail_verified_at.labels(anchors.chain_name).set(time.time())
    return {
        "ok": first is None,
        "entries": checked.entries,
        "chains": checked.chains,
        "unsealed_chains": checked.unsealed,
        "seals": seals.seals,
        "head": {"seq": latest.seal_no, "hash": latest.hash} if latest else None,
        "first_break": first.as_dict() if first else None,
        "anchors_checked": seals.anchors_checked + checked.anchors_checked,
        "latest_anchor": _anchor_view(seals.latest_anchor),
        "chain": anchors.chain_name,
        "workers": workers if workers > 1 and dsn else 1,
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def check_chains(
    trail: TrailRepository,
    sealed: dict[str, Anchor],
    lower: Bound,
    upper: Bound,
    pause: Callable[[], None] | None = None,
) -> ChainsChecked:
    """Every chain in [lower, upper): its entries in order, then its end against its latest sealed head and
    its head row. A chain that is sealed or has a head row but no entries at all was dropped whole."""
    heads = trail.heads(lower, upper)
    expected = set(heads) | {k for k in sealed if _in_range(k, lower, upper)}
    checked = ChainsChecked()
    key, verifier = None, None
    for batch in trail.stream(lower, upper):
        for row in batch:
            if key is None or row[_TYPE] != key[0] or row[_ID] != key[1]:
                if verifier is not None:
                    _finish(checked, verifier, sealed)
                key = (row[_TYPE], row[_ID])
                name = f"{key[0]}/{key[1]}"
                expected.discard(name)
                verifier = _verifier(name, sealed, heads)
            _feed(verifier, row)
        if pause is not None:
            pause()
    if verifier is not None:
        _finish(checked, verifier, sealed)
    for name in sorted(expected):  # known to a seal or a head row, yet not one entry left
        _finish(checked, _verifier(name, sealed, heads), sealed)
    checked.first_break = min(checked.breaks, key=lambda b: b.chain or "", default=None)
    return checked


def _verifier(name: str, sealed: dict[str, Anchor], heads: dict[str, tuple[int, str]]) -> ChainVerifier:
    return ChainVerifier([sealed[name]] if name in sealed else [], heads.get(name), chain=name)


def _feed(verifier: ChainVerifier, row: tuple) -> None:
    """The common case without building an entry: the next seq, linked to the one before, its hash right,
    and (at a sealed seq) the sealed hash. Anything else goes the long way, which names the problem."""
    if verifier.first_break is not None:
        return
    prev, seq, hash_ = verifier.prev, row[_SEQ], row[-1]
    if (
        seq == (prev[0] + 1 if prev else 1)
        and row[_PREV] == (prev[1] if prev else GENESIS)
        and hashlib.sha256(entry_bytes(row)).hexdigest() == hash_
    ):
        sealed = verifier.anchors.get(seq)
        if sealed is None or sealed.hash == hash_:
            verifier.anchors_checked += sealed is not None
            verifier.entries += 1
            verifier.prev = (seq, hash_)
            return
    verifier.feed(TrailEntry(*row))


def _finish(checked: ChainsChecked, verifier: ChainVerifier, sealed: dict[str, Anchor]) -> None:
    result = verifier.finish()
    checked.entries += result.entries
    checked.chains += 1
    checked.anchors_checked += result.anchors_checked
    sealed_head = sealed.get(verifier.chain)
    if result.head is not None and (sealed_head is None or sealed_head.seq < result.head[0]):
        checked.unsealed += 1
    if result.first_break is not None:
        checked.breaks.append(result.first_break)


def _in_range(name: str, lower: Bound, upper: Bound) -> bool:
    document = tuple(name.split("/", 1))
    return (lower is None or document >= lower) and (upper is None or document < upper)


def _anchor_view(anchor: Anchor | None) -> dict[str, Any] | None:
    if anchor is None:
        return None
    return {"seq": anchor.seq, "hash": anchor.hash, "anchored_at": anchor.anchored_at.astimezone(UTC).isoformat()}


# ── verification in several processes, in one snapshot ──
def _in_processes(trail: TrailRepository, dsn: str, sealed: dict[str, Anchor], workers: int) -> ChainsChecked:
    snapshot = trail.export_snapshot()
    points = trail.split_points(workers)
    bounds = list(zip([None, *points], [*points, None], strict=True))
    # Forked: the workers start at once and touch nothing of this process's (its connections included).
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(
                _check_partition, dsn, snapshot, {k: v for k, v in sealed.items() if _in_range(k, lo, hi)}, lo, hi
            )
            for lo, hi in bounds
        ]
        parts = [f.result() for f in futures]
    total = ChainsChecked()
    for part in parts:
        total.entries += part.entries
        total.chains += part.chains
        total.unsealed += part.unsealed
        total.anchors_checked += part.anchors_checked
        total.breaks.extend(part.breaks)
    total.first_break = min(total.breaks, key=lambda b: b.chain or "", default=None)
    return total


def _check_partition(dsn: str, snapshot: str, sealed: dict[str, Anchor], lower: Bound, upper: Bound) -> ChainsChecked:
    with trail_snapshot_at(dsn, snapshot) as trail:
        return check_chains(trail, sealed, lower, upper)
