"""开放合同数据 (OCDS 1.1): import compiled releases and see Cardinal's red flags; export the office's own
procurements and contracts as a release package. The risk service owns both (services/risk/service_layer/ocds.py,
docs/ocds.md).

The import takes the JSON-lines file as the raw request body (Content-Type application/x-ndjson, application/jsonl
or text/plain) or as a multipart upload (field `file`). E.g.
    curl -X POST --data-binary @releases.jsonl -H "Content-Type: application/x-ndjson" \\
         -H "Authorization: Bearer …" -H "Idempotency-Key: $(uuidgen)" ".../api/v1/ocds/releases?partial=false"
A larger file is imported with the CLI: `python -m services.risk.ocds_cli import FILE…`.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import Field

from gateway.auth import CurrentUser
from gateway.errors import ApiError
from gateway.idempotency import IdempotencyKeyRequired
from gateway.openapi import answers
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Body, Paging, optional, paging
from ic_platform.commands import Day, Text

router = api_router("ocds", "/ocds")

MAX_IMPORT_BYTES = 8 * 1024 * 1024  # gateway/limits.py LARGE_BODIES allows the multipart envelope around it
IMPORT_TIMEOUT_S = 120.0
RAW_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json", "text/plain")
Indicator = Literal["R003", "R018", "R024", "R028", "R030", "R035", "R036", "R038", "R058"]


def _too_large() -> ApiError:
    return ApiError(
        413,
        "ocds_import_too_large",
        f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB，请拆分后分批导入，或用命令行批量导入",
        {"max_bytes": MAX_IMPORT_BYTES},
    )


async def _content(request: Request) -> tuple[bytes, str | None]:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, "validation_failed", "请以字段 file 上传 JSON lines 文件", {"field": "file"})
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise _too_large()
        return data, upload.filename
    if content_type not in RAW_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            "请以 Content-Type: application/x-ndjson（每行一个 OCDS compiled release）上传文件正文，"
            "或以 multipart 字段 file 上传",
            {"expected": list(RAW_TYPES) + ["multipart/form-data"]},
        )
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_IMPORT_BYTES:
            raise _too_large()
    return bytes(body), None


@router.post(
    "/releases",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="导入开放合同数据（OCDS 1.1 汇编发布，JSON lines）并计算 Cardinal 风险指标；任一行有误则整个文件不导入"
    "（partial=true 时只导入正确的行，并列出有误的行）。财务、纪检监察",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
            },
        }
    },
)
@answers(413, 415)
async def import_releases(
    request: Request,
    rpc: UserRpc,
    user: CurrentUser,
    partial: Annotated[bool, Query(description="只导入正确的行，有误的行在结果中列出")] = False,
) -> dict[str, Any]:
    data, filename = await _content(request)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ApiError(
            422,
            "ocds_import_unreadable",
            f"文件不是 UTF-8 编码（第 {e.start + 1} 个字节起无法读取）",
            {"field": "file"},
        ) from None
    if not text.strip():
        raise ApiError(422, "ocds_import_empty", "文件为空", {"field": "file"})
    return await rpc.call(
        "risk",
        "ocds_import",
        {"content": text, "partial": partial, **optional(source_name=filename)},
        timeout=IMPORT_TIMEOUT_S,
    )


@router.get(
    "/flags",
    summary="Cardinal 风险指标结果（分页；按导入批次、指标、对象、来源、项目筛选；财务、纪检、审计、主要领导）",
)
@answers(403, 404)
async def list_flags(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    import_id: Annotated[uuid.UUID | None, Query(description="导入批次 ID")] = None,
    indicator: Annotated[Indicator | None, Query(description="指标代码，如 R018")] = None,
    group: Annotated[
        Literal["OCID", "Buyer", "ProcuringEntity", "Tenderer"] | None,
        Query(description="对象类别：OCID 采购项目、Buyer 采购人、ProcuringEntity 采购代理机构、Tenderer 投标人"),
    ] = None,
    source: Annotated[
        Literal["imported", "own", "all"] | None,
        Query(description="imported 导入的数据 / own 本办自己的采购 / all 按全部项目判断的机构类指标（R038）"),
    ] = None,
    ocid: Annotated[str | None, Query(min_length=1, max_length=200, description="开放合同过程标识")] = None,
) -> dict[str, Any]:
    kwargs = optional(
        import_id=str(import_id) if import_id else None, indicator=indicator, group=group, source=source, ocid=ocid
    )
    return await rpc.call("risk", "ocds_flags", {**kwargs, **page.kwargs()})


@router.get("/indicators", summary="Cardinal 风险指标的定义及各生效版本的参数")
async def indicators(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "ocds_indicators", {})


@router.get(
    "/releases",
    summary="导出本办的采购与合同为 OCDS 1.1 发布包（按发布日期筛选；数据权限范围内）",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "OCDS 1.1 release package"}},
)
async def export_releases(
    rpc: UserRpc,
    date_from: Annotated[Day | None, Query(description="开始日期（含），如 2026-01-01")] = None,
    date_to: Annotated[Day | None, Query(description="结束日期（含），如 2026-12-31")] = None,
) -> Response:
    kwargs = optional(
        date_from=date_from.isoformat() if date_from else None, date_to=date_to.isoformat() if date_to else None
    )
    result = await rpc.call("risk", "ocds_export", kwargs)
    return Response(result["content"], media_type="application/json")


class CardinalParametersBody(Body):
    parameters: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")], Any] = Field(
        max_length=20,
        description="该版本改变的参数，如 {r003_threshold: 20} 或 "
        "{r003_procurement_method_details: {公开招标: 20, 竞争性谈判: 3}}；其余沿用 Cardinal 默认值",
    )
    source: Text = Field(description="依据（如文件名称、会议纪要）")


@router.put(
    "/parameters/{effective_from}",
    summary="设置 Cardinal 风险指标参数的新版本（自某日起生效；系统管理员、纪检监察）",
)
async def set_parameters(
    effective_from: Annotated[Day, Path(description="生效日期，如 2026-12-01")],
    body: CardinalParametersBody,
    rpc: UserRpc,
) -> dict[str, Any]:
    kwargs = {"effective_from": effective_from.isoformat(), "parameters": body.parameters, "source": body.source}
    return await rpc.call("risk", "ocds_set_parameters", kwargs)
