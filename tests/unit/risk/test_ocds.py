"""OCDS (services/risk/domain/ocds.py): reading JSON lines with every bad line named in Chinese, the office's own
process folded from its events into a release valid against the OCDS 1.1 release schema (vendored), amounts
digit for digit, and Cardinal's flags on the office's own tender."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from ic_platform import catalogue
from services.risk.domain import cardinal, ocds
from tests.unit.risk import ocds_samples as s

SCHEMA = json.loads(
    (Path(__file__).parents[3] / "services/risk/domain/ocds_schema/release-schema.json").read_text(encoding="utf-8")
)


def schema_errors(release: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(json.loads(ocds.dumps(release)))
    ]


def own_release(events=None) -> dict:
    state: dict = {}
    names = {}
    for e in events or s.tender_events():
        if e.type == "procurement.supplier_registered":
            names[e.payload["supplier_id"]] = e.payload["supplier_name"]
        elif e.type in ocds.OWN_EVENTS:
            state = ocds.fold(state, e.type, e.payload, e.occurred_at)
    return ocds.release_of(state, ocds.ocid_of("ocds-ic0000", s.APP), supplier_names=names)


# ── reading ──
def test_good_lines_are_read_and_blank_lines_skipped():
    text = '{"ocid":"ocds-a-1","date":"2026-01-01T00:00:00Z"}\n\n{"ocid":"ocds-a-2"}\n'
    reading = ocds.read_lines(text)
    assert [r.ocid for r in reading.releases] == ["ocds-a-1", "ocds-a-2"]
    assert reading.rejections == [] and reading.lines == 2


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("{not json", "", "不是合法的 JSON"),
        ("[1, 2]", "", "不是 JSON 对象"),
        ('{"tender": {}}', "ocid", "缺少开放合同过程标识"),
        ('{"ocid": "x", "date": "昨天"}', "date", "带时区的日期时间"),
        (
            '{"ocid": "x", "bids": {"details": [{"value": {"amount": "100"}}]}}',
            "bids.details[0].value.amount",
            "金额应为数字",
        ),
        ('{"ocid": "x", "bids": {"details": [{"status": "won"}]}}', "bids.details[0].status", "不在代码表内"),
        (
            '{"ocid": "x", "awards": [{"status": "active", "value": {"amount": 1, "currency": "rmb"}}]}',
            "awards[0].value.currency",
            "ISO 4217",
        ),
        (
            '{"ocid": "x", "tender": {"tenderPeriod": {"endDate": "2026-13-01"}}}',
            "tender.tenderPeriod.endDate",
            "日期时间",
        ),
        ('{"ocid": "x", "tender": {"numberOfTenderers": -1}}', "tender.numberOfTenderers", "非负整数"),
        (
            '{"ocid": "x", "contracts": [{"implementation": {"transactions": [{"value": {"amount": true}}]}}]}',
            "contracts[0].implementation.transactions[0].value.amount",
            "金额应为数字",
        ),
    ],
)
def test_a_bad_line_is_rejected_naming_its_line_and_field_in_chinese(line, field, words):
    reading = ocds.read_lines('{"ocid":"ok"}\n' + line + "\n")
    (rejection,) = reading.rejections
    assert (rejection.line, rejection.field) == (2, field)
    assert rejection.message.startswith("第 2 行") and words in rejection.message
    assert [r.ocid for r in reading.releases] == ["ok"]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"ocid": "x", "n": NaN}', "NaN 不是 JSON 数值"),
        ('{"ocid": "x", "note": "a\\u0000b"}', "空字符"),
        ('{"ocid": "x", "note": "\\ud800"}', "代理字符"),
        ("[" * 100_000 + "]" * 100_000, "不是合法的 JSON"),
    ],
)
def test_text_postgresql_cannot_keep_is_rejected(line, words):
    (rejection,) = ocds.read_lines(line).rejections
    assert words in rejection.message


ODD = (
    '{"ocid": "y", "buyer": {"id": ["b"], "name": 5}, "parties": [{"id": ["p"]}],'
    ' "contracts": [{"implementation": []}],'
    ' "bids": {"details": [{"status": "valid", "tenderers": [{"id": {"x": 1}}]}]},'
    ' "note": "emoji \\ud83d\\ude00"}'
)


def test_fields_of_an_unexpected_type_are_rejected_or_ignored_never_a_crash():
    (rejection,) = ocds.read_lines('{"ocid": "x", "bids": {"details": [{"status": ["valid"]}]}}').rejections
    assert rejection.field == "bids.details[0].status"
    odd = ODD
    (release,) = ocds.read_lines(odd).releases
    summary = ocds.summarise(release.data)
    assert (summary.buyer_id, summary.buyer_name, summary.number_of_tenderers) == (None, None, None)
    assert cardinal.run([release.data]) == []


def test_an_ocid_twice_in_one_file_is_rejected():
    reading = ocds.read_lines('{"ocid":"a"}\n{"ocid":"a"}\n')
    assert reading.rejections[0].message == "第 2 行字段 ocid：ocid a 与第 1 行重复"


def test_amounts_stay_exact_from_text_to_text():
    (release,) = ocds.read_lines(
        '{"ocid":"a","tender":{"value":{"amount":1234567890123.45,"currency":"CNY"}}}'
    ).releases
    assert release.data["tender"]["value"]["amount"] == Decimal("1234567890123.45")
    assert ocds.dumps({"v": Decimal("0.10"), "w": [Decimal("1E+3")]}) == '{"v":0.10,"w":[1E+3]}'
    assert json.loads(ocds.dumps({"v": Decimal("0.10")}), parse_float=Decimal) == {"v": Decimal("0.10")}


def test_summary_gives_procurement_contract_and_payment_history_with_suppliers():
    summary = ocds.summarise(json.loads(ocds.dumps(own_release()), parse_float=Decimal))
    assert summary.award_total == Decimal("1300000.00")
    assert summary.contract_total == Decimal("1300000.00")
    assert summary.paid_total == Decimal("390000.00")
    assert summary.suppliers == [{"id": s.S2, "name": "乙公司", "amount": Decimal("1300000.00"), "currency": "CNY"}]
    assert (summary.method, summary.method_details, summary.number_of_tenderers) == ("open", "公开招标", 3)


# ── the office's own releases ──
def test_sample_events_are_valid_against_the_catalogue():
    known = {type_ for type_, _ in catalogue.CATALOGUE}
    checked = [e for e in s.tender_events() if e.type in known]  # payment_executed: once its service lands
    assert len(checked) >= 10
    for e in checked:
        catalogue.validate(e.as_dict())


def test_the_own_release_is_valid_against_the_ocds_1_1_release_schema():
    release = own_release()
    assert schema_errors(release) == []
    assert release["tag"] == ["compiled"] and release["ocid"] == f"ocds-ic0000-{s.APP}"
    assert release["tender"]["tenderPeriod"] == {
        "startDate": "2026-04-01T09:00:00+08:00",
        "endDate": "2026-04-22T09:00:00+08:00",
    }
    statuses = {b["id"]: b["status"] for b in release["bids"]["details"]}
    assert statuses == {s.B1: "disqualified", s.B2: "valid", s.B3: "valid"}
    assert release["awards"][0]["suppliers"] == [{"id": s.S2, "name": "乙公司"}]
    (contract,) = release["contracts"]
    assert contract["awardID"] == s.AWARD
    assert contract["implementation"]["transactions"][0]["value"] == {"amount": Decimal("390000.00"), "currency": "CNY"}
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert roles[s.S2] == ["tenderer", "supplier", "payee"] and roles["unit-dzb"] == ["buyer"]


def test_a_process_only_submitted_is_a_valid_planning_release():
    first = [e for e in s.tender_events() if e.type == "procurement.application_submitted"]
    release = own_release(first)
    assert schema_errors(release) == []
    assert release["tender"]["status"] == "planning" and "awards" not in release


def test_replaying_an_event_changes_nothing():
    events = s.tender_events()
    once = own_release(events)
    twice = own_release(events + events[5:9])
    assert once == twice


def test_cardinal_flags_the_office_own_tender():
    p = cardinal.process_of(json.loads(ocds.dumps(own_release()), parse_float=Decimal))
    flags = cardinal.evaluate(p, cardinal.Parameters(), ocds.CURRENCY)
    assert {f.indicator for f in flags if f.group == "OCID"} == {"R036"}  # the lowest bid was disqualified
    short = own_release(s.tender_events(days=5, disqualify_lowest=False))
    p = cardinal.process_of(json.loads(ocds.dumps(short), parse_float=Decimal))
    assert {f.indicator for f in cardinal.evaluate(p, cardinal.Parameters(), "CNY") if f.group == "OCID"} == {"R003"}
