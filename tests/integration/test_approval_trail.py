"""The approval trail against a real throwaway database, driven by the real handlers: every action appends an
entry to its document's chain in its own transaction, concurrent decisions never fork a chain, seals of the
heads are anchored outside the database, and every way of tampering with the tables is detected by `verify`
(the handler, and the command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from dataclasses import asdict
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from deploy.stack import base_env, settings_from
from ic_platform import tracing
from ic_platform.context import CallContext
from ic_platform.db import REPO_ROOT, drop_database, make_engine, migrate
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.approval.adapters.orm import audit_trail, audit_trail_head, audit_trail_seal, audit_trail_seal_leaf
from services.approval.adapters.trail import AnchorFile
from services.approval.domain.trail import TrailDraft
from services.approval.service_layer import assessment, commands, handlers, trail
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork
from tests.integration.support.assessments import assessed_by_risk
from tests.unit.approval.conftest import UNITS, USERS

pytestmark = pytest.mark.integration

ORG = "xinqiao"


@pytest.fixture(scope="module")
def db():
    prefix = f"ic_trail{uuid.uuid4().hex[:8]}"
    cfg = settings_from({"IC_DB_PREFIX": prefix})
    url = cfg.database_url("approval")
    migrate("approval", cfg)
    engine = make_engine(url, pool_size=4)
    try:
        uow = ApprovalUnitOfWork(engine)
        with uow:
            for unit in UNITS:
                handlers.on_unit_registered(_event("org.unit_registered", {"unit": _unit(unit)}), uow)
            for user in USERS:
                handlers.on_user_registered(_event("org.user_registered", {"user": announced(user)}), uow)
            uow.commit()
        yield {"engine": engine, "prefix": prefix, "cfg": cfg}
    finally:
        engine.dispose()
        drop_database(url)


@pytest.fixture(scope="module")
def anchor_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("anchors")


def _unit(unit):
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "leader_in_charge": unit.leader_in_charge,
        "responsible_for": list(unit.responsible_for),
    }


def announced(user) -> dict:
    """A directory user as org announces it (org.user_registered): whether it is active is approval's own."""
    return {k: v for k, v in asdict(user).items() if k != "active"} | {"roles": list(user.roles)}


def _event(type_, payload, actor=None, traceparent=None):
    return Envelope(
        type=type_, payload=payload, org=ORG, producer=type_.split(".")[0], actor=actor, traceparent=traceparent
    )


def uow_of(db):
    return ApprovalUnitOfWork(db["engine"])


def submit(db, amount="60000.00", applicant="clerk"):
    """A matter application enters approval, as the inbox would hand it over."""
    doc_id = str(uuid.uuid4())
    document = {"type": "matter_application", "id": doc_id, "no": f"SQ-2026-{uuid.uuid4().int % 10**6:06d}"}
    event = _event(
        "payment.matter_application_submitted",
        {
            "document": document,
            "unit": "dzb",
            "applicant": applicant,
            "budget_line_id": "2026-DZB-30201-01",
            "amount": amount,
            "title": "办公设备采购",
        },
        actor=applicant,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    uow = uow_of(db)
    with uow:
        handlers.on_document_submitted(event, uow)
        assessment.on_document_assessed(assessed_by_risk(event), uow)  # risk's assessment, heard at once
        uow.commit()
    return doc_id


def pending(db, doc_id):
    with db["engine"].connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT t.id::text AS id, t.assignee FROM approval_task t JOIN approval_route r ON r.id = t.route_id "
                "WHERE r.document_id = :d AND t.status = 'pending'"
            ),
            {"d": doc_id},
        ).first()


def decide(db, task_id, actor, decision="approve", comment="", ip="10.20.30.40"):
    ctx = CallContext(
        org=ORG,
        actor=actor,
        correlation_id=str(uuid.uuid4()),
        client_ip=ip,
        user_agent="Mozilla/5.0 (iPhone) 审批App/1.0",
    )
    with tracing.span("test decide"):
        trace_id = tracing.current_trace_id()
        handlers.decide(commands.Decide(task_id=task_id, decision=decision, comment=comment), uow_of(db), ctx)
    return trace_id


def trail_of(db, doc_id):
    with uow_of(db) as uow:
        return uow.trail.for_document("matter_application", doc_id)


