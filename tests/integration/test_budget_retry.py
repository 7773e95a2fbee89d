"""A real PostgreSQL deadlock, as psycopg raises it through SQLAlchemy, is recognised and the losing use case
is run again to success by ic_platform.retry (the budget handlers' wrapper)."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from ic_platform.config import settings
from ic_platform.db import drop_database, ensure_database, make_engine
from ic_platform.retry import retry_transaction

pytestmark = pytest.mark.integration


@pytest.fixture
def engine():
    cfg = settings().with_(db_prefix=f"ic_retry{uuid.uuid4().hex[:8]}")
    url = cfg.database_url("budget")
    ensure_database(url)
    engine = make_engine(url, pool_size=2)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE line (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)"))
        conn.execute(sa.text("INSERT INTO line (id) VALUES (1), (2)"))
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


def test_the_loser_of_a_real_deadlock_is_retried_and_both_moves_land_once(engine):
    both_hold_one = threading.Barrier(2, timeout=10)
    attempts: list[str] = []
    failures: list[BaseException] = []

    def use_case(name: str, first: int, second: int) -> None:
        @retry_transaction(attempts=5)
        def run() -> None:
            attempts.append(name)
            with engine.connect() as conn, conn.begin():
                conn.execute(sa.text("SET LOCAL deadlock_timeout = '50ms'"))
                conn.execute(sa.text("UPDATE line SET n = n + 1 WHERE id = :id"), {"id": first})
                if attempts.count(name) == 1:
                    both_hold_one.wait()  # first attempt only: each holds one row, then wants the other's
                conn.execute(sa.text("UPDATE line SET n = n + 1 WHERE id = :id"), {"id": second})

        try:
            run()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=use_case, args=("a", 1, 2)), threading.Thread(target=use_case, args=("b", 2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not failures, failures
    assert len(attempts) == 3  # one of the two was chosen as the deadlock's victim and ran again
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT n FROM line ORDER BY id")).scalars().all() == [2, 2]
