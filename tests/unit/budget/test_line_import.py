"""Importing budget lines from Excel: the template, reading a workbook, and the row-level validation."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from services.budget.adapters import excel
from services.budget.service_layer.line_import import HEADERS, validate_rows


def good(code: str = "2026-DZB-01", **over) -> dict:
    cells = {
        "id": code,
        "fiscal_year": 2026,
        "unit": "dzb",
        "functional_class": "2010301",
        "functional_class_name": "行政运行",
        "economic_class": 30201,
        "economic_class_name": "办公费",
        "project": None,
        "expenditure_kind": "基本支出",
        "fund_source": "一般公共预算拨款",
        "source_kind": "追加",
        "amount": 1234.5,
        "control_mode": "预警",
    }
    return {**cells, **over}


def errors_of(*rows, existing=frozenset()) -> list[tuple[int, str, str]]:
    lines, errors = validate_rows([(no, cells) for no, cells in rows], set(existing))
    assert not (lines and errors)
    return [(e["row"], e["column"], e["reason"]) for e in errors]


def test_good_rows_become_create_line_commands_with_codes_for_the_chinese_labels():
    lines, errors = validate_rows(
        [
            (2, good()),
            (
                3,
                good(
                    "2026-DZB-02",
                    project="智慧社区",
                    expenditure_kind="项目支出",
                    source_kind=None,
                    control_mode=None,
                    amount="88",
                ),
            ),
        ]
    )
    assert errors == []
    first, second = lines
    assert (first.id, first.economic_class, first.expenditure_kind, first.source_kind, first.control_mode) == (
        "2026-DZB-01",
        "30201",
        "basic",
        "supplementary",
        "warn",
    )
    assert first.amount == Decimal("1234.50")
    # No control mode in the file: the line takes its class's setting when it is created (else block).
    assert (second.expenditure_kind, second.source_kind, second.control_mode, second.amount) == (
        "project",
        "initial",
        None,
        Decimal("88.00"),
    )


@pytest.mark.parametrize(
    ("over", "column", "reason"),
    [
        ({"amount": 0.1 + 0.2}, "金额(元)", "金额最多两位小数"),
        ({"amount": 10.005}, "金额(元)", "金额最多两位小数"),
        ({"amount": 0}, "金额(元)", "金额必须大于零"),
        ({"amount": -5.5}, "金额(元)", "金额必须大于零"),
        ({"amount": "十万"}, "金额(元)", "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"),
        ({"amount": None}, "金额(元)", "必填"),
        ({"fiscal_year": "二〇二六"}, "年度", "年度必须是四位整数"),
        ({"fiscal_year": 1999}, "年度", "年度应在 2000–2100 之间"),
        ({"unit": "  "}, "单位编码", "必填"),
        (
            {"expenditure_kind": "经常性支出"},
            "支出类型(基本支出/项目支出)",
            "取值不在允许范围内，应为：基本支出/项目支出",
        ),
        ({"source_kind": "上年"}, "指标来源(年初/追加/调剂/结转)", "取值不在允许范围内，应为：年初/追加/调剂/结转"),
        ({"control_mode": "严格"}, "控制方式(刚性/预警/容差)", "取值不在允许范围内，应为：刚性/预警/容差"),
        ({"id": "2026 办公费"}, "指标编码", "指标编码只能包含字母、数字和 _ . : -，最长 64 位"),
        ({"fund_source": "x" * 65}, "资金来源", "过长（最多 64 个字符）"),
    ],
)
def test_each_bad_cell_is_named_by_row_column_and_reason(over, column, reason):
    assert errors_of((7, good(**over))) == [(7, column, reason)]


def test_money_with_two_places_is_read_exactly_from_a_float_cell():
    lines, errors = validate_rows(
        [(2, good(amount=0.1)), (3, good("B", amount=99999999.99)), (4, good("C", amount=" 1,234.5 "))]
    )
    assert errors == [] and [x.amount for x in lines] == [Decimal("0.10"), Decimal("99999999.99"), Decimal("1234.50")]


def test_all_errors_of_all_rows_are_collected_and_nothing_is_returned_to_create():
    rows = [(2, good("A")), (3, good("B", amount=None, unit=None)), (4, good("A")), (5, good("C")), (6, good("OLD"))]
    assert errors_of(*rows, existing={"OLD"}) == [
        (3, "单位编码", "必填"),
        (3, "金额(元)", "必填"),
        (4, "指标编码", "指标编码在文件中重复（与第 2 行相同）"),
        (6, "指标编码", "指标编码已存在，不能重复导入"),
    ]


def test_unit_codes_are_not_checked_against_the_organisation():
    lines, errors = validate_rows([(2, good(unit="no-such-unit"))])
    assert errors == [] and lines[0].unit == "no-such-unit"


def test_the_template_has_the_chinese_headers_an_example_that_validates_and_instructions():
    wb = load_workbook(io.BytesIO(excel.import_template()))
    data, notes = wb.worksheets
    assert [c.value for c in data[1]] == HEADERS
    assert HEADERS[0] == "指标编码" and HEADERS[-2:] == ["金额(元)", "控制方式(刚性/预警/容差)"]
    assert notes.title == "填写说明" and "整个文件都不导入" in "".join(str(c.value) for c in notes["A"])
    lines, errors = validate_rows(excel.read_import_rows(excel.import_template(), 5000, 300))
    assert errors == [] and len(lines) == 1


def workbook(header: list, *rows: list) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_reading_finds_columns_by_header_skips_blank_rows_and_numbers_rows_as_excel_does():
    header = ["年度", "指标编码（备注）", *HEADERS[2:]]  # reordered, full-width brackets
    content = workbook(header, [2026, "A", *[None] * 11], [None] * 13, [2027, "B"])
    rows = excel.read_import_rows(content, 5000, 300)
    assert [(no, cells["id"], cells["fiscal_year"]) for no, cells in rows] == [(2, "A", 2026), (4, "B", 2027)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "文件不是有效的 Excel 工作簿（.xlsx）"),
        (workbook(["指标编码", "年度"], ["A", 2026]), "表头缺少列：单位编码"),
        (workbook(HEADERS), "文件中没有预算指标数据"),
        (workbook(HEADERS, *[[f"L{i}", 2026] for i in range(4)]), "文件超过 3 行，请拆分后分批导入"),
    ],
)
def test_unreadable_files_are_refused_with_a_chinese_reason(content, message):
    with pytest.raises(
        excel.UnreadableWorkbook, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        excel.read_import_rows(content, 3, 300)


def test_the_handler_refuses_oversized_or_undecodable_files_before_reading_them():
    import base64

    from ic_platform.errors import InvalidInput
    from services.budget.service_layer import importing

    big = base64.b64encode(b"x" * (5 * 1024 * 1024 + 1)).decode()
    with pytest.raises(InvalidInput) as too_large:
        importing.import_lines_xlsx(big, False, None, None)
    assert too_large.value.code == "budget_import_too_large" and "5 MB" in too_large.value.message
    with pytest.raises(InvalidInput) as garbled:
        importing.import_lines_xlsx("@@not base64@@", False, None, None)
    assert garbled.value.code == "budget_import_unreadable"
    with pytest.raises(InvalidInput) as not_xlsx:
        importing.import_lines_xlsx(base64.b64encode(b"PK not really").decode(), False, None, None)
    assert not_xlsx.value.message == "文件不是有效的 Excel 工作簿（.xlsx）"
