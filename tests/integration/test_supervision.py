"""The supervision desk through the gateway on the real services (issue 13 §3, §4): a split-purchase warning is
raised, acknowledged at the decision, confirmed by the inspector as a finding to rectify, rectified by the unit's
head, listed by unit, and each move is on the document's trail; a clerk of another unit gets 404; the unit's
scorecard counts it and exports to Excel; the project of a matter application with a procurement and a contract
shows all three, each with its attachments (read through the owning service's route), and is the same after the
replay command rebuilt the projection."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from ic_platform.db import make_engine
from services.risk import replay
from tests.integration.budget_docs import decide, new_line, status_of
from tests.integration.conftest import assessed, eventually
from tests.integration.test_contracts import draft, publish_award, valid_supplier
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration
API = "/api/v1"
TODAY = datetime.now(UTC).date()


def warning_of(api, warning_id):  # noqa: ANN001, ANN201
    response = api.get(f"{API}/risk/warnings/{warning_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_warning_is_worked_from_the_decision_to_its_rectification(login, rpc):
    clerk, head, inspector = login("clerk"), login("head"), login("inspector")
    line_id = new_line(rpc, "500000.00")
    for n in (1, 2, 3):  # each part assessed before the next: the split rule judges parts in the order heard
        app = submit(clerk, "20000.00", line_id, title=f"办公家具第 {n} 批").json()
        task = eventually(lambda a=app: pending_task(head, a["id"]))
        assessed(head, task["task_id"])
    [warning] = assessed(head, task["task_id"])["warnings"]
    assert warning["rule"] == "split_purchase"
    listed = inspector.get(f"{API}/risk/warnings", params={"unit": "dzb", "rule": "split_purchase", "status": "open"})
    assert warning["id"] in [w["id"] for w in listed.json()["items"]], listed.text

    decided = head.post(
        f"{API}/approval/tasks/{task['task_id']}/decision",
        json={"decision": "approve", "acknowledge_warnings": [warning["id"]], "comment": "已核实三批分属不同楼层"},
    )
    assert decided.status_code == 200, decided.text
    acknowledged = eventually(lambda: (w := warning_of(inspector, warning["id"]))["status"] == "acknowledged" and w)
    assert acknowledged["acknowledged"]["by"] == "head" and acknowledged["status_label"] == "审批时已确认知悉"
    assert acknowledged["dossier"] == f"{API}/dossiers/matter_application/{app['id']}"

    # Only inspection confirms; the auditor reads. A past due date is refused naming the field.
    body = {
        "due_date": (TODAY + timedelta(days=10)).isoformat(),
        "responsible_unit": "dzb",
        "finding": "同一需求分批申请",
    }
    auditor = login("auditor")
    assert auditor.post(f"{API}/risk/warnings/{warning['id']}/confirmation", json=body).status_code == 403
    past = inspector.post(f"{API}/risk/warnings/{warning['id']}/confirmation", json={**body, "due_date": "2020-01-01"})
    assert past.status_code == 422 and past.json()["error"]["code"] == "risk_rectification_due_in_past", past.text
    confirmed = inspector.post(f"{API}/risk/warnings/{warning['id']}/confirmation", json=body)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["confirmed"]["responsible_unit"] == "dzb"
    again = inspector.post(f"{API}/risk/warnings/{warning['id']}/dismissal", json={"reason": "不属实"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "risk_warning_transition"

    # Another unit's clerk neither reads nor finds it.
    other = login("clerk_czb")
    assert other.get(f"{API}/risk/warnings/{warning['id']}").status_code == 404
    assert warning["id"] not in [w["id"] for w in other.get(f"{API}/risk/warnings").json()["items"]]
    blank = head.post(f"{API}/risk/warnings/{warning['id']}/rectification-closure", json={"closing_note": " "})
    assert blank.status_code == 422, blank.text

    closed = head.post(
        f"{API}/risk/warnings/{warning['id']}/rectification-closure", json={"closing_note": "已合并为一项采购"}
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "rectified" and closed.json()["rectification"]["on_time"] is True
    by_unit = inspector.get(f"{API}/risk/warnings", params={"unit": "dzb", "status": "rectified", "page_size": 200})
    assert warning["id"] in [w["id"] for w in by_unit.json()["items"]]

    def trailed():  # noqa: ANN202
        entries = inspector.get(f"{API}/documents/matter_application/{app['id']}/trail").json()["entries"]
        actions = [e["action"] for e in entries]
        return {"risk_confirmed", "rectification_closed"} <= set(actions) and actions

    actions = eventually(trailed)
    assert actions.index("risk_acknowledged") < actions.index("risk_confirmed") < actions.index("rectification_closed")
    assert inspector.get(f"{API}/approval/trail/verify").json()["ok"] is True

    period = {"date_from": TODAY.isoformat(), "date_to": (TODAY + timedelta(days=30)).isoformat()}
    card = inspector.get(f"{API}/risk/scorecards", params={**period, "unit": "dzb"}).json()
    [dzb] = card["units"]
    assert dzb["unit_name"] == "党政综合办公室" and dzb["warnings_raised"] >= 1 and dzb["warnings_confirmed"] >= 1
    assert dzb["rectifications_on_time"] >= 1 and dzb["tasks_decided"] >= 1 and dzb["sod_refusals"] >= 0
    book = inspector.get(f"{API}/risk/scorecards.xlsx", params=period)
    assert book.status_code == 200, book.text
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert period["date_from"] in sheet.cell(1, 1).value and "内部控制评价" in sheet.cell(1, 1).value
    assert [c.value for c in sheet[2]][:2] == ["单位代码", "单位名称"]
    assert ["dzb", "党政综合办公室"] in [[r[0], r[1]] for r in sheet.iter_rows(min_row=3, values_only=True)]


def test_the_project_of_a_matter_application_and_its_replay(stack, login, rpc):
    clerk, head, inspector = login("clerk"), login("head"), login("inspector")
    line_id = new_line(rpc, "300000.00")
    matter = submit(clerk, "30000.00", line_id, title="档案室密集架").json()
    decide(head, matter["id"])
    status_of(clerk, f"{API}/matter-applications/{matter['id']}", "approved")
    items = [{"name": "密集架", "category": "goods", "quantity": "1", "unit_price": "28000.00"}]
    procurement = clerk.post(
        f"{API}/procurement-applications",
        json={
            "title": "档案室密集架采购",
            "items": items,
            "method": "open_tender",
            "matter_application_id": matter["id"],
        },
    )
    assert procurement.status_code == 201, procurement.text
    holder = {"type": "procurement_application", "id": procurement.json()["id"], "no": procurement.json()["no"]}
    supplier = valid_supplier(clerk, 6)  # drafting asks the registry for the supplier's standing
    award_id = publish_award(stack, holder, "27000.00", supplier, line_id)
    contract = eventually(lambda: (r := draft(clerk, award_id, supplier, "27000.00")).status_code == 201 and r.json())
    # Files on two documents, kept by their two owning services (payment, contract), filed in the project.
    pdf = b"%PDF-1.4\n% " + matter["id"].encode() + b"\n%%EOF\n"
    uploads = {
        "matter_application": ("matter_application", matter["id"], "立项说明.pdf"),
        "contract": ("contract", contract["id"], "合同文本.pdf"),
    }
    sha = hashlib.sha256(pdf).hexdigest()
    for type_, id_, name in uploads.values():
        up = clerk.post(f"{API}/attachments/{type_}/{id_}", files={"file": (name, pdf, "application/pdf")})
        assert up.status_code == 201 and up.json()["sha256"] == sha, up.text

    path = f"{API}/risk/projects/by-document/matter_application/{matter['id']}"

    def whole():  # noqa: ANN202
        seen = inspector.get(path)
        documents = seen.json().get("documents", []) if seen.status_code == 200 else []
        types = {d["type"] for d in documents}
        filed = sum(len(d["attachments"]) for d in documents)
        return (
            {"matter_application", "procurement_application", "award", "contract"} <= types
            and filed == 2
            and seen.json()
        )

    seen = eventually(whole)
    ids = {d["type"]: d["id"] for d in seen["documents"]}
    by_type = {d["type"]: d for d in seen["documents"]}
    for type_, id_, name in uploads.values():
        [filed] = by_type[type_]["attachments"]
        assert filed["filename"] == name and filed["sha256"] == sha and filed["size"] == len(pdf)
        assert (filed["media_type"], filed["type_label"], filed["uploaded_by"]) == (
            "application/pdf",
            "PDF 文档",
            "clerk",
        )
        assert filed["uploaded_at"] and filed["href"] == f"{API}/attachments/{type_}/{id_}/{sha}"
        read = inspector.get(filed["href"])  # through the owning service, which checks the reader's scope
        assert read.status_code == 200 and read.content == pdf, read.text
    assert by_type["procurement_application"]["attachments"] == []
    assert login("clerk_czb").get(by_type["contract"]["attachments"][0]["href"]).status_code == 404
    assert ids["contract"] == contract["id"] and ids["procurement_application"] == holder["id"]
    assert seen["project"]["root"] == {"type": "matter_application", "id": matter["id"]}
    relations = {(k["from"]["type"], k["to"]["type"], k["relation"]) for k in seen["links"]}
    assert ("matter_application", "procurement_application", "procured_for") in relations
    assert ("award", "contract", "contract_on_award") in relations
    assert line_id in seen["budget_lines"] and seen["timeline"]
    from_contract = clerk.get(f"{API}/risk/projects/by-document/contract/{contract['id']}")
    assert from_contract.status_code == 200 and {d["id"] for d in from_contract.json()["documents"]} >= set(
        ids.values()
    )
    assert login("clerk_czb").get(path).status_code == 404

    settled = eventually(lambda: (a := inspector.get(path).json()) == inspector.get(path).json() and a)
    engine = make_engine(stack.settings.database_url("risk"), pool_size=1)
    try:
        summary = replay.replay(engine)
    finally:
        engine.dispose()
    assert summary["events"] > 0 and summary["projects"] >= 1
    assert inspector.get(path).json() == settled
