"""The RPC entrypoint every service declares (`from ic_platform.entrypoints import rpc`): nameko's, guarded at
the edge. Before a worker starts:

- every text in the call's arguments is looked at: one holding a control character (NUL makes PostgreSQL fail
  the statement, i.e. a 500) is refused as invalid input naming the argument, whether or not the entrypoint
  parses a Command (`get_line(budget_line_id)` does not);
- the caller's signed identity in the context data is verified (ic_platform/identity.py): a call without a
  valid one, with an actor other than the one it names, or a service's own call outside the listed system
  calls, is refused. `ping` alone answers anyone (readiness)."""

from __future__ import annotations

from typing import Any

from nameko.rpc import Rpc

from ic_platform import identity
from ic_platform.commands import refuse_control_characters
from ic_platform.errors import DomainError

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
        if isinstance(body, dict) and "args" in body and "kwargs" in body:
            self.check_signature(body["args"], body["kwargs"])  # bad input is named first, as before
        check_caller(self.container.service_name, self.method_name, self.unpack_message_headers(message))
        super().handle_message(body, message)

    def check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().check_signature(args, kwargs)
        # Raised here, the refusal goes back to the caller as the entrypoint's own error would.
        refuse_control_characters({**{str(i): a for i, a in enumerate(args)}, **kwargs})


rpc = GuardedRpc.decorator
