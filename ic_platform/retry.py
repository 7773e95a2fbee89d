"""Retrying a whole transaction when PostgreSQL chose it as the loser of a conflict.

A serialization failure (SQLSTATE 40001) or a detected deadlock (40P01) means the transaction was rolled back
and may simply be run again. `retry_transaction` re-runs the decorated use case (which opens its own unit of
work each time) a bounded number of times with jittered exponential backoff, then answers with a clean 503
DomainError instead of a stack trace. Anything else propagates unchanged. Not for event handlers: the inbox
already retries those with backoff."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import sqlalchemy as sa

from ic_platform.errors import DomainError

log = logging.getLogger(__name__)
TRANSIENT_SQLSTATES = {"40001": "serialization_failure", "40P01": "deadlock_detected"}

P = ParamSpec("P")
R = TypeVar("R")


def transient_sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE if `exc` is a serialization failure or a deadlock surfacing through SQLAlchemy."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return None
    state = getattr(exc.orig, "sqlstate", None)
    return state if state in TRANSIENT_SQLSTATES else None


def retry_transaction(
    fn: Callable[P, R] | None = None,
    *,
    attempts: int = 5,
    base_delay_s: float = 0.01,
    max_delay_s: float = 0.3,
    sleep: Callable[[float], None] = time.sleep,
):  # noqa: ANN201
    """Decorator: run the use case again on a transient conflict, at most `attempts` times in all."""

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except sa.exc.DBAPIError as exc:
                    state = transient_sqlstate(exc)
                    if state is None:
                        raise
                    if attempt == attempts:
                        log.warning("%s: %s %d times, giving up", func.__name__, TRANSIENT_SQLSTATES[state], attempts)
                        # A plain DomainError with status 503: callers on the other side of nameko RPC
                        # rebuild it as a DomainError (registered for deserialization), the gateway answers 503.
                        raise DomainError(
                            "database_busy",
                            f"系统繁忙：数据库并发冲突（{TRANSIENT_SQLSTATES[state]}），"
                            f"已重试 {attempts} 次仍未成功，请稍后再试；本次操作未生效",
                            {"sqlstate": state, "attempts": attempts, "operation": func.__name__},
                            status=503,
                        ) from None
                    delay = min(max_delay_s, base_delay_s * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
                    log.info(
                        "%s: %s, attempt %d of %d, again in %.3fs",
                        func.__name__,
                        TRANSIENT_SQLSTATES[state],
                        attempt,
                        attempts,
                        delay,
                    )
                    sleep(delay)
            raise AssertionError("unreachable")  # pragma: no cover

        return run

    return wrap(fn) if fn is not None else wrap
