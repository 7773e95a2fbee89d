"""Backup and restore of every service's database, and the drill that proves a backup restores.

  python -m deploy.backup dump DIR                 the trail's anchors, then one pg_dump (custom format) per service
                                                   database, and a manifest (tables, row counts, trail head)
  python -m deploy.backup restore DIR [--prefix P] each dump into a fresh database <P>_<service> (default: the
                                                   names it was taken from, on an empty server), anchors beside
  python -m deploy.backup drill [DIR]              dump, restore into fresh databases under another prefix, verify
                                                   the approval trail there (python -m services.approval.trail
                                                   verify), compare tables and schema versions, drop the copies;
                                                   prints a JSON report, exit status 1 if anything differs

The server and names come from IC_PG_URL and IC_DB_PREFIX, the anchors from IC_TRAIL_ANCHOR_DIR, as for the
services. Needs pg_dump and pg_restore of the server's major version on PATH.

Why the anchors are copied first: each anchor names a trail head that was committed when it was written, so
anchors copied before the database is dumped never point beyond the dumped trail; copied after, a new anchor
could, and the restored trail would look truncated. The restored approval database is checked against the
anchors of the original chain (renamed to the restored database when it gets another name: an anchor's chain is
the name of the database it anchors).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ic_platform.config import SERVICES, Settings, settings
from ic_platform.db import drop_database, ensure_database, make_engine
from services.approval.adapters.trail import AnchorFile

ROOT = Path(__file__).resolve().parent.parent
TRAIL_SERVICE = "approval"


def _pg_env(cfg: Settings) -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore, from IC_PG_URL (no password on a command line)."""
    url = make_url(cfg.pg_server_url)
    env = {
        **os.environ,
        "PGHOST": url.host or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
    }
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _anchor_dir() -> Path:
    directory = Path(os.environ.get("IC_TRAIL_ANCHOR_DIR") or "var/anchors")
    return directory if directory.is_absolute() else ROOT / directory


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()}")


def inventory(url: str) -> dict:
    """Tables with their row counts, and the schema version (Alembic), of one database."""
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            tables = (
                conn.execute(
                    sa.text(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                        "AND table_type = 'BASE TABLE' ORDER BY table_name"
                    )
                )
                .scalars()
                .all()
            )
            counts = {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
            version = (
                conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
                if "alembic_version" in counts
                else None
            )
        return {"tables": counts, "schema_version": version}
    finally:
        engine.dispose()


def anchor_path(directory: Path, chain: str) -> Path:
    """Where the approval service keeps a chain's anchored seals (named by its adapter, not repeated here)."""
    return AnchorFile(directory, chain).path


def dump(directory: Path, cfg: Settings | None = None, anchor_dir: Path | None = None) -> dict:
    cfg = cfg or settings()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "anchors").mkdir(exist_ok=True)
    anchors = anchor_dir or _anchor_dir()
    chain = cfg.database_name(TRAIL_SERVICE)
    source = anchor_path(anchors, chain)
    copied = source.read_bytes() if source.exists() else b""  # first: see the module's docstring
    anchor_path(directory / "anchors", chain).write_bytes(copied)
    env = _pg_env(cfg)
    manifest: dict = {
        "taken_at": datetime.now(UTC).isoformat(),
        "db_prefix": cfg.db_prefix,
        "databases": {},
        "anchors": {"chain": chain, "lines": copied.count(b"\n")},
    }
    for service in SERVICES:
        name = cfg.database_name(service)
        started = time.perf_counter()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(directory / f"{name}.dump"), name], env)
        manifest["databases"][service] = {
            "database": name,
            "file": f"{name}.dump",
            "bytes": (directory / f"{name}.dump").stat().st_size,
            "seconds": round(time.perf_counter() - started, 2),
            **inventory(cfg.database_url(service)),
        }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def restore(directory: Path, prefix: str | None = None, cfg: Settings | None = None) -> Settings:
    """Restore every dump of DIR into fresh databases named with `prefix`; refuses to touch an existing one."""
    base = cfg or settings()
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    target = base.with_(db_prefix=prefix or manifest["db_prefix"])
    env = _pg_env(target)
    for service, entry in manifest["databases"].items():
        url = target.database_url(service)
        if not ensure_database(url):
            raise RuntimeError(f"{target.database_name(service)} exists: restore only into a fresh database")
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                target.database_name(service),
                str(directory / entry["file"]),
            ],
            env,
        )
    original, restored = manifest["anchors"]["chain"], target.database_name(TRAIL_SERVICE)
    lines = anchor_path(directory / "anchors", original).read_text(encoding="utf-8").splitlines()
    renamed = [json.dumps({**json.loads(line), "chain": restored}, sort_keys=True) for line in lines if line.strip()]
    (directory / "restored-anchors").mkdir(exist_ok=True)
    anchor_path(directory / "restored-anchors", restored).write_text(
        "".join(line + "\n" for line in renamed), encoding="utf-8"
    )
    return target


