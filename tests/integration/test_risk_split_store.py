"""The split rules on a real throwaway risk database (no broker), against the in-memory reference the unit tests
judge with (tests/unit/risk/fake_splits.py): the same random run of spending documents, heard out of order, some
twice, across lines, units and economic classes, raises the same warnings with the same evidence. The SQL
repository judges a part in two fixed statements for all its scopes (adapters/splitting.py): this is what
checks that they count, read and tally as the reference does."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.risk.domain.rules import Rule
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from tests.integration.support.databases import service_database
from tests.unit.risk.test_splitting import T0, FakeUow, hear, matter

pytestmark = pytest.mark.integration
SPLIT_RULES = (Rule.SPLIT_PURCHASE, Rule.SPLIT_ACROSS_LINES, Rule.JUST_BELOW_APPROVAL_THRESHOLD)


@pytest.fixture(scope="module")
def engine():
    with service_database("risk", "ic_split") as engine:
        yield engine


def run(seed: int) -> list:  # noqa: ANN201
    rng = random.Random(seed)
    events = []
    for n in range(60):
        amount = rng.choice(
            ["1000.00", "4999.99", "5000.00", "8000.00", "12000.00", "20000.00", "30000.00", "49999.00"]
        )
        at = T0 + timedelta(days=rng.randint(0, 45), minutes=rng.randint(0, 600))
        line, unit, ec = rng.choice(["L1", "L2"]), rng.choice(["dzb", "czb"]), rng.choice(["30201", "30202", None])
        events.append(matter(seed * 1000 + n, amount, at, line=line, unit=unit, ec=ec))
    return events + rng.sample(events, 5)  # some heard twice


def on_database(engine, events) -> set:  # noqa: ANN001
    with engine.begin() as conn:  # each run on its own: no parts or warnings of another
        conn.execute(sa.text("TRUNCATE risk_split_part, risk_split_bucket, risk_split_band, risk_warning"))
    for event in events:
        with RiskUnitOfWork(engine) as uow:
            hear(uow, event)
            uow.commit()
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT document_id, rule, message, evidence FROM risk_warning WHERE rule = ANY(:rules)"),
            {"rules": [r.value for r in SPLIT_RULES]},
        ).all()
    return {(r.document_id, r.rule, r.message, _json(r.evidence)) for r in rows}


def in_memory(events) -> set:  # noqa: ANN001
    uow = FakeUow()
    for event in events:
        hear(uow, event)
    return {
        (d.document.id, d.rule.value, d.message, _json(d.evidence))
        for d in uow.warnings.raised
        if d.rule in SPLIT_RULES
    }


def _json(evidence: dict) -> str:
    """The evidence as stored (JSONB keeps no key order)."""
    return json.dumps(evidence, sort_keys=True, ensure_ascii=False, default=str)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_judges_a_random_run_as_the_reference_does(engine, seed):  # noqa: ANN001
    events = run(seed)
    expected = in_memory(events)
    assert len(expected) >= 5, "a run that warns too little proves little"
    assert on_database(engine, events) == expected
