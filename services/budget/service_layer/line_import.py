"""Importing budget lines (预算指标) from a spreadsheet: the template's columns and the row-level validation.

Pure: rows in (already read from the workbook), `CreateLine` commands or errors out. Every row is checked
against `CreateLine` itself plus what only a whole file can say: a code twice in the file, a code that already
exists. Each error names the row (as Excel numbers it), the column (its header text) and the reason, in
Chinese. Unit codes are checked against the budget service's unit cache by the caller (`register.with_unit_errors`),
since that needs the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from ic_platform.commands import CONTROL_CHARACTERS, CONTROL_REASON, invalid_input
from ic_platform.money import CENT
from services.budget.service_layer.commands import CreateLine

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_LISTED_ERRORS = 500  # all errors are counted; this many are listed


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    labels: dict[str, str] | None = None  # Chinese label → code; the code itself is accepted too
    required: bool = True


EXPENDITURE_KINDS = {"基本支出": "basic", "项目支出": "project"}
SOURCE_KINDS = {"年初": "initial", "追加": "supplementary", "调剂": "transfer", "结转": "carried_forward"}
CONTROL_MODES = {"刚性": "block", "预警": "warn", "容差": "tolerance"}

COLUMNS = (
    Column("指标编码", "id"),
    Column("年度", "fiscal_year"),
    Column("单位编码", "unit"),
    Column("功能分类编码", "functional_class"),
    Column("功能分类名称", "functional_class_name", required=False),
    Column("经济分类编码", "economic_class"),
    Column("经济分类名称", "economic_class_name", required=False),
    Column("项目", "project", required=False),
    Column("支出类型(基本支出/项目支出)", "expenditure_kind", EXPENDITURE_KINDS),
    Column("资金来源", "fund_source"),
    Column("指标来源(年初/追加/调剂/结转)", "source_kind", SOURCE_KINDS, required=False),
    Column("金额(元)", "amount"),
    Column("控制方式(刚性/预警/容差)", "control_mode", CONTROL_MODES, required=False),
)
HEADERS = [c.header for c in COLUMNS]
EXAMPLE = [
    "2026-DZB-2010301-30201-01",
    2026,
    "dzb",
    "2010301",
    "行政运行",
    "30201",
    "办公费",
    "",
    "基本支出",
    "一般公共预算拨款",
    "年初",
    120000.00,
    "刚性",
]
_BY_FIELD = {c.field: c for c in COLUMNS}
YEARS = (2000, 2100)
CODE_PATTERN = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")  # what the gateway accepts as a line id
YEAR_PATTERN = re.compile(r"[0-9]{4}")


def header_key(text: Any) -> str:
    """A header compared without its hint in brackets, full-width or not, and without spaces."""
    s = str(text or "").replace("（", "(").replace("）", ")").replace(" ", "").strip()
    return s.split("(", 1)[0]


COLUMN_KEYS = {header_key(c.header): c for c in COLUMNS}


def error(row: int, column: str, reason: str) -> dict[str, Any]:
    return {"row": row, "column": column, "reason": reason}


def cell_text(value: Any) -> str | None:
    """A cell as text: codes typed as numbers (30201 or 30201.0) read as their digits; blank is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _amount(value: Any) -> tuple[Any, str | None]:
    """The cell's amount for `CreateLine` (a Decimal or text), or why not. A float cell is read through its
    shortest repr, so 0.1 stays 0.1 and 0.30000000000000004 is refused for its places."""
    if isinstance(value, bool):
        return None, "金额不是有效数字"
    if isinstance(value, float):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return None, "金额不是有效数字"
        if not amount.is_finite():
            return None, "金额不是有效数字"
        if abs(amount) < Decimal("1e13") and amount != amount.quantize(CENT):
            return None, "金额最多两位小数"
        return amount, None  # out of range or not positive: CreateLine says so
    if isinstance(value, int):
        return Decimal(value), None
    text = cell_text(value)  # text cells may carry thousands separators: "1,234.50"
    return (text.replace(",", "").replace("，", "") if text else text), None


def _year(value: Any) -> tuple[Any, str | None]:
    text = cell_text(value)
    if text is None:
        return None, None
    if not YEAR_PATTERN.fullmatch(text):  # ASCII digits only: "²".isdigit() is true, and int("²") fails
        return None, "年度必须是四位整数"
    year = int(text)
    if not YEARS[0] <= year <= YEARS[1]:
        return None, f"年度应在 {YEARS[0]}–{YEARS[1]} 之间"
    return year, None


def validate_rows(
    rows: list[tuple[int, dict[str, Any]]], existing: set[str] | frozenset[str] = frozenset()
) -> tuple[list[CreateLine], list[dict[str, Any]]]:
    """`rows` are (Excel row number, {field: cell value}); `existing` the codes already in the database.
    Returns the commands when there is no error at all, else ([], every error in row order)."""
    commands: list[CreateLine] = []
    errors: list[dict[str, Any]] = []
    first_seen: dict[str, int] = {}
    for row_no, cells in rows:
        data: dict[str, Any] = {}
        flagged: set[str] = set()
        row_errors: list[dict[str, Any]] = []

        def refuse(
            field: str, reason: str, row_no: int = row_no, row_errors: list = row_errors, flagged: set = flagged
        ) -> None:
            flagged.add(field)
            row_errors.append(error(row_no, _BY_FIELD[field].header, reason))

        for column in COLUMNS:
            raw = cells.get(column.field)
            if isinstance(raw, str) and CONTROL_CHARACTERS.search(raw):
                refuse(column.field, CONTROL_REASON)
                continue
            if column.field == "amount":
                value, problem = _amount(raw)
            elif column.field == "fiscal_year":
                value, problem = _year(raw)
            else:
                value, problem = cell_text(raw), None
            if problem:
                refuse(column.field, problem)
                continue
            if value is None:
                if column.required:
                    refuse(column.field, "必填")
                continue
            if column.field == "id" and not CODE_PATTERN.fullmatch(value):
                refuse("id", "指标编码只能包含字母、数字和 _ . : -，最长 64 位")
                continue
            if column.labels is not None:
                code = column.labels.get(value, value if value in column.labels.values() else None)
                if code is None:
                    refuse(column.field, f"取值不在允许范围内，应为：{'/'.join(column.labels)}")
                    continue
                value = code
            data[column.field] = value
        try:
            command = CreateLine.model_validate(data)
        except ValidationError as exc:
            command = None
            for f in invalid_input(exc).details["fields"]:
                field = f["field"].split(".", 1)[0]
                if field in _BY_FIELD and field not in flagged:
                    refuse(field, f["reason"])
        code = data.get("id")
        if code is not None and "id" not in flagged:
            if code in first_seen:
                refuse("id", f"指标编码在文件中重复（与第 {first_seen[code]} 行相同）")
            else:
                first_seen[code] = row_no
                if code in existing:
                    refuse("id", "指标编码已存在，不能重复导入")
        order = {c.header: i for i, c in enumerate(COLUMNS)}
        errors.extend(sorted(row_errors, key=lambda e: order[e["column"]]))
        if command is not None and not row_errors:
            commands.append(command)
    return ([] if errors else commands), errors
