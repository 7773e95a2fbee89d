"""Importing budget lines (预算指标) from Excel through the gateway: the template downloads; a file with bad rows
is refused with each (row, column, reason) and imports nothing; the corrected file imports every line."""

from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from ic_platform.db import make_engine
from ic_platform.storage import platform_tables

pytestmark = pytest.mark.integration

OUTBOX = platform_tables(sa.MetaData())["outbox"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(code: str, **over) -> list:
    cells = {
        "指标编码": code,
        "年度": 2026,
        "单位编码": "dzb",
        "功能分类编码": "2010301",
        "功能分类名称": "行政运行",
        "经济分类编码": "30201",
        "经济分类名称": "办公费",
        "项目": None,
        "支出类型": "基本支出",
        "资金来源": "一般公共预算拨款",
        "指标来源": "追加",
        "金额": 1000.5,
        "控制方式": "刚性",
        **over,
    }
    return list(cells.values())


def xlsx(header: list, rows: list[list]) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def post(api, content: bytes, **params):
    return api.post("/api/v1/budget-lines/import", content=content, params=params, headers={"Content-Type": XLSX})


def line_created_events(stack, prefix: str) -> list[dict]:
    engine = make_engine(stack.settings.database_url("budget"), pool_size=1)
    try:
        with engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(OUTBOX.c.envelope).where(
                        OUTBOX.c.type == "budget.line_created",
                        OUTBOX.c.envelope["payload"]["budget_line_id"].astext.startswith(prefix),
                    )
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    return sorted((r["payload"] for r in rows), key=lambda p: p["budget_line_id"])


def test_template_then_refused_file_then_corrected_file(login, stack):
    finance = login("finance")
    template = finance.get("/api/v1/budget-lines/import-template.xlsx")
    assert template.status_code == 200, template.text
    assert "attachment" in template.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(template.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header[:3] == ["指标编码", "年度", "单位编码"] and wb.sheetnames[1] == "填写说明"

    assert (
        login("clerk")
        .post("/api/v1/budget-lines/import", content=template.content, headers={"Content-Type": XLSX})
        .status_code
        == 403
    )

    tag = uuid.uuid4().hex[:8].upper()
    codes = [f"IMP-{tag}-{i}" for i in range(1, 4)]
    good = [row(code, 项目=f"导入测试{i}") for i, code in enumerate(codes)]
    bad = [row(f"IMP-{tag}-9", 金额=10.005), row(codes[0], 支出类型="经常性支出")]
    refused = post(finance, xlsx(header, [good[0], bad[0], good[1], bad[1], good[2]]))
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "budget_import_invalid" and "未导入任何指标" in error["message"]
    assert error["details"]["errors"] == [
        {"row": 3, "column": "金额(元)", "reason": "金额最多两位小数"},
        {"row": 5, "column": "指标编码", "reason": "指标编码在文件中重复（与第 2 行相同）"},
        {"row": 5, "column": "支出类型(基本支出/项目支出)", "reason": "取值不在允许范围内，应为：基本支出/项目支出"},
    ]

    def imported() -> list[dict]:
        body = finance.get("/api/v1/budget-lines", params={"q": f"IMP-{tag}", "page_size": 50}).json()
        return body["items"]

    assert imported() == [] and line_created_events(stack, f"IMP-{tag}") == []

    corrected = xlsx(header, good)
    checked = post(finance, corrected, dry_run="true")
    assert checked.status_code == 200, checked.text
    assert checked.json() == {"imported": 0, "valid": 3, "dry_run": True} and imported() == []

    done = post(finance, corrected)
    assert done.status_code == 200, done.text
    assert done.json()["imported"] == 3
    lines = imported()
    assert [x["id"] for x in lines] == codes
    assert {
        (x["amount"], x["available"], x["expenditure_kind"], x["source_kind"], x["control_mode"], x["unit"])
        for x in lines
    } == {("1000.50", "1000.50", "basic", "supplementary", "block", "dzb")}
    events = line_created_events(stack, f"IMP-{tag}")
    assert [e["budget_line_id"] for e in events] == codes
    assert events[0] == {
        "budget_line_id": codes[0],
        "fiscal_year": 2026,
        "unit": "dzb",
        "expenditure_kind": "basic",
        "source_kind": "supplementary",
        "amount": "1000.50",
        "via": "import",
    }

    again = post(finance, corrected)
    assert again.status_code == 422
    assert [e["reason"] for e in again.json()["error"]["details"]["errors"]] == ["指标编码已存在，不能重复导入"] * 3
