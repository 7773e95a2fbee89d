"""Operations from the command line: `python -m ic_platform.cli <command>`.

migrate [service ...]               create and upgrade the databases (all services by default)
makemigration <service> <message>   autogenerate the next migration from the service's ORM metadata
seed                                load the demo organisation (units, users, budget lines)
declare-topology                    declare the event exchange and every subscriber queue
catalogue                           write docs/asyncapi.yaml from the event catalogue
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


def main(argv: list[str]) -> None:
    if not argv:
        print(__doc__)
        raise SystemExit(2)
    command, rest = argv[0], argv[1:]
    if command == "migrate":
        migrate(rest)
    elif command == "makemigration" and len(rest) == 2:
        makemigration(*rest)
    elif command == "seed":
        seed()
    elif command == "declare-topology":
        declare_topology()
    elif command == "catalogue":
        catalogue()
    else:
        print(__doc__)
        raise SystemExit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
