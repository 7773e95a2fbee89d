"""Invoices (发票): one invoice recognised however it is written; bad numbers refused naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ic_platform.errors import Conflict, InvalidInput
from services.payment.domain.invoices import (
    DIGITAL,
    LEGACY,
    Invoice,
    InvoiceError,
    InvoiceKey,
    InvoiceUse,
    already_used,
    distinct,
    normalise,
    normalise_credit_code,
)
from services.payment.service_layer.invoices import InvoiceLine, parse_invoices
from services.procurement.domain import credit_code

DIGITAL_NO = "26442000000123456789"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in DIGITAL_NO)  # ２６４４…


def code_for(n: int) -> str:
    body = f"{n:08d}"
    first17 = "91110105" + body + credit_code.org_check_character(body)
    return first17 + credit_code.check_character(first17)


ISSUER = code_for(7)


@pytest.mark.parametrize(
    "written",
    [
        "26442000000123456789",
        FULL_WIDTH,  # full-width digits
        "2644 2000 0001 2345 6789",
        "2644-2000-0001-2345-6789",
        "2644－2000－0001－2345－6789",  # full-width dash
        "2644—2000—0001—2345—6789",  # em dash
        "  26442000000123456789\t",
        "2644\u30002000\u300000012345\u30006789",  # ideographic spaces
        "No.26442000000123456789",
        "no. 26442000000123456789",
        "NO：26442000000123456789",
        "№ 2644 2000 0001 2345 6789",
        "2644.2000.0001.2345.6789",
        "2644_2000_0001_2345_6789",
    ],
)
def test_every_spelling_of_one_digital_invoice_is_one_key(written):
    key = normalise(written)
    assert key == InvoiceKey(DIGITAL, DIGITAL_NO)
    assert key.value == DIGITAL_NO


def test_a_digital_number_as_an_integer_is_the_same_invoice():
    assert normalise(26442000000123456789).value == DIGITAL_NO


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("12345678", "044001900111"),
        ("１２３４５６７８", "０４４００１９００１１１"),
        ("1234 5678", "0440 0190 0111"),
        ("No.12345678", "044001900111"),
        ("12345678", " 044-001-900-111 "),
        ("044001900111-12345678", None),  # both in the number field, apart
        ("044001900111 12345678", ""),
        ("０４４００１９００１１１－１２３４５６７８", None),
    ],
)
def test_every_spelling_of_one_older_invoice_is_one_key(number, code):
    key = normalise(number, code)
    assert key == InvoiceKey(LEGACY, "12345678", "044001900111")
    assert key.value == "044001900111-12345678"


def test_a_ten_digit_code_is_an_older_invoice_too():
    assert normalise("00012345", "1100153130").value == "1100153130-00012345"
    assert normalise("1100153130-00012345").value == "1100153130-00012345"


def test_the_same_number_under_two_codes_is_two_invoices():
    assert normalise("12345678", "044001900111") != normalise("12345678", "044001900112")


def test_twenty_digits_run_together_are_a_digital_number_never_code_plus_number():
    assert normalise("04400190011112345678").kind == DIGITAL


@pytest.mark.parametrize(
    ("number", "code", "field", "words"),
    [
        ("", None, "number", "不能为空"),
        ("12345", None, "number", "实为 5 位"),
        ("2644200000012345678", None, "number", "实为 19 位"),
        ("12345678", None, "code", "8 位发票号码须与"),
        ("1234567", "044001900111", "number", "应为 8 位数字，实为 7 位"),
        ("12345678", "0440019001", "number", None),  # 10-digit code is fine: no error expected below
        ("12345678", "04400190011", "code", "实为 11 位"),
        ("2644A000000123456789", None, "number", "含有「A」"),
        ("12345678", "04400190011X", "code", "含有「X」"),
        ("٢٦٤٤٢٠٠٠٠٠٠١٢٣٤٥٦٧٨٩", None, "number", "只能由数字组成"),  # Arabic-Indic digits are not ours
        ("1" * 70, None, "number", "过长"),
    ],
)
def test_what_is_not_an_invoice_number_is_refused_naming_the_field(number, code, field, words):
    if words is None:
        normalise(number, code)
        return
    with pytest.raises(InvoiceError) as err:
        normalise(number, code)
    assert err.value.http_status == 422
    assert err.value.details["fields"][0]["field"] == field
    assert words in err.value.message


def test_the_issuer_credit_code_is_checked_and_normalised():
    assert normalise_credit_code(" " + ISSUER.lower()[:10] + " " + ISSUER.lower()[10:]) == ISSUER
    assert normalise_credit_code("".join(chr(ord(c) + 0xFEE0) for c in ISSUER)) == ISSUER  # full-width
    with pytest.raises(InvoiceError) as err:
        normalise_credit_code(ISSUER[:-1] + ("0" if ISSUER[-1] != "0" else "1"))
    assert err.value.details["fields"][0]["field"] == "issuer_credit_code"
    assert "校验码" in err.value.message


def invoice(**kw) -> Invoice:
    base = dict(
        number=DIGITAL_NO,
        issued_on=date(2026, 5, 1),
        issuer_credit_code=ISSUER,
        amount=Decimal("1060.00"),
        tax=Decimal("60.00"),
    )
    return Invoice.of(**{**base, **kw})


def test_amounts_are_checked():
    assert invoice().ref == {"key": DIGITAL_NO, "number": DIGITAL_NO, "amount": "1060.00"}
    assert invoice(tax=Decimal("0.00")).tax == Decimal("0.00")
    for kw, field in [
        ({"amount": Decimal("0.00")}, "amount"),
        ({"tax": Decimal("-1.00")}, "tax"),
        ({"tax": Decimal("1060.00")}, "tax"),
    ]:
        with pytest.raises(InvoiceError) as err:
            invoice(**kw)
        assert err.value.details["fields"][0]["field"] == field


def test_an_invoice_dated_after_today_is_refused():
    with pytest.raises(InvoiceError) as err:
        invoice(issued_on=date(2026, 6, 2), today=date(2026, 6, 1))
    assert err.value.details["fields"][0]["field"] == "issued_on"
    assert "开票日期" in err.value.message


def test_one_invoice_twice_on_one_document_is_refused_however_written():
    with pytest.raises(InvalidInput) as err:
        distinct([invoice(), invoice(number="2644 2000 0001 2345 6789")])
    assert err.value.code == "invoice_duplicated"
    assert err.value.details["fields"][0]["field"] == "invoices.1.number"


def test_request_lines_are_parsed_and_errors_name_the_invoice():
    lines = [
        InvoiceLine.parse(
            {
                "number": FULL_WIDTH,
                "issued_on": "2026-05-01",
                "issuer_credit_code": ISSUER,
                "amount": "1060.00",
                "tax": "0.00",
            }
        ),
        InvoiceLine.parse(
            {
                "number": "12345678",
                "code": "04400190011",
                "issued_on": "2026-05-01",
                "issuer_credit_code": ISSUER,
                "amount": "50.00",
            }
        ),
    ]
    with pytest.raises(InvalidInput) as err:
        parse_invoices(lines, today=date(2026, 6, 1))
    assert err.value.details["fields"][0]["field"] == "invoices.1.code"
    assert "发票代码" in err.value.message
    assert [i.key.value for i in parse_invoices(lines[:1])] == [DIGITAL_NO]
    negative = InvoiceLine.parse(
        {
            "number": DIGITAL_NO,
            "issued_on": "2026-05-01",
            "issuer_credit_code": ISSUER,
            "amount": "1.00",
            "tax": "-1.00",
        }
    )
    with pytest.raises(InvalidInput) as err:
        parse_invoices([negative])
    assert err.value.details["fields"][0]["field"] == "invoices.0.tax"
    with pytest.raises(InvalidInput) as err:
        InvoiceLine.parse(
            {"number": DIGITAL_NO, "issued_on": "2026-05-01", "issuer_credit_code": ISSUER, "amount": 1.5}
        )
    assert err.value.details["fields"][0]["field"] == "amount"


def test_already_used_names_the_document_that_holds_the_invoice():
    holder = InvoiceUse(DIGITAL_NO, "expense_claim", "c-1", "BX-2026-000007", "dzb")
    refusal = already_used(normalise(DIGITAL_NO), holder)
    assert isinstance(refusal, Conflict) and refusal.http_status == 409
    assert refusal.code == "invoice_already_used"
    assert "报销单 BX-2026-000007" in refusal.message and DIGITAL_NO in refusal.message
    assert refusal.details["used_by"] == {"type": "expense_claim", "id": "c-1", "no": "BX-2026-000007"}
    assert holder.held_by({"type": "expense_claim", "id": "c-1", "no": "x"})
    assert not holder.held_by({"type": "payment_request", "id": "c-1", "no": "x"})
    pay = already_used(DIGITAL_NO, InvoiceUse(DIGITAL_NO, "payment_request", "p-1", "FK-2026-000001", "dzb"))
    assert "付款申请 FK-2026-000001" in pay.message
