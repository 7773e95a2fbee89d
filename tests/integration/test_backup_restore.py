"""deploy/backup.py: a backup of every service's database restores into fresh databases, the approval trail
verifies there against the anchors taken with it, and a restored trail that was changed does not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from deploy import backup
from ic_platform.config import SERVICES
from ic_platform.db import drop_database, make_engine
from ic_platform.rpc_client import RpcClient
from tests.integration.conftest import eventually
from tests.integration.identity import FINANCE

pytestmark = pytest.mark.integration


def anchor_file(stack) -> Path:
    return backup.anchor_path(Path(stack.log_dir) / "anchors", stack.settings.database_name("approval"))


def anchor_now(stack):
    client = RpcClient(stack.settings.amqp_uri, name="test")
    client.start()
    try:
        return client.call("approval", "anchor_trail_now", {}, context=FINANCE)
    finally:
        client.stop()


def test_a_backup_restores_into_fresh_databases_and_the_trail_verifies_there(stack, login, tmp_path):
    clerk = login("clerk")
    response = clerk.post(
        "/api/v1/matter-applications",
        json={"title": "备份恢复演练", "budget_line_id": "2026-DZB-30201-01", "amount": "88.00"},
        headers={"Idempotency-Key": os.urandom(8).hex()},
    )
    assert response.status_code == 201, response.text
    application = response.json()["id"]
    # the submission is on the trail; seal and anchor it now (the timer would within IC_TRAIL_ANCHOR_INTERVAL_S)
    eventually(lambda: anchor_now(stack) or anchor_file(stack).exists(), timeout=30)
    assert anchor_file(stack).read_text().strip()

    report = backup.drill(tmp_path / "backup", stack.settings, Path(stack.log_dir) / "anchors", keep=True)
    restored = stack.settings.with_(db_prefix=report["restored_prefix"])
    try:
        assert report["ok"], report
        assert report["trail"]["exit_status"] == 0 and report["trail"]["entries"] >= 2
        assert report["trail"]["anchors_checked"] >= 1  # checked against the anchors, not only the stored hashes
        assert sorted((tmp_path / "backup").glob("*.dump")) and (tmp_path / "backup" / "manifest.json").exists()

        engine = make_engine(restored.database_url("payment"), pool_size=1)
        with engine.connect() as conn:  # the data came back, not only the tables
            found = conn.execute(sa.text("SELECT count(*) FROM matter_application WHERE id = :id"), {"id": application})
            assert found.scalar_one() == 1
        engine.dispose()

        # A restored trail with one changed entry fails verification, and the command says so by its exit status.
        engine = make_engine(restored.database_url("approval"), pool_size=1)
        with engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # past the append-only trigger
            conn.execute(sa.text("UPDATE audit_trail SET comment = '改' WHERE seq = 1"))
        engine.dispose()
        tampered = backup.verify_trail(restored, tmp_path / "backup" / "restored-anchors")
        assert not tampered["ok"] and tampered["exit_status"] == 1
        assert tampered["first_break"]["seq"] == 1
    finally:
        for service in SERVICES:
            drop_database(restored.database_url(service))


def test_restore_refuses_to_overwrite_an_existing_database(stack, tmp_path):
    backup.dump(tmp_path / "backup", stack.settings, Path(stack.log_dir) / "anchors")
    with pytest.raises(RuntimeError, match="restore only into a fresh database"):
        backup.restore(tmp_path / "backup", stack.settings.db_prefix, stack.settings)