def verify(db, anchor_dir):
    return trail.verify_trail(uow_of(db), AnchorFile(anchor_dir, "chain"))


def anchor(db, anchor_dir):
    return trail.anchor_trail(uow_of(db), AnchorFile(anchor_dir, "chain"), CallContext(org=ORG), force=True)


def chain_key(row) -> str:
    return f"{row['document_type']}/{row['document_id']}"


def sql(db, statement, **params):
    """As an intruder with superuser rights would: past the append-only triggers."""
    with db["engine"].begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(statement), params)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_trail SET comment = '改' WHERE seq = 1",
        "DELETE FROM audit_trail WHERE seq = 1",
        "TRUNCATE audit_trail",
        "DELETE FROM audit_trail_seal",
        "UPDATE audit_trail_seal_leaf SET seq = 1",
    ],
)
def test_the_table_refuses_changes_to_what_is_written(db, statement, tmp_path):
    submit(db)
    anchor(db, tmp_path)
    with pytest.raises(sa.exc.DBAPIError, match="只能追加"), db["engine"].begin() as conn:
        conn.execute(sa.text(statement))


# ── every action appends, in its own transaction ──
def test_every_action_appends_an_entry_with_who_when_where(db, anchor_dir):
    doc_id = submit(db)
    task = pending(db, doc_id)
    trace_head = decide(db, task.id, "head", comment="同意")
    following = pending(db, doc_id)
    decide(db, following.id, "leader", ip="10.9.9.9")

    entries = trail_of(db, doc_id)
    assert [(e.action, e.actor, e.from_step, e.to_step) for e in entries] == [
        ("submitted", "clerk", None, 1),
        ("step_assigned", "clerk", None, 1),
        ("approved", "head", 1, 2),
        ("step_assigned", "head", 1, 2),
        ("approved", "leader", 2, None),
        ("completed", "leader", 2, None),
    ]
    assert [e.assignee for e in entries if e.action == "step_assigned"] == ["head", "leader"]
    approved = entries[2]
    assert (approved.comment, approved.client_ip, approved.trace_id) == ("同意", "10.20.30.40", trace_head)
    assert approved.user_agent == "Mozilla/5.0 (iPhone) 审批App/1.0" and approved.task_id == task.id
    assert entries[0].trace_id == "0af7651916cd43dd8448eb211c80319c"  # from the submission's traceparent
    assert all(str(e.amount) == "60000.00" and e.occurred_at.utcoffset().total_seconds() == 0 for e in entries)
    assert entries[-1].comment == "2 个审批节点均已通过"
    seqs = [e.seq for e in entries]
    assert seqs == sorted(seqs) and all(e.acting_for is None for e in entries)
    assert verify(db, anchor_dir)["ok"]


def test_a_documents_trail_reads_in_canonical_values(db):
    doc_id = submit(db, amount="1234.5")
    body = handlers.get_trail(
        commands.GetRoute(document_type="matter_application", document_id=doc_id),
        uow_of(db),
        CallContext(org=ORG, actor="auditor", viewer=Viewer.of("auditor", "jjb", ["auditor"])),
    )
    assert [e["action"] for e in body["entries"]] == ["submitted", "step_assigned"]
    first = body["entries"][0]
    assert first["amount"] == "1234.50" and first["occurred_at"].endswith("Z") and len(first["hash"]) == 64
    with pytest.raises(DomainError):
        handlers.get_trail(
            commands.GetRoute(document_type="matter_application", document_id=doc_id),
            uow_of(db),
            CallContext(org="another_org"),
        )


def test_a_refused_decision_leaves_no_entry(db):
    doc_id = submit(db)
    task = pending(db, doc_id)
    before = len(trail_of(db, doc_id))
    with pytest.raises(DomainError):
        decide(db, task.id, "leader")  # not the assignee
    with pytest.raises(DomainError):
        decide(db, task.id, "head", decision="reject")  # a rejection needs a reason
    assert len(trail_of(db, doc_id)) == before
    decide(db, task.id, "head", decision="reject", comment="预算依据不足")
    assert [e.action for e in trail_of(db, doc_id)][before:] == ["rejected", "completed"]


