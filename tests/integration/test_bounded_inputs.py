"""Bounded inputs through the gateway and at each service's own edge (issue 9 §3, issue 8 §4): what was seen to
answer 500 or to stall answers a 4xx naming the field in Chinese, and nothing half-way is stored."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from ic_platform.rpc_client import RemoteError
from services.budget.service_layer.line_import import EXAMPLE
from tests.integration.support import workbooks

pytestmark = pytest.mark.integration

LINE = "2026-DZB-30201-01"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submit(api, **over):
    body = {"title": "购买打印纸", "budget_line_id": LINE, "amount": "10.00", **over}
    return api.post("/api/v1/matter-applications", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})


def refused(response, field: str, status: int = 422) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert {f["field"] for f in error["details"]["fields"]} == {field}, error
    return error["details"]["fields"][0]["reason"]


@pytest.mark.parametrize("amount", ["1e309", "1" * 30, " 1.00", "１００", "1.0e2"])
def test_an_amount_not_of_the_documented_form_is_422(login, amount):
    assert "金额" in refused(submit(login("clerk"), amount=amount), "amount")


def test_control_characters_are_refused_at_the_gateway(login, stack):
    clerk = login("clerk")
    assert refused(submit(clerk, title="打印\x00纸"), "title") == "不能包含控制字符"
    assert refused(clerk.get("/api/v1/budget-lines", params={"q": "办公\x00"}), "q") == "不能包含控制字符"
    assert refused(clerk.get("/api/v1/budget-lines/2026%00DZB"), "line_id") == "不能包含控制字符"
    response = clerk.http.post("/api/v1/auth/login", json={"username": "clerk\x00", "password": "demo1234"})
    assert refused(response, "username") == "不能包含控制字符"


@pytest.mark.parametrize(
    "service, method, kwargs, field",
    [
        ("budget", "get_line", {"budget_line_id": "2026\x00"}, "budget_line_id"),
        ("payment", "get_matter_application", {"application_id": "\x00"}, "application_id"),
        ("org", "authenticate", {"username": "clerk\x00", "password": "x"}, "username"),
        ("approval", "get_route", {"document_type": "matter_application", "document_id": "a\x00"}, "document_id"),
        ("risk", "get_dossier", {"document_type": "matter_application", "document_id": "a\x00"}, "document_id"),
        ("budget", "replay_dead_letters", {"handler": "on_x\x00"}, "handler"),
    ],
)
def test_every_service_refuses_control_characters_at_its_own_edge(rpc, service, method, kwargs, field):
    with pytest.raises(RemoteError) as caught:
        rpc.call(service, method, kwargs, context={"org": "xinqiao", "actor": "clerk"})
    assert caught.value.exc_path == "ic_platform.errors.InvalidInput"
    assert caught.value.exc_args[0] == "invalid_input" and field in caught.value.exc_args[2]


def test_a_delegation_past_year_9999_is_refused_and_the_lists_keep_working(login):
    head = login("head")
    body = {
        "delegate": "leader",
        "starts_at": "2026-11-26T00:00:00+08:00",
        "ends_at": "9999-12-31T23:00:00-05:00",
        "reason": "休假",
    }
    response = head.post("/api/v1/approval/delegations", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert refused(response, "ends_at").startswith("时间须在")
    assert head.get("/api/v1/approval/delegations").status_code == 200


def test_granting_for_someone_else_is_refused_in_the_words_of_granting(login):
    body = {
        "delegate": "leader",
        "starts_at": "2026-11-26T00:00:00+08:00",
        "ends_at": "2026-11-27T00:00:00+08:00",
        "reason": "休假",
        "principal": "head",
    }
    response = login("clerk").post(
        "/api/v1/approval/delegations", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"]["message"] == "只有委托人本人或系统管理员可以设置代理"


# A year no other test gives lines or closes (test_budget_year_end closes 2031).
EMPTY_YEAR = 2077


def test_error_details_keep_their_json_types_through_the_services(login):
    response = login("finance").post(f"/api/v1/fiscal-years/{EMPTY_YEAR}/close", json={"reason": "试结账"})
    assert response.status_code == 409, response.text
    assert response.json()["error"]["details"] == {"fiscal_year": EMPTY_YEAR}  # an int, not "2077"


def test_a_year_without_lines_answers_its_state(login):
    response = login("clerk").get(f"/api/v1/fiscal-years/{EMPTY_YEAR}")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "open" and response.json()["fiscal_year"] == EMPTY_YEAR


def test_applications_are_listed_by_every_status_they_can_have(login):
    clerk = login("clerk")
    statuses = ("reserving", "refused", "submitted", "approved", "rejected", "returned", "withdrawn")
    for status in (*statuses, "cancelled", "closed"):
        response = clerk.get("/api/v1/matter-applications", params={"status": status})
        assert response.status_code == 200, (status, response.text)
    assert "可选" in refused(clerk.get("/api/v1/matter-applications", params={"status": "lost"}), "status")


# ── the Excel import ──


def post_workbook(api, content: bytes, **params):
    return api.http.post(
        "/api/v1/budget-lines/import", content=content, params=params, headers={"Content-Type": XLSX}, timeout=120
    )


def test_a_workbook_with_broken_xml_is_refused_not_a_500(login):
    response = post_workbook(login("finance"), workbooks.broken_xml())
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "budget_import_unreadable"


def test_a_sheet_claiming_xfd9000_is_read_as_what_it_holds(login):
    cells = list(EXAMPLE)
    cells[0] = f"2026-XFD-{uuid.uuid4().hex[:8]}"
    response = post_workbook(login("finance"), workbooks.claiming_xfd9000(cells), dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 0, "valid": 1, "dry_run": True}


def test_other_calls_are_answered_while_a_large_workbook_is_read(login):
    finance, clerk = login("finance"), login("clerk")
    # Large enough that the import outlasts several other calls on any machine (1,000 rows took 0.35 s here).
    heavy = workbooks.heavy(rows=3000, from_column=60, to_column=120)
    outcome: dict = {}

    def run_import() -> None:
        outcome["response"] = post_workbook(finance, heavy)
        outcome["done_at"] = time.monotonic()

    importer = threading.Thread(target=run_import)
    began = time.monotonic()
    importer.start()
    time.sleep(0.1)  # the upload is on its way
    answered_meanwhile = []
    while importer.is_alive() and len(answered_meanwhile) < 5:
        asked = time.monotonic()
        assert clerk.get(f"/api/v1/budget-lines/{LINE}").status_code == 200
        if importer.is_alive():
            answered_meanwhile.append(time.monotonic() - asked)
    importer.join(timeout=120)
    assert outcome["response"].status_code == 422, outcome["response"].text  # no line in it, in the end
    assert len(answered_meanwhile) >= 3, f"the import ended before other calls could be measured: {answered_meanwhile}"
    # Each answer well within the time the import took as a whole.
    assert max(answered_meanwhile) < min(2.0, (outcome["done_at"] - began) / 2), answered_meanwhile
