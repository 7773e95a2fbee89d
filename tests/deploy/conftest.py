from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.tools import prometheus_tools


@pytest.fixture(scope="session")
def promtool() -> Path:
    return prometheus_tools() / "promtool"
