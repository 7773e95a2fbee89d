"""The security suite runs against the same throwaway stack as the integration tests (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def http(stack) -> Iterator[httpx.Client]:  # noqa: ANN001
    """Requests from 127.0.0.1, the address the test stack treats as its reverse proxy."""
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        yield client