def test_concurrent_actions_never_fork_a_chain(db, anchor_dir):
    docs = [submit(db) for _ in range(8)]
    tasks = [pending(db, d).id for d in docs]
    errors = []

    def work(task_id, doc_id):
        try:
            decide(db, task_id, "head")
            submit(db)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t, d)) for t, d in zip(tasks, docs, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db["engine"].connect() as conn:
        rows = conn.execute(
            sa.select(audit_trail.c.document_type, audit_trail.c.document_id, audit_trail.c.seq).order_by(
                audit_trail.c.id
            )
        ).all()
        heads = dict(conn.execute(sa.select(audit_trail_head.c.chain, audit_trail_head.c.seq)).all())
    chains: dict[str, list[int]] = {}
    for r in rows:
        chains.setdefault(f"{r.document_type}/{r.document_id}", []).append(r.seq)
    assert all(seqs == list(range(1, len(seqs) + 1)) and heads[c] == seqs[-1] for c, seqs in chains.items())
    result = verify(db, anchor_dir)
    assert result["ok"] and result["entries"] == len(rows) and result["chains"] == len(chains), result


# ── anchors ──
def test_sealing_anchors_the_moved_heads_outside_the_database_and_publishes_it(db, tmp_path):
    doc_id = submit(db)
    anchors = AnchorFile(tmp_path, "chain")
    record = trail.anchor_trail(uow_of(db), anchors, CallContext(org=ORG), force=True)
    with db["engine"].connect() as conn:
        seal = conn.execute(sa.select(audit_trail_seal).order_by(audit_trail_seal.c.seal_no.desc())).first()
        leaf = conn.execute(
            sa.select(audit_trail_seal_leaf).where(audit_trail_seal_leaf.c.chain == f"matter_application/{doc_id}")
        ).one()
        head = conn.execute(
            sa.select(audit_trail_head).where(audit_trail_head.c.chain == f"matter_application/{doc_id}")
        ).one()
        unsealed = conn.execute(sa.text("SELECT count(*) FROM audit_trail_head WHERE seq > sealed_seq")).scalar()
        published = conn.execute(
            sa.text("SELECT envelope FROM outbox WHERE type = 'approval.trail_anchored' ORDER BY id DESC LIMIT 1")
        ).scalar()
    assert (record["seal"], record["hash"], record["root"]) == (seal.seal_no, seal.hash, seal.root)
    assert (leaf.seal_no, leaf.seq, leaf.hash) == (seal.seal_no, head.seq, head.hash) and unsealed == 0
    assert [(a.seq, a.hash) for a in anchors.read()] == [(seal.seal_no, seal.hash)]
    assert published["payload"] == record and published["version"] == 2
    # Not due again until a head moves; the timer's policy waits for N moved chains or the interval.
    assert trail.anchor_trail(uow_of(db), anchors, CallContext(org=ORG), force=True) is None
    submit(db)
    assert trail.anchor_trail(uow_of(db), anchors, CallContext(org=ORG), every_entries=100, every_seconds=3600) is None
    submit(db)
    again = trail.anchor_trail(uow_of(db), anchors, CallContext(org=ORG), every_entries=2, every_seconds=3600)
    assert (again["seal"], again["leaves"]) == (seal.seal_no + 1, 2)


def test_only_one_replica_seals_at_a_time(db, tmp_path):
    submit(db)
    anchors = AnchorFile(tmp_path, "chain")
    with uow_of(db).sealing_lock() as mine:  # another replica holds the lock
        assert mine
        assert trail.anchor_trail(uow_of(db), anchors, CallContext(org=ORG), force=True) is None
    assert trail.anchor_trail(uow_of(db), anchors, CallContext(org=ORG), force=True) is not None


# ── tampering: each way is detected, and the first broken link is named ──
@pytest.fixture
def tampering(tmp_path):
    """This test's own anchor directory: what one test anchors does not leak into another."""
    return tmp_path / "anchors"


TABLES = (audit_trail, audit_trail_head, audit_trail_seal, audit_trail_seal_leaf)


@pytest.fixture
def chain(db, tampering, tmp_path):
    """A few documents' actions, sealed and anchored; every trail table restored afterwards."""
    anchor_dir = tampering
    for _ in range(3):
        doc_id = submit(db)
        decide(db, pending(db, doc_id).id, "head", comment="同意")
    anchor(db, anchor_dir)
    with db["engine"].connect() as conn:
        saved = {t.name: [dict(r) for r in conn.execute(sa.select(t)).mappings()] for t in TABLES}
    assert verify(db, anchor_dir)["ok"]
    yield sorted(saved["audit_trail"], key=lambda r: r["id"])
    with db["engine"].begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for t in TABLES:
            conn.execute(sa.delete(t))
            if saved[t.name]:
                conn.execute(sa.insert(t), saved[t.name])
    assert verify(db, tmp_path / "restored")["ok"]


def broken(db, directory):
    result = verify(db, directory)
    assert not result["ok"], result
    return result["first_break"]


def test_an_edited_row_is_detected(db, tampering, chain):
    row = chain[-4]
    sql(db, "UPDATE audit_trail SET comment = '不同意' WHERE id = :i", i=row["id"])
    found = broken(db, tampering)
    assert (found["chain"], found["seq"], found["problem"]) == (chain_key(row), row["seq"], "hash_mismatch")
    assert chain_key(row) in found["message"]


def test_a_retimed_row_is_detected(db, tampering, chain):
    row = chain[-3]
    sql(
        db,
        "UPDATE audit_trail SET occurred_at = occurred_at - interval '1 day', amount = 9.99 WHERE id = :i",
        i=row["id"],
    )
    assert (broken(db, tampering)["chain"], broken(db, tampering)["seq"]) == (chain_key(row), row["seq"])


def test_an_edited_hash_is_detected(db, tampering, chain):
    row = chain[-5]
    sql(db, "UPDATE audit_trail SET hash = repeat('0', 64) WHERE id = :i", i=row["id"])
    found = broken(db, tampering)
    assert (found["chain"], found["seq"], found["problem"]) == (chain_key(row), row["seq"], "hash_mismatch")


def test_a_row_rewritten_with_a_recomputed_hash_breaks_the_next_link(db, tampering, chain):
    from services.approval.domain.trail import TrailEntry, compute_hash

    row = {k: v for k, v in chain[-4].items() if k not in ("hash", "id")}
    forged = TrailEntry(**{**row, "actor": "principal", "hash": ""})
    sql(
        db,
        "UPDATE audit_trail SET actor = 'principal', hash = :h WHERE id = :i",
        h=compute_hash(forged.content()),
        i=chain[-4]["id"],
    )
    found = broken(db, tampering)
    assert (found["seq"], found["problem"]) == (row["seq"] + 1, "prev_hash_mismatch")


def test_a_deleted_row_is_a_gap(db, tampering, chain):
    row = chain[-6]
    sql(db, "DELETE FROM audit_trail WHERE id = :i", i=row["id"])
    found = broken(db, tampering)
    assert (found["chain"], found["seq"], found["problem"]) == (chain_key(row), row["seq"], "gap")


def test_reordered_rows_are_detected(db, tampering, chain):
    a, b = chain[-6], chain[-5]  # two entries of one document
    assert chain_key(a) == chain_key(b)
    with db["engine"].begin() as conn:  # swap their seqs (through a spare value: a chain's seqs are unique)
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for row, new in ((a, 10**9), (b, a["seq"]), (a, b["seq"])):
            conn.execute(sa.text("UPDATE audit_trail SET seq = :new WHERE id = :i"), {"i": row["id"], "new": new})
    found = broken(db, tampering)
    assert (found["seq"], found["problem"], found["details"]["written_at"]) == (a["seq"], "reordered", b["seq"])


def test_a_truncated_tail_is_detected_by_the_seal(db, tampering, chain):
    keep = chain[-3]
    # A careful intruder also moves the head row back: only the seal (anchored outside) still knows.
    sql(db, "DELETE FROM audit_trail WHERE id > :i", i=keep["id"])
    sql(
        db,
        "UPDATE audit_trail_head SET seq = :s, hash = :h WHERE chain = :c",
        s=keep["seq"],
        h=keep["hash"],
        c=chain_key(keep),
    )
    found = broken(db, tampering)
    assert (found["chain"], found["seq"], found["problem"]) == (chain_key(keep), keep["seq"] + 1, "truncated")
    assert found["details"]["recorded"] == chain[-1]["seq"]


def test_a_truncated_tail_not_yet_sealed_is_detected_by_the_head_row(db, tmp_path, chain):
    doc_id = submit(db)  # after the last seal
    with db["engine"].connect() as conn:
        last = conn.execute(sa.select(sa.func.max(audit_trail.c.id))).scalar()
    sql(db, "DELETE FROM audit_trail WHERE id = :i", i=last)
    found = broken(db, tmp_path)
    assert (found["chain"], found["problem"], found["details"]["source"]) == (
        f"matter_application/{doc_id}",
        "truncated",
        "chain_head",
    )


def test_a_document_chain_dropped_whole_is_detected(db, tampering, chain):
    row = chain[-1]
    sql(db, "DELETE FROM audit_trail WHERE document_id = :d", d=row["document_id"])
    sql(db, "DELETE FROM audit_trail_head WHERE chain = :c", c=chain_key(row))
    found = broken(db, tampering)
    assert (found["chain"], found["seq"], found["problem"]) == (chain_key(row), 1, "truncated")


def test_a_replayed_old_head_is_detected(db, tampering, chain):
    # One document moves on and is sealed; then the trail tables are restored to an older copy (a backup).
    doc = chain[-1]
    decide(db, pending(db, doc["document_id"]).id, "leader")
    anchor(db, tampering)
    with db["engine"].begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.delete(audit_trail).where(audit_trail.c.document_id == doc["document_id"]))
        conn.execute(sa.insert(audit_trail), [r for r in chain if r["document_id"] == doc["document_id"]])
        conn.execute(
            sa.update(audit_trail_head)
            .where(audit_trail_head.c.chain == chain_key(doc))
            .values(seq=doc["seq"], hash=doc["hash"])
        )
    found = broken(db, tampering)
    assert (found["chain"], found["seq"], found["problem"]) == (chain_key(doc), doc["seq"] + 1, "truncated")
    # ... and when the replayed chain has grown past the sealed seq again, the sealed hash does not match.
    with uow_of(db) as uow:
        for _ in range(2):
            uow.trail.append(
                TrailDraft(
                    action="approved",
                    org=ORG,
                    actor="leader",
                    document_type=doc["document_type"],
                    document_id=doc["document_id"],
                    occurred_at=datetime.now(UTC),
                )
            )
        uow.commit()
    found = broken(db, tampering)
    assert (found["chain"], found["problem"]) == (chain_key(doc), "anchor_mismatch")


