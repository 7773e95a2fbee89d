"""Context data for tests that call a service's RPC directly (not through the gateway): the caller's identity
travels as the gateway would send it, a signed assertion (ic_platform/identity.py) made with the test stacks' key
(deploy/stack.test_keys), so the service's checks see a real reader.

An assertion is good for a minute, and these contexts are built when a module is imported: each one signs a
fresh assertion whenever it is read (`dict(ctx)`, `{**ctx}`, `ctx[...]`), so a constant like FINANCE can be
used for the whole session."""

from __future__ import annotations

from deploy.stack import SignedContext
from ic_platform.identity import Viewer

ORG = "xinqiao"


def rpc_context(username: str, unit: str, roles: list[str], units_led: tuple[str, ...] = ()) -> dict[str, str]:
    viewer = Viewer.of(username, unit, roles, units_led)
    return SignedContext({"org": ORG, "actor": username}, viewer)


FINANCE = rpc_context("finance", "czb", ["finance_reviewer"])
CLERK = rpc_context("clerk", "dzb", ["clerk"])
