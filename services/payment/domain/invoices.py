"""Invoices (发票): recognised however they are written, and used once. Pure: no I/O.

An invoice is identified by its number:
- a 全电发票 (fully digitalised e-invoice, 数电票) has one 20-digit number (发票号码) and no code;
- an older invoice (增值税专用/普通发票, paper or electronic) has a 10- or 12-digit code (发票代码) and an 8-digit
  number: the pair identifies it, the number alone does not.

People type numbers from paper or PDF in many ways: full-width digits (２６４４…), spaces and ideographic spaces,
dashes of every width, a "No." prefix in either case, the code and the number in one field separated by a dash
or a blank. `normalise` reduces all of them to one `InvoiceKey`, whose `value` is what the registry's UNIQUE
constraint holds (payment's `invoice_use` table): "26442000000123456789" for a 全电发票, "044001900111-12345678"
(code, dash, number) for an older one. A 20-digit run with no separator is always a 全电发票 number: an older
invoice's 12-digit code and 8-digit number run together are ambiguous with it, so they must come apart (two
fields, or a separator between them).

An invoice used by a document (an expense claim, a payment request) is held by it until the document is
cancelled or rejected: then the invoice is released and may be used again (a corrected claim, a new request).
Returned or withdrawn documents keep their invoices (they come back, usually with the same invoices)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ic_platform.errors import Conflict, InvalidInput
from services.procurement.domain import credit_code

DIGITAL = "digital"  # 全电发票: one 20-digit number
LEGACY = "legacy"  # 10/12-digit code + 8-digit number

# What a document type is called when a refusal names the document that used an invoice.
DOCUMENT_LABELS = {
    "expense_claim": "报销单",
    "payment_request": "付款申请",
    "matter_application": "事前申请",
}

# Separators people put inside numbers (after NFKC folding, which turns full-width forms into ASCII and the
# ideographic space into a blank): blanks, every dash, dots, slashes, underscores.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−﹘﹣_./·]+")
_PREFIX = re.compile(r"^\s*(?:no|№)\s*[.:：]?\s*", re.IGNORECASE)
_GROUPS = re.compile(r"[0-9]+")


class InvoiceError(InvalidInput):
    """Bad invoice input (422 `invalid_input`), naming the field in Chinese as every bad input does
    (`details.fields[].field` is the API's field path, `reason` says what is wrong)."""

    def __init__(self, field: str, label: str, reason: str, value: Any = None):
        self.field, self.label, self.reason, self.value = field, label, reason, value
        super().__init__(
            "invalid_input",
            f"输入有误：{field}: {label}{reason}",
            {
                "fields": [{"field": field, "reason": f"{label}{reason}"}],
                "value": None if value is None else str(value),
            },
        )

    def at(self, prefix: str) -> InvoiceError:
        """The same error for the invoice at `prefix` in a request (e.g. "invoices.2")."""
        return InvoiceError(f"{prefix}.{self.field}", self.label, self.reason, self.value)


@dataclass(frozen=True)
class InvoiceKey:
    kind: str  # DIGITAL or LEGACY
    number: str  # 20 digits (DIGITAL) or 8 digits (LEGACY)
    code: str | None = None  # 10 or 12 digits (LEGACY only)

    @property
    def value(self) -> str:
        """The registry's key: what the database's UNIQUE constraint holds."""
        return self.number if self.code is None else f"{self.code}-{self.number}"

    @property
    def label(self) -> str:
        """As a person reads it in a message."""
        if self.code is None:
            return f"全电发票 {self.number}"
        return f"发票代码 {self.code} 号码 {self.number}"

    def __str__(self) -> str:
        return self.value


def _fold(text: Any, field: str, label: str) -> str:
    if not isinstance(text, str | int) or isinstance(text, bool):
        raise InvoiceError(field, label, "应为文本", text)
    folded = unicodedata.normalize("NFKC", str(text))
    if len(folded) > 64:
        raise InvoiceError(field, label, "过长（最多 64 个字符）", folded[:64])
    return _PREFIX.sub("", folded.strip())


def _digits_only(text: str, field: str, label: str, original: Any) -> str:
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise InvoiceError(field, label, "不能为空", original)
    if not digits.isascii() or not digits.isdigit():
        bad = next(c for c in digits if not (c.isascii() and c.isdigit()))
        raise InvoiceError(field, label, f"只能由数字组成，含有「{bad}」", original)
    return digits


def normalise(number: Any, code: Any = None) -> InvoiceKey:
    """The invoice's key from its number (and code, for an older invoice), however written; InvoiceError (422,
    naming 发票号码 or 发票代码) when it is not an invoice number."""
    number_text = _fold(number, "number", "发票号码")
    code_text = _fold(code, "code", "发票代码") if code not in (None, "") else ""
    if not code_text:
        groups = _GROUPS.findall(number_text)
        separated = _SEPARATORS.sub("", number_text) == "".join(groups) and len(groups) == 2
        if separated and len(groups[0]) in (10, 12) and len(groups[1]) == 8:
            code_text, number_text = groups  # "代码-号码" written in one field
    digits = _digits_only(number_text, "number", "发票号码", number)
    if code_text:
        code_digits = _digits_only(code_text, "code", "发票代码", code)
        if len(code_digits) not in (10, 12):
            raise InvoiceError("code", "发票代码", f"应为 10 位或 12 位数字，实为 {len(code_digits)} 位", code)
        if len(digits) != 8:
            raise InvoiceError("number", "发票号码", f"有发票代码时应为 8 位数字，实为 {len(digits)} 位", number)
        return InvoiceKey(LEGACY, digits, code_digits)
    if len(digits) == 8:
        raise InvoiceError("code", "发票代码", "不能为空：8 位发票号码须与 10 位或 12 位发票代码一起填写", code)
    if len(digits) != 20:
        raise InvoiceError(
            "number", "发票号码", f"应为 20 位全电发票号码，或 8 位号码加发票代码，实为 {len(digits)} 位", number
        )
    return InvoiceKey(DIGITAL, digits)


def normalise_credit_code(text: Any) -> str:
    """The issuer's unified social credit code (销售方统一社会信用代码), checked; 422 naming the field."""
    if not isinstance(text, str):
        raise InvoiceError("issuer_credit_code", "销售方统一社会信用代码", "应为文本", text)
    folded = unicodedata.normalize("NFKC", text)
    try:
        return credit_code.validate(_SEPARATORS.sub("", folded))
    except credit_code.CreditCodeError as exc:
        raise InvoiceError("issuer_credit_code", "销售方统一社会信用代码", str(exc), text) from None


@dataclass(frozen=True)
class Invoice:
    """One invoice as a document lists it: `amount` is the total with tax (价税合计), `tax` the tax in it."""

    key: InvoiceKey
    issued_on: date
    issuer_credit_code: str
    amount: Decimal
    tax: Decimal = Decimal("0.00")
    issuer_name: str | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvoiceError("amount", "发票金额（价税合计）", "必须大于零", self.amount)
        if self.tax < 0:
            raise InvoiceError("tax", "发票税额", "不能为负数", self.tax)
        if self.tax >= self.amount:
            raise InvoiceError("tax", "发票税额", f"（{self.tax}）应小于价税合计（{self.amount}）", self.tax)

    @classmethod
    def of(
        cls,
        *,
        number: Any,
        code: Any = None,
        issued_on: date,
        issuer_credit_code: Any,
        amount: Decimal,
        tax: Decimal = Decimal("0.00"),
        issuer_name: str | None = None,
        today: date | None = None,
    ) -> Invoice:
        if today is not None and issued_on > today:
            raise InvoiceError("issued_on", "开票日期", f"（{issued_on}）不能晚于今天（{today}）", issued_on)
        return cls(
            normalise(number, code), issued_on, normalise_credit_code(issuer_credit_code), amount, tax, issuer_name
        )

    @property
    def ref(self) -> dict[str, str]:
        """As events and other documents carry it: {key, number, amount}."""
        return {"key": self.key.value, "number": self.key.number, "amount": f"{self.amount:.2f}"}

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.value,
            "kind": self.key.kind,
            "number": self.key.number,
            "code": self.key.code,
            "issued_on": self.issued_on.isoformat(),
            "issuer_credit_code": self.issuer_credit_code,
            "issuer_name": self.issuer_name,
            "amount": f"{self.amount:.2f}",
            "tax": f"{self.tax:.2f}",
        }


