"""Context data for tests that call a service's RPC directly (not through the gateway): the caller's identity
travels as the gateway would send it, a signed assertion (ic_platform/identity.py) made with the test stacks' key
(deploy/stack.test_keys), so the service's checks see a real reader.

An assertion is good for a minute, and these contexts are built when a module is imported: each one signs a
fresh assertion whenever it is read (`dict(ctx)`, `{**ctx}`, `ctx[...]`), so a constant like FINANCE can be
used for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ic_platform.identity import IDENTITY_KEY, Viewer, sign_identity

ORG = "xinqiao"


class SignedContext(dict):
    """Context data whose identity is signed at the moment it is read."""

    def __init__(self, data: dict[str, Any], viewer: Viewer):
        super().__init__(data)
        self.viewer = viewer

    def _fresh(self) -> dict[str, Any]:
        return {**dict(super().items()), IDENTITY_KEY: sign_identity(self.viewer, super().get("org"))}

    def __iter__(self) -> Iterator[str]:
        return iter(self._fresh())

    def __getitem__(self, key: str) -> Any:
        return self._fresh()[key]

    def __contains__(self, key: object) -> bool:
        return key == IDENTITY_KEY or super().__contains__(key)

    def __len__(self) -> int:
        return len(self._fresh())

    def keys(self):  # noqa: ANN201
        return self._fresh().keys()

    def items(self):  # noqa: ANN201
        return self._fresh().items()

    def values(self):  # noqa: ANN201
        return self._fresh().values()

    def get(self, key: str, default: Any = None) -> Any:
        return self._fresh().get(key, default)

    def copy(self) -> dict[str, Any]:
        return self._fresh()


def rpc_context(username: str, unit: str, roles: list[str], units_led: tuple[str, ...] = ()) -> dict[str, str]:
    viewer = Viewer.of(username, unit, roles, units_led)
    return SignedContext({"org": ORG, "actor": username}, viewer)


FINANCE = rpc_context("finance", "czb", ["finance_reviewer"])
CLERK = rpc_context("clerk", "dzb", ["clerk"])
