"""The API fuzzer: schemathesis against a running gateway, as two signed-in users of different units, checking
that no answer is a 5xx, every status is one the OpenAPI document lists for the route, every body matches its
documented schema, and input the schema forbids is refused.

`make test` runs it bounded (tests/integration/test_zz_api_fuzz.py, on the session's stack); `make fuzz` (and
`make bench`, which calls it) runs it longer on a throwaway stack of its own: `python -m bench.fuzz`.

Left out: the notification stream (it never ends: a request would only time out), the trail verification
(it reads the whole chain: minutes on a large one), and the Excel import (a binary body; tests of its own)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)
EXCLUDED_PATHS = (
    "/api/v1/notifications/stream",
    "/api/v1/approval/trail/verify",
    "/api/v1/budget-lines/import",
    # Signing in, out and changing one's password act on the fuzzing user's own session and on the address's
    # failure count (a burst of wrong guesses makes 127.0.0.1 wait, 429): tests/security and the gateway's unit
    # tests try them instead.
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/auth/password",
)
# Two people of different units, neither of whom can change the organisation's shared settings (budget lines,
# standards, years): the fuzzer writes to whatever stack it is pointed at.
USERS = ("clerk", "clerk_czb")
ST = Path(sys.executable).with_name("st")


@dataclass(frozen=True)
class Outcome:
    user: str
    returncode: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def token(base_url: str, username: str, password: str = "demo1234") -> str:
    response = httpx.post(f"{base_url}/api/v1/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return response.json()["access_token"]


def fuzz(
    base_url: str,
    user: str,
    bearer: str,
    *,
    max_examples: int,
    phases: str = "examples,coverage,fuzzing",
    max_time: float | None = None,
    report_dir: str | None = None,
    seed: int | None = 1,
) -> Outcome:
    """One schemathesis run as one user. Deterministic by default (`seed`), so a failure can be replayed."""
    command = [
        str(ST),
        "run",
        f"{base_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {bearer}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        phases,
        "--max-examples",
        str(max_examples),
        "--workers",
        "1",  # with more, schemathesis 4.32's coverage phase can fail inside CPython's compiler
        "--request-timeout",
        "30",
        "--continue-on-failure",
        "--suppress-health-check",
        "all",
        "--no-color",
        *[arg for path in EXCLUDED_PATHS for arg in ("--exclude-path", path)],
        *(["--max-time", str(int(max_time))] if max_time else []),
        *(["--seed", str(seed)] if seed is not None else []),
        *(["--report", "junit", "--report-dir", report_dir] if report_dir else []),
    ]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    return Outcome(user, done.returncode, done.stdout + done.stderr, time.monotonic() - started)


def main() -> int:
    from deploy.stack import ThrowawayStack

    max_examples = int(os.environ.get("IC_FUZZ_EXAMPLES", "60"))
    stack = ThrowawayStack()
    stack.create()
    try:
        stack.start()
        outcomes = [
            fuzz(
                stack.base_url,
                user,
                token(stack.base_url, user),
                max_examples=max_examples,
                phases="examples,coverage,fuzzing,stateful",
            )
            for user in USERS
        ]
    finally:
        stack.destroy()
    for outcome in outcomes:
        print(outcome.output[-6000:])
        print(f"fuzz as {outcome.user}: {'ok' if outcome.ok else 'FAILED'} in {outcome.seconds:.0f} s")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
