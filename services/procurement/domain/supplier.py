"""The supplier registry (供应商库). Pure: the service layer stores and loads a Supplier and publishes its events.

A supplier is identified by its unified social credit code (GB 32100-2015, validated with both check digits).
Its registrar (the staff member who registered it) is a named party: the conflict matrix keeps the registrar
from approving payments to it. Bank accounts are kept with their change history (who, what, when, why): a
change shortly before a payment is a risk signal. Standing is a set of dated periods: a suspension (暂停) or a
blacklisting (列入不良行为记录名单/黑名单, 政府采购法 第77条: one to three years) is in force from its first to
its last day; a supplier is valid on any day no period covers. A supplier not valid on a day cannot quote, bid
or be awarded on that day. Periods are never deleted: lifting one early ends it the day before and records who
lifted it and why."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from services.procurement.domain import credit_code
from services.procurement.domain.errors import invalid, refused
from services.procurement.domain.events import SupplierBankAccountChanged, SupplierRegistered, SupplierStatusChanged


class Standing(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"  # 暂停
    BLACKLISTED = "blacklisted"  # 黑名单


STANDING_LABELS = {Standing.VALID: "正常", Standing.SUSPENDED: "暂停", Standing.BLACKLISTED: "黑名单"}
SEVERITY = {Standing.VALID: 0, Standing.SUSPENDED: 1, Standing.BLACKLISTED: 2}


@dataclass(frozen=True)
class StatusPeriod:
    standing: Standing
    reason: str
    starts_on: date
    ends_on: date | None  # last day in force, inclusive; None: until lifted
    decided_by: str
    decided_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None
    lift_reason: str | None = None

    def in_force(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)

    def describe(self) -> str:
        until = self.ends_on.isoformat() if self.ends_on else "解除为止"
        return f"{STANDING_LABELS[self.standing]}（{self.starts_on.isoformat()} 至 {until}，原因：{self.reason}）"


@dataclass(frozen=True)
class BankAccount:
    bank_name: str  # 开户行
    account_name: str  # 户名: must be the supplier's registered name
    account_no: str  # digits only, 8 to 32


@dataclass(frozen=True)
class BankAccountChange:
    change: str  # added / replaced / removed
    before: BankAccount | None
    after: BankAccount | None
    changed_by: str
    changed_at: datetime
    reason: str


def same_name(a: str, b: str) -> bool:
    """Names compare after NFKC (full-width brackets and letters as half-width) and without spaces: 有限公司（北京）
    and 有限公司(北京) are the same name written two ways."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    return norm(a) == norm(b)


