"""Seals of the document chains' heads, without a database: Merkle roots and inclusion paths, and the chain of
seals checked against its anchors."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.approval.domain.seals import (
    EMPTY_ROOT,
    SealLeaf,
    SealVerifier,
    inclusion_path,
    make_seal,
    merkle_root,
    root_from_path,
)
from services.approval.domain.trail import GENESIS, Anchor, Problem

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def leaves(n: int, seq: int = 1) -> list[SealLeaf]:
    return [SealLeaf(f"matter_application/d-{i}", seq, f"{i:064x}") for i in range(n)]


def seals(count: int = 3) -> list[tuple]:
    made, prev = [], GENESIS
    for no in range(1, count + 1):
        batch = leaves(5, seq=no)
        seal = make_seal(no, prev, batch, T0 + timedelta(minutes=no))
        made.append((seal, batch))
        prev = seal.hash
    return made


def checked(made, anchors=()):  # noqa: ANN001, ANN201
    verifier = SealVerifier(anchors)
    for seal, batch in made:
        if verifier.feed(seal, batch) is not None:
            break
    return verifier, verifier.finish()


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16, 33])
def test_every_leaf_has_a_path_to_the_root(n):
    digests = [leaf.digest() for leaf in leaves(n)]
    root = merkle_root(digests)
    assert all(root_from_path(d, inclusion_path(digests, i)) == root for i, d in enumerate(digests))
    assert root_from_path(SealLeaf("x/y", 1, "0" * 64).digest(), inclusion_path(digests, 0)) != root


def test_the_root_depends_on_every_leaf_and_not_on_their_order():
    batch = leaves(6)
    seal = make_seal(1, GENESIS, batch, T0)
    assert make_seal(1, GENESIS, list(reversed(batch)), T0).root == seal.root
    assert make_seal(1, GENESIS, [*batch[:-1], replace(batch[-1], seq=2)], T0).root != seal.root
    assert merkle_root([]) == EMPTY_ROOT


def test_an_intact_chain_of_seals_verifies_and_names_each_chains_latest_sealed_head():
    made = seals()
    verifier, found = checked(made, [Anchor(3, made[-1][0].hash, T0)])
    assert found is None and verifier.seals == 3 and verifier.anchors_checked == 1
    assert verifier.sealed["matter_application/d-0"].seq == 3


def test_a_seal_whose_leaves_were_edited_no_longer_matches_its_root():
    made = seals()
    seal, batch = made[1]
    made[1] = (seal, [replace(batch[0], hash="f" * 64), *batch[1:]])
    _, found = checked(made)
    assert (found.chain, found.seq, found.problem) == ("seals", 2, Problem.ROOT_MISMATCH)


def test_an_edited_seal_is_a_hash_mismatch_and_a_missing_one_a_gap():
    made = seals()
    made[0] = (replace(made[0][0], leaves=4), made[0][1])
    assert checked(made)[1].problem == Problem.HASH_MISMATCH
    made = seals()
    del made[1]
    assert (checked(made)[1].seq, checked(made)[1].problem) == (2, Problem.GAP)


def test_a_seal_rewritten_with_a_fresh_hash_breaks_the_next_link_or_its_anchor():
    made = seals()
    forged = make_seal(2, made[0][0].hash, leaves(4, seq=2), T0)
    made[1] = (forged, leaves(4, seq=2))
    assert checked(made)[1].problem == Problem.PREV_HASH_MISMATCH
    _, found = checked(made[:2], [Anchor(2, seals()[1][0].hash, T0)])
    assert (found.seq, found.problem) == (2, Problem.ANCHOR_MISMATCH)


def test_seals_cut_off_after_an_anchor_are_truncation():
    made = seals()
    _, found = checked(made[:2], [Anchor(3, made[2][0].hash, T0)])
    assert (found.seq, found.problem, found.details["recorded"]) == (3, Problem.TRUNCATED, 3)
    assert found.message.startswith("封存链：")
