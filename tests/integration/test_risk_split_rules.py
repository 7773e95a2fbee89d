"""The split across a unit's lines (issue 13 §2) through the gateway on real services: two applications of one
unit on two of its lines, each below the threshold, together reaching it, are warned in the second's
assessment, before its approver decides. The rule is out of reach on the session's stack (tests/conftest.py:
the session's tests share units); this test sets a version for today through the rule book, on a unit no other
test uses, and puts the out-of-reach version back."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import RISK_UNIT_WIDE_OFF
from tests.integration.budget_docs import new_line, rpc  # noqa: F401 - rpc is a fixture
from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration
API = "/api/v1"


def set_across_lines(inspector, threshold: str) -> None:  # noqa: ANN001
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    version = {"parameters": {"threshold": threshold, "min_part": "5000.00", "window_days": 30}}
    put = inspector.http.put(f"{API}/risk/rules/split_across_lines/parameters/{today}", json=version)
    assert put.status_code == 200, put.text


def test_two_lines_of_one_unit_add_up_to_a_split_before_the_decision(login, rpc):  # noqa: F811
    inspector, clerk, head = login("inspector"), login("clerk_tjz"), login("head_tjz")
    first_line, second_line = new_line(rpc, "300000.00", unit="tjz"), new_line(rpc, "300000.00", unit="tjz")
    set_across_lines(inspector, "50000.00")
    try:
        first = submit(clerk, "30000.00", first_line, title="办公设备一批")
        assert first.status_code == 201, first.text
        second = submit(clerk, "30000.00", second_line, title="办公设备二批")
        assert second.status_code == 201, second.text
        first, second = first.json(), second.json()
        task = eventually(lambda: pending_task(head, second["id"]))
        seen = assessed(head, task["task_id"])
    finally:
        set_across_lines(inspector, RISK_UNIT_WIDE_OFF["IC_RISK_ACROSS_LINES_THRESHOLD"])
    [warning] = [w for w in seen["warnings"] if w["rule"] == "split_across_lines"]
    assert warning["severity"] == "medium" and "跨指标" in warning["message"]
    evidence = warning["evidence"]
    assert sorted(evidence["budget_lines"]) == sorted([first_line, second_line])
    assert evidence["total"] == "60000.00" and evidence["count"] == 2
    assert [o["document"]["id"] for o in evidence["others"]] == [first["id"]]
    first_task = eventually(lambda: pending_task(head, first["id"]))
    assert not [w for w in assessed(head, first_task["task_id"])["warnings"] if w["rule"].startswith("split")]
