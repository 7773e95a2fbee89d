"""The faults, each a way production breaks: a process killed (the supervisor starts it again), the broker
crashed or frozen, the database crashed, the network to either cut or slowed down."""

from __future__ import annotations

import os
import signal

from deploy.drills.harness import Drill, Fault
from ic_platform.config import SERVICES

# The full drill kills every service. The short one (in `make test`, which must stay within its time) kills
# the submission's entry and the ledger, and leaves the slowed-down network, which tests patience more than
# safety, to the full drill.
SHORT_VICTIMS = ("payment", "budget")


def kill(name: str) -> Fault:
    return Fault(f"SIGKILL {name}", lambda d: d.kill(name), gateway_down=name == "gateway")


def _broker_crash(d: Drill) -> None:
    os.kill(d.broker_pid(), signal.SIGKILL)


def _broker_start(d: Drill) -> None:
    d.broker.start()


def _broker_pause(d: Drill) -> None:
    os.kill(d.broker_pid(), signal.SIGSTOP)


def _broker_resume(d: Drill) -> None:
    os.kill(d.broker_pid(), signal.SIGCONT)


def _pg_crash(d: Drill) -> None:
    d.pg.crash()


def _pg_start(d: Drill) -> None:
    d.pg.start()


def catalogue(short: bool) -> list[Fault]:
    """Every fault; the short form kills two services on the submission's path, holds faults shorter and leaves
    out the slowed-down network."""
    hold = 3.0 if short else 6.0
    victims = SHORT_VICTIMS if short else SERVICES
    faults = [
        *(kill(s) for s in victims),
        kill("gateway"),
        Fault("RabbitMQ killed (SIGKILL) and started", _broker_crash, _broker_start, hold_s=1.0),
        Fault(f"RabbitMQ paused (SIGSTOP) {hold:g} s, resumed", _broker_pause, _broker_resume, hold),
        Fault("PostgreSQL stopped -m immediate and started", _pg_crash, _pg_start, hold_s=1.0),
        Fault(
            f"connections to PostgreSQL cut {hold:g} s", lambda d: d.pg_proxy.cut(), lambda d: d.pg_proxy.heal(), hold
        ),
        Fault(
            f"PostgreSQL +300 ms per packet {hold:g} s",
            lambda d: d.pg_proxy.delay(0.3),
            lambda d: d.pg_proxy.heal(),
            hold,
        ),
        Fault(
            f"connections to RabbitMQ cut {hold:g} s", lambda d: d.amqp_proxy.cut(), lambda d: d.amqp_proxy.heal(), hold
        ),
        Fault(
            f"RabbitMQ +1 s per packet {hold:g} s",
            lambda d: d.amqp_proxy.delay(1.0),
            lambda d: d.amqp_proxy.heal(),
            hold,
        ),
    ]
    return [f for f in faults if not (short and "per packet" in f.name)]
