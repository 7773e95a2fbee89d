"""Transient conflicts (serialization failure, deadlock) re-run the use case a bounded number of times, then
answer with a clean 503; anything else is not retried."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from ic_platform.errors import DomainError
from ic_platform.retry import retry_transaction, transient_sqlstate


def db_error(orig: Exception) -> sa.exc.DBAPIError:
    return sa.exc.DBAPIError.instance("UPDATE budget_line ...", {}, orig, psycopg.Error)


def flaky(failures: list[Exception], sleeps: list[float]):
    calls = []

    @retry_transaction(attempts=5, sleep=sleeps.append)
    def use_case(x: int) -> int:
        calls.append(x)
        if failures:
            raise failures.pop(0)
        return x * 2

    return use_case, calls


def test_serialization_failures_and_deadlocks_are_run_again_with_growing_jittered_pauses():
    sleeps: list[float] = []
    failures = [
        db_error(psycopg.errors.SerializationFailure("could not serialize")),
        db_error(psycopg.errors.DeadlockDetected("deadlock detected")),
        db_error(psycopg.errors.SerializationFailure("again")),
    ]
    assert isinstance(failures[1], sa.exc.OperationalError)  # how psycopg's errors surface through SQLAlchemy
    use_case, calls = flaky(failures, sleeps)
    assert use_case(21) == 42 and calls == [21] * 4
    assert len(sleeps) == 3 and all(0 < s <= 0.45 for s in sleeps)


def test_after_the_last_attempt_the_answer_is_a_chinese_503():
    sleeps: list[float] = []
    use_case, calls = flaky([db_error(psycopg.errors.DeadlockDetected("deadlock")) for _ in range(9)], sleeps)
    with pytest.raises(DomainError) as caught:
        use_case(1)
    assert len(calls) == 5 and len(sleeps) == 4
    error = caught.value
    assert error.http_status == 503 and error.code == "database_busy"
    assert "已重试 5 次仍未成功" in error.message and error.details["sqlstate"] == "40P01"


def test_other_database_errors_and_refusals_are_not_retried():
    unique = db_error(psycopg.errors.UniqueViolation("duplicate key"))
    assert transient_sqlstate(unique) is None
    use_case, calls = flaky([unique], [])
    with pytest.raises(sa.exc.DBAPIError):
        use_case(1)
    assert len(calls) == 1
    refusal = DomainError("budget_insufficient", "余额不足")
    use_case, calls = flaky([refusal], [])
    with pytest.raises(DomainError):
        use_case(1)
    assert len(calls) == 1
