"""Reading an uploaded workbook's first sheet, bounded: columns past MAX_COLUMNS are not read, at most
`max_rows` non-blank rows (with up to MAX_BLANK_ROWS blank ones among them), an archive that unpacks to at most
MAX_UNPACKED_BYTES. A 6.7 KB file can declare a sheet of XFD9000, and a few MB of zip a gigabyte of XML.

The reading runs in a child process (ic_platform.isolated), off the budget service's event loop, with a time
limit: this module imports nothing but openpyxl, so the child starts quickly."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ic_platform.isolated import Refused, run_isolated

MAX_COLUMNS = 50
MAX_BLANK_ROWS = 1000
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 200
NOT_A_WORKBOOK = "文件不是有效的 Excel 工作簿（.xlsx）"
_CELL_TYPES = (str, int, float, bool, type(None))


def read_first_sheet(content: bytes, max_rows: int, timeout_s: float) -> dict[str, Any]:
    """`first_sheet` in a child process, killed after `timeout_s`; Refused with a Chinese reason."""
    return run_isolated(f"{__name__}:first_sheet", content, {"max_rows": max_rows}, timeout_s=timeout_s)


def first_sheet(content: bytes, max_rows: int) -> dict[str, Any]:
    """{"header": [cell, ...], "rows": [[Excel row number, [cell, ...]], ...]}: the first row, and the non-blank
    rows after it. Cells are text, numbers, booleans or None (dates as their text)."""
    from openpyxl import load_workbook  # here, so that importing this module stays cheap

    _check_archive(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - untrusted input: whatever openpyxl or its XML parser raises
        raise Refused(NOT_A_WORKBOOK) from exc
    try:
        return _rows(wb.worksheets[0], max_rows)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML surfaces only while rows are read
        raise Refused(NOT_A_WORKBOOK) from exc
    finally:
        wb.close()


def _check_archive(content: bytes) -> None:
    """Refuse an archive that unpacks to more than it may, before unpacking any of it. zipfile reads no more
    than an entry's declared size, so the declared sizes bound the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Refused(NOT_A_WORKBOOK) from exc
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise Refused(f"文件解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，请拆分后分批导入")


def _rows(ws: Any, max_rows: int) -> dict[str, Any]:
    last_row = 1 + max_rows + MAX_BLANK_ROWS  # the header, the data, the blank rows among them
    # max_col and max_row also bound the padding openpyxl adds up to a sheet's declared dimension.
    rows = ws.iter_rows(max_col=MAX_COLUMNS, max_row=last_row + 1, values_only=True)
    header = [_plain(v) for v in next(rows, None) or ()]
    out: list[list[Any]] = []
    for row_no, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(out) >= max_rows or row_no > last_row:
            raise Refused(f"文件超过 {max_rows} 行，请拆分后分批导入")
        out.append([row_no, [_plain(v) for v in values]])
    return {"header": header, "rows": out}


def _plain(value: Any) -> Any:
    """A cell value as JSON carries it: dates and times as their text."""
    return value if isinstance(value, _CELL_TYPES) else str(value)
