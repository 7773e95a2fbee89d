"""How a service process becomes an eventlet process. Call `prepare()` before anything imports psycopg.

The database driver is psycopg's C implementation (`PSYCOPG_IMPL=binary`), about half the CPU per statement of
the pure-Python one. By default it waits for the server inside C, which blocks eventlet's hub (measured: ten
concurrent 0.3 s queries took 3.05 s); told to wait through `select()` (`PSYCOPG_WAIT_FUNC=wait_select`),
which eventlet's monkey patching makes cooperative, the same ten took 0.32 s.
`tests/integration/test_green_driver.py` keeps that true."""

from __future__ import annotations

import os
import warnings

PSYCOPG_ENV = {"PSYCOPG_IMPL": "binary", "PSYCOPG_WAIT_FUNC": "wait_select"}


def prepare() -> None:
    for name, value in PSYCOPG_ENV.items():
        os.environ.setdefault(name, value)
    # nameko 2 is built on eventlet; its deprecation notice says nothing we can act on.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
