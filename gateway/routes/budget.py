"""预算指标, and their import from Excel.

The import takes the workbook as the raw request body (Content-Type
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), not a multipart form: multipart needs
python-multipart, which this gateway does not depend on. `dry_run` is a query parameter. E.g.
    curl -X POST --data-binary @指标.xlsx -H "Authorization: Bearer …" \\
         -H "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" \\
         ".../api/v1/budget-lines/import?dry_run=true"
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from gateway.auth import User, require_any_role
from gateway.errors import ApiError
from gateway.openapi import answers
from gateway.routes.base import EXCEL, XLSX, api_router, xlsx_response
from gateway.rpc import UserRpc
from gateway.schemas import Ident, OptionalFiscalYear, Paging, optional, paging

router = api_router("budget")

IMPORT_ROLES = ("finance_reviewer", "admin")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_TIMEOUT_S = 120.0


# Who may import budget lines: a finance reviewer (财务审核) or an administrator.
budget_importer = require_any_role(*IMPORT_ROLES)
Importer = Annotated[User, Depends(budget_importer)]


@router.get(
    "/budget-lines/import-template.xlsx",
    summary="下载预算指标导入模板（Excel）",
    **EXCEL,
)
async def budget_lines_import_template(rpc: UserRpc, _: Importer) -> Response:
    result = await rpc.call("budget", "import_template_xlsx", {})
    return xlsx_response(result, "budget-lines-template.xlsx", "预算指标导入模板.xlsx")


@router.post(
    "/budget-lines/import",
    summary="从 Excel 导入预算指标（逐行校验，任何一行有误则全部不导入）",
    openapi_extra={
        "requestBody": {"required": True, "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
    },
)
@answers(413, 415)
async def import_budget_lines(
    request: Request,
    rpc: UserRpc,
    _: Importer,
    dry_run: Annotated[bool, Query(description="只校验，不导入")] = False,
) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != XLSX:
        raise ApiError(
            415, "unsupported_media_type", f"请以 Content-Type: {XLSX} 上传 Excel 文件（.xlsx）正文", {"expected": XLSX}
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_IMPORT_BYTES:
            raise _too_large()
    if not body:
        raise ApiError(422, "budget_import_unreadable", "文件为空")
    return await rpc.call(
        "budget",
        "import_lines_xlsx",
        {"content_base64": base64.b64encode(bytes(body)).decode("ascii"), "dry_run": dry_run},
        timeout=IMPORT_TIMEOUT_S,
    )


def _too_large() -> ApiError:
    return ApiError(
        413,
        "budget_import_too_large",
        f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB，请拆分后分批导入",
        {"max_bytes": MAX_IMPORT_BYTES},
    )


@router.get("/budget-lines", summary="预算指标列表（可按单位、年度、关键字筛选）")
async def list_budget_lines(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    unit: Annotated[str | None, Query(min_length=1, max_length=64, description="单位代码")] = None,
    fiscal_year: OptionalFiscalYear = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="关键字（名称、项目、分类）")] = None,
) -> dict[str, Any]:
    kwargs = {**optional(fiscal_year=fiscal_year, unit=unit, q=q), **page.kwargs()}
    return await rpc.call("budget", "list_lines", kwargs)


@router.get("/budget-lines/{line_id}", summary="预算指标详情（含可用余额）")
async def get_budget_line(line_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("budget", "get_line", {"budget_line_id": line_id})


@router.get("/budget-lines/{line_id}/moves", summary="预算指标执行明细（穿透到来源单据，最新在前）")
async def list_budget_line_moves(
    line_id: Ident, rpc: UserRpc, page: Annotated[Paging, Depends(paging)]
) -> dict[str, Any]:
    return await rpc.call("budget", "line_moves", {"budget_line_id": line_id, **page.kwargs()})
