"""Workbooks written by hand (the XML of an .xlsx), for the import's bounds: a sheet whose dimension claims far
more than it holds, broken XML, and a large sheet that takes the reader seconds."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from services.budget.service_layer.line_import import HEADERS

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="预算指标" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def column(index: int) -> str:
    """1 → A, 27 → AA."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(_cell(f"{column(i)}1", h) for i, h in enumerate(HEADERS, start=1)) + "</row>"


def xlsx(sheet_rows: str, dimension: str = "A1:M2", tail: str = "") -> bytes:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_rows}</sheetData></worksheet>{tail}'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def data_row(number: int, cells: list[object]) -> str:
    return f'<row r="{number}">' + "".join(_cell(f"{column(i)}{number}", v) for i, v in enumerate(cells, 1)) + "</row>"


def claiming_xfd9000(cells: list[object]) -> bytes:
    """One real line, in a sheet that says it spans A1:XFD9000 (16384 columns, 9000 rows)."""
    return xlsx(header_row() + data_row(2, cells), dimension="A1:XFD9000")


def broken_xml() -> bytes:
    return xlsx(header_row() + '<row r="2"><c r="A2"><v>1</v></c>', tail="<unclosed")


def heavy(rows: int = 6000, from_column: int = 60, to_column: int = 160) -> bytes:
    """Many cells, all past the columns the reader keeps: seconds of XML for the reader, no line in the end."""
    body = []
    for number in range(2, rows + 2):
        body.append(
            f'<row r="{number}">'
            + "".join(f'<c r="{column(i)}{number}"><v>{i}</v></c>' for i in range(from_column, to_column))
            + "</row>"
        )
    return xlsx(header_row() + "".join(body), dimension=f"A1:{column(to_column)}{rows + 1}")
