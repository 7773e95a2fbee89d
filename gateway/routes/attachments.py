"""附件 (attachments): files kept beside the documents they belong to, in the service that owns the document
(ic_platform/attachments.py). The gateway only maps the document type to its owner; the owner checks the
caller's data scope on the document (another unit's document: 404), the file's size and its type by content."""

from __future__ import annotations

import base64
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import File, Path, Response, UploadFile

from gateway.errors import ApiError
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import DocumentType, Ident

router = api_router("attachments", "/attachments")

MAX_BYTES = 10 * 1024 * 1024  # ic_platform.attachments.MAX_BYTES: told here before the file travels
UPLOAD_TIMEOUT_S = 60.0
# Which service owns (and stores the attachments of) each document type.
OWNERS = {
    "matter_application": "payment",
    "expense_claim": "payment",
    "payment_request": "payment",
    "contract": "contract",
    "acceptance": "contract",  # 验收: kept by the contract service, under its contract's data scope
    "procurement_application": "procurement",
    "meeting_record": "approval",  # 会议记录 of a collective step, by its task id, under its document's scope
}
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="文件的 SHA-256（64 位小写十六进制）")]


def _owner(document_type: str) -> str:
    service = OWNERS.get(document_type)
    if service is None:
        reason = f"不支持为「{document_type}」类单据上传附件（支持：{'、'.join(OWNERS)}）"
        raise ApiError(
            422,
            "invalid_input",
            f"输入有误：document_type: {reason}",
            {"fields": [{"field": "document_type", "reason": reason}]},
        )
    return service


def _too_large() -> ApiError:
    reason = f"文件超过上限 {MAX_BYTES // 1024 // 1024} MB"
    return ApiError(
        422,
        "attachment_invalid",
        f"输入有误：file: {reason}",
        {"fields": [{"field": "file", "reason": reason}], "max_bytes": MAX_BYTES},
    )


@router.post(
    "/{document_type}/{document_id}",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="上传附件（multipart 字段 file；PDF、OFD、PNG、JPEG、Word、Excel、PowerPoint，按内容判断类型；10 MB 以内）",
)
async def upload_attachment(
    document_type: DocumentType,
    document_id: Ident,
    rpc: UserRpc,
    file: Annotated[UploadFile, File(description="附件文件")],
) -> dict[str, Any]:
    service = _owner(document_type)
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _too_large()
    return await rpc.call(
        service,
        "add_attachment",
        {
            "document_type": document_type,
            "document_id": document_id,
            "filename": file.filename or "",
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
        timeout=UPLOAD_TIMEOUT_S,
    )


@router.get("/{document_type}/{document_id}", summary="单据的附件列表（与单据同一数据权限）")
async def list_attachments(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call(
        _owner(document_type), "list_attachments", {"document_type": document_type, "document_id": document_id}
    )


# The media types a stored file can have (ic_platform.attachments.FILE_TYPES).
MEDIA_TYPES = (
    "application/pdf",
    "application/ofd",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
)


@router.get(
    "/{document_type}/{document_id}/{sha256}",
    summary="下载附件内容",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA_TYPES}, "description": "附件文件（按其类型）"}},
)
async def get_attachment(document_type: DocumentType, document_id: Ident, sha256: Sha256, rpc: UserRpc) -> Response:
    result = await rpc.call(
        _owner(document_type),
        "get_attachment",
        {"document_type": document_type, "document_id": document_id, "sha256": sha256},
        timeout=UPLOAD_TIMEOUT_S,
    )
    name = quote(result["filename"])
    return Response(
        base64.b64decode(result["content_base64"]),
        media_type=result["media_type"],
        headers={
            "Content-Disposition": f"attachment; filename=\"{sha256}\"; filename*=UTF-8''{name}",
            "ETag": f'"{sha256}"',
            "Cache-Control": "private, max-age=0, must-revalidate",
        },
    )
