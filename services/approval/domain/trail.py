"""The approval trail (过程留痕, 责任可追溯): every approval action as one entry of its document's hash chain.
Pure: no I/O.

One chain per document. Each entry's `hash` is SHA-256 over a canonical serialisation of its fields plus
`prev_hash`, the hash of the entry before it in the same document's chain (GENESIS for the first); `seq` is its
position in that chain. The serialisation is of canonical *values*, never database text: sorted-key compact
JSON, timestamps in UTC as ISO 8601 with exactly six fractional digits and a `Z`, amounts as strings with
exactly two places, None as null. So the same entry hashes the same whether it was just built in memory, read
back through any driver, or reloaded from a dump.

Why one chain per document: actions on one document are already serialised (by its route's lock), actions on
different documents are not, and a single office-wide chain made every approval of the office wait for one
head row. What a chain proves, and what it does not: editing, deleting or moving an entry breaks its document's
chain at that entry (`verify` names it). Cutting off a chain's tail, dropping a whole document's chain, or
restoring an older copy leaves chains that are consistent in themselves; those are caught by seals
(domain/seals.py): every few seconds the heads that moved are sealed in a Merkle root, the seals form a chain
of their own, and each seal is anchored outside the approval database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64
CENT = Decimal("0.01")
# When an entry's hash does not match its content, `verify` tries the seqs this far either side: if the
# entry's own hash fits one of them, the entry is intact but was moved (reordered), not edited.
REORDER_WINDOW = 1000


class TrailAction(StrEnum):
    SUBMITTED = "submitted"  # the document entered approval; its route was drawn and frozen
    STEP_ASSIGNED = "step_assigned"  # a step's task was given to its approver
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"  # the route ended (approved or rejected); `comment` says why
    RETURNED = "returned"  # an approver sent the document back to the initiator; `comment` is the reason
    RESUBMITTED = "resubmitted"  # the initiator corrected a returned document; a new round's route was drawn
    WITHDRAWN = "withdrawn"  # the initiator took the document back before any approver acted (撤回)
    RETURNED_TO_STEP = "returned_to_step"  # an approver sent it back to an earlier step: from_step → to_step
    REASSIGNED = "reassigned"  # a pending task was handed to another approver (转办); `assignee` is the new one
    SKIPPED = "skipped"  # a parallel task closed unneeded: another assignee decided its step; `assignee` is its
    MEETING_RECORDED = "meeting_recorded"  # a collective decision's meeting was recorded (date, attendees, minutes)
    # a deactivated person's pending task that nobody the step's rule allows could take: an admin must reassign
    REASSIGNMENT_NEEDED = "reassignment_needed"
    # organisation administration (组织机构管理), on the chain of the person, unit or deciding body changed
    ORG_USER_ADDED = "org_user_added"
    ORG_ROLES_CHANGED = "org_roles_changed"
    ORG_USER_DEACTIVATED = "org_user_deactivated"
    ORG_PASSWORD_RESET = "org_password_reset"
    ORG_UNIT_HEAD_ASSIGNED = "org_unit_head_assigned"
    ORG_BODY_CHANGED = "org_deciding_body_changed"


@dataclass(frozen=True)
class TrailDraft:
    """What a handler knows about an action; the chain adds seq, prev_hash and hash."""

    action: str
    org: str
    actor: str | None
    document_type: str
    document_id: str
    occurred_at: datetime
    document_no: str | None = None
    acting_for: str | None = None  # delegation (代理): the person the actor acted for
    task_id: str | None = None
    assignee: str | None = None  # for step_assigned: who now holds the document
    from_step: int | None = None
    to_step: int | None = None
    amount: Decimal | None = None  # the document's amount at the time of the action
    comment: str | None = None
    client_ip: str | None = None
    user_agent: str | None = None
    trace_id: str | None = None


@dataclass(frozen=True)
class TrailEntry(TrailDraft):
    seq: int = 0
    prev_hash: str = GENESIS
    hash: str = ""

    def content(self) -> dict[str, Any]:
        """The fields the hash covers: everything but the hash itself."""
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, in canonical values."""
        return {k: canonical_value(v) for k, v in asdict(self).items()}


HASHED_FIELDS = tuple(f for f in TrailEntry.__dataclass_fields__ if f != "hash")
_HASHED = frozenset(HASHED_FIELDS)


