"""Money is a Decimal with exactly two places (yuan.fen). Never a float: a float cannot hold 0.10 exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    """The value is not an amount of money; the message says why, in Chinese."""


def parse_money(value: object, *, positive: bool = True) -> Decimal:
    """Parse an amount from an API or event value. Floats are refused: they already lost precision."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError("金额必须以字符串或整数提交")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise MoneyError("金额不是有效数字") from None
    if not amount.is_finite():
        raise MoneyError("金额不是有效数字")
    if amount != amount.quantize(CENT):
        raise MoneyError("金额最多两位小数")
    if positive and amount <= 0:
        raise MoneyError("金额必须大于零")
    if abs(amount) >= Decimal("1e13"):
        raise MoneyError("金额超出允许范围")
    return amount.quantize(CENT)


def money_str(amount: Decimal) -> str:
    """Canonical text of an amount: what events, hashes and JSON carry."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))
