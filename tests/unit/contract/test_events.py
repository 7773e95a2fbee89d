"""The events a contract records: named `contract.<past tense>`, and JSON on the wire."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

from services.contract.domain import amendments as am
from tests.unit.contract.factories import POLICY, contract


def test_a_contracts_life_records_each_step_as_a_json_event():
    c = contract()
    c.submit("clerk", POLICY)
    c.approve()
    c.sign(date(2026, 4, 20), POLICY, D("100000.00"))
    g = am.propose(c, "g1", "BG-1", "追加数量", date(2026, 5, 1), POLICY, amount=D("105000.00"))
    am.decide(c, g.id, True, date(2026, 5, 3))
    am.terminate(c, am.TerminationKind.TERMINATION, date(2026, 6, 1), "项目取消", D("31500.00"))
    assert [e.name for e in c.events] == [
        "contract.submitted",
        "contract.approved",
        "contract.signed",
        "contract.amendment_submitted",
        "contract.amended",
        "contract.terminated",
    ]
    for event in c.events:
        payload = json.loads(json.dumps(event.payload(), ensure_ascii=False))
        assert payload["document"] == {"type": "contract", "id": "c1", "no": "HT-2026-000001"}
    signed = c.events[2].payload()
    assert signed["budget"] == {
        "budget_line_id": "L1",
        "commit": "100000.00",
        "from_document": {"type": "procurement_application", "id": "a1", "no": "CG-2026-000001"},
        "release": "0.00",
    }
    assert c.events[-1].payload()["relieve"] == "73500.00"