# ── canonical values and the hash ──
_PLAIN = frozenset({str, int, bool, type(None)})


def canonical_value(value: Any) -> Any:
    if type(value) in _PLAIN:  # the common case first: verify hashes every entry of the chain
        return value
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, Decimal):
        return decimal_str(value)
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")


def utc_iso(value: datetime) -> str:
    """UTC, microsecond precision, always six digits: 2026-11-25T19:00:20.000000Z."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("trail timestamps must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def decimal_str(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    text = str(value.quantize(CENT, rounding=ROUND_HALF_UP))
    return "0.00" if text == "-0.00" else text


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        {k: canonical_value(v) for k, v in fields.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def compute_hash(fields: dict[str, Any]) -> str:
    """The hash of an entry's content (all fields but `hash`, including seq and prev_hash)."""
    if len(fields) != len(HASHED_FIELDS) or not _HASHED.issuperset(fields):
        missing = sorted(_HASHED - set(fields))
        raise ValueError(f"an entry's content is exactly {HASHED_FIELDS}; missing {missing}")
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


# ── the same hash, fast: verification hashes every entry of every chain ──
# `canonical_bytes` is the definition; this builds the identical bytes without a dict or a general JSON
# encoder (tests/unit/approval/test_trail.py checks them equal on arbitrary entries). Strings go through the
# json module's own string encoder, the one json.dumps(ensure_ascii=False) uses.
_SORTED = sorted(range(len(HASHED_FIELDS)), key=lambda i: HASHED_FIELDS[i])
_TEMPLATE = "{" + ",".join(f'"{HASHED_FIELDS[i]}":%s' for i in _SORTED) + "}"
_encode_str = json.encoder.encode_basestring


