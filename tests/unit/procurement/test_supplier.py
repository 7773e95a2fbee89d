"""The supplier registry: registration, standing by dated periods, bank accounts with their history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.procurement.domain.errors import ProcurementInputInvalid
from services.procurement.domain.events import (
    SupplierBankAccountChanged,
    SupplierRegistered,
    SupplierStatusChanged,
)
from services.procurement.domain.supplier import BankAccount, Standing, Supplier, same_name
from tests.unit.procurement.factories import AT, REAL_CODES, refusal, supplier

D0 = date(2026, 1, 1)


def test_registration_normalises_the_code_and_names_the_registrar_as_a_party():
    s = Supplier.register("s1", " 91440300708461136t", "深圳市腾讯计算机系统有限公司", "马化腾", "reg", AT)
    assert s.credit_code == REAL_CODES[2] and s.parties == {"supplier_registrar": "reg"}
    (event,) = s.events
    assert isinstance(event, SupplierRegistered) and event.payload()["registrar"] == "reg"


@pytest.mark.parametrize(
    "code, name, rep, field",
    [
        ("91440300708461136U", "某公司", "某人", "credit_code"),
        ("9144030070846113", "某公司", "某人", "credit_code"),
        (REAL_CODES[0], " ", "某人", "name"),
        (REAL_CODES[0], "某公司", "", "legal_representative"),
    ],
)
def test_bad_registrations_are_refused_naming_the_field(code, name, rep, field):
    with pytest.raises(ProcurementInputInvalid) as caught:
        Supplier.register("s", code, name, rep, "reg", AT)
    assert caught.value.details["fields"][0]["field"] == field


def test_an_invalid_code_says_what_is_wrong_and_what_the_check_character_should_be():
    with pytest.raises(ProcurementInputInvalid) as caught:
        Supplier.register("s", "91440300708461136U", "某公司", "某人", "reg", AT)
    assert "GB 32100-2015" in caught.value.message and "应为 T" in caught.value.message
    assert caught.value.details["reason"] == "check"


def test_a_supplier_is_valid_when_no_period_covers_the_day():
    s = supplier()
    s.suspend("未按期履约", date(2026, 3, 1), date(2026, 3, 31), "inspector", AT)
    assert s.standing_on(date(2026, 2, 28))[0] is Standing.VALID
    assert s.standing_on(date(2026, 3, 1))[0] is Standing.SUSPENDED
    assert s.standing_on(date(2026, 3, 31))[0] is Standing.SUSPENDED
    assert s.standing_on(date(2026, 4, 1))[0] is Standing.VALID


def test_blacklisting_outweighs_a_suspension_and_the_refusal_names_reason_and_period():
    s = supplier()
    s.suspend("资料待核", date(2026, 1, 1), None, "inspector", AT)
    s.blacklist("提供虚假材料谋取中标", date(2026, 2, 1), date(2029, 1, 31), "inspector", AT)
    standing, period = s.standing_on(date(2026, 6, 1))
    assert standing is Standing.BLACKLISTED and period.reason == "提供虚假材料谋取中标"
    error = refusal(s.check_in_good_standing, date(2026, 6, 1), "投标")
    assert "2026-02-01 至 2029-01-31" in error.message and error.details["ends_on"] == "2029-01-31"
    assert [e.status for e in s.events if isinstance(e, SupplierStatusChanged)] == ["suspended", "blacklisted"]


def test_a_status_needs_a_reason_and_a_sensible_period():
    s = supplier()
    with pytest.raises(ProcurementInputInvalid, match="必须说明理由"):
        s.blacklist(" ", D0, None, "inspector", AT)
    with pytest.raises(ProcurementInputInvalid) as caught:
        s.suspend("x", D0, D0 - timedelta(days=1), "inspector", AT)
    assert caught.value.details["fields"][0]["field"] == "ends_on"


def test_lifting_ends_the_periods_the_day_before_and_keeps_them():
    s = supplier()
    s.suspend("资料待核", date(2026, 1, 1), None, "inspector", AT)
    assert s.lift(date(2026, 2, 1), "资料已补齐", "inspector", AT) == 1
    (period,) = s.periods
    assert period.ends_on == date(2026, 1, 31) and period.lifted_by == "inspector"
    assert s.standing_on(date(2026, 1, 31))[0] is Standing.SUSPENDED  # history stays true
    assert s.standing_on(date(2026, 2, 1))[0] is Standing.VALID
    assert s.events[-1].status == "valid" and s.events[-1].previous == "suspended"


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.integers(-30, 30), st.integers(0, 60))
def test_a_period_applies_exactly_from_its_first_to_its_last_day(offset, length):
    s = supplier()
    start = D0 + timedelta(days=10)
    s.suspend("x", start, start + timedelta(days=length), "inspector", AT)
    day = start + timedelta(days=offset)
    assert (s.standing_on(day)[0] is Standing.SUSPENDED) == (0 <= offset <= length)


def test_bank_accounts_keep_who_changed_what_when_and_why():
    s = supplier()
    first = BankAccount("工商银行", s.name, "6222020200001234567")
    s.add_account(first, "reg", AT, "开户")
    later = AT + timedelta(days=40)
    second = BankAccount("建设银行", s.name, "6217000010001234567")
    s.replace_account(first.account_no, second, "reg2", later, "原账户销户")
    assert s.has_account(second.account_no) and not s.has_account(first.account_no)
    change = s.account_changes[-1]
    assert (change.change, change.before, change.after, change.changed_by) == ("replaced", first, second, "reg2")
    event = s.events[-1]
    assert isinstance(event, SupplierBankAccountChanged)
    assert event.payload()["before"]["account_no"] == first.account_no and event.payload()["reason"] == "原账户销户"
    assert s.account_changes_within(later + timedelta(days=3), days=7) == [change]
    assert s.account_changes_within(later + timedelta(days=8), days=7) == []


def test_an_account_must_be_in_the_suppliers_name_digits_only_and_changed_with_a_reason():
    s = supplier()
    error = refusal(s.add_account, BankAccount("工商银行", "另一家公司", "6222020200001234567"), "reg", AT, "开户")
    assert error.code == "bank_account_name_mismatch"
    with pytest.raises(ProcurementInputInvalid):
        s.add_account(BankAccount("工商银行", s.name, "6222-0202"), "reg", AT, "开户")
    with pytest.raises(ProcurementInputInvalid):
        s.add_account(BankAccount("工商银行", s.name, "6222020200001234567"), "reg", AT, "")
    assert refusal(s.remove_account, "123456789", "reg", AT, "x").code == "bank_account_unknown"


def test_full_width_and_half_width_brackets_are_the_same_name():
    assert same_name("华为技术有限公司（深圳）", "华为技术有限公司(深圳)")
    assert not same_name("华为技术有限公司", "华为科技有限公司")


def test_removing_an_account_is_recorded():
    s = supplier()
    s.add_account(BankAccount("工商银行", s.name, "6222020200001234567"), "reg", AT, "开户")
    s.remove_account("6222020200001234567", "reg", datetime(2026, 5, 1, tzinfo=UTC), "销户")
    assert s.accounts == [] and s.account_changes[-1].change == "removed"
