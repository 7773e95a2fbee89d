"""附件: the type told by content (magic bytes), not by name; size and name limits; base64 and hash inputs; the
repository on a fake connection is not needed: these are the pure parts."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest

from ic_platform.attachments import (
    DOCX,
    JPEG,
    MAX_BYTES,
    OFD,
    PDF,
    PNG,
    PPT,
    XLS,
    XLSX,
    AttachmentRpc,
    Owner,
    attach,
    check_sha256,
    clean_filename,
    decode,
    detect,
)
from ic_platform.context import CallContext
from ic_platform.errors import InvalidInput, NotFound

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 16
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16


def package(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (PDF_BYTES, "发票.pdf", PDF),
        (PDF_BYTES, "SCAN.PDF", PDF),
        (PNG_BYTES, "a.png", PNG),
        (JPEG_BYTES, "a.jpg", JPEG),
        (JPEG_BYTES, "a.jpeg", JPEG),
        (package("[Content_Types].xml", "word/document.xml"), "会议纪要.docx", DOCX),
        (package("[Content_Types].xml", "xl/workbook.xml"), "明细.xlsx", XLSX),
        (package("OFD.xml", "Doc_0/Document.xml"), "电子发票.ofd", OFD),
        (OLE2, "旧表.xls", XLS),
        (OLE2, "旧稿.ppt", PPT),
    ],
)
def test_allowed_types_are_told_by_their_content(content, name, kind):
    assert detect(content, name) == kind


@pytest.mark.parametrize(
    ("content", "name", "field", "words"),
    [
        (b"", "a.pdf", "file", "文件为空"),
        (b"MZ\x90\x00" + b"\x00" * 60, "发票.pdf", "file", "不支持的文件类型"),  # a program named .pdf
        (b"<html><script>", "a.pdf", "file", "不支持的文件类型"),
        (package("evil.exe"), "a.docx", "file", "不支持的文件类型"),  # a zip that is no Office file
        (b"PK\x03\x04broken", "a.xlsx", "file", "不支持的文件类型"),
        (PNG_BYTES, "发票.pdf", "filename", "扩展名「.pdf」与文件内容（PNG 图片）不符"),
        (PDF_BYTES, "noextension", "filename", "扩展名「无」"),
        (package("[Content_Types].xml", "word/document.xml"), "a.xlsx", "filename", "Word 文档"),
        (OLE2, "a.pdf", "filename", "不符"),
    ],
)
def test_what_is_not_an_allowed_file_is_refused_naming_the_field(content, name, field, words):
    with pytest.raises(InvalidInput) as err:
        detect(content, name)
    assert err.value.http_status == 422
    assert err.value.details["fields"][0]["field"] == field
    assert words in err.value.message


def test_the_size_limit_is_ten_megabytes():
    assert detect(b"%PDF-" + b"0" * (MAX_BYTES - 5), "big.pdf") == PDF
    with pytest.raises(InvalidInput) as err:
        detect(b"%PDF-" + b"0" * (MAX_BYTES - 4), "big.pdf")
    assert "超过上限 10 MB" in err.value.message and err.value.details["max_bytes"] == MAX_BYTES


def test_names_keep_only_their_last_part_without_control_characters():
    assert clean_filename("C:\\Users\\li\\发票.pdf") == "发票.pdf"
    assert clean_filename("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_filename("a\u202eb.pdf") == "ab.pdf"  # a right-to-left override hides an extension
    for bad in ("", "  ", None, "../", "x" * 201):
        with pytest.raises(InvalidInput) as err:
            clean_filename(bad)
        assert err.value.details["fields"][0]["field"] == "filename"


def test_content_travels_as_base64_and_is_addressed_by_its_sha256():
    assert decode(base64.b64encode(PDF_BYTES).decode()) == PDF_BYTES
    for bad in ("not base64!", None, 12):
        with pytest.raises(InvalidInput):
            decode(bad)
    sha = hashlib.sha256(PDF_BYTES).hexdigest()
    assert check_sha256(sha) == sha
    for bad in (sha.upper(), sha[:-1], "../" + sha[3:]):
        with pytest.raises(InvalidInput):
            check_sha256(bad)


class FakeUow:
    conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def test_an_unsupported_document_type_or_an_unreadable_document_is_refused_before_anything_is_stored():
    def unreadable(uow, ctx, document_id):
        raise NotFound("expense_claim_not_found", "报销单不存在", {})

    resolvers = {"expense_claim": unreadable}
    ctx = CallContext(org="xinqiao", actor="clerk")
    content = base64.b64encode(PDF_BYTES).decode()
    with pytest.raises(InvalidInput) as err:
        attach(
            resolvers, FakeUow(), ctx, "voucher", "7b1c2d3e-0000-4000-8000-000000000001", "a.pdf", content, "payment"
        )
    assert err.value.details["fields"][0]["field"] == "document_type"
    with pytest.raises(NotFound):
        attach(
            resolvers,
            FakeUow(),
            ctx,
            "expense_claim",
            "7b1c2d3e-0000-4000-8000-000000000001",
            "a.pdf",
            content,
            "payment",
        )


def test_the_mixin_declares_the_three_rpcs_and_an_owner_names_its_document():
    assert all(hasattr(AttachmentRpc, m) for m in ("add_attachment", "list_attachments", "get_attachment"))
    assert Owner("contract", "c1", "dzb", "HT-2026-000001").document == {
        "type": "contract",
        "id": "c1",
        "no": "HT-2026-000001",
    }