def _fast(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is datetime and value.year >= 1000:
        text = value.isoformat(timespec="microseconds")
        if text.endswith("+00:00"):  # already UTC (a verifying session reads in UTC)
            return f'"{text[:-6]}Z"'
    elif kind is Decimal:
        text = str(value)
        if text[-3:-2] == "." and "E" not in text:  # exactly two places: already canonical (but for -0.00)
            return '"0.00"' if text == "-0.00" else f'"{text}"'
    return json.dumps(canonical_value(value), ensure_ascii=False, allow_nan=False)


def _s(value: Any) -> str:
    if type(value) is str:
        return _encode_str(value)
    return "null" if value is None else _fast(value)


def _i(value: Any) -> str:
    return int.__repr__(value) if type(value) is int else _fast(value)


# One encoder per field, by the field's type; the function below is generated from HASHED_FIELDS so that it
# is one call per field and no loop (verification runs it a million times).
_ENCODER = {"occurred_at": "_fast", "amount": "_fast", "seq": "_i", "from_step": "_i", "to_step": "_i"}
_entry_text = eval(  # noqa: S307 - built from this module's own constants only
    "lambda v: _TEMPLATE % (" + ", ".join(f"{_ENCODER.get(HASHED_FIELDS[i], '_s')}(v[{i}])" for i in _SORTED) + ",)",
    {"_TEMPLATE": _TEMPLATE, "_fast": _fast, "_s": _s, "_i": _i},
)


def entry_bytes(values: tuple[Any, ...] | list[Any]) -> bytes:
    """Canonical bytes of an entry's hashed values, given in HASHED_FIELDS order."""
    return _entry_text(values).encode("utf-8")


def entry_hash(entry: TrailEntry) -> str:
    return hashlib.sha256(entry_bytes(astuple_hashed(entry))).hexdigest()


def astuple_hashed(entry: TrailEntry) -> tuple[Any, ...]:
    return tuple(getattr(entry, name) for name in HASHED_FIELDS)


def chain(draft: TrailDraft, seq: int, prev_hash: str) -> TrailEntry:
    """The entry that follows a head (seq - 1, prev_hash)."""
    if seq < 1:
        raise ValueError("seq starts at 1")
    entry = TrailEntry(**{k: getattr(draft, k) for k in TrailDraft.__dataclass_fields__}, seq=seq, prev_hash=prev_hash)
    return replace(entry, hash=entry_hash(entry))


# ── anchors: the head, recorded outside the approval database ──
@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    anchored_at: datetime

    def as_dict(self, chain_name: str) -> dict[str, Any]:
        return {"chain": chain_name, "seq": self.seq, "hash": self.hash, "anchored_at": utc_iso(self.anchored_at)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Anchor:
        return cls(int(data["seq"]), str(data["hash"]), datetime.fromisoformat(data["anchored_at"]))


def anchor_due(head_seq: int, last: Anchor | None, now: datetime, *, every_entries: int, every_seconds: float) -> bool:
    """Anchor when the head moved and either N entries were added or the interval passed since the last."""
    if head_seq == 0 or (last is not None and head_seq <= last.seq):
        return False
    if last is None:
        return True
    return head_seq - last.seq >= every_entries or (now - last.anchored_at).total_seconds() >= every_seconds


# ── verification ──
SEALS = "seals"  # the chain of seals, as a Break names it


class Problem(StrEnum):
    HASH_MISMATCH = "hash_mismatch"  # the entry's content or its hash was changed
    PREV_HASH_MISMATCH = "prev_hash_mismatch"  # the entry does not follow the one before it
    GAP = "gap"  # entries are missing
    REORDERED = "reordered"  # an intact entry stands at another seq than the one it was written at
    TRUNCATED = "truncated"  # the chain ends before a recorded head (an anchor or the chain-head row)
    ANCHOR_MISMATCH = "anchor_mismatch"  # the entry at an anchored seq is not the one that was anchored
    ROOT_MISMATCH = "root_mismatch"  # a seal's Merkle root does not match the heads it lists


MESSAGES = {
    Problem.HASH_MISMATCH: "第 {seq} 条留痕记录的内容或哈希已被改动",
    Problem.PREV_HASH_MISMATCH: "第 {seq} 条留痕记录与前一条记录断链（前一条被改写，或本条的 prev_hash 被改动）",
    Problem.GAP: "留痕记录缺失：应为第 {expected} 条，实为第 {seq} 条",
    Problem.REORDERED: "第 {seq} 条留痕记录原为第 {written_at} 条，记录顺序被调换",
    Problem.TRUNCATED: "留痕链在第 {end} 条结束，但已记录的链头为第 {recorded} 条：尾部记录被截断或被旧版本替换",
    Problem.ANCHOR_MISMATCH: "第 {seq} 条留痕记录与 {anchored_at} 锚定的链头不符：该处及之前的记录被改写",
    Problem.ROOT_MISMATCH: "第 {seq} 次封存的默克尔根与其所列链头不符：封存内容被改动",
}


@dataclass(frozen=True)
class Break:
    seq: int  # the first entry (or missing entry) that is wrong, in its chain
    problem: Problem
    details: dict[str, Any] = field(default_factory=dict)
    chain: str | None = None  # whose chain: "<document type>/<document id>", or SEALS

    @property
    def message(self) -> str:
        text = MESSAGES[self.problem].format(seq=self.seq, **self.details)
        if self.chain == SEALS:
            return f"封存链：{text}"
        return f"单据 {self.chain}：{text}" if self.chain else text

    def as_dict(self) -> dict[str, Any]:
        found = {
            "seq": self.seq,
            "problem": self.problem.value,
            "message": self.message,
            "details": {k: canonical_value(v) for k, v in self.details.items()},
        }
        if self.chain:
            found["chain"] = self.chain
        return found


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int  # how many entries were read
    head: tuple[int, str] | None  # the last entry read (seq, hash)
    first_break: Break | None
    anchors_checked: int
    latest_anchor: Anchor | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": {"seq": self.head[0], "hash": self.head[1]} if self.head else None,
            "first_break": self.first_break.as_dict() if self.first_break else None,
            "anchors_checked": self.anchors_checked,
            "latest_anchor": (
                {
                    "seq": self.latest_anchor.seq,
                    "hash": self.latest_anchor.hash,
                    "anchored_at": utc_iso(self.latest_anchor.anchored_at),
                }
                if self.latest_anchor
                else None
            ),
        }


class ChainVerifier:
    """Streams the chain in seq order; keeps only the previous entry and the anchors in memory.

    feed(entry) for each entry, then finish(). Stops at the first break (later entries are not read)."""

    def __init__(
        self, anchors: Iterable[Anchor] = (), recorded_head: tuple[int, str] | None = None, chain: str | None = None
    ):
        self.chain = chain
        self.anchors: dict[int, Anchor] = {}
        for anchor in anchors:  # the latest record for a seq wins (they should all agree)
            self.anchors[anchor.seq] = anchor
        self.latest_anchor = max(self.anchors.values(), key=lambda a: a.seq, default=None)
        self.recorded_head = recorded_head  # the approval DB's own chain-head row, if any
        self.entries = 0
        self.anchors_checked = 0
        self.prev: tuple[int, str] | None = None
        self.first_break: Break | None = None

    def feed(self, entry: TrailEntry) -> Break | None:
        if self.first_break is not None:
            return self.first_break
        self.entries += 1
        found = self._check(entry)
        if found is not None:
            self.first_break = replace(found, chain=self.chain) if self.chain else found
            return self.first_break
        self.prev = (entry.seq, entry.hash)
        return None

    def _check(self, entry: TrailEntry) -> Break | None:
        expected = self.prev[0] + 1 if self.prev else 1
        if entry.seq != expected:
            return Break(expected, Problem.GAP, {"expected": expected, "missing_to": entry.seq - 1})
        if entry_hash(entry) != entry.hash:
            written_at = _written_at(entry)
            if written_at is not None:
                return Break(entry.seq, Problem.REORDERED, {"written_at": written_at})
            return Break(entry.seq, Problem.HASH_MISMATCH, {"stored_hash": entry.hash})
        expected_prev = self.prev[1] if self.prev else GENESIS
        if entry.prev_hash != expected_prev:
            return Break(
                entry.seq,
                Problem.PREV_HASH_MISMATCH,
                {"prev_hash": entry.prev_hash, "expected_prev_hash": expected_prev},
            )
        anchor = self.anchors.get(entry.seq)
        if anchor is not None:
            self.anchors_checked += 1
            if anchor.hash != entry.hash:
                return Break(
                    entry.seq,
                    Problem.ANCHOR_MISMATCH,
                    {"anchored_at": anchor.anchored_at, "anchored_hash": anchor.hash, "hash": entry.hash},
                )
        return None

    def finish(self) -> VerifyResult:
        if self.first_break is None:
            found = self._tail()
            self.first_break = replace(found, chain=self.chain) if found and self.chain else found
        return VerifyResult(
            ok=self.first_break is None,
            entries=self.entries,
            head=self.prev,
            first_break=self.first_break,
            anchors_checked=self.anchors_checked,
            latest_anchor=self.latest_anchor,
        )

    def _tail(self) -> Break | None:
        end = self.prev[0] if self.prev else 0
        recorded = []
        if self.latest_anchor is not None:
            recorded.append((self.latest_anchor.seq, "anchor", self.latest_anchor.hash))
        if self.recorded_head is not None:
            recorded.append((self.recorded_head[0], "chain_head", self.recorded_head[1]))
        for seq, source, hash_ in sorted(recorded, reverse=True):
            if seq > end:
                self.anchors_checked += source == "anchor"
                return Break(
                    end + 1, Problem.TRUNCATED, {"end": end, "recorded": seq, "recorded_hash": hash_, "source": source}
                )
        if self.recorded_head is not None and self.prev is not None and self.recorded_head != self.prev:
            return Break(
                end,
                Problem.ANCHOR_MISMATCH,
                {
                    "anchored_at": "链头记录",
                    "anchored_hash": self.recorded_head[1],
                    "hash": self.prev[1],
                    "source": "chain_head",
                },
            )
        return None


def verify(
    entries: Iterable[TrailEntry], anchors: Iterable[Anchor] = (), recorded_head: tuple[int, str] | None = None
) -> VerifyResult:
    verifier = ChainVerifier(anchors, recorded_head)
    for entry in entries:
        if verifier.feed(entry) is not None:
            break
    return verifier.finish()


def _written_at(entry: TrailEntry) -> int | None:
    """The seq an intact entry was written at, if its own hash says it was not this one."""
    content = entry.content()
    for offset in range(1, REORDER_WINDOW + 1):
        for seq in (entry.seq - offset, entry.seq + offset):
            if seq >= 1 and compute_hash({**content, "seq": seq}) == entry.hash:
                return seq
    return None


def build_chain(drafts: Iterable[TrailDraft], start: tuple[int, str] = (0, GENESIS)) -> Iterator[TrailEntry]:
    """Entries for drafts, following the head `start` (used by tests and the benchmark)."""
    seq, prev = start
    for draft in drafts:
        seq += 1
        entry = chain(draft, seq, prev)
        prev = entry.hash
        yield entry