def test_an_edited_seal_is_detected(db, tampering, chain):
    sql(
        db, "UPDATE audit_trail_seal_leaf SET seq = seq + 1 WHERE seal_no = (SELECT max(seal_no) FROM audit_trail_seal)"
    )
    found = broken(db, tampering)
    assert (found["chain"], found["problem"]) == ("seals", "root_mismatch")


def test_seals_cut_off_after_their_anchor_are_detected(db, tampering, chain):
    sql(db, "DELETE FROM audit_trail_seal_leaf WHERE seal_no = (SELECT max(seal_no) FROM audit_trail_seal)")
    sql(db, "DELETE FROM audit_trail_seal WHERE seal_no = (SELECT max(seal_no) FROM audit_trail_seal)")
    found = broken(db, tampering)
    assert (found["chain"], found["problem"], found["details"]["source"]) == ("seals", "truncated", "anchor")


# ── the command line ──
def test_the_command_line_verifies_and_fails_on_a_broken_chain(db, tampering, chain):
    env = {**base_env(), "IC_DB_PREFIX": db["prefix"], "IC_TRAIL_ANCHOR_DIR": str(tampering)}
    # the CLI's anchor file is named after the database; copy the test's anchors under that name
    cli_anchors = AnchorFile(tampering, db["cfg"].database_name("approval"))
    for a in AnchorFile(tampering, "chain").read():
        cli_anchors.append(a)

    def run():
        return subprocess.run(
            [sys.executable, "-m", "services.approval.trail", "verify"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = run()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    sql(db, "DELETE FROM audit_trail WHERE id = :i", i=chain[-3]["id"])
    done = run()
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["first_break"]["problem"] == "gap"
    os.remove(cli_anchors.path)


def test_verify_reads_a_consistent_snapshot_while_actions_go_on(db, anchor_dir):
    stop = threading.Event()

    def keep_submitting():
        while not stop.is_set():
            submit(db)

    worker = threading.Thread(target=keep_submitting)
    worker.start()
    try:
        for _ in range(3):
            anchor(db, anchor_dir)
            result = verify(db, anchor_dir)
            assert result["ok"], result
    finally:
        stop.set()
        worker.join()
    assert datetime.now(UTC)  # the loop above is the assertion
