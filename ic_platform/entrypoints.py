"""The RPC entrypoint every service declares (`from ic_platform.entrypoints import rpc`): nameko's, guarded at
the edge. Before a worker starts:

- every text in the call's arguments is looked at: one holding a control character (NUL makes PostgreSQL fail
  the statement, i.e. a 500) is refused as invalid input naming the argument, whether or not the entrypoint
  parses a Command (`get_line(budget_line_id)` does not);
- the caller's signed identity in the context data is verified (ic_platform/identity.py): a call without a
  valid one, with an actor other than the one it names, or a service's own call outside the listed system
  calls, is refused (`ping` alone answers anyone: readiness);
- after it, an outage (the database or the broker down) is answered as Unavailable (503, retry later), not
  as an internal error (ic_platform/outage.py); and a reply that cannot be sent because the broker went away is
  given up."""

from __future__ import annotations

import inspect
import logging
from functools import partial
from typing import Any

from nameko.exceptions import ContainerBeingKilled, IncorrectSignature, MalformedRequest
from nameko.rpc import Rpc

from ic_platform import identity
from ic_platform.commands import refuse_control_characters
from ic_platform.errors import DomainError
from ic_platform.outage import as_unavailable, is_broker_outage

log = logging.getLogger(__name__)

OPEN_METHODS = frozenset({"ping"})


def check_caller(service: str, method: str, context: dict[str, Any]) -> None:
    if method in OPEN_METHODS:
        return
    caller = identity.verify(context.get(identity.IDENTITY_KEY))
    if caller is None:
        raise DomainError("identity_required", "调用方身份缺失或无效，拒绝执行", {"method": method}, 401)
    actor = context.get("actor")
    if caller.viewer is not None and actor not in (None, caller.viewer.username):
        raise DomainError("identity_mismatch", "调用方身份与操作人不符，拒绝执行", {"method": method}, 401)
    if not caller.may_call(service, method):
        raise DomainError(
            "call_not_allowed", "该调用方无权调用此接口", {"method": method, "caller": caller.subject}, 403
        )


class GuardedRpc(Rpc):
    def handle_message(self, body: Any, message: Any) -> None:
        """nameko's, with the guards first; the arguments are checked and the headers read once, not again by
        nameko's own handle_message."""
        try:
            args, kwargs = body["args"], body["kwargs"]
        except (KeyError, TypeError):
            raise MalformedRequest("Message missing `args` or `kwargs`") from None
        self.check_signature(args, kwargs)  # bad input is named first, before the caller is checked
        context_data = self.unpack_message_headers(message)
        check_caller(self.container.service_name, self.method_name, context_data)
        try:
            self.container.spawn_worker(
                self, args, kwargs, context_data=context_data, handle_result=partial(self.handle_result, message)
            )
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)

    def check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self._signature().bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None
        # Raised here, the refusal goes back to the caller as the entrypoint's own error would.
        refuse_control_characters({**{str(i): a for i, a in enumerate(args)}, **kwargs})

    def _signature(self) -> inspect.Signature:
        """The method's signature, read once (nameko's check reads it from the function on every call)."""
        signature = self.__dict__.get("_method_signature")
        if signature is None:
            method = getattr(self.container.service_cls, self.method_name)
            signature = self.__dict__["_method_signature"] = inspect.signature(method)
        return signature

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
