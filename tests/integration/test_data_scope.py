"""Data scope (数据权限) through the gateway and every real service: a document of one unit is answered 404 to a
reader of another unit on every GET route (the list of routes comes from the app itself, so a new route cannot
be forgotten), lists and reports leave it out, and the right people do see it: its unit's head, the leader in
charge, finance, inspection and audit, the principal, and an approver or delegate while (and after) it is on
their desk. See docs/data-scope.md."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import APIRoute
from openpyxl import load_workbook

from gateway import clients
from gateway.app import create_app
from tests.integration.budget_docs import decide, new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.test_contracts import draft, publish_award, valid_supplier
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration

API = "/api/v1"
BY_UNIT = {"group_by": "unit", "page_size": 200}
READER = "clerk_czb"  # a clerk of 财政办: the finance office's unit, not the finance reviewer's role
REOPEN_YEAR = 2036  # a year of this module's own, closed to request a reopening


def _get_routes() -> list[str]:
    """Every GET path the gateway serves, from its routers (not from a list kept by hand)."""
    app = create_app(rpc=_NoRpc())
    found: list[str] = []

    def walk(routes) -> None:  # noqa: ANN001
        for route in routes:
            if isinstance(route, APIRoute):
                if route.endpoint.__module__ == clients.__name__:
                    continue  # the clients' files and the API's documents: no data behind them
                if "GET" in route.methods:
                    found.append(route.path)
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes)

    walk(app.router.routes)
    return sorted(set(found))


class _NoRpc:
    connected = False

    def start(self) -> None: ...
    def stop(self) -> None: ...


# GET routes that name no unit's document, each with the reason it needs no cross-unit check.
NOT_A_UNITS_DOCUMENT = {
    "/healthz": "public liveness probe",
    "/readyz": "public readiness probe (details restricted elsewhere)",
    "/metrics": "operations metrics, no business data",
    f"{API}/me": "the caller themself",
    f"{API}/units": "the office's directory of units, the same for everyone",
    f"{API}/approval/tasks": "the caller's own inbox (and their principal's, as delegate): their desk by definition",
    f"{API}/approval/decided": "what the caller decided: on their desk by definition",
    f"{API}/approval/submissions": "what the caller submitted",
    f"{API}/approval/tasks.xlsx": "the caller's own inbox as a workbook: their desk by definition",
    f"{API}/approval/submissions.xlsx": "what the caller submitted, as a workbook",
    f"{API}/approval/delegations": "delegations the caller granted or received",
    f"{API}/notifications": "the caller's own notifications",
    f"{API}/notifications/stream": "the caller's own notifications, pushed",
    f"{API}/approval/trail/verify": "the chain's integrity (no document content); auditors, inspectors, admins",
    f"{API}/reports/approval-cycle": "cycle-time statistics, no document; leadership, audit, inspection",
    f"{API}/expenditure-standards": "the office's expenditure standards, reference data for everyone",
    f"{API}/budget-lines/import-template.xlsx": "an empty template",
    f"{API}/fiscal-years/{{fiscal_year}}": "the office's books open or closed; the figures only for readers of all"
    " (test_a_fiscal_years_figures_are_for_readers_of_every_unit)",
    f"{API}/ops/dead-letters/{{service}}": "operations, administrators only; a service, not a document",
    f"{API}/risk/rules": "risk's rule book (definitions and parameters): reference data, no document",
    f"{API}/suppliers": "the supplier registry (供应商库): the office's reference data, the same for everyone",
    f"{API}/suppliers/{{supplier_id}}": "one supplier of the office-wide registry, the same for everyone",
    # The books (会计核算): a role gate, not a unit's documents; every role let in (accountant, finance, audit,
    # inspection, principal) reads the accounting area whole (scope.READS_ALL); anyone else is 403.
    f"{API}/accounting/vouchers": "the books: role-gated, readers of every unit's accounting data",
    f"{API}/accounting/vouchers/{{voucher_id}}": "one voucher of the books: role-gated as above",
    f"{API}/accounting/periods": "the office's accounting months: role-gated as above",
    f"{API}/accounting/trial-balance": "科目余额表: role-gated as above",
    f"{API}/accounting/trial-balance.xlsx": "科目余额表 Excel: role-gated as above",
    f"{API}/accounting/ledger": "总账: role-gated as above",
    f"{API}/accounting/reconciliation": "对账: role-gated as above",
    # Open-contracting data (OCDS): public data imported, and Cardinal's indicators (reference data).
    f"{API}/ocds/indicators": "Cardinal's indicators and parameters: reference data, no document",
    f"{API}/ocds/flags": "red flags of imported public releases and the office's tenders: finance, inspection,"
    " audit and the principal only (the service refuses anyone else, 403)",
    # Organisation administration (系统管理员): the office's own directory, not a unit's documents.
    f"{API}/org/unit-tree": "the units as a tree with their heads: administrators only (403 otherwise)",
    f"{API}/org/roles": "the role names: reference data",
    f"{API}/org/incompatible-positions": "the conflict matrix's pairs: reference data",
    f"{API}/org/users": "the people of the office: administrators only (403 otherwise)",
    f"{API}/org/deciding-bodies": "the deciding bodies and their members: administrators only (403 otherwise)",
    f"{API}/org/users/{{username}}": "a person of the office's directory: administrators only (403 otherwise)",
    f"{API}/org/users/{{username}}/trail": "a person's administrative changes: administrators, audit, inspection",
}

# GET routes that list or report: checked by test_lists_and_reports_leave_another_units_data_out.
LISTS = {
    f"{API}/matter-applications",
    f"{API}/contracts",
    f"{API}/budget-adjustments",
    f"{API}/budget-lines",
    f"{API}/budget-lines/export.xlsx",
    f"{API}/reports/budget-execution",
    f"{API}/reports/budget-execution/trend",
    f"{API}/reports/budget-execution.xlsx",
    f"{API}/reports/final-accounts",
    f"{API}/reports/final-accounts.xlsx",
    f"{API}/reports/three-public",
    f"{API}/procurement-applications",
    f"{API}/expense-claims",
    f"{API}/reports/suppliers",
    f"{API}/reports/suppliers.xlsx",
    f"{API}/reports/procurement",
    f"{API}/reports/procurement.xlsx",
    f"{API}/risk/warnings",
    f"{API}/risk/scorecards",
    f"{API}/risk/scorecards.xlsx",
    f"{API}/contracts/execution-report",
    f"{API}/contracts/execution-report.xlsx",
    f"{API}/payments",
    f"{API}/ocds/releases",
    f"{API}/contracts/export.xlsx",
    f"{API}/payments/export.xlsx",
    f"{API}/risk/warnings/by-rule",
    f"{API}/risk/warnings/by-rule.xlsx",
}

GET_ROUTES = _get_routes()
ID_ROUTES = [p for p in GET_ROUTES if p not in NOT_A_UNITS_DOCUMENT and p not in LISTS]


def test_every_get_route_is_accounted_for():
    unknown = [p for p in GET_ROUTES if "{" not in p and p not in NOT_A_UNITS_DOCUMENT and p not in LISTS]
    assert not unknown, f"GET routes without an id: add them to LISTS (and check them) or explain: {unknown}"
    assert not (set(NOT_A_UNITS_DOCUMENT) | LISTS) - set(GET_ROUTES), "stale entries"


@pytest.fixture(scope="module")
def documents(stack, login, rpc):
    """党政办 (dzb) documents of every kind, and the ids that name them in paths."""
    clerk, head, finance = login("clerk"), login("head"), login("finance")
    office = new_line(rpc, "50000.00")
    other = new_line(rpc, "50000.00")
    app = submit(clerk, "1234.00", office).json()
    task = eventually(lambda: pending_task(head, app["id"]))
    adjustment = clerk.post(
        f"{API}/budget-adjustments",
        json={
            "kind": "transfer",
            "from_budget_line_id": office,
            "to_budget_line_id": other,
            "amount": "100.00",
            "reason": "调剂测试",
        },
    )
    assert adjustment.status_code == 201, adjustment.text
    override = clerk.post(
        f"{API}/budget-overrides",
        json={"budget_line_id": office, "document": app["document"], "amount": "10.00", "reason": "超支测试"},
    )
    assert override.status_code == 201, override.text
    new_line(rpc, "1000.00", year=REOPEN_YEAR)
    closed = finance.post(f"{API}/fiscal-years/{REOPEN_YEAR}/close", json={"reason": "结账"})
    assert closed.status_code == 200, closed.text
    # Asked by the administrator, a member of 党政办 (reopening is for finance and administrators).
    reopen = login("admin").post(f"{API}/fiscal-years/{REOPEN_YEAR}/reopen-requests", json={"reason": "补记支出"})
    assert reopen.status_code == 201, reopen.text
    procurement = clerk.post(
        f"{API}/procurement-applications",
        json={
            "title": "采购打印纸",
            "items": [{"name": "打印纸", "category": "goods", "quantity": "10", "unit_price": "25.00"}],
            "method": "self_procurement",
            "budget_line_id": office,
        },
    )
    assert procurement.status_code == 201, procurement.text
    # A contract drafted on an award heard from procurement (made here as procurement publishes it).
    supplier = valid_supplier(clerk, 4)  # drafting asks the registry for the supplier's standing
    award_id = publish_award(stack, app["document"], "1000.00", supplier, office)
    contract = eventually(lambda: (r := draft(clerk, award_id, supplier, "1000.00")).status_code != 422 and r)
    assert contract.status_code == 201, contract.text
    # The dossier exists (risk heard the submission) before anyone asks for it.
    claim = clerk.post(
        f"{API}/expense-claims",
        json={
            "title": "打印纸报销",
            "kind": "other",
            "budget_line_id": office,
            "detail": {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "100.00"}]},
            "invoices": [
                {
                    "number": f"2644{uuid.uuid4().int % 10**16:016d}",
                    "issued_on": "2026-05-10",
                    "issuer_credit_code": "91350100M000100Y43",
                    "amount": "100.00",
                }
            ],
        },
    )
    assert claim.status_code == 201, claim.text
    # A payment request of 党政办: on an approved application of its own (approved by the unit head).
    paid_from = submit(clerk, "300.00", office, title="购买茶叶").json()
    decide(head, paid_from["id"])
    eventually(lambda: clerk.get(f"{API}/matter-applications/{paid_from['id']}").json()["status"] == "approved")
    payment = clerk.post(
        f"{API}/payments",
        json={
            "title": "茶叶款",
            "amount": "300.00",
            "basis": {"type": "matter_application", "id": paid_from["id"]},
            "payee": {"name": "新桥茶行", "account_no": "6222020200112233445"},
            "invoices": [],
        },
    )
    assert payment.status_code == 201, payment.text
    attachment = clerk.post(
        f"{API}/attachments/matter_application/{app['id']}",
        files={"file": ("申请说明.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert attachment.status_code == 201, attachment.text
    eventually(lambda: clerk.get(f"{API}/dossiers/matter_application/{app['id']}").status_code == 200)
    # A risk warning on a 党政办 document: two halves of 50,000.00 on a line of their own (split purchase).
    split_line = new_line(rpc, "100000.00")
    halves = []
    for n in (1, 2):  # the first assessed before the second is submitted: the split rule judges in heard order
        halves.append(submit(clerk, "25000.00", split_line, title=f"会议桌第 {n} 批").json())
        assessed(head, eventually(lambda h=halves[-1]: pending_task(head, h["id"]))["task_id"])
    warned = eventually(
        lambda: clerk.get(f"{API}/documents/matter_application/{halves[1]['id']}/risk-warnings").json().get("items")
    )
    return {
        "claim_id": claim.json()["id"],
        "payment_id": payment.json()["id"],
        "sha256": attachment.json()["sha256"],
        "contract_id": contract.json()["id"],
        "application_id": app["id"],
        "document_type": "matter_application",
        "document_id": app["id"],
        "task_id": task["task_id"],
        "line_id": office,
        "adjustment_id": adjustment.json()["id"],
        "override_id": override.json()["id"],
        "reopen_id": reopen.json()["id"],
        "procurement_id": procurement.json()["id"],
        "warning_id": str(warned[0]["id"]),
    }


def _path(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], template)


# Procurement's documents: outside the finance reviewer's areas (scope.READS_ALL), so finance reads them only
# from their desk; test_finance_reads_no_procurement_it_did_not_approve checks that.
NOT_FOR_FINANCE = {f"{API}/procurement-applications/{{procurement_id}}"}

# Routes open to a few roles only: the document's own unit reads them through a holder of such a role.
ROLE_GATED = {f"{API}/documents/{{document_type}}/{{document_id}}/trail": "admin"}  # a member of 党政办


def _unknown(ids: dict[str, str]) -> dict[str, str]:
    return {
        k: v
        if k == "document_type"
        else ("2026-NONE-0" if k == "line_id" else uuid.uuid4().hex * 2 if k == "sha256" else str(uuid.uuid4()))
        for k, v in ids.items()
    }


@pytest.mark.parametrize("template", ID_ROUTES)
def test_another_units_document_is_answered_like_one_that_does_not_exist(template, documents, login):
    path = _path(template, documents)
    owner_side = login(ROLE_GATED.get(template, "clerk"))
    assert owner_side.get(path).status_code == 200, f"the owner's unit reads {path}"
    reader = login(READER)
    response, unknown = reader.get(path), reader.get(_path(template, _unknown(documents)))
    assert response.status_code in (403, 404), f"{path}: {response.status_code} {response.text[:300]}"
    assert (response.status_code, response.json()["error"]["code"]) == (
        unknown.status_code,
        unknown.json()["error"]["code"],
    )
    if template not in ROLE_GATED:
        assert response.status_code == 404


def test_the_other_document_kinds_of_a_route_are_not_found_either(documents, login):
    reader = login(READER)
    for kind, key in (
        ("budget_adjustment", "adjustment_id"),
        ("budget_override", "override_id"),
        ("fiscal_year_reopen", "reopen_id"),
    ):
        for what in ("route", "trail", "risk-warnings"):
            path = f"{API}/documents/{kind}/{documents[key]}/{what}"
            assert login("auditor").get(path).status_code == 200 or what == "risk-warnings", path
            assert reader.get(path).status_code == (403 if what == "trail" else 404), path
        assert reader.get(f"{API}/dossiers/{kind}/{documents[key]}").status_code == 404


def _ids(response) -> set[str]:  # noqa: ANN001
    return {str(item.get("id") or item.get("budget_line_id") or item.get("key")) for item in response.json()["items"]}


PERIOD = {"date_from": "2000-01-01", "date_to": "2100-12-31"}
PERIOD_YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}  # a scorecard covers a year at most


def _ids_int(response) -> set[int]:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def _units(response) -> set[str]:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return {g["unit"] for g in response.json()["groups"]}


def _xlsx_text(response) -> str:  # noqa: ANN001
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)


def test_lists_and_reports_leave_another_units_data_out(documents, login):
    reader, clerk = login(READER), login("clerk")
    line_id = documents["line_id"]
    year = {"fiscal_year": 2026}
    checks = {
        f"{API}/contracts": lambda api: (
            documents["contract_id"] not in _ids(api.get(f"{API}/contracts", params={"page_size": 200}))
        ),
        f"{API}/matter-applications": lambda api: (
            documents["application_id"]
            not in _ids(api.get(f"{API}/matter-applications", params={"all": "true", "page_size": 200}))
        ),
        f"{API}/budget-adjustments": lambda api: (
            documents["adjustment_id"]
            not in _ids(api.get(f"{API}/budget-adjustments", params={"all": "true", "page_size": 200}))
        ),
        f"{API}/budget-lines": lambda api: (
            api.get(f"{API}/budget-lines", params={"unit": "dzb"}).json()["total"] == 0
            and line_id not in _ids(api.get(f"{API}/budget-lines", params={"q": line_id}))
        ),
        f"{API}/budget-lines/export.xlsx": lambda api: (
            line_id not in _xlsx_text(api.get(f"{API}/budget-lines/export.xlsx", params={"unit": "dzb"}))
        ),
        f"{API}/reports/budget-execution": lambda api: (
            "dzb" not in _ids(api.get(f"{API}/reports/budget-execution", params={**year, "group_by": "unit"}))
        ),
        f"{API}/reports/budget-execution/trend": lambda api: all(
            m["pre_committed"] == "0.00"
            for m in api.get(
                f"{API}/reports/budget-execution/trend", params={**year, "budget_line_id": line_id}
            ).json()["months"]
        ),
        f"{API}/reports/budget-execution.xlsx": lambda api: (
            line_id
            not in _xlsx_text(api.get(f"{API}/reports/budget-execution.xlsx", params={**year, "group_by": "line"}))
        ),
        f"{API}/reports/final-accounts": lambda api: (
            line_id not in _ids(api.get(f"{API}/reports/final-accounts", params={**year, "page_size": 200}))
        ),
        f"{API}/reports/final-accounts.xlsx": lambda api: (
            line_id not in _xlsx_text(api.get(f"{API}/reports/final-accounts.xlsx", params=year))
        ),
        f"{API}/procurement-applications": lambda api: (
            documents["procurement_id"]
            not in _ids(api.get(f"{API}/procurement-applications", params={"all": "true", "page_size": 200}))
        ),
        f"{API}/expense-claims": lambda api: (
            documents["claim_id"]
            not in _ids(api.get(f"{API}/expense-claims", params={"all": "true", "page_size": 200}))
        ),
        f"{API}/reports/suppliers": lambda api: all(
            u["unit"] != "dzb"
            for s in api.get(f"{API}/reports/suppliers", params=PERIOD).json()["suppliers"]
            for u in s["units"]
        ),
        f"{API}/reports/suppliers.xlsx": lambda api: (
            _xlsx_text(api.get(f"{API}/reports/suppliers.xlsx", params={**PERIOD, "unit": "dzb"})).count("合计") == 1
            and api.get(f"{API}/reports/suppliers", params={**PERIOD, "unit": "dzb"}).json()["awards_count"] == 0
        ),
        f"{API}/reports/procurement": lambda api: (
            "dzb" not in _units(api.get(f"{API}/reports/procurement", params={**PERIOD, "group_by": "unit"}))
        ),
        f"{API}/reports/procurement.xlsx": lambda api: (
            "dzb" not in _xlsx_text(api.get(f"{API}/reports/procurement.xlsx", params={**PERIOD, "group_by": "unit"}))
        ),
        f"{API}/risk/warnings": lambda api: (
            int(documents["warning_id"]) not in _ids_int(api.get(f"{API}/risk/warnings", params={"page_size": 200}))
            and api.get(f"{API}/risk/warnings", params={"unit": "dzb"}).json()["total"] == 0
        ),
        f"{API}/risk/scorecards": lambda api: (
            "dzb" not in {u["unit"] for u in api.get(f"{API}/risk/scorecards", params=PERIOD_YEAR).json()["units"]}
        ),
        f"{API}/risk/scorecards.xlsx": lambda api: (
            "党政综合办公室" not in _xlsx_text(api.get(f"{API}/risk/scorecards.xlsx", params=PERIOD_YEAR))
        ),
        f"{API}/contracts/execution-report": lambda api: (
            "dzb"
            not in {g["unit"] for g in api.get(f"{API}/contracts/execution-report", params=BY_UNIT).json()["items"]}
        ),
        f"{API}/contracts/execution-report.xlsx": lambda api: (
            "党政综合办公室" not in _xlsx_text(api.get(f"{API}/contracts/execution-report.xlsx", params=BY_UNIT))
        ),
        f"{API}/payments": lambda api: all(
            p["unit"] != "dzb" for p in api.get(f"{API}/payments", params={"page_size": 200}).json()["items"]
        ),
        f"{API}/ocds/releases": lambda api: all(
            r["buyer"]["id"] != "unit-dzb"
            for r in api.get(f"{API}/ocds/releases").json().get("releases", [])
            if "buyer" in r
        ),
        f"{API}/contracts/export.xlsx": lambda api: (
            "党政综合办公室" not in _xlsx_text(api.get(f"{API}/contracts/export.xlsx"))
        ),
        f"{API}/payments/export.xlsx": lambda api: (
            "党政综合办公室" not in _xlsx_text(api.get(f"{API}/payments/export.xlsx"))
        ),
        f"{API}/risk/warnings/by-rule": lambda api: (
            api.get(f"{API}/risk/warnings/by-rule", params={**PERIOD_YEAR, "unit": "dzb"}).json()["totals"]["warnings"]
            == 0
        ),
        f"{API}/risk/warnings/by-rule.xlsx": lambda api: (
            "党政综合办公室" not in _xlsx_text(api.get(f"{API}/risk/warnings/by-rule.xlsx", params=PERIOD_YEAR))
        ),
        f"{API}/reports/three-public": lambda api: (
            api.get(f"{API}/reports/three-public", params={**year, "unit": "dzb"}).json()["totals"]["consumed"]
            == "0.00"
            and api.get(f"{API}/reports/three-public", params=year).json()["unit"] == api.user["unit"]
        ),
    }
    assert set(checks) == LISTS
    for path, leaves_out in checks.items():
        assert leaves_out(reader), f"{path} shows 党政办's data to {READER}"
    # The same checks fail for the owner's own unit: they test something.
    for path in (
        f"{API}/matter-applications",
        f"{API}/budget-lines",
        f"{API}/reports/final-accounts",
        f"{API}/procurement-applications",
        f"{API}/risk/warnings",
        f"{API}/expense-claims",
        f"{API}/risk/warnings/by-rule",
        f"{API}/contracts/export.xlsx",
    ):
        assert not checks[path](clerk), path


def test_a_fiscal_years_figures_are_for_readers_of_every_unit(documents, login):
    assert login(READER).get(f"{API}/fiscal-years/{REOPEN_YEAR}").json()["summary"] is None
    assert login("clerk").get(f"{API}/fiscal-years/{REOPEN_YEAR}").json()["status"] == "closed"
    assert login("finance").get(f"{API}/fiscal-years/{REOPEN_YEAR}").json()["summary"]


@pytest.mark.parametrize(
    "reader",
    ["head", "leader", "finance", "inspector", "auditor", "principal"],
)
def test_the_right_people_read_the_document(reader, documents, login):
    api = login(reader)
    for template in ID_ROUTES:
        if template in ROLE_GATED and reader not in ("inspector", "auditor"):
            continue  # the trail is for audit and inspection (and administrators, within their scope)
        if template in NOT_FOR_FINANCE and reader == "finance":
            continue  # finance reads budget, payment and accounting data: not procurement (ic_platform.scope)
        if template.startswith(f"{API}/contracts") and reader == "finance":
            continue  # contracts are not the finance reviewer's area (scope.READS_ALL): only from their desk
        path = _path(template, documents)
        assert api.get(path).status_code == 200, f"{reader} reads {path}"


def test_finance_reads_no_procurement_it_did_not_approve(documents, login):
    path = f"{API}/procurement-applications/{documents['procurement_id']}"
    assert login("finance").get(path).status_code == 404


def test_the_administrator_reads_only_their_own_units_documents(documents, login):
    admin = login("admin")  # staff of 党政办 itself
    assert admin.get(f"{API}/matter-applications/{documents['application_id']}").status_code == 200
    czb = submit(login("clerk_czb"), "50.00", "2026-CZB-30201-01").json()
    assert admin.get(f"{API}/matter-applications/{czb['id']}").status_code == 404
    # The trail is open to administrators, but only within their data scope.
    eventually(lambda: login("auditor").get(f"{API}/documents/matter_application/{czb['id']}/trail").is_success)
    assert admin.get(f"{API}/documents/matter_application/{czb['id']}/trail").status_code == 404
    assert admin.get(f"{API}/documents/matter_application/{documents['application_id']}/trail").status_code == 200


def test_a_delegate_reads_what_is_or_was_on_their_desk_and_nothing_else(login, rpc):
    """A 经济服务办 (jfb) application goes to its leader in charge (`leader`); `leader_party` (who leads other
    units) stands in for them. What the leader held during the delegation was on the delegate's desk: the
    delegate reads it while standing in (and opens its task, to see the warnings), and keeps reading it after,
    decided or not. What the leader finished before the delegation, or receives after it, the delegate never
    reads: a delegate does not inherit the principal's history."""
    clerk, head, leader = login("clerk_jfb"), login("head_jfb"), login("leader")
    deputy = login("leader_party")
    jfb_line = new_line(rpc, "400000.00", unit="jfb")

    def at_leader():
        app = submit(clerk, "60000.00", jfb_line).json()
        first = eventually(lambda: pending_task(head, app["id"]))
        assessed(head, first["task_id"])
        assert head.post(f"{API}/approval/tasks/{first['task_id']}/decision", json={"decision": "approve"}).is_success
        eventually(lambda: pending_task(leader, app["id"]))
        return app

    reads = [
        lambda a: f"{API}/matter-applications/{a['id']}",
        lambda a: f"{API}/documents/matter_application/{a['id']}/route",
        lambda a: f"{API}/documents/matter_application/{a['id']}/risk-warnings",
        lambda a: f"{API}/dossiers/matter_application/{a['id']}",
    ]

    def statuses(app):
        return [deputy.get(path(app)).status_code for path in reads]

    earlier = at_leader()
    assert decide_as(leader, earlier).status_code == 200  # finished before the delegation
    eventually(lambda: leader.get(f"{API}/matter-applications/{earlier['id']}").json()["status"] == "approved")
    decided, untouched = at_leader(), at_leader()
    for app in (earlier, decided, untouched):
        assert statuses(app) == [404] * len(reads)

    now = datetime.now(UTC)
    grant = leader.post(
        f"{API}/approval/delegations",
        json={
            "delegate": "leader_party",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=1)).isoformat(),
            "reason": "外出学习",
        },
    )
    assert grant.status_code == 201, grant.text
    try:
        for app in (decided, untouched):
            eventually(lambda a=app: statuses(a) == [200] * len(reads))
        task = pending_task(deputy, decided["id"])
        opened = deputy.get(f"{API}/approval/tasks/{task['task_id']}")
        assert opened.status_code == 200, opened.text  # a delegate opens what they may decide
        assert opened.json()["assignee"] == "leader" and "warnings" in opened.json()
        body = {"decision": "approve", "comment": "同意（代）"}
        assert deputy.post(f"{API}/approval/tasks/{task['task_id']}/decision", json=body).status_code == 200
        eventually(lambda: deputy.get(f"{API}/matter-applications/{decided['id']}").json()["status"] == "approved")
        assert statuses(earlier) == [404] * len(reads)
    finally:
        assert leader.http.delete(f"{API}/approval/delegations/{grant.json()['id']}").status_code == 200
    later = at_leader()
    for app in (decided, untouched):
        assert statuses(app) == [200] * len(reads)
    assert statuses(later) == [404] * len(reads)
    assert statuses(earlier) == [404] * len(reads)


def decide_as(api, app):  # noqa: ANN001, ANN201
    task = eventually(lambda: pending_task(api, app["id"]))
    assessed(api, task["task_id"])
    return api.post(f"{API}/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})


def test_an_unknown_document_and_one_out_of_scope_answer_alike(documents, login):
    reader = login(READER)
    unknown = str(uuid.uuid4())
    for template in (f"{API}/matter-applications/{{id}}", f"{API}/documents/matter_application/{{id}}/route"):
        a = reader.get(template.format(id=unknown)).json()["error"]
        b = reader.get(template.format(id=documents["application_id"])).json()["error"]
        assert a["code"] == b["code"] and a["message"].split(":")[0] == b["message"].split(":")[0]
