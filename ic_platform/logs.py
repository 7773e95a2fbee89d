"""JSON-lines logs carrying the trace id, so one id finds a request's lines across every service."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from ic_platform.tracing import current_trace_id


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            "trace_id": current_trace_id(),
        }
        for key in ("event_id", "event_type", "handler", "entrypoint", "code"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class DropExpectedRefusals(logging.Filter):
    """nameko logs every expected exception of an entrypoint as a warning with its traceback. A refusal
    (a DomainError: budget_insufficient, a segregation-of-duties rule...) is the system working, not a fault:
    the platform logs it once, at info, without a traceback (`log_refusal`), and nameko's record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ic_platform.errors import DomainError

        return not (record.exc_info and isinstance(record.exc_info[1], DomainError))


def log_refusal(logger: logging.Logger, where: str, exc: Exception) -> None:
    code, message = getattr(exc, "code", type(exc).__name__), getattr(exc, "message", str(exc))
    logger.info("%s refused: %s %s", where, code, message, extra={"entrypoint": where, "code": code})


def setup_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("pika", "kombu", "amqp", "alembic", "nameko", "urllib3", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("nameko.containers").addFilter(DropExpectedRefusals())
