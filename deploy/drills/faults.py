"""The faults, each a way production breaks: a process killed (the supervisor starts it again), the broker
crashed or frozen, the database crashed, the network to either cut or slowed down."""

from __future__ import annotations

import os
import signal

from deploy.drills.harness import Drill, Fault
from ic_platform.config import SERVICES

# The services a submission and a decision pass through: the short drill kills these; the full one every one.
ON_THE_PATH = ("payment", "budget", "approval")


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


BROKER_CRASH = Fault("RabbitMQ killed (SIGKILL) and started", _broker_crash, _broker_start, hold_s=1.0)
BROKER_PAUSE = Fault("RabbitMQ paused (SIGSTOP) 5 s, resumed", _broker_pause, _broker_resume, hold_s=5.0)
PG_CRASH = Fault("PostgreSQL stopped -m immediate and started", lambda d: d.pg.crash(), lambda d: d.pg.start(), 1.0)
PG_CUT = Fault("connections to PostgreSQL cut 3 s", lambda d: d.pg_proxy.cut(), lambda d: d.pg_proxy.heal(), 3.0)
PG_SLOW = Fault(
    "PostgreSQL 300 ms slower per packet 5 s", lambda d: d.pg_proxy.delay(0.3), lambda d: d.pg_proxy.heal(), 5.0
)
AMQP_CUT = Fault("connections to RabbitMQ cut 3 s", lambda d: d.amqp_proxy.cut(), lambda d: d.amqp_proxy.heal(), 3.0)
AMQP_SLOW = Fault(
    "RabbitMQ 500 ms slower per packet 5 s", lambda d: d.amqp_proxy.delay(0.5), lambda d: d.amqp_proxy.heal(), 5.0
)


def catalogue(short: bool) -> list[Fault]:
    victims = ON_THE_PATH if short else SERVICES
    return [
        *(kill(s) for s in victims),
        kill("gateway"),
        BROKER_CRASH,
        BROKER_PAUSE,
        PG_CRASH,
        PG_CUT,
        PG_SLOW,
        AMQP_CUT,
        AMQP_SLOW,
    ]
