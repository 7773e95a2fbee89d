"""Reading an uploaded workbook is bounded: what a sheet claims costs nothing, broken XML and archives that
unpack to too much are refused with a Chinese reason (never an exception the service would answer 500 with)."""

from __future__ import annotations

import io
import zipfile

import pytest

from ic_platform.isolated import Refused
from services.budget.adapters import excel, workbook
from services.budget.service_layer.line_import import EXAMPLE, HEADERS
from tests.integration.support import workbooks


def test_a_sheet_claiming_xfd9000_is_read_as_what_it_holds():
    sheet = workbook.first_sheet(workbooks.claiming_xfd9000(list(EXAMPLE)), 5000)
    # Before, openpyxl padded every row to the claimed 16,384 columns and went on to row 9000.
    assert sheet["header"][:13] == HEADERS and len(sheet["header"]) == workbook.MAX_COLUMNS
    assert [no for no, _ in sheet["rows"]] == [2] and len(sheet["rows"][0][1]) == workbook.MAX_COLUMNS


def test_broken_xml_is_not_a_workbook():
    with pytest.raises(Refused, match="不是有效的 Excel 工作簿"):
        workbook.first_sheet(workbooks.broken_xml(), 5000)


def test_an_archive_that_unpacks_to_too_much_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (workbook.MAX_UNPACKED_BYTES + 1))
    with pytest.raises(Refused, match="解压后超过 64 MB"):
        workbook.first_sheet(out.getvalue(), 5000)


def test_rows_past_the_limit_are_refused_not_read_on():
    body = workbooks.header_row() + "".join(workbooks.data_row(n, ["A"]) for n in range(2, 8))
    with pytest.raises(Refused, match="文件超过 3 行"):
        workbook.first_sheet(workbooks.xlsx(body), 3)


def test_the_import_reads_in_a_child_and_turns_its_refusal_into_the_import_refusal():
    with pytest.raises(excel.UnreadableWorkbook, match="不是有效的 Excel 工作簿"):
        excel.read_import_rows(b"PK\x03\x04 not really", 5000, 300)
