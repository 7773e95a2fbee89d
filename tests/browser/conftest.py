"""The browser tests' own throwaway stack, serving the built clients from clients/web/dist. Module-scoped: it is
gone before the next folder's tests run, so it never runs beside the integration tests' stack."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deploy.stack import ThrowawayStack
from tests.integration.conftest import LOG_ROOT, Api


@pytest.fixture(scope="module")
def stack() -> Iterator[ThrowawayStack]:
    s = ThrowawayStack()
    s.log_dir = str(LOG_ROOT / s.name)
    os.makedirs(s.log_dir, exist_ok=True)
    with open(Path(s.log_dir) / "all.log", "w", encoding="utf-8") as log:
        s.create()
        try:
            s.start(stream=log)
            yield s
        finally:
            s.destroy()


@pytest.fixture(scope="module")
def login(stack: ThrowawayStack) -> Callable[[str], Api]:
    cache: dict[str, Api] = {}

    def _login(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(stack.base_url, username)
        return cache[username]

    return _login
