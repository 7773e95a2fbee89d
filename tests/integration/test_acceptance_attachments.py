"""An acceptance (验收) carries its own attachments (the acceptance report, photos), through the gateway on the
real stack: uploaded, listed and read on the acceptance itself, listed with it on the contract's acceptances,
under the contract's data scope (another unit's clerk: 404 for the list, the file and an upload)."""

from __future__ import annotations

import pytest

from tests.integration.test_expense_claims import PDF, PNG
from tests.integration.test_payments import (
    API,
    TODAY_ACCEPTED,
)

pytestmark = pytest.mark.integration


def test_an_acceptance_carries_its_own_report_under_its_contracts_data_scope(deal, login):
    clerk, head, principal = login("clerk"), login("head"), login("principal")
    stranger, auditor = login("clerk_djb"), login("auditor")
    c = deal["contract"]
    body = {"milestone_no": 2, "result": "passed", "accepted_on": TODAY_ACCEPTED, "members": ["principal", "admin"]}
    recorded = principal.post(f"{API}/contracts/{c['id']}/acceptances", json=body)
    assert recorded.status_code == 201, recorded.text
    acceptance = recorded.json()
    assert acceptance["attachments"] == []

    path = f"{API}/attachments/acceptance/{acceptance['id']}"
    uploaded = principal.post(path, files={"file": ("验收报告.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    report = uploaded.json()
    assert report["document"]["type"] == "acceptance" and report["document"]["id"] == acceptance["id"]
    assert clerk.post(path, files={"file": ("现场照片.png", PNG, "image/png")}).status_code == 201  # the unit's

    listed = head.get(path)
    assert listed.status_code == 200, listed.text
    assert [i["filename"] for i in listed.json()["items"]] == ["验收报告.pdf", "现场照片.png"]
    content = head.get(f"{path}/{report['sha256']}")
    assert content.status_code == 200 and content.content == PDF
    # The acceptance's record lists its files; the contract's own attachments are another document's.
    [on_record] = clerk.get(f"{API}/contracts/{c['id']}/acceptances").json()["items"]
    assert [a["sha256"] for a in on_record["attachments"]] == [i["sha256"] for i in listed.json()["items"]]
    assert clerk.get(f"{API}/attachments/contract/{c['id']}").json()["items"] == []

    # Another unit's clerk: as if neither the acceptance nor its files existed.
    assert stranger.get(path).status_code == 404
    assert stranger.get(f"{path}/{report['sha256']}").status_code == 404
    assert stranger.post(path, files={"file": ("x.pdf", PDF, "application/pdf")}).status_code == 404
    missing = clerk.get(f"{API}/attachments/acceptance/{c['id']}")  # a contract's id is no acceptance's
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "acceptance_not_found"
    # Audit reads the files and adds none.
    assert auditor.get(f"{path}/{report['sha256']}").status_code == 200
    assert auditor.post(path, files={"file": ("x.pdf", PDF, "application/pdf")}).status_code == 403
