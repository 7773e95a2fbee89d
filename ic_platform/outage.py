"""Which failures are an outage (the database down, restarting, cut off or out of connections; the broker
unreachable under a nested call, or the called service without a queue) rather than a bug: those reach the
caller as errors.Unavailable (503, retry later), never as a 500 (see entrypoints.py)."""

from __future__ import annotations

import amqp.exceptions
import kombu.exceptions
import psycopg
import sqlalchemy.exc as sa_exc
from nameko.exceptions import UnknownService

from ic_platform.errors import Unavailable, unavailable


def is_outage(exc: BaseException | None) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    # OperationalError is the database's word for "not now" (connection lost, server shutting down or starting,
    # a deadlock or serialization failure): each is worth retrying; none is the request's fault.
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    if isinstance(exc, UnknownService):
        # A nested call to a service with no queue (not started yet, or not deployed): not now, as the gateway
        # answers the same call of its own (503), rather than an internal error.
        return True
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) or is_broker_outage(exc)


def is_broker_outage(exc: BaseException | None) -> bool:
    """The connection to RabbitMQ failed (kombu names every socket error of its connection an OperationalError)."""
    broker = kombu.exceptions.OperationalError | amqp.exceptions.RecoverableConnectionError | ConnectionError
    return isinstance(exc, broker)


def as_unavailable(exc_info: tuple | None) -> tuple | None:
    """exc_info with an outage replaced by Unavailable (the original stays as its cause); otherwise unchanged."""
    if exc_info is None or not is_outage(exc_info[1]):
        return exc_info
    error = unavailable()
    error.__cause__ = exc_info[1]
    return (Unavailable, error, exc_info[2])
