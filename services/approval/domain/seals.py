"""Seals (封存): what makes the per-document chains of the trail tamper-evident as a whole. Pure: no I/O.

Every few seconds the heads (chain, seq, hash) of the document chains that moved since the last seal are
sealed: their leaves, sorted by chain, are hashed into a Merkle root, and the seal (its number, the previous
seal's hash, the root, the number of leaves, the time) is hashed into the seal's own hash. Seals form a chain
of their own, and each seal's hash is anchored outside the approval database (adapters/trail.py, AnchorFile).

What that proves: a document chain that ends before its last sealed head was cut (truncated), or replaced by an
older copy; a chain whose entry at a sealed seq differs was rewritten; a chain dropped whole is still named by
its sealed leaves. A seal edited in the database no longer matches its root, its successor, or its anchor.
The Merkle root also lets one document's head be proven part of an anchored seal with a few hashes
(`inclusion_path`), without reading the rest of the trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.approval.domain.trail import GENESIS, SEALS, Anchor, Break, Problem, utc_iso

# Leaves and inner nodes are hashed with different prefixes, so a leaf can never pass for a node (RFC 6962).
_LEAF, _NODE = b"\x00", b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()
_encode_str = json.encoder.encode_basestring


@dataclass(frozen=True)
class SealLeaf:
    chain: str  # "<document type>/<document id>"
    seq: int
    hash: str

    def digest(self) -> bytes:
        """SHA-256 of the leaf prefix and the compact sorted-key JSON {"chain", "hash", "seq"}."""
        data = f'{{"chain":{_encode_str(self.chain)},"hash":{_encode_str(self.hash)},"seq":{self.seq:d}}}'
        return hashlib.sha256(_LEAF + data.encode("utf-8")).digest()


@dataclass(frozen=True)
class Seal:
    seal_no: int
    prev_hash: str
    root: str
    leaves: int
    sealed_at: datetime
    hash: str = ""

    def content_hash(self) -> str:
        data = {
            "leaves": self.leaves,
            "prev_hash": self.prev_hash,
            "root": self.root,
            "seal_no": self.seal_no,
            "sealed_at": utc_iso(self.sealed_at),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def merkle_root(digests: list[bytes]) -> str:
    if not digests:
        return EMPTY_ROOT
    level = digests
    while len(level) > 1:
        level = [_parent(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0].hex()


def _parent(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE + left + right).digest()


def inclusion_path(digests: list[bytes], index: int) -> list[tuple[str, str]]:
    """The sibling hashes from leaf `index` up to the root, each with the side it stands on."""
    path, level = [], digests
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(("left" if sibling < index else "right", level[sibling].hex()))
        level = [_parent(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
        index //= 2
    return path


def root_from_path(digest: bytes, path: list[tuple[str, str]]) -> str:
    node = digest
    for side, sibling in path:
        node = _parent(bytes.fromhex(sibling), node) if side == "left" else _parent(node, bytes.fromhex(sibling))
    return node.hex()


def make_seal(seal_no: int, prev_hash: str, leaves: list[SealLeaf], sealed_at: datetime) -> Seal:
    """The seal of `leaves` (in any order: they are sealed sorted by chain) after the seal `prev_hash`."""
    ordered = sorted(leaves, key=lambda leaf: leaf.chain)
    unsigned = Seal(seal_no, prev_hash, merkle_root([leaf.digest() for leaf in ordered]), len(ordered), sealed_at)
    return Seal(**{**unsigned.__dict__, "hash": unsigned.content_hash()})


class SealVerifier:
    """Checks the chain of seals, each against its leaves, and the anchors against the seals; remembers the
    latest sealed head of every document chain for the chains' own verification."""

    def __init__(self, anchors: Iterable[Anchor] = ()):
        self.anchors = {anchor.seq: anchor for anchor in anchors}  # anchor.seq is the seal's number
        self.latest_anchor = max(self.anchors.values(), key=lambda a: a.seq, default=None)
        self.sealed: dict[str, Anchor] = {}  # chain → its latest sealed head, as an anchor of that chain
        self.prev: Seal | None = None
        self.seals = 0
        self.anchors_checked = 0
        self.first_break: Break | None = None

    def feed(self, seal: Seal, leaves: list[SealLeaf]) -> Break | None:
        if self.first_break is None:
            self.first_break = self._check(seal, leaves)
            if self.first_break is None:
                self.seals += 1
                self.prev = seal
                for leaf in leaves:
                    self.sealed[leaf.chain] = Anchor(leaf.seq, leaf.hash, seal.sealed_at)
        return self.first_break

    def _check(self, seal: Seal, leaves: list[SealLeaf]) -> Break | None:
        expected = self.prev.seal_no + 1 if self.prev else 1
        if seal.seal_no != expected:
            return _broken(expected, Problem.GAP, expected=expected, missing_to=seal.seal_no - 1)
        if seal.content_hash() != seal.hash:
            return _broken(seal.seal_no, Problem.HASH_MISMATCH, stored_hash=seal.hash)
        expected_prev = self.prev.hash if self.prev else GENESIS
        if seal.prev_hash != expected_prev:
            return _broken(
                seal.seal_no, Problem.PREV_HASH_MISMATCH, prev_hash=seal.prev_hash, expected_prev_hash=expected_prev
            )
        ordered = sorted(leaves, key=lambda leaf: leaf.chain)
        if len(ordered) != seal.leaves or merkle_root([leaf.digest() for leaf in ordered]) != seal.root:
            return _broken(seal.seal_no, Problem.ROOT_MISMATCH, root=seal.root, leaves=seal.leaves)
        anchor = self.anchors.get(seal.seal_no)
        if anchor is not None:
            self.anchors_checked += 1
            if anchor.hash != seal.hash:
                return _broken(
                    seal.seal_no,
                    Problem.ANCHOR_MISMATCH,
                    anchored_at=anchor.anchored_at,
                    anchored_hash=anchor.hash,
                    hash=seal.hash,
                )
        return None

    def finish(self) -> Break | None:
        """After the last seal: an anchor of a later seal means seals were cut off (or an old copy restored)."""
        if self.first_break is None and self.latest_anchor is not None:
            end = self.prev.seal_no if self.prev else 0
            if self.latest_anchor.seq > end:
                self.anchors_checked += 1
                self.first_break = _broken(
                    end + 1,
                    Problem.TRUNCATED,
                    end=end,
                    recorded=self.latest_anchor.seq,
                    recorded_hash=self.latest_anchor.hash,
                    source="anchor",
                )
        return self.first_break


def _broken(seq: int, problem: Problem, **details: object) -> Break:
    return Break(seq, problem, dict(details), chain=SEALS)