@dataclass
class Supplier:
    id: str
    credit_code: str
    name: str
    legal_representative: str
    registrar: str  # a party: the conflict matrix keeps them from approving payments to this supplier
    registered_at: datetime
    sme: bool = False  # 中小企业: payment terms are bounded (保障中小企业款项支付条例)
    accounts: list[BankAccount] = field(default_factory=list)
    account_changes: list[BankAccountChange] = field(default_factory=list)
    periods: list[StatusPeriod] = field(default_factory=list)
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def register(
        cls,
        id: str,
        code: str,
        name: str,
        legal_representative: str,
        registrar: str,
        at: datetime,
        *,
        sme: bool = False,
    ) -> Supplier:
        try:
            normalised = credit_code.validate(code)
        except credit_code.CreditCodeError as exc:
            raise invalid("credit_code_invalid", "credit_code", f"{code}：{exc}", reason=exc.reason) from None
        if not (name or "").strip():
            raise invalid("supplier_name_required", "name")
        if not (legal_representative or "").strip():
            raise invalid("legal_representative_required", "legal_representative")
        supplier = cls(id, normalised, name.strip(), legal_representative.strip(), registrar, at, sme=sme)
        supplier.events.append(
            SupplierRegistered(id, normalised, supplier.name, supplier.legal_representative, registrar, at)
        )
        return supplier

    @property
    def parties(self) -> dict[str, str]:
        return {"supplier_registrar": self.registrar}

    # ── standing ──
    def standing_on(self, on: date) -> tuple[Standing, StatusPeriod | None]:
        """The most severe period in force on the day (blacklisted over suspended), or valid."""
        in_force = [p for p in self.periods if p.in_force(on)]
        if not in_force:
            return Standing.VALID, None
        worst = max(in_force, key=lambda p: (SEVERITY[p.standing], p.starts_on))
        return worst.standing, worst

    def check_in_good_standing(self, on: date, action: str) -> None:
        """`action` says what was tried (报价, 投标, 确定为中标（成交）供应商, 签订合同)."""
        standing, period = self.standing_on(on)
        if standing is not Standing.VALID:
            raise refused(
                "supplier_not_in_good_standing",
                f"供应商 {self.name}（{self.credit_code}）在 {on.isoformat()} 处于{period.describe()}，不能{action}",
                supplier_id=self.id,
                standing=standing.value,
                reason=period.reason,
                starts_on=period.starts_on.isoformat(),
                ends_on=period.ends_on.isoformat() if period.ends_on else None,
                on=on.isoformat(),
            )

    def suspend(self, reason: str, starts_on: date, ends_on: date | None, by: str, at: datetime) -> None:
        self._add_period(Standing.SUSPENDED, reason, starts_on, ends_on, by, at)

    def blacklist(self, reason: str, starts_on: date, ends_on: date | None, by: str, at: datetime) -> None:
        self._add_period(Standing.BLACKLISTED, reason, starts_on, ends_on, by, at)

    def _add_period(
        self, standing: Standing, reason: str, starts_on: date, ends_on: date | None, by: str, at: datetime
    ) -> None:
        if not (reason or "").strip():
            raise invalid("supplier_status_reason_required", "reason", STANDING_LABELS[standing])
        if ends_on is not None and ends_on < starts_on:
            raise invalid(
                "supplier_status_period_invalid",
                "ends_on",
                f"结束日期 {ends_on.isoformat()} 早于开始日期 {starts_on.isoformat()}",
            )
        previous, _ = self.standing_on(starts_on)
        self.periods.append(StatusPeriod(standing, reason.strip(), starts_on, ends_on, by, at))
        self.events.append(
            SupplierStatusChanged(self.id, standing.value, previous.value, reason.strip(), starts_on, ends_on, by)
        )

    def lift(self, on: date, reason: str, by: str, at: datetime) -> int:
        """Lift every period in force on `on` or later (恢复正常): each ends the day before `on`; a period that had
        not started yet ends before it starts and so never applies. Returns how many were lifted."""
        if not (reason or "").strip():
            raise invalid("supplier_status_reason_required", "reason", "恢复正常")
        previous, _ = self.standing_on(on)
        lifted = 0
        for i, period in enumerate(self.periods):
            if period.lifted_at is None and (period.ends_on is None or period.ends_on >= on):
                self.periods[i] = replace(
                    period, ends_on=on - timedelta(days=1), lifted_by=by, lifted_at=at, lift_reason=reason.strip()
                )
                lifted += 1
        if lifted:
            self.events.append(
                SupplierStatusChanged(self.id, Standing.VALID.value, previous.value, reason.strip(), on, None, by)
            )
        return lifted

    # ── bank accounts ──
    def add_account(self, account: BankAccount, by: str, at: datetime, reason: str) -> None:
        self._check_account(account, reason)
        self.accounts.append(account)
        self._record("added", None, account, by, at, reason)

    def replace_account(self, account_no: str, new: BankAccount, by: str, at: datetime, reason: str) -> None:
        old = self._account(account_no)
        self._check_account(new, reason)
        self.accounts[self.accounts.index(old)] = new
        self._record("replaced", old, new, by, at, reason)

    def remove_account(self, account_no: str, by: str, at: datetime, reason: str) -> None:
        old = self._account(account_no)
        if not (reason or "").strip():
            raise invalid("bank_account_change_reason_required", "reason")
        self.accounts.remove(old)
        self._record("removed", old, None, by, at, reason)

    def has_account(self, account_no: str) -> bool:
        """Is this one of the supplier's currently registered accounts? (the payment gate asks it)"""
        return any(a.account_no == account_no for a in self.accounts)

    def account_changes_within(self, on: datetime, days: int) -> list[BankAccountChange]:
        """Changes in the `days` before `on` (a payment's time): what risk looks at."""
        since = on - timedelta(days=days)
        return [c for c in self.account_changes if since <= c.changed_at <= on]

    def _account(self, account_no: str) -> BankAccount:
        for account in self.accounts:
            if account.account_no == account_no:
                return account
        raise refused("bank_account_unknown", f"供应商 {self.name} 没有登记账号 {account_no}", account_no=account_no)

    def _check_account(self, account: BankAccount, reason: str) -> None:
        if not (reason or "").strip():
            raise invalid("bank_account_change_reason_required", "reason")
        if not (account.account_no.isdigit() and 8 <= len(account.account_no) <= 32):
            raise invalid("bank_account_invalid", "account_no", f"实为「{account.account_no}」")
        if not same_name(account.account_name, self.name):
            raise refused(
                "bank_account_name_mismatch",
                f"户名「{account.account_name}」，供应商名称「{self.name}」",
                account_name=account.account_name,
                supplier_name=self.name,
            )

    def _record(
        self, change: str, before: BankAccount | None, after: BankAccount | None, by: str, at: datetime, reason: str
    ) -> None:
        entry = BankAccountChange(change, before, after, by, at, reason.strip())
        self.account_changes.append(entry)
        self.events.append(
            SupplierBankAccountChanged(self.id, change, _wire(before), _wire(after), by, at, entry.reason)
        )


def _wire(account: BankAccount | None) -> dict | None:
    if account is None:
        return None
    return {"bank_name": account.bank_name, "account_name": account.account_name, "account_no": account.account_no}
