"""Context data for tests that call a service's RPC directly (not through the gateway): the caller's identity
travels as the gateway would send it, so the service's data-scope checks see a real reader."""

from __future__ import annotations

from ic_platform.identity import IDENTITY_KEY, Viewer, encode_identity

ORG = "xinqiao"


def rpc_context(username: str, unit: str, roles: list[str], units_led: tuple[str, ...] = ()) -> dict[str, str]:
    viewer = Viewer.of(username, unit, roles, units_led)
    return {"org": ORG, "actor": username, IDENTITY_KEY: encode_identity(viewer)}


FINANCE = rpc_context("finance", "czb", ["finance_reviewer"])
CLERK = rpc_context("clerk", "dzb", ["clerk"])
