"""附件 (attachments): a small content-addressed file store that every service keeps for its own documents.

The office is paperless: invoices, acceptance reports, meeting minutes and contracts are kept beside the
documents they belong to. Each service that owns documents stores their attachments **in its own database**
(tables from `attachment_tables`, added to its metadata and migrated like any table), so a file is read under
exactly the data scope of its document, decided by the service that owns the document:

- the owning service lists, for each document type it owns, a resolver `(uow, ctx, document_id) -> Owner`
  that returns the document's facts when the caller's data scope reads it and raises its own 404 otherwise
  (the same check as reading the document);
- `AttachmentRpc` (a mixin for the nameko service class) adds `add_attachment`, `list_attachments` and
  `get_attachment`, each resolving the document first: another unit's document is 404, its files too.

Content-addressed: a file is its SHA-256. The bytes are stored once per database (`attachment_blob`), and a
document links to it by hash (`attachment`), once: uploading the same file twice to one document is the same
attachment. Limits: `MAX_BYTES` (10 MB), and the types in `FILE_TYPES` (PDF, OFD, PNG, JPEG, Office), told by
their magic bytes, not only by their names: a name whose extension disagrees with the content is refused.
Read-only readers (inspectors, auditors) read attachments but do not add them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.context import CallContext
from ic_platform.documents import is_document_id
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError, Forbidden, InvalidInput, NotFound

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_DOCUMENT = 50
READ_ONLY_ROLES = frozenset({"inspector", "auditor"})
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class FileType:
    name: str
    media_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", "PDF 文档", (".pdf",))
OFD = FileType("ofd", "application/ofd", "OFD 版式文件（电子发票）", (".ofd",))
PNG = FileType("png", "image/png", "PNG 图片", (".png",))
JPEG = FileType("jpeg", "image/jpeg", "JPEG 图片", (".jpg", ".jpeg"))
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档", (".docx",)
)
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格", (".xlsx",))
PPTX = FileType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint 演示文稿",
    (".pptx",),
)
DOC = FileType("doc", "application/msword", "Word 97-2003 文档", (".doc",))
XLS = FileType("xls", "application/vnd.ms-excel", "Excel 97-2003 表格", (".xls",))
PPT = FileType("ppt", "application/vnd.ms-powerpoint", "PowerPoint 97-2003 演示文稿", (".ppt",))
FILE_TYPES = (PDF, OFD, PNG, JPEG, DOCX, XLSX, PPTX, DOC, XLS, PPT)
ALLOWED = "PDF、OFD、PNG、JPEG、Word、Excel、PowerPoint"

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What an Office Open XML package holds besides [Content_Types].xml, by kind.
_OOXML_PARTS = {DOCX: "word/", XLSX: "xl/", PPTX: "ppt/"}


def _refuse(field: str, reason: str, **details: Any) -> InvalidInput:
    return InvalidInput(
        "attachment_invalid",
        f"输入有误：{field}: {reason}",
        {"fields": [{"field": field, "reason": reason}], **details},
    )


def clean_filename(filename: Any) -> str:
    """The name as stored and shown: the last path part, NFC, no control characters, at most 200 characters."""
    if not isinstance(filename, str) or not filename.strip():
        raise _refuse("filename", "文件名不能为空")
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    if not name or name in (".", ".."):
        raise _refuse("filename", "文件名不能为空")
    if len(name) > 200:
        raise _refuse("filename", "文件名过长（最多 200 个字符）")
    return name


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def detect(content: bytes, filename: str) -> FileType:
    """The file's type from its magic bytes, checked against its name's extension; 422 naming `file` (size,
    type, content) or `filename` (an extension that is not the content's)."""
    if not content:
        raise _refuse("file", "文件为空")
    if len(content) > MAX_BYTES:
        raise _refuse(
            "file",
            f"文件大小 {len(content) / 1024 / 1024:.1f} MB，超过上限 {MAX_BYTES // 1024 // 1024} MB",
            size=len(content),
            max_bytes=MAX_BYTES,
        )
    kind = _sniff(content)
    if kind is None:
        raise _refuse("file", f"不支持的文件类型（只接受 {ALLOWED}；按文件内容判断，不只看扩展名）")
    ext = _extension(filename)
    if kind is DOC and ext in _LEGACY_BY_EXT:
        return _LEGACY_BY_EXT[ext]  # one OLE2 container for Word, Excel and PowerPoint 97-2003
    if ext not in kind.extensions:
        raise _refuse(
            "filename",
            f"扩展名「{ext or '无'}」与文件内容（{kind.label}）不符",
            detected=kind.name,
        )
    return kind


_LEGACY_BY_EXT = {".doc": DOC, ".xls": XLS, ".ppt": PPT}


def _sniff(content: bytes) -> FileType | None:
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(_OLE2):
        return DOC  # one container for the three: the extension says which (see detect)
    if content.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "OFD.xml" in names:
            return OFD
        if "[Content_Types].xml" in names:
            for kind, prefix in _OOXML_PARTS.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
    return None


def decode(content_base64: Any) -> bytes:
    """The file from its base64 text, as it travels over RPC (422 naming `file` when it is not base64)."""
    if not isinstance(content_base64, str):
        raise _refuse("file", "文件内容缺失")
    if len(content_base64) > (MAX_BYTES * 4) // 3 + 8:
        raise _refuse("file", f"文件超过上限 {MAX_BYTES // 1024 // 1024} MB", max_bytes=MAX_BYTES)
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse("file", "文件内容不是有效的 base64") from None


def check_sha256(value: Any) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise _refuse("sha256", "应为 64 位小写十六进制 SHA-256")
    return value


@dataclass(frozen=True)
class Owner:
    """A document as its owning service tells it, once the caller's data scope reads it."""

    document_type: str
    document_id: str
    unit: str
    document_no: str | None = None

    @property
    def document(self) -> dict[str, Any]:
        return {"type": self.document_type, "id": self.document_id, "no": self.document_no}


# (uow, ctx, document_id) -> Owner, raising the owner's own 404 when the caller may not read the document.
Resolver = Callable[[Any, CallContext, str], Owner]


# ── tables (each owning service adds them to its own metadata) ──
def attachment_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    blob = sa.Table(
        "attachment_blob",
        metadata,
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"size > 0 AND size <= {MAX_BYTES}", name="attachment_blob_size"),
        sa.CheckConstraint("octet_length(content) = size", name="attachment_blob_content_size"),
    )
    link = sa.Table(
        "attachment",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("document_type", sa.Text, nullable=False),
        sa.Column("document_id", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, sa.ForeignKey("attachment_blob.sha256"), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("document_type", "document_id", "sha256", name="attachment_once_per_document"),
    )
    return {"attachment_blob": blob, "attachment": link}


_T = attachment_tables(sa.MetaData())
BLOB, LINK = _T["attachment_blob"], _T["attachment"]


def _view(row: Any) -> dict[str, Any]:
    return {
        "sha256": row.sha256,
        "filename": row.filename,
        "media_type": row.media_type,
        "size": row.size,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


class AttachmentRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, owner: Owner, content: bytes, kind: FileType, filename: str, by: str) -> tuple[dict[str, Any], bool]:
        """Link the file to the document (stored once by hash); (the attachment, whether it is new)."""
        sha = hashlib.sha256(content).hexdigest()
        self.conn.execute(
            pg_insert(BLOB)
            .values(sha256=sha, size=len(content), media_type=kind.media_type, content=content)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        row = self.conn.execute(
            pg_insert(LINK)
            .values(
                document_type=owner.document_type,
                document_id=owner.document_id,
                sha256=sha,
                filename=filename,
                media_type=kind.media_type,
                size=len(content),
                unit=owner.unit,
                uploaded_by=by,
            )
            .on_conflict_do_nothing(constraint="attachment_once_per_document")
            .returning(*LINK.columns)
        ).first()
        if row is not None:
            return _view(row), True
        return self.get(owner, sha), False

    def count(self, owner: Owner) -> int:
        return self.conn.execute(
            sa.select(sa.func.count())
            .select_from(LINK)
            .where(LINK.c.document_type == owner.document_type, LINK.c.document_id == owner.document_id)
        ).scalar_one()

    def list(self, owner: Owner) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            sa.select(LINK)
            .where(LINK.c.document_type == owner.document_type, LINK.c.document_id == owner.document_id)
            .order_by(LINK.c.uploaded_at, LINK.c.id)
        ).all()
        return [_view(r) for r in rows]

    def get(self, owner: Owner, sha: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            sa.select(LINK).where(
                LINK.c.document_type == owner.document_type,
                LINK.c.document_id == owner.document_id,
                LINK.c.sha256 == sha,
            )
        ).first()
        return _view(row) if row else None

    def content(self, sha: str) -> bytes:
        return bytes(self.conn.execute(sa.select(BLOB.c.content).where(BLOB.c.sha256 == sha)).scalar_one())


# ── use cases ──
def _owner(resolvers: dict[str, Resolver], uow: Any, ctx: CallContext, document_type: str, document_id: str) -> Owner:
    resolver = resolvers.get(document_type)
    if resolver is None:
        raise _refuse("document_type", f"不支持为「{document_type}」类单据上传附件", supported=sorted(resolvers))
    if not is_document_id(document_id):
        raise NotFound(f"{document_type}_not_found", f"单据不存在: {document_id}", {document_type: document_id})
    return resolver(uow, ctx, document_id)


EVENT_FIELDS = ("sha256", "filename", "media_type", "size", "uploaded_by")
# The services that keep attachments: each publishes `<service>.attachment_added` (catalogue: claim_events.py).
PRODUCERS = ("payment", "contract", "procurement")


def attach(
    resolvers: dict[str, Resolver],
    uow: Any,
    ctx: CallContext,
    document_type: str,
    document_id: str,
    filename: Any,
    content_base64: Any,
    producer: str,  # the owning service: no default, so no service announces its files as another's
) -> dict[str, Any]:
    """Add a file to a document the caller reads (and may write to: not inspectors or auditors); a new one is
    announced as `<producer>.attachment_added`, in the same transaction."""
    name = clean_filename(filename)
    content = decode(content_base64)
    kind = detect(content, name)
    with uow:
        owner = _owner(resolvers, uow, ctx, document_type, document_id)
        if ctx.viewer is None or not (set(ctx.viewer.roles) - READ_ONLY_ROLES):
            raise Forbidden("attachment_read_only", "纪检监察、审计人员只读，不能上传附件", {})
        repo = AttachmentRepository(uow.conn)
        if repo.count(owner) >= MAX_PER_DOCUMENT:
            raise DomainError(
                "attachment_limit_reached",
                f"每份单据最多 {MAX_PER_DOCUMENT} 个附件",
                {"max": MAX_PER_DOCUMENT},
                409,
            )
        item, created = repo.add(owner, content, kind, name, ctx.actor or "")
        if created:  # on the document's dossier (risk files every event under its subject)
            uow.publish(
                ctx.event(
                    f"{producer}.attachment_added",
                    {"document": owner.document, "unit": owner.unit, **{k: item[k] for k in EVENT_FIELDS}},
                    subject=f"{owner.document_type}/{owner.document_id}",
                )
            )
        uow.commit()
    return {**item, "document": owner.document, "created": created}


def list_attachments(
    resolvers: dict[str, Resolver], uow: Any, ctx: CallContext, document_type: str, document_id: str
) -> dict[str, Any]:
    with uow:
        owner = _owner(resolvers, uow, ctx, document_type, document_id)
        items = AttachmentRepository(uow.conn).list(owner)
    return {"document": owner.document, "items": items, "total": len(items)}


def read_attachment(
    resolvers: dict[str, Resolver], uow: Any, ctx: CallContext, document_type: str, document_id: str, sha256: str
) -> dict[str, Any]:
    """The file (base64) with its name and type; 404 when the document is not readable or has no such file."""
    sha = check_sha256(sha256)
    with uow:
        owner = _owner(resolvers, uow, ctx, document_type, document_id)
        repo = AttachmentRepository(uow.conn)
        item = repo.get(owner, sha)
        if item is None:
            raise NotFound("attachment_not_found", f"附件不存在: {sha}", {"sha256": sha})
        content = repo.content(sha)
    return {**item, "content_base64": base64.b64encode(content).decode("ascii")}


class AttachmentRpc:
    """Mixin for a service class owning documents: `attachment_documents` maps each document type it owns to
    its resolver. The class also has `name` and `platform` (ServicePlatform) like every PlatformService."""

    name: str
    attachment_documents: dict[str, Resolver] = {}

    @rpc(expected_exceptions=DomainError)
    def add_attachment(self, document_type: str, document_id: str, filename: str, content_base64: str):
        return attach(
            self.attachment_documents,
            self.platform.uow(),
            self.platform.ctx,
            document_type,
            document_id,
            filename,
            content_base64,
            producer=self.name,  # the event's type is the service's own: `<service>.attachment_added`
        )

    @rpc(expected_exceptions=DomainError)
    def list_attachments(self, document_type: str, document_id: str):
        return list_attachments(
            self.attachment_documents, self.platform.uow(), self.platform.ctx, document_type, document_id
        )

    @rpc(expected_exceptions=DomainError)
    def get_attachment(self, document_type: str, document_id: str, sha256: str):
        return read_attachment(
            self.attachment_documents, self.platform.uow(), self.platform.ctx, document_type, document_id, sha256
        )