def verify_trail(target: Settings, anchor_dir: Path) -> dict:
    """`python -m services.approval.trail verify` against the restored approval database."""
    env = {
        **os.environ,
        "IC_PG_URL": target.pg_server_url,
        "IC_DB_PREFIX": target.db_prefix,
        "IC_TRAIL_ANCHOR_DIR": str(anchor_dir),
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.approval.trail", "verify"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    result = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {"ok": False, "error": done.stderr}
    return {**result, "exit_status": done.returncode}


def drill(
    directory: Path | None = None, cfg: Settings | None = None, anchor_dir: Path | None = None, keep: bool = False
) -> dict:
    """Dump, restore beside the original under a fresh prefix, verify, compare, drop the copies."""
    cfg = cfg or settings()
    directory = directory or ROOT / "var" / "backups" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    started = time.perf_counter()
    manifest = dump(directory, cfg, anchor_dir)
    dumped_s = time.perf_counter() - started
    target = cfg.with_(db_prefix=f"{cfg.db_prefix}_restore{uuid.uuid4().hex[:6]}")
    try:
        started = time.perf_counter()
        restore(directory, target.db_prefix, cfg)
        restored_s = time.perf_counter() - started
        trail = verify_trail(target, directory / "restored-anchors")
        differences = []
        for service, entry in manifest["databases"].items():
            copy = inventory(target.database_url(service))
            if set(copy["tables"]) != set(entry["tables"]):
                differences.append(f"{service}: tables {sorted(set(copy['tables']) ^ set(entry['tables']))}")
            if copy["schema_version"] != entry["schema_version"]:
                differences.append(f"{service}: schema {copy['schema_version']} != {entry['schema_version']}")
        trail_rows = manifest["databases"][TRAIL_SERVICE]["tables"].get("audit_trail")
        if trail.get("entries") != trail_rows:
            differences.append(f"trail: {trail.get('entries')} entries verified, {trail_rows} dumped")
        return {
            "ok": bool(trail.get("ok")) and trail["exit_status"] == 0 and not differences,
            "directory": str(directory),
            "dump_s": round(dumped_s, 1),
            "restore_s": round(restored_s, 1),
            "bytes": sum(e["bytes"] for e in manifest["databases"].values()),
            "trail": {k: trail.get(k) for k in ("ok", "entries", "anchors_checked", "exit_status")},
            "differences": differences,
            "restored_prefix": target.db_prefix if keep else None,
        }
    finally:
        if not keep:
            for service in SERVICES:
                drop_database(target.database_url(service))


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("dump", "restore", "drill"):
        print(__doc__)
        raise SystemExit(2)
    if argv[0] == "dump" and len(argv) == 2:
        print(json.dumps(dump(Path(argv[1])), ensure_ascii=False, indent=2))
    elif argv[0] == "restore" and len(argv) in (2, 4):
        prefix = argv[3] if len(argv) == 4 and argv[2] == "--prefix" else None
        target = restore(Path(argv[1]), prefix)
        print(
            json.dumps(
                {"restored_prefix": target.db_prefix, "anchors": str(Path(argv[1]) / "restored-anchors")},
                ensure_ascii=False,
            )
        )
    elif argv[0] == "drill":
        report = drill(Path(argv[1]) if len(argv) > 1 else None)
        print(json.dumps(report, ensure_ascii=False, indent=2))
        raise SystemExit(0 if report["ok"] else 1)
    else:
        print(__doc__)
        raise SystemExit(2)


if __name__ == "__main__":
    os.environ.setdefault("PSYCOPG_IMPL", "python")
    main(sys.argv[1:])
