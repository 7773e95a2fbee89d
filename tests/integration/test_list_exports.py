"""Issue 14's totals and exports on the real services: warnings by rule in the reader's data scope (another
unit's clerk does not count this unit's warnings), with its Excel; the contract list, the payment list and the
approval desk lists (my tasks, my submissions) as workbooks that read like the screen."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.integration.budget_docs import new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration
API = "/api/v1"
TODAY = datetime.now(UTC).date().isoformat()
PERIOD = {"date_from": f"{TODAY[:4]}-01-01", "date_to": TODAY}


def sheet(response):  # noqa: ANN001, ANN201
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_warnings_by_rule_are_counted_in_the_readers_scope_and_exported(login, rpc):
    clerk, head, inspector = login("clerk"), login("head"), login("inspector")
    line_id = new_line(rpc, "500000.00")
    for n in (1, 2, 3):
        app = submit(clerk, "20000.00", line_id, title=f"会议桌椅第 {n} 批").json()
        task = eventually(lambda a=app: pending_task(head, a["id"]))
        assessed(head, task["task_id"])

    answer = inspector.get(f"{API}/risk/warnings/by-rule", params=PERIOD)
    assert answer.status_code == 200, answer.text
    by_rule = {i["rule"]: i for i in answer.json()["items"]}
    split = by_rule["split_purchase"]
    assert split["rule_label"] == "疑似拆分采购（化整为零）" and split["warnings"] >= 1 and split["open"] >= 1
    assert answer.json()["totals"]["warnings"] == sum(i["warnings"] for i in answer.json()["items"])

    other = login("clerk_czb").get(f"{API}/risk/warnings/by-rule", params=PERIOD).json()
    assert "split_purchase" not in {i["rule"] for i in other["items"]}  # dzb's warnings are not czb's to count

    bad = inspector.get(f"{API}/risk/warnings/by-rule", params={"date_from": TODAY, "date_to": "2000-01-01"})
    assert bad.status_code == 422 and "date_from" in bad.text

    ws = sheet(inspector.get(f"{API}/risk/warnings/by-rule.xlsx", params=PERIOD))
    assert ws.cell(1, 1).value == "风险预警按规则统计"
    assert "范围：全部单位" in ws.cell(2, 1).value and "导出时间" in ws.cell(2, 1).value
    rules = [ws.cell(r, 2).value for r in range(4, ws.max_row + 1)]
    assert "疑似拆分采购（化整为零）" in rules and ws.cell(ws.max_row, 1).value == "合计"

    # the desk lists: the head's pending tasks, the clerk's submissions, names beside codes, money formatted
    tasks = sheet(head.get(f"{API}/approval/tasks.xlsx"))
    assert tasks.cell(1, 1).value == "我的待办审批" and "head" in tasks.cell(2, 1).value
    numbers = [tasks.cell(r, 2).value for r in range(4, tasks.max_row + 1)]
    assert app["no"] in numbers
    row = 4 + numbers.index(app["no"])
    assert tasks.cell(row, 4).number_format == "#,##0.00" and tasks.cell(row, 5).value.startswith("dzb ")
    mine = sheet(clerk.get(f"{API}/approval/submissions.xlsx", params={"status": "in_progress"}))
    assert mine.cell(1, 1).value == "我提交的单据" and "（审批中）" in mine.cell(2, 1).value
    assert app["no"] in [mine.cell(r, 2).value for r in range(4, mine.max_row + 1)]


def test_the_contract_and_payment_lists_export_like_the_screen(login):
    finance = login("finance")
    contracts = sheet(finance.get(f"{API}/contracts/export.xlsx"))
    assert contracts.cell(1, 1).value == "合同台账" and "导出时间" in contracts.cell(2, 1).value
    assert [c.value for c in contracts[3]][:6] == ["合同编号", "合同名称", "单位", "供应商", "统一社会信用代码", "状态"]
    payments = sheet(finance.get(f"{API}/payments/export.xlsx", params={"status": "executed"}))
    assert payments.cell(1, 1).value == "付款申请台账" and "状态：已支付" in payments.cell(2, 1).value
    assert finance.get(f"{API}/payments/export.xlsx", params={"status": "paid"}).status_code == 422


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_meeting_records_minutes_are_attached_and_read_in_its_documents_scope(login):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.integration.test_approval_parallel_steps import SIGNERS, at_countersign, decide

    clerk, principal, auditor = login("clerk"), login("principal"), login("auditor")
    app, tasks = at_countersign(login, "8000.00", major_matter=True)
    for who in SIGNERS:
        assert decide(login(who), tasks[who]["task_id"], "approve").status_code == 200
    task = eventually(lambda: pending_task(principal, app["id"]))
    files = f"{API}/attachments/meeting_record/{task['task_id']}"
    assert principal.get(files).status_code == 404  # no meeting recorded yet: nothing to attach to
    meeting = {
        "meeting_date": datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(),
        "attendees": ["principal", "leader", "leader_party", "leader_discipline"],
        "decision": "approve",
        "minutes": "经党工委会议集体研究，同意实施。",
    }
    assert principal.post(f"{API}/approval/tasks/{task['task_id']}/meeting", json=meeting).status_code == 200

    upload = principal.post(
        files, files={"file": ("会议纪要.pdf", PDF, "application/pdf")}, headers={"Idempotency-Key": "minutes-1"}
    )
    assert upload.status_code == 201, upload.text
    listed = clerk.get(files)  # the initiator reads the document, so its meeting's files too
    assert listed.status_code == 200 and [a["filename"] for a in listed.json()["items"]] == ["会议纪要.pdf"]
    assert auditor.get(files).status_code == 200
    read_only = auditor.post(files, files={"file": ("a.pdf", PDF, "application/pdf")}, headers={"Idempotency-Key": "x"})
    assert read_only.status_code == 403
    assert login("clerk_czb").get(files).status_code == 404  # another unit's document: as if it did not exist
    assert clerk.get(f"{API}/attachments/meeting_record/not-a-task").status_code == 404
