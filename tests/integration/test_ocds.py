"""开放合同数据 through the gateway on the real services: an inspector imports a small JSON-lines file (raw and as
a multipart upload) and pages its Cardinal flags; a bad file is refused whole with the line and field named in
Chinese; a clerk may not import; the office's own tender (lowest bid disqualified) is flagged R036 from its
events, and the export of the office's releases validates against the OCDS 1.1 release schema."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from tests.integration.budget_docs import decide, new_line, status_of
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

API = "/api/v1"
ROOT = Path(__file__).parents[2]
SCHEMA = json.loads((ROOT / "services/risk/domain/ocds_schema/release-schema.json").read_text(encoding="utf-8"))
NDJSON = {"Content-Type": "application/x-ndjson"}


def _examples(*codes: str) -> str:
    """Cardinal's documented examples, each process renamed so one file holds several."""
    out = []
    for code in codes:
        for line in (ROOT / f"tests/unit/risk/cardinal_examples/{code}.jsonl").read_text().splitlines():
            if line.strip():
                data = json.loads(line)
                data["ocid"] = f"{code}-{data['ocid']}-{uuid.uuid4().hex[:6]}"
                out.append(json.dumps(data))
    return "\n".join(out) + "\n"


def test_import_a_small_file_and_page_its_flags(login):
    inspector = login("inspector")
    answer = inspector.post(f"{API}/ocds/releases", content=_examples("R035", "R036", "R018"), headers=NDJSON)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["accepted"], body["rejected_count"]) == (3, 0)
    assert body["processes_flagged"] == {"R018": 1, "R035": 1, "R036": 1}
    page = inspector.get(f"{API}/ocds/flags", params={"import_id": body["import_id"], "page_size": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["counts"] == {"R018": 1, "R035": 2, "R036": 1}
    assert {f["name"] for f in page["items"]} <= {"竞争性方式仅一家投标", "除中标人外全部投标被否决"}

    upload = inspector.post(
        f"{API}/ocds/releases",
        files={"file": ("r028.jsonl", _examples("R028").encode(), "application/x-ndjson")},
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["processes_flagged"] == {"R028": 1}


def test_a_bad_file_is_refused_whole_naming_line_and_field(login):
    finance = login("finance")
    bad = '{"ocid":"ok-1"}\n{"ocid":"x","tender":{"tenderPeriod":{"endDate":"2026-02-30"}}}\n'
    refused = finance.post(f"{API}/ocds/releases", content=bad, headers=NDJSON)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "ocds_import_rejected"
    assert "第 2 行字段 tender.tenderPeriod.endDate" in error["message"] and "整个文件未导入" in error["message"]
    partial = finance.post(f"{API}/ocds/releases", params={"partial": "true"}, content=bad, headers=NDJSON)
    assert partial.status_code == 201 and partial.json()["rejected"][0]["line"] == 2
    clerk = login("clerk")
    assert clerk.post(f"{API}/ocds/releases", content='{"ocid":"a"}\n', headers=NDJSON).status_code == 403
    wrong = finance.post(f"{API}/ocds/releases", content="x", headers={"Content-Type": "image/png"})
    assert wrong.status_code == 415


def test_the_office_own_tender_is_flagged_and_exported_valid(login, rpc):
    clerk, head, inspector = login("clerk"), login("head"), login("inspector")
    line_id = new_line(rpc, "100000.00")
    items = [{"name": "办公设备", "category": "goods", "quantity": "10", "unit_price": "2800.00", "unit": "台"}]
    applied = clerk.post(
        f"{API}/procurement-applications",
        json={"title": "采购办公设备", "items": items, "method": "open_tender", "budget_line_id": line_id},
    )
    assert applied.status_code == 201, applied.text
    app_id = applied.json()["id"]
    decide(head, app_id)
    path = f"{API}/procurement-applications/{app_id}"
    status_of(clerk, path, "approved")
    today = datetime.now(UTC).date().isoformat()
    assert clerk.post(f"{path}/intention", json={"published_on": today, "where": "中国政府采购网"}).status_code == 201
    start = datetime.now(UTC)
    deadline = start + timedelta(days=21)
    tender = clerk.post(
        f"{path}/tenders", json={"published_at": start.isoformat(), "submission_deadline": deadline.isoformat()}
    )
    assert tender.status_code == 201, tender.text
    tender_id = tender.json()["id"]
    suppliers = [s for s in clerk.get(f"{API}/suppliers", params={"page_size": 50}).json()["items"]]
    suppliers = [s for s in suppliers if s["standing"] == "valid"][:4]
    bids = []
    for n, supplier in enumerate(suppliers):  # the first is the lowest
        bid = clerk.post(
            f"{API}/tenders/{tender_id}/bids",
            json={
                "supplier_id": supplier["id"],
                "amount": f"{25000 + n * 500}.00",
                "received_at": (start + timedelta(days=2)).isoformat(),
            },
        )
        assert bid.status_code == 201, bid.text
        bids.append(bid.json()["id"])
    out = clerk.post(f"{API}/tenders/{tender_id}/bids/{bids[0]}/disqualify", json={"reason": "资格证明文件不全"})
    assert out.status_code == 200, out.text
    evaluated = clerk.post(
        f"{API}/tenders/{tender_id}/evaluation", json={"evaluated_at": (deadline + timedelta(hours=1)).isoformat()}
    )
    assert evaluated.status_code == 200, evaluated.text
    first = next(b for b in evaluated.json()["bids"] if b["rank"] == 1)
    award = clerk.post(
        f"{API}/tenders/{tender_id}/award",
        json={
            "bid_id": first["id"],
            "decided_on": deadline.date().isoformat(),
            "notice_date": deadline.date().isoformat(),
        },
    )
    assert award.status_code == 201, award.text

    def own_flags():
        page = inspector.get(f"{API}/ocds/flags", params={"source": "own", "indicator": "R036", "page_size": 200})
        return [f for f in page.json()["items"] if f["ocid"].endswith(app_id)]

    (flag,) = eventually(own_flags)
    assert (flag["group"], flag["value"], flag["evidence"]["lowest_amount"]) == ("OCID", 1.0, "25000.00")

    exported = inspector.get(f"{API}/ocds/releases", params={"date_from": today})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/json")
    package = exported.json()
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for release in package["releases"]:
        assert [e.message for e in validator.iter_errors(release)] == [], release["ocid"]
    ours = next(r for r in package["releases"] if r["ocid"].endswith(app_id))
    assert ours["awards"][0]["value"] == {"amount": 25500.00, "currency": "CNY"}
    assert {b["status"] for b in ours["bids"]["details"]} == {"disqualified", "valid"}
    # Another unit's clerk exports none of 党政办's procurements.
    other = login("clerk_czb").get(f"{API}/ocds/releases", params={"date_from": today}).json()
    assert not [r for r in other["releases"] if r["ocid"].endswith(app_id)]
    bad = inspector.get(f"{API}/ocds/releases", params={"date_from": "2026-13-01"})
    assert bad.status_code == 422
