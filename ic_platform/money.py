"""Money is a Decimal with exactly two places (yuan.fen). Never a float: a float cannot hold 0.10 exactly.

On the wire an amount is text of exactly the documented form, `PATTERN`: ASCII digits, at most 13 before the
point and 2 after it, nothing else (no blanks, signs, exponents or full-width digits), or a JSON integer. The
form is checked before any arithmetic: Decimal takes "1e309" and "１００" happily, and rounding a number that
large fails inside the decimal module instead of being refused."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MAX_DIGITS = 13  # whole yuan: numeric(15,2) in PostgreSQL
LIMIT = Decimal(10) ** MAX_DIGITS
# What the API documents for an amount (JSON schema `pattern`, ECMA syntax and Python's alike).
PATTERN = rf"^[0-9]{{1,{MAX_DIGITS}}}(\.[0-9]{{1,2}})?$"
_AMOUNT = re.compile(rf"(-?)([0-9]{{1,{MAX_DIGITS}}})(?:\.([0-9]{{1,2}}))?")
# A number in plain notation, however long: told apart to say what is wrong with it (places, range).
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_MAX_TEXT = 64  # longer text is not looked at further


class MoneyError(ValueError):
    """The value is not an amount of money; the message says why, in Chinese."""


def parse_money(value: object, *, positive: bool = True) -> Decimal:
    """Parse an amount from an API or event value. Floats are refused: they already lost precision."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError("金额必须以字符串或整数提交")
    if isinstance(value, int):
        amount = _from_int(value)
    elif isinstance(value, Decimal):
        amount = _from_decimal(value)
    elif isinstance(value, str):
        amount = _from_text(value, positive)
    else:
        raise MoneyError("金额必须以字符串或整数提交")
    if positive and amount <= 0:
        raise MoneyError("金额必须大于零")
    return amount


def _from_int(value: int) -> Decimal:
    if abs(value) >= 10**MAX_DIGITS:
        raise MoneyError("金额超出允许范围")
    return Decimal(value).quantize(CENT)


def _from_decimal(value: Decimal) -> Decimal:
    # The range first: quantizing a Decimal of 1e309 raises instead of answering.
    if not value.is_finite():
        raise MoneyError("金额不是有效数字")
    if abs(value) >= LIMIT:
        raise MoneyError("金额超出允许范围")
    if value != value.quantize(CENT):
        raise MoneyError("金额最多两位小数")
    return value.quantize(CENT)


def _from_text(text: str, positive: bool) -> Decimal:
    match = _AMOUNT.fullmatch(text) if len(text) <= _MAX_TEXT else None
    if match is None or (positive and match.group(1)):
        raise MoneyError(_why_not(text, positive))
    return Decimal(text).quantize(CENT)


def _why_not(text: str, positive: bool) -> str:
    """Why text is not an amount, as precisely as can be told."""
    if len(text) <= _MAX_TEXT and _PLAIN.fullmatch(text):
        if text.startswith("-") and positive:
            return "金额必须大于零"
        whole, _, places = text.lstrip("-").partition(".")
        if len(places) > 2:
            return "金额最多两位小数"
        if len(whole) > MAX_DIGITS:
            return "金额超出允许范围"
    return "金额不是有效数字（只能是数字，最多两位小数，如 1234.50）"


def money_str(amount: Decimal) -> str:
    """Canonical text of an amount: what events, hashes and JSON carry."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))
