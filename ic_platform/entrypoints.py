"""The RPC entrypoint every service declares (`from ic_platform.entrypoints import rpc`): nameko's, guarded at
the edge. Before a worker starts, every text in the call's arguments is looked at: one holding a control
character (NUL makes PostgreSQL fail the statement, i.e. a 500) is refused as invalid input naming the
argument, whether or not the entrypoint parses a Command (`get_line(budget_line_id)` does not). After it, an
outage (the database or the broker down) is answered as Unavailable (503, retry later), not as an internal
error (ic_platform/outage.py); and a reply that cannot be sent because the broker went away is given up."""

from __future__ import annotations

import logging
from typing import Any

from nameko.rpc import Rpc

from ic_platform.commands import refuse_control_characters
from ic_platform.outage import as_unavailable, is_broker_outage

log = logging.getLogger(__name__)


class GuardedRpc(Rpc):
    def check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().check_signature(args, kwargs)
        # Raised here, the refusal goes back to the caller as the entrypoint's own error would.
        refuse_control_characters({**{str(i): a for i, a in enumerate(args)}, **kwargs})

    def handle_result(self, message, worker_ctx, result, exc_info):  # noqa: ANN001, ANN201 - nameko's signature
        exc_info = as_unavailable(exc_info)
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as exc:
            if not is_broker_outage(exc):
                raise
            # The broker went away before the reply (and the ack) could be sent. Raised from here, the error
            # would kill the container and every worker in it (the fault drills saw three services restart
            # after one broker crash). The caller times out instead (503, retry with the same Idempotency-Key);
            # the request, never acked, is redelivered unless it expired meanwhile.
            log.warning("reply to %s not sent, the broker is unreachable: %s", message.properties.get("reply_to"), exc)
            return result, exc_info


rpc = GuardedRpc.decorator
