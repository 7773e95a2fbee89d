"""An Excel answer from a service's `*_xlsx` RPC ({"filename", "content_base64"}) as a download: the file named
in ASCII for old clients and in Chinese (RFC 5987) for the rest."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from fastapi import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}}


def xlsx_download(result: dict[str, Any], ascii_name: str) -> Response:
    chinese = quote(str(result.get("filename") or ascii_name))
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{chinese}"
    return Response(
        base64.b64decode(result["content_base64"]), media_type=XLSX, headers={"Content-Disposition": disposition}
    )
