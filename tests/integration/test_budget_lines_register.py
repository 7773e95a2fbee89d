"""Budget lines as a managed register, end to end through the gateway: decomposition to units (指标分解) with
history on parent and children, refusals, racing decompositions, control settings by class, the Excel export
read back and imported again, and the import's unit-code check."""

from __future__ import annotations

import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from ic_platform.db import make_engine
from ic_platform.storage import platform_tables
from services.budget.adapters.line_export import HEADERS as EXPORT_HEADERS
from services.budget.service_layer.line_import import HEADERS as IMPORT_HEADERS
from tests.integration.conftest import Api, eventually

pytestmark = pytest.mark.integration

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTBOX = platform_tables(sa.MetaData())["outbox"]


def row(code: str, **over) -> list:
    cells = {
        "指标编码": code,
        "年度": 2026,
        "单位编码": "czb",
        "功能分类编码": "2010301",
        "功能分类名称": "行政运行",
        "经济分类编码": "30201",
        "经济分类名称": "办公费",
        "项目": "指标分解测试",
        "支出类型": "项目支出",
        "资金来源": "一般公共预算拨款",
        "指标来源": "年初",
        "金额": "100000.00",
        "控制方式": "刚性",
        **over,
    }
    return list(cells.values())


def xlsx(rows: list[list], header: list | None = None) -> bytes:
    wb = Workbook()
    wb.active.append(header or IMPORT_HEADERS)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def post_import(api: Api, content: bytes, **params):
    return api.post("/api/v1/budget-lines/import", content=content, params=params, headers={"Content-Type": XLSX})


@pytest.fixture(scope="module")
def finance(login) -> Api:
    api = login("finance")
    # The budget service learns units from org.unit_registered, asynchronously after start: wait until it knows.
    probe = xlsx([row("PROBE-1", 单位编码="sq_xinqiao")])
    eventually(lambda: post_import(api, probe, dry_run="true").status_code == 200, timeout=60)
    return api


def new_line(finance: Api, **over) -> str:
    code = over.pop("code", f"2026-T{uuid.uuid4().hex[:8]}")
    response = post_import(finance, xlsx([row(code, **over)]))
    assert response.status_code == 200, response.text
    return code


def line(api: Api, code: str) -> dict:
    response = api.get(f"/api/v1/budget-lines/{code}")
    assert response.status_code == 200, response.text
    return response.json()


