"""A database outage reaches the caller as Unavailable (503, retry later), never as an internal error."""

from __future__ import annotations

import sys

import kombu.exceptions
import psycopg
import pytest
import sqlalchemy.exc as sa_exc
from nameko.exceptions import UnknownService

from ic_platform.errors import Conflict, Unavailable
from ic_platform.outage import as_unavailable, is_outage


def _exc_info(exc: BaseException) -> tuple:
    try:
        raise exc
    except BaseException:  # noqa: BLE001
        return sys.exc_info()


def _dbapi(cls, orig: Exception, invalidated: bool = False) -> sa_exc.DBAPIError:  # noqa: ANN001
    return cls("SELECT 1", {}, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    "exc",
    [
        _dbapi(sa_exc.OperationalError, psycopg.OperationalError("server closed the connection unexpectedly")),
        _dbapi(sa_exc.InterfaceError, psycopg.InterfaceError("connection already closed")),
        _dbapi(sa_exc.ProgrammingError, psycopg.ProgrammingError("x"), invalidated=True),
        sa_exc.TimeoutError("QueuePool limit of size 2 overflow 1 reached, connection timed out"),
        psycopg.OperationalError("connection failed: Connection refused"),
        kombu.exceptions.OperationalError("Server unexpectedly closed connection"),
        ConnectionResetError(104, "Connection reset by peer"),
        UnknownService("contract"),  # a nested call's request came back: no queue for the service
    ],
)
def test_a_lost_or_refused_database_connection_is_an_outage(exc):
    assert is_outage(exc)
    cls, error, tb = as_unavailable(_exc_info(exc))
    assert cls is Unavailable and isinstance(error, Unavailable) and tb is not None
    assert (error.code, error.http_status) == ("service_unavailable", 503)
    assert "请稍后重试" in error.message and error.__cause__ is exc


@pytest.mark.parametrize(
    "exc",
    [
        _dbapi(sa_exc.IntegrityError, psycopg.IntegrityError("duplicate key")),
        _dbapi(sa_exc.ProgrammingError, psycopg.ProgrammingError('relation "x" does not exist')),
        Conflict("x", "冲突"),
        ValueError("a bug"),
    ],
)
def test_anything_else_is_left_as_it_is(exc):
    assert not is_outage(exc)
    info = _exc_info(exc)
    assert as_unavailable(info) is info
    assert as_unavailable(None) is None


def test_the_rpc_entrypoint_answers_an_outage_as_unavailable():
    from ic_platform.entrypoints import GuardedRpc

    seen = []

    class Consumer:
        def handle_result(self, message, result, exc_info):  # noqa: ANN001, ANN201
            seen.append(exc_info)
            return result, exc_info

    rpc = GuardedRpc.__new__(GuardedRpc)
    rpc.rpc_consumer = Consumer()
    outage = _dbapi(sa_exc.OperationalError, psycopg.OperationalError("terminating connection"))
    rpc.handle_result("message", None, None, _exc_info(outage))
    assert seen[-1][0] is Unavailable
    bug = _exc_info(ValueError("a bug"))
    rpc.handle_result("message", None, None, bug)
    assert seen[-1] is bug


def test_a_reply_the_broker_cannot_take_is_given_up_not_raised():
    """Raised, it would kill the service's container, every worker in it; the caller times out instead."""
    from ic_platform.entrypoints import GuardedRpc

    class Consumer:
        def __init__(self, error: Exception):
            self.error = error

        def handle_result(self, message, result, exc_info):  # noqa: ANN001, ANN201
            raise self.error

    class Message:
        properties = {"reply_to": "rpc.reply-x"}

    rpc = GuardedRpc.__new__(GuardedRpc)
    rpc.rpc_consumer = Consumer(kombu.exceptions.OperationalError("Server unexpectedly closed connection"))
    assert rpc.handle_result(Message(), None, {"ok": True}, None) == ({"ok": True}, None)
    rpc.rpc_consumer = Consumer(ValueError("a bug in serialising the answer"))
    with pytest.raises(ValueError):
        rpc.handle_result(Message(), None, {"ok": True}, None)
