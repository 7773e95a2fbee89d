"""The anchor file: append-only JSON lines outside the approval database, one file per chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ic_platform.config import Settings
from services.approval.adapters.trail import AnchorFile
from services.approval.domain.trail import Anchor

AT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_anchors_are_appended_and_read_back_in_order(tmp_path):
    anchors = AnchorFile(tmp_path / "deep" / "dir", "ic_approval")
    assert anchors.read() == [] and anchors.last() is None
    anchors.append(Anchor(5, "a" * 64, AT))
    anchors.append(Anchor(9, "b" * 64, AT))
    assert [(a.seq, a.hash) for a in anchors.read()] == [(5, "a" * 64), (9, "b" * 64)]
    assert anchors.last().seq == 9
    line = json.loads(anchors.path.read_text().splitlines()[0])
    assert line == {"chain": "ic_approval", "seq": 5, "hash": "a" * 64, "anchored_at": "2026-11-25T08:00:00.000000Z"}


def test_a_fresh_reader_finds_the_last_anchor_in_the_file(tmp_path):
    AnchorFile(tmp_path, "ic_approval").append(Anchor(3, "c" * 64, AT))
    assert AnchorFile(tmp_path, "ic_approval").last() == Anchor(3, "c" * 64, AT)


def test_a_torn_line_and_other_chains_are_skipped(tmp_path):
    anchors = AnchorFile(tmp_path, "ic_approval")
    anchors.append(Anchor(1, "d" * 64, AT))
    with open(anchors.path, "a") as out:
        out.write(
            json.dumps({"chain": "ic_other", "seq": 99, "hash": "e" * 64, "anchored_at": "2026-11-25T08:00:00Z"}) + "\n"
        )
        out.write('{"chain": "ic_approval", "seq": 2, "ha')  # a crash mid-write
    assert [a.seq for a in anchors.read()] == [1]


def test_the_directory_comes_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("IC_TRAIL_ANCHOR_DIR", str(tmp_path))
    assert (
        AnchorFile.in_directory(Settings().trail_anchor_dir, "ic_approval").path == tmp_path / "ic_approval.seals.jsonl"
    )
    monkeypatch.delenv("IC_TRAIL_ANCHOR_DIR")
    default = AnchorFile.in_directory(Settings().trail_anchor_dir, "ic_approval")
    assert default.path.parts[-3:] == ("var", "anchors", "ic_approval.seals.jsonl") and default.path.is_absolute()
