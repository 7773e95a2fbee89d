"""OCDS on a real throwaway risk database (no stack): an import is stored and flagged whole or refused whole,
partial imports keep the good lines, the same Idempotency-Key imports once, the office's own events become
processes whose export validates against the OCDS 1.1 release schema, and Cardinal flags them."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
import sqlalchemy as sa

from ic_platform.context import CallContext
from ic_platform.errors import Forbidden, InvalidInput
from ic_platform.identity import Viewer
from services.risk.service_layer import ocds as uc
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from tests.integration.support.databases import service_database
from tests.unit.risk import ocds_samples as samples
from tests.unit.risk.test_ocds import SCHEMA

pytestmark = pytest.mark.integration
ORG = "xinqiao"
EXAMPLES = "tests/unit/risk/cardinal_examples"


@pytest.fixture(scope="module")
def engine():
    with service_database("risk", "ic_ocds") as engine:
        yield engine


def ctx(role="inspector", unit="jjjc", key=None, org=ORG):
    return CallContext(org=org, actor=role, viewer=Viewer.of(role, unit, [role]), idempotency_key=key)


def do_import(engine, content, **kw):
    c = kw.pop("ctx", None) or ctx()
    return uc.import_releases(uc.ImportReleases.parse({"content": content, **kw}), RiskUnitOfWork(engine), c)


def count(engine, org):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM ocds_process WHERE org = :o"), {"o": org}).scalar_one()


def flags(engine, c=None, **filters):
    return uc.list_flags(uc.FlagQuery.parse({"page_size": 200, **filters}), RiskUnitOfWork(engine), c or ctx())


def test_an_import_is_flagged_and_paged(engine):
    content = open(f"{EXAMPLES}/R035.jsonl", encoding="utf-8").read()
    answer = do_import(engine, content, ctx=ctx(org="o-r035"), source_name="R035.jsonl")
    assert (answer["accepted"], answer["rejected_count"], answer["processes_flagged"]) == (1, 0, {"R035": 1})
    page = flags(engine, ctx(org="o-r035"), import_id=answer["import_id"])
    assert {(f["indicator"], f["group"], f["subject"], f["value"]) for f in page["items"]} == {
        ("R035", "OCID", "F", 1.0),
        ("R035", "Tenderer", "V", 0.0),
    }
    assert page["counts"] == {"R035": 2} and page["total"] == 2


def test_population_indicators_are_judged_over_the_import(engine):
    content = open(f"{EXAMPLES}/R058.jsonl", encoding="utf-8").read()
    answer = do_import(engine, content, ctx=ctx(org="o-r058"))
    assert answer["population_flags"] == 2
    page = flags(engine, ctx(org="o-r058"), indicator="R058")
    assert {(f["subject"], f["value"]) for f in page["items"]} == {("F", 99.0), ("W", 0.0)}


def test_a_bad_line_refuses_the_whole_file_in_chinese(engine):
    content = '{"ocid":"good-1"}\n{"ocid":"bad","bids":{"details":[{"value":{"amount":"12"}}]}}\n{oops\n'
    with pytest.raises(InvalidInput) as refused:
        do_import(engine, content, ctx=ctx(org="o-bad"))
    e = refused.value
    assert e.code == "ocds_import_rejected" and "整个文件未导入" in e.message
    assert "第 2 行字段 bids.details[0].value.amount" in e.message
    assert [r["line"] for r in e.details["rejected"]] == [2, 3] and e.details["field"] == "bids.details[0].value.amount"
    assert count(engine, "o-bad") == 0


def test_partial_keeps_the_good_lines_and_reports_the_others(engine):
    content = '{"ocid":"good-1"}\n{"ocid":"bad","date":"yesterday"}\n'
    answer = do_import(engine, content, ctx=ctx(org="o-partial"), partial=True)
    assert (answer["accepted"], answer["rejected_count"]) == (1, 1)
    assert answer["rejected"][0]["field"] == "date"
    assert count(engine, "o-partial") == 1


def test_the_same_idempotency_key_imports_once(engine):
    content = '{"ocid":"idem-1"}\n'
    first = do_import(engine, content, ctx=ctx(org="o-idem", key="k1"))
    again = do_import(engine, content, ctx=ctx(org="o-idem", key="k1"))
    assert first["import_id"] == again["import_id"]
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM ocds_import WHERE org = 'o-idem'")).scalar_one()
    assert n == 1


def test_only_finance_inspectors_and_administrators_import(engine):
    with pytest.raises(Forbidden):
        do_import(engine, '{"ocid":"x"}\n', ctx=ctx("clerk", "dzb", org="o-forbidden"))


def test_own_events_become_a_flagged_process_and_export_validates(engine):
    for event in samples.tender_events():
        with RiskUnitOfWork(engine) as uow:
            uc.fold_own_event(event, uow)
            uow.commit()
    page = flags(engine, source="own")
    assert {f["indicator"] for f in page["items"] if f["group"] == "OCID"} == {"R036"}
    exported = uc.export_releases(
        uc.ExportQuery.parse({"date_from": "2026-05-01", "date_to": "2026-05-31"}), RiskUnitOfWork(engine), ctx()
    )
    package = json.loads(exported["content"], parse_float=Decimal)
    assert exported["count"] == 1 and package["version"] == "1.1"
    (release,) = package["releases"]
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(json.loads(exported["content"])["releases"][0])] == []
    assert release["contracts"][0]["implementation"]["transactions"][0]["value"]["amount"] == Decimal("390000.00")
    # Data scope: a clerk of another unit exports nothing of dzb's; outside the dates, nothing either.
    other = uc.export_releases(uc.ExportQuery.parse({}), RiskUnitOfWork(engine), ctx("clerk", "sqb"))
    assert other["count"] == 0
    before = uc.export_releases(uc.ExportQuery.parse({"date_to": "2026-04-30"}), RiskUnitOfWork(engine), ctx())
    assert before["count"] == 0


def test_an_office_version_of_the_parameters_applies_from_its_day(engine):
    content = open(f"{EXAMPLES}/R003.jsonl", encoding="utf-8").read()  # a 1-day period on 2020-08-03
    org = "o-params"
    assert do_import(engine, content, ctx=ctx(org=org))["processes_flagged"] == {"R003": 1}
    set_ = uc.SetCardinalParameters.parse(
        {"effective_from": "2020-08-01", "parameters": {"r003_threshold": 1}, "source": "测试：提交期限 1 天"}
    )
    uc.set_parameters(set_, RiskUnitOfWork(engine), ctx(org=org))
    assert do_import(engine, content, ctx=ctx(org=org))["processes_flagged"] == {}
    later = uc.SetCardinalParameters.parse(
        {"effective_from": "2020-08-04", "parameters": {"r003_threshold": 30}, "source": "测试：更晚的版本"}
    )
    uc.set_parameters(later, RiskUnitOfWork(engine), ctx(org=org))
    assert do_import(engine, content, ctx=ctx(org=org))["processes_flagged"] == {}  # the process's day decides
    book = uc.indicators(RiskUnitOfWork(engine), ctx(org=org))
    assert [v["effective_from"] for v in book["versions"]] == ["2000-01-01", "2020-08-01", "2020-08-04"]
    with pytest.raises(InvalidInput) as bad:
        uc.set_parameters(
            uc.SetCardinalParameters.parse({"effective_from": "2026-01-01", "parameters": {"nope": 1}, "source": "x"}),
            RiskUnitOfWork(engine),
            ctx(org=org),
        )
    assert bad.value.details["field"] == "parameters.nope"
    with pytest.raises(Forbidden):
        uc.set_parameters(set_, RiskUnitOfWork(engine), ctx("finance_reviewer", "czb", org=org))


def test_odd_but_acceptable_lines_are_stored(engine):
    from tests.unit.risk.test_ocds import ODD

    answer = do_import(engine, ODD + "\n", ctx=ctx(org="o-odd"))
    assert answer["accepted"] == 1 and count(engine, "o-odd") == 1


def test_r038_judges_organisations_over_every_process(engine):
    content = open(f"{EXAMPLES}/R038.jsonl", encoding="utf-8").read()
    do_import(engine, content, ctx=ctx(org="o-r038"))
    page = flags(engine, ctx(org="o-r038"), indicator="R038")
    assert [(f["group"], f["subject"], f["value"], f["source"]) for f in page["items"]] == [("Buyer", "B", 0.5, "all")]
