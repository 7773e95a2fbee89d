"""The API fuzzer (schemathesis, see bench/fuzz.py) against the session's stack, bounded to stay within a couple
of minutes: as a clerk of 党政办 and a clerk of 财政办, no answer is a 5xx, every status is one the OpenAPI
document lists for the route, every body is of its documented schema, input the schema forbids is refused.
`make fuzz` (called by `make bench`) runs the longer form.

Named to run last: it writes whatever it may to the shared stack (applications on random lines mostly 404)."""

from __future__ import annotations

import os

import pytest

from bench.fuzz import USERS, fuzz, token

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("IC_FUZZ_TEST_EXAMPLES", "2"))  # 4 took 5.4 min on a machine at load 34


@pytest.mark.parametrize("user", USERS)
def test_the_api_answers_every_generated_request_as_documented(stack, user):
    outcome = fuzz(stack.base_url, user, token(stack.base_url, user), max_examples=EXAMPLES, phases="examples,fuzzing")
    assert outcome.ok, outcome.output[-12000:]
