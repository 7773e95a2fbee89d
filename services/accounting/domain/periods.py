"""会计期间 (accounting periods): one per calendar month, "YYYY-MM". A period is open until closed (结账); a
closed period takes no voucher. An event dated in a closed month posts into the first open month after it (a
late voucher, dated the first day of that month, its business date kept), never back into the closed one."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from services.accounting.domain.errors import invalid, refused

_PERIOD = re.compile(r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_period(text: str, field: str = "period") -> str:
    if not isinstance(text, str) or not _PERIOD.match(text):
        raise invalid("period_invalid", field, f"收到 {text!r}", period=text)
    return text


def first_day(period: str) -> date:
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, 1)


def next_period(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_period(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def posting_date(business_date: date, closed: Collection[str]) -> date:
    """The voucher's date: the business date if its month is open; else the first day of the first open month
    after it (a late event is booked when it arrives, not into a closed month)."""
    period = period_of(business_date)
    if period not in closed:
        return business_date
    while period in closed:
        period = next_period(period)
    return first_day(period)


def check_open(period: str, closed: Collection[str]) -> None:
    if period in closed:
        raise refused("period_closed", f"{period} 已结账", period=period)


def check_can_close(period: str, closed: Collection[str], earliest_open_with_vouchers: str | None) -> None:
    """A period is closed once, and in order: an earlier period still open with vouchers in it is closed
    first (its figures are the next one's opening balances)."""
    if period in closed:
        raise refused("period_already_closed", f"{period} 已于此前结账", period=period)
    if earliest_open_with_vouchers is not None and earliest_open_with_vouchers < period:
        raise refused(
            "period_close_out_of_order",
            f"{earliest_open_with_vouchers} 尚未结账，不能先结 {period}",
            period=period,
            open_before=earliest_open_with_vouchers,
        )