def history(api: Api, code: str, **params) -> dict:
    response = api.get(f"/api/v1/budget-lines/{code}/history", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def decompose(api: Api, code: str, parts: list[tuple[str, str]], reason: str = "年初指标分解", **headers):
    return api.post(
        f"/api/v1/budget-lines/{code}/decompose",
        headers=headers,
        json={"parts": [{"unit": u, "amount": a} for u, a in parts], "reason": reason},
    )


def outbox(stack, type_: str, field: str, value: str) -> list[dict]:
    engine = make_engine(stack.settings.database_url("budget"), pool_size=1)
    try:
        with engine.connect() as conn:
            return [
                r["payload"]
                for r in conn.execute(
                    sa.select(OUTBOX.c.envelope).where(
                        OUTBOX.c.type == type_, OUTBOX.c.envelope["payload"][field].astext == value
                    )
                ).scalars()
            ]
    finally:
        engine.dispose()


def test_decompose_then_children_are_listed_with_history_on_both_sides(finance, login, stack):
    parent = new_line(finance)
    response = decompose(
        finance, parent, [("dzb", "30000.00"), ("sq_xinqiao", "20000.50")], **{"Idempotency-Key": f"dec-{parent}"}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["amount_before"], result["amount_after"], result["total"], result["replayed"]) == (
        "100000.00",
        "49999.50",
        "50000.50",
        False,
    )
    children = {c["unit"]: c for c in result["children"]}
    assert set(children) == {"dzb", "sq_xinqiao"}

    listed = finance.get("/api/v1/budget-lines", params={"q": parent, "page_size": 50}).json()["items"]
    by_id = {x["id"]: x for x in listed}
    assert set(by_id) == {parent, *(c["budget_line_id"] for c in children.values())}
    assert by_id[parent]["amount"] == "49999.50" and by_id[parent]["parent_id"] is None
    for unit, amount in (("dzb", "30000.00"), ("sq_xinqiao", "20000.50")):
        child = by_id[children[unit]["budget_line_id"]]
        assert (child["unit"], child["amount"], child["available"], child["parent_id"]) == (
            unit,
            amount,
            amount,
            parent,
        )
        assert (
            child["economic_class"],
            child["project"],
            child["expenditure_kind"],
            child["source_kind"],
            child["control_mode"],
        ) == ("30201", "指标分解测试", "project", "initial", "block")
    assert sum(D(x["amount"]) for x in listed) == D("100000.00"), "the office total is preserved"

    # The same Idempotency-Key again: the first answer, nothing moved twice.
    again = decompose(
        finance, parent, [("dzb", "30000.00"), ("sq_xinqiao", "20000.50")], **{"Idempotency-Key": f"dec-{parent}"}
    )
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["children"] == result["children"]
    assert line(finance, parent)["amount"] == "49999.50"

    # History: newest first, who and why, before and after; the line's unit reads it (data scope), others don't.
    assert login("clerk").get(f"/api/v1/budget-lines/{parent}/history").status_code == 404
    trail = history(login("clerk_czb"), parent)
    assert trail["total"] == 2 and [x["kind"] for x in trail["items"]] == ["decomposed_out", "created"]
    out, created = trail["items"]
    assert (out["actor"], out["reason"], out["before"]["amount"], out["after"]["amount"]) == (
        "finance",
        "年初指标分解",
        "100000.00",
        "49999.50",
    )
    assert {c["budget_line_id"] for c in out["after"]["children"]} == {c["budget_line_id"] for c in children.values()}
    assert out["at"].endswith("+00:00") and out["kind_name"] == "指标分解（分出）"
    assert (created["reason"], created["before"], created["after"]["amount"]) == ("Excel 导入", None, "100000.00")
    child_trail = history(finance, children["dzb"]["budget_line_id"])
    assert [(x["kind"], x["reason"], x["after"]["amount"], x["after"]["parent_id"]) for x in child_trail["items"]] == [
        ("decomposed_in", "年初指标分解", "30000.00", parent)
    ]
    assert history(finance, parent, page=2, page_size=1)["items"][0]["kind"] == "created"

    events = outbox(stack, "budget.line_decomposed", "budget_line_id", parent)
    assert len(events) == 1 and events[0]["total"] == "50000.50" and events[0]["reason"] == "年初指标分解"
    assert sorted((c["unit"], c["amount"]) for c in events[0]["children"]) == [
        ("dzb", "30000.00"),
        ("sq_xinqiao", "20000.50"),
    ]


def test_over_decomposition_is_refused_naming_the_amounts_and_changes_nothing(finance):
    parent = new_line(finance, 金额="1000.00")
    assert decompose(finance, parent, [("dzb", "400.00")]).status_code == 200
    refused = decompose(finance, parent, [("dzb", "300.00"), ("sq_xinqiao", "300.01")])
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "budget_decomposition_exceeds_available"
    assert "600.01" in error["message"] and "600.00" in error["message"] and "可用余额" in error["message"]
    assert line(finance, parent)["amount"] == "600.00"
    assert history(finance, parent)["total"] == 2


def test_unknown_units_bad_amounts_and_clerks_are_refused(finance, login):
    parent = new_line(finance)
    unknown = decompose(finance, parent, [("dzb", "10.00"), ("nowhere", "10.00")])
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unit_not_found"
    assert "nowhere" in unknown.json()["error"]["message"]
    assert decompose(finance, parent, [("dzb", "0")]).status_code == 422
    assert decompose(finance, parent, [("dzb", "10.00")], reason="").status_code == 422
    assert decompose(login("clerk"), parent, [("dzb", "10.00")]).status_code == 403
    assert decompose(finance, "2026-NO-SUCH-LINE", [("dzb", "10.00")]).status_code == 404
    assert line(finance, parent)["amount"] == "100000.00" and history(finance, parent)["total"] == 1


def test_racing_decompositions_never_take_the_parent_below_zero(finance, stack):
    parent = new_line(finance, 金额="100000.00")
    api = Api(stack.base_url, "finance")  # its own connection pool for the race

    def one(i: int) -> int:
        return decompose(api, parent, [("dzb" if i % 2 else "sq_xinqiao", "6000.00")], reason=f"第 {i} 次").status_code

    with ThreadPoolExecutor(24) as pool:
        outcomes = list(pool.map(one, range(24)))
    assert outcomes.count(200) == 16 and outcomes.count(409) == 8, outcomes
    after = line(finance, parent)
    assert (after["amount"], after["available"]) == ("4000.00", "4000.00")
    children = finance.get("/api/v1/budget-lines", params={"q": f"{parent}-", "page_size": 50}).json()["items"]
    assert len(children) == 16 and len({c["id"] for c in children}) == 16
    assert sum(D(c["amount"]) for c in children) == D("96000.00")
    assert history(finance, parent)["total"] == 17


def test_control_by_economic_class_changes_every_matching_line_of_the_year_with_history(finance, stack):
    klass = f"9{uuid.uuid4().int % 10**6:06d}"
    codes = [
        new_line(finance, code=f"2031-T{uuid.uuid4().hex[:8]}", 年度=2031, 经济分类编码=f"{klass}{n}") for n in (1, 2)
    ]
    other = new_line(finance, code=f"2031-T{uuid.uuid4().hex[:8]}", 年度=2031, 经济分类编码="30201")
    body = {
        "economic_class": klass,
        "fiscal_year": 2031,
        "control_mode": "tolerance",
        "tolerance_rate": "5",
        "reason": "小额超支容差",
    }
    response = finance.post("/api/v1/budget-lines/control", json=body)
    assert response.status_code == 200, response.text
    assert (response.json()["matched"], response.json()["changed"]) == (2, 2)
    for code in codes:
        got = line(finance, code)
        assert (got["control_mode"], got["tolerance_rate"]) == ("tolerance", "5.00")
        (change, _) = history(finance, code)["items"]
        assert change["kind"] == "control_changed" and change["reason"].startswith("小额超支容差")
        assert (change["before"]["control_mode"], change["after"]["tolerance_rate"]) == ("block", "5.00")
    assert line(finance, other)["control_mode"] == "block"
    (event,) = outbox(stack, "budget.control_changed", "economic_class", klass)
    assert sorted(event["budget_line_ids"]) == sorted(codes) and event["tolerance_rate"] == "5.00"
    # The same setting again changes nothing and records nothing.
    assert finance.post("/api/v1/budget-lines/control", json=body).json()["changed"] == 0
    assert history(finance, codes[0])["total"] == 2
    one = finance.post(
        "/api/v1/budget-lines/control",
        json={"budget_line_id": codes[0], "control_mode": "tolerance", "tolerance": "800", "reason": "改为金额容差"},
    )
    assert one.status_code == 200 and line(finance, codes[0])["tolerance"] == "800.00"
    assert line(finance, codes[0])["tolerance_rate"] is None
    missing_reason = finance.post("/api/v1/budget-lines/control", json={**body, "reason": ""})
    assert missing_reason.status_code == 422


def test_a_class_setting_holds_for_lines_created_in_the_class_later(finance):
    klass = f"8{uuid.uuid4().int % 10**6:06d}"
    new_line(finance, code=f"2031-T{uuid.uuid4().hex[:8]}", 年度=2031, 经济分类编码=f"{klass}1")
    for prefix, setting in (
        (klass, {"control_mode": "warn"}),
        (f"{klass}2", {"control_mode": "tolerance", "tolerance_rate": "3"}),
    ):
        response = finance.post(
            "/api/v1/budget-lines/control",
            json={"economic_class": prefix, "fiscal_year": 2031, "reason": "按经济分类设置控制方式", **setting},
        )
        assert response.status_code == 200, response.text  # the narrower class has no line yet: kept anyway

    later = {
        name: new_line(finance, code=f"2031-T{uuid.uuid4().hex[:8]}", 年度=2031, 经济分类编码=klass_code, 控制方式=mode)
        for name, klass_code, mode in (
            ("plain", f"{klass}5", None),
            ("narrow", f"{klass}21", None),
            ("explicit", f"{klass}5", "刚性"),
        )
    }
    assert line(finance, later["plain"])["control_mode"] == "warn"
    narrow = line(finance, later["narrow"])  # the most specific class setting wins
    assert (narrow["control_mode"], narrow["tolerance_rate"]) == ("tolerance", "3.00")
    assert line(finance, later["explicit"])["control_mode"] == "block"  # a line's own setting is kept


def test_export_reads_back_and_goes_in_again_as_new_lines(finance):
    unit = "tjz"
    year = 2032
    codes = [
        new_line(finance, code=f"{year}-T{uuid.uuid4().hex[:8]}", 年度=year, 单位编码=unit, 金额=amount)
        for amount in ("1234.56", "500.00")
    ]
    assert decompose(finance, codes[1], [("dzb", "100.00")]).status_code == 200
    response = finance.get("/api/v1/budget-lines/export.xlsx", params={"fiscal_year": year, "unit": unit})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS and rows[0][: len(IMPORT_HEADERS)] == tuple(IMPORT_HEADERS)
    by_code = {r[0]: dict(zip(EXPORT_HEADERS, r, strict=True)) for r in rows[1:]}
    assert set(by_code) == set(codes), "only the filtered lines: the child belongs to dzb"
    first = by_code[codes[0]]
    assert (
        first["年度"],
        first["单位编码"],
        first["支出类型(基本支出/项目支出)"],
        first["控制方式(刚性/预警/容差)"],
    ) == (year, unit, "项目支出", "刚性")
    assert D(str(first["金额(元)"])) == D("1234.56") and D(str(first["可用余额(元)"])) == D("1234.56")
    assert D(str(by_code[codes[1]]["金额(元)"])) == D("400.00")

    # As exported, the file is the import's format: every row is refused only because its code exists.
    refused = post_import(finance, response.content, dry_run="true")
    assert refused.status_code == 422
    assert {(e["column"], e["reason"]) for e in refused.json()["error"]["details"]["errors"]} == {
        ("指标编码", "指标编码已存在，不能重复导入")
    }
    # With new codes and edited amounts it goes in as new lines (e.g. next year's budget from this one).
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    new_codes = []
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, 1).value = f"{sheet.cell(r, 1).value}-N"
        sheet.cell(r, 12).value = 777.7
        new_codes.append(sheet.cell(r, 1).value)
    out = io.BytesIO()
    wb.save(out)
    imported = post_import(finance, out.getvalue())
    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"] == 2
    assert {line(finance, c)["amount"] for c in new_codes} == {"777.70"}


