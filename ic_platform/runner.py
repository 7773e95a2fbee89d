"""Runs one service: `python -m ic_platform.runner budget`. The process is made an eventlet process first,
with the database driver set up to cooperate with it (ic_platform/green.py)."""

from ic_platform import green

green.prepare()

import gc  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

import eventlet  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

from ic_platform import keys, metrics  # noqa: E402
from ic_platform.config import settings  # noqa: E402
from ic_platform.logs import setup_logging  # noqa: E402
from ic_platform.tracing import flush, setup_tracing  # noqa: E402


def service_class(spec: str) -> type:
    """`budget` runs services/budget; `package.module:Class` runs any other service class (tests use it)."""
    if ":" in spec:
        module, attr = spec.split(":")
        return getattr(importlib.import_module(module), attr)
    return importlib.import_module(f"services.{spec}.service").SERVICE


def settle_heap() -> None:
    """Everything the start made (modules, the catalogue's schemas, SQLAlchemy's tables, the containers) is
    kept for the process's life: moved out of the collector's sight, so a full collection (every few seconds
    under load) walks only what was made since. Walking it all took 60–400 ms in the contract service (timed
    by gc callbacks under `bench contracts`): the execution report's p99 was that pause, not its query."""
    gc.collect()
    gc.freeze()


def main(spec: str) -> None:
    cls = service_class(spec)
    name = cls.name
    cfg = settings()
    # No service starts without the keys: the gateway's public key to verify callers, the services' own to sign
    # its system calls. A missing one stops the start here, naming its setting.
    keys.verify_key(cfg.verify_key_file or None)
    keys.service_key()
    setup_logging(name, cfg.log_level)
    setup_tracing(name, cfg.trace_file)
    port = cfg.process_metrics_port or cfg.metrics_port(name)
    metrics.set_ready(name, False)  # scraped as "starting" until its consumers are up
    metrics.serve(int(port))
    runner = ServiceRunner(
        {
            "AMQP_URI": cfg.amqp_uri,
            "max_workers": cfg.max_workers,
            "serializer": "json",
            "parent_calls_tracked": 10,
        }
    )
    runner.add_service(cls)

    def shutdown(signum, frame):  # noqa: ANN001, ARG001
        metrics.set_ready(name, False)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    settle_heap()
    metrics.set_ready(name, True)
    logging.getLogger(__name__).info("%s started", name)
    runner.wait()
    flush()


if __name__ == "__main__":
    main(sys.argv[1])