def distinct(invoices: list[Invoice]) -> list[Invoice]:
    """The same invoice twice on one document, however written, is refused (422 naming the entry)."""
    seen: dict[str, int] = {}
    for i, inv in enumerate(invoices):
        if inv.key.value in seen:
            first = seen[inv.key.value]
            raise InvalidInput(
                "invoice_duplicated",
                f"第 {i + 1} 张发票与第 {first + 1} 张是同一张发票（{inv.key.label}），同一单据不能重复列入",
                {
                    "fields": [{"field": f"invoices.{i}.number", "reason": f"与第 {first + 1} 张发票重复"}],
                    "key": inv.key.value,
                    "first": first,
                },
            )
        seen[inv.key.value] = i
    return invoices


@dataclass(frozen=True)
class InvoiceUse:
    """Who holds an invoice: the document that used it (type, id, no) and its unit."""

    key: str
    document_type: str
    document_id: str
    document_no: str
    unit: str

    @property
    def document(self) -> dict[str, str]:
        return {"type": self.document_type, "id": self.document_id, "no": self.document_no}

    def held_by(self, document: dict[str, str]) -> bool:
        return self.document_type == document["type"] and self.document_id == str(document["id"])


def already_used(key: InvoiceKey | str, holder: InvoiceUse) -> Conflict:
    """The refusal when an invoice is held by another document: it names that document (409)."""
    label = key.label if isinstance(key, InvoiceKey) else f"发票 {key}"
    kind = DOCUMENT_LABELS.get(holder.document_type, holder.document_type)
    return Conflict(
        "invoice_already_used",
        f"{label} 已在{kind} {holder.document_no} 中使用，同一张发票不能重复报销或支付",
        {"key": holder.key, "used_by": holder.document, "unit": holder.unit},
    )
