"""No default key (issue 9, section 1): a process started without its key refuses to start, naming the setting,
instead of signing or verifying with a value anyone who read the source knows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.stack import free_port

ROOT = Path(__file__).resolve().parents[2]


def _without_keys() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IC_SIGNING_KEY", "IC_VERIFY_KEY", "IC_SERVICE"))}
    return {**env, "PYTHONPATH": str(ROOT), "IC_METRICS_PORT": str(free_port())}


def _start(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=_without_keys(), capture_output=True, text=True, timeout=120)


def test_the_gateway_refuses_to_start_without_its_key():
    port = str(free_port())
    done = _start([sys.executable, "-m", "uvicorn", "gateway.app:app", "--port", port, "--no-access-log"])
    assert done.returncode != 0 and "IC_SIGNING_KEY_FILE" in done.stdout + done.stderr


@pytest.mark.parametrize("service", ["org", "approval"])
def test_a_service_refuses_to_start_without_the_public_key(service):
    done = _start([sys.executable, "-m", "ic_platform.runner", service])
    assert done.returncode != 0 and "IC_VERIFY_KEY_FILE" in done.stderr
