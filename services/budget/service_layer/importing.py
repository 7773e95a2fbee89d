"""预算指标导入: a workbook's lines, all of them or none (rules of each row: `line_import`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ic_platform.config import settings
from ic_platform.context import CallContext
from ic_platform.errors import InvalidInput
from ic_platform.money import money_str
from services.budget.adapters import excel
from services.budget.domain.lines import ChangeKind, snapshot
from services.budget.service_layer import line_import, register
from services.budget.service_layer.handlers import new_line
from services.budget.service_layer.history import record_change
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

# How long reading one workbook may take (in a child process, see adapters/workbook.py).
PARSE_TIMEOUT_S = settings().budget_import_parse_timeout_s


def import_template_xlsx() -> dict[str, Any]:
    content = excel.import_template()
    return {"filename": "预算指标导入模板.xlsx", "content_base64": base64.b64encode(content).decode("ascii")}


def import_lines_xlsx(content_base64: str, dry_run: bool, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Validate every row of the workbook (see line_import); on any error refuse the whole file, listing each
    error as (row, column, reason); else create every line in one transaction, one `budget.line_created`
    event each. `dry_run` validates only."""
    content = _decoded(content_base64)
    try:
        rows = excel.read_import_rows(content, line_import.MAX_ROWS, PARSE_TIMEOUT_S)
    except excel.UnreadableWorkbook as exc:
        raise InvalidInput("budget_import_unreadable", str(exc)) from None
    codes = sorted({code for _, cells in rows if (code := line_import.cell_text(cells.get("id")))})
    with uow:
        existing = uow.lines.existing_ids(codes)
        lines, errors = line_import.validate_rows(rows, existing)
        errors = register.with_unit_errors(uow, ctx.org, rows, errors)
    if errors:
        raise _import_refused(errors)
    if dry_run:
        return {"imported": 0, "valid": len(lines), "dry_run": True}
    with uow:
        for cmd in lines:
            line = new_line(cmd, ctx, uow)
            if not uow.lines.add(line):  # created meanwhile by someone else: the whole file is refused
                raise _import_refused(
                    [line_import.error(_row_of(rows, line.id), line_import.HEADERS[0], "指标编码已存在，不能重复导入")]
                )
            record_change(
                uow,
                line,
                ChangeKind.CREATED,
                ctx.actor,
                "Excel 导入",
                None,
                snapshot(line),
                correlation_id=ctx.correlation_id,
            )
            uow.publish(
                ctx.event(
                    "budget.line_created",
                    {
                        "budget_line_id": line.id,
                        "fiscal_year": line.fiscal_year,
                        "unit": line.unit,
                        "expenditure_kind": line.expenditure_kind,
                        "source_kind": line.source_kind,
                        "amount": money_str(line.amount),
                        "via": "import",
                    },
                    subject=f"budget_line/{line.id}",
                )
            )
        uow.commit()
    return {"imported": len(lines), "valid": len(lines), "dry_run": False}


def _decoded(content_base64: str) -> bytes:
    if not isinstance(content_base64, str) or not content_base64:
        raise InvalidInput("budget_import_unreadable", "文件为空")
    if len(content_base64) > (line_import.MAX_BYTES + 2) // 3 * 4:
        raise _too_large()
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("budget_import_unreadable", "文件内容不是有效的 base64 编码") from None
    if len(content) > line_import.MAX_BYTES:
        raise _too_large()
    if not content:
        raise InvalidInput("budget_import_unreadable", "文件为空")
    return content


def _too_large() -> InvalidInput:
    return InvalidInput(
        "budget_import_too_large",
        f"文件超过 {line_import.MAX_BYTES // (1024 * 1024)} MB，请拆分后分批导入",
        {"max_bytes": line_import.MAX_BYTES},
    )


def _import_refused(errors: list[dict[str, Any]]) -> InvalidInput:
    listed = errors[: line_import.MAX_LISTED_ERRORS]
    first = "；".join(f"第 {e['row']} 行「{e['column']}」：{e['reason']}" for e in errors[:3])
    return InvalidInput(
        "budget_import_invalid",
        f"导入文件有 {len(errors)} 处错误，未导入任何指标。{first}",
        {"errors": listed, "error_count": len(errors), "truncated": len(listed) < len(errors)},
    )


def _row_of(rows: list[tuple[int, dict[str, Any]]], line_id: str) -> int:
    return next((no for no, cells in rows if line_import.cell_text(cells.get("id")) == line_id), 0)
