"""Operations from the command line: `python -m ic_platform.cli <command>`.

migrate [service ...]               create and upgrade the databases (all services by default)
await-schema <service> [seconds]    wait (default 600 s) until the service's database is at this code's newest
                                    migration; exit 1 if it is not by then (Kubernetes: the init container that
                                    holds a new pod until the migration Job has run)
makemigration <service> <message>   autogenerate the next migration from the service's ORM metadata
seed                                load the demo organisation (units, users, budget lines)
declare-topology                    declare the event exchange and every subscriber queue
catalogue                           write docs/asyncapi.yaml from the event catalogue
settings                            write docs/settings.md from ic_platform/config.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PSYCOPG_IMPL", "binary")


def migrate(services: list[str]) -> None:
    from ic_platform.config import SERVICES
    from ic_platform.db import migrate as run

    for service in services or SERVICES:
        run(service)
        print(f"[migrate] {service}: up to date")


def await_schema(service: str, timeout_s: float = 600.0) -> None:
    import time

    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from ic_platform.config import settings
    from ic_platform.db import make_engine, migrations_dir

    alembic_cfg = Config()
    alembic_cfg.set_main_option("script_location", str(migrations_dir(service)))
    head = ScriptDirectory.from_config(alembic_cfg).get_current_head()
    engine = make_engine(settings().database_url(service), pool_size=1)
    deadline, current = time.monotonic() + timeout_s, "unreachable"
    try:
        while True:
            try:
                with engine.connect() as conn:
                    current = MigrationContext.configure(conn).get_current_revision()
            except Exception as exc:  # noqa: BLE001 - database not there yet: keep waiting
                current = f"unreachable ({type(exc).__name__})"
            if current == head:
                print(f"[await-schema] {service}: at {head}")
                return
            if time.monotonic() > deadline:
                print(f"[await-schema] {service}: at {current}, this code needs {head}", file=sys.stderr)
                raise SystemExit(1)
            time.sleep(2)
    finally:
        engine.dispose()


def makemigration(service: str, message: str) -> None:
    from alembic import command
    from alembic.config import Config

    from ic_platform.config import settings
    from ic_platform.db import drop_database, migrations_dir
    from ic_platform.db import migrate as run

    cfg = settings()
    scratch = type(cfg)(**{**cfg.__dict__, "db_prefix": f"{cfg.db_prefix}_scratch"})
    drop_database(scratch.database_url(service))
    run(service, scratch)  # bring a scratch database to head, then diff the metadata against it
    alembic_cfg = Config()
    alembic_cfg.set_main_option("script_location", str(migrations_dir(service)))
    alembic_cfg.set_main_option("sqlalchemy.url", scratch.database_url(service))
    versions = sorted(p.name for p in (migrations_dir(service) / "versions").glob("[0-9]*.py"))
    command.revision(alembic_cfg, message=message, autogenerate=True, rev_id=f"{len(versions) + 1:04d}")
    drop_database(scratch.database_url(service))


def seed() -> None:
    from deploy.seed.load import seed as run

    counts = run()
    print("[seed] demo organisation: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def declare_topology() -> None:
    import pika

    from ic_platform import topology
    from ic_platform.config import settings

    connection = pika.BlockingConnection(pika.URLParameters(settings().amqp_uri))
    try:
        topology.declare(connection.channel())
    finally:
        connection.close()
    print("[topology] exchange and subscriber queues declared")


def catalogue() -> None:
    from ic_platform.asyncapi import write

    print(f"[catalogue] wrote {write()}")


def settings_table() -> None:
    from ic_platform.settings_doc import write

    print(f"[settings] wrote {write()}")


def main(argv: list[str]) -> None:
    if not argv:
        print(__doc__)
        raise SystemExit(2)
    command, rest = argv[0], argv[1:]
    if command == "migrate":
        migrate(rest)
    elif command == "await-schema" and len(rest) in (1, 2):
        await_schema(rest[0], float(rest[1]) if len(rest) == 2 else 600.0)
    elif command == "makemigration" and len(rest) == 2:
        makemigration(*rest)
    elif command == "seed":
        seed()
    elif command == "declare-topology":
        declare_topology()
    elif command == "catalogue":
        catalogue()
    elif command == "settings":
        settings_table()
    else:
        print(__doc__)
        raise SystemExit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