def test_an_import_with_an_unknown_unit_code_lists_the_row_and_imports_nothing(finance):
    codes = [f"2026-T{uuid.uuid4().hex[:8]}" for _ in range(3)]
    content = xlsx([row(codes[0]), row(codes[1], 单位编码="nowhere"), row(codes[2], 单位编码="dzb", 金额="-1")])
    refused = post_import(finance, content)
    assert refused.status_code == 422, refused.text
    errors = refused.json()["error"]["details"]["errors"]
    assert errors[0] == {
        "row": 3,
        "column": "单位编码",
        "reason": "单位编码 nowhere 不存在（组织机构中没有登记该单位）",
    }
    assert [(e["row"], e["column"]) for e in errors] == [(3, "单位编码"), (4, "金额(元)")]
    for code in codes:
        assert finance.get(f"/api/v1/budget-lines/{code}").status_code == 404


def test_a_unit_the_cache_lost_is_refused_until_synced_from_org(finance, stack):
    """A budget database older than its unit cache: the one-off sync fills it from org's list_units."""
    from services.budget.units import sync

    parent = new_line(finance)
    engine = make_engine(stack.settings.database_url("budget"), pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM org_unit WHERE code = 'wtzx'"))
    finally:
        engine.dispose()
    refused = decompose(finance, parent, [("wtzx", "10.00")])
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unit_not_found"
    assert sync("xinqiao", stack.settings) >= 30  # the seed's 30, and any a test registered since
    assert decompose(finance, parent, [("wtzx", "10.00")]).status_code == 200


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE budget_line_change SET reason = '改' WHERE budget_line_id = :code",
        "DELETE FROM budget_line_change WHERE budget_line_id = :code",
    ],
)
def test_history_is_append_only_in_the_database_itself(finance, stack, statement):
    code = new_line(finance)
    engine = make_engine(stack.settings.database_url("budget"), pool_size=1)
    try:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement), {"code": code})
    finally:
        engine.dispose()
    assert history(finance, code)["items"][0]["reason"] == "Excel 导入"
