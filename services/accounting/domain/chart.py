"""会计科目表 (chart of accounts): the subset of 政府会计制度——行政事业单位会计科目和报表 (财会〔2017〕25号) this
office uses, as data. Codes and names are the standard's first-level accounts; which of them the office uses,
and which units keep 事业支出 rather than 行政支出, are demo choices (`demo=True`), to be replaced by the
office's own settings.

Two bases (平行记账): financial accounting (财务会计, accrual: assets, liabilities, net assets, revenue, expenses)
and budgetary accounting (预算会计, cash basis: budget revenue, budget expenditure, budget balances)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Basis(StrEnum):
    FINANCIAL = "financial"  # 财务会计
    BUDGETARY = "budgetary"  # 预算会计


class Category(StrEnum):
    ASSET = "asset"  # 资产类
    LIABILITY = "liability"  # 负债类
    NET_ASSETS = "net_assets"  # 净资产类
    REVENUE = "revenue"  # 收入类
    EXPENSE = "expense"  # 费用类
    BUDGET_REVENUE = "budget_revenue"  # 预算收入类
    BUDGET_EXPENDITURE = "budget_expenditure"  # 预算支出类
    BUDGET_BALANCE = "budget_balance"  # 预算结余类


CATEGORY_LABELS = {
    Category.ASSET: "资产类",
    Category.LIABILITY: "负债类",
    Category.NET_ASSETS: "净资产类",
    Category.REVENUE: "收入类",
    Category.EXPENSE: "费用类",
    Category.BUDGET_REVENUE: "预算收入类",
    Category.BUDGET_EXPENDITURE: "预算支出类",
    Category.BUDGET_BALANCE: "预算结余类",
}
BASIS_LABELS = {Basis.FINANCIAL: "财务会计", Basis.BUDGETARY: "预算会计"}


class Side(StrEnum):
    DEBIT = "debit"  # 借
    CREDIT = "credit"  # 贷


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    category: Category
    normal_side: Side  # 余额方向
    demo: bool = False  # used by this office as a demo choice (the code and name are the standard's)

    @property
    def basis(self) -> Basis:
        budgetary = {Category.BUDGET_REVENUE, Category.BUDGET_EXPENDITURE, Category.BUDGET_BALANCE}
        return Basis.BUDGETARY if self.category in budgetary else Basis.FINANCIAL


D, C = Side.DEBIT, Side.CREDIT
ACCOUNTS: tuple[Account, ...] = (
    # 财务会计 — 资产
    Account("1001", "库存现金", Category.ASSET, D, demo=True),
    Account("1002", "银行存款", Category.ASSET, D, demo=True),
    Account("1011", "零余额账户用款额度", Category.ASSET, D),
    Account("1201", "财政应返还额度", Category.ASSET, D, demo=True),
    Account("1611", "固定资产", Category.ASSET, D, demo=True),
    # 负债
    Account("2301", "应付票据", Category.LIABILITY, C, demo=True),
    Account("2302", "应付账款", Category.LIABILITY, C),
    Account("2307", "其他应付款", Category.LIABILITY, C, demo=True),
    # 净资产
    Account("3001", "累计盈余", Category.NET_ASSETS, C, demo=True),
    Account("3301", "本期盈余", Category.NET_ASSETS, C, demo=True),
    # 收入
    Account("4001", "财政拨款收入", Category.REVENUE, C, demo=True),
    # 费用
    Account("5001", "业务活动费用", Category.EXPENSE, D),
    Account("5101", "单位管理费用", Category.EXPENSE, D, demo=True),
    # 预算会计 — 预算收入
    Account("6001", "财政拨款预算收入", Category.BUDGET_REVENUE, C, demo=True),
    # 预算支出
    Account("7101", "行政支出", Category.BUDGET_EXPENDITURE, D),
    Account("7201", "事业支出", Category.BUDGET_EXPENDITURE, D),
    # 预算结余
    Account("8001", "资金结存", Category.BUDGET_BALANCE, D),
    Account("8101", "财政拨款结转", Category.BUDGET_BALANCE, C, demo=True),
    Account("8102", "财政拨款结余", Category.BUDGET_BALANCE, C, demo=True),
)
CHART: dict[str, Account] = {a.code: a for a in ACCOUNTS}

# The accounts the posting rules use (posting.py).
ZERO_BALANCE_QUOTA = "1011"  # 零余额账户用款额度
ACCOUNTS_PAYABLE = "2302"  # 应付账款
OPERATING_EXPENSE = "5001"  # 业务活动费用
ADMINISTRATIVE_EXPENDITURE = "7101"  # 行政支出
INSTITUTION_EXPENDITURE = "7201"  # 事业支出
FUND_BALANCE = "8001"  # 资金结存
EXPENDITURE_ACCOUNTS = (ADMINISTRATIVE_EXPENDITURE, INSTITUTION_EXPENDITURE)


class UnitKind(StrEnum):
    ADMINISTRATIVE = "administrative"  # 行政单位: budgetary expenditure is 7101 行政支出
    INSTITUTION = "institution"  # 事业单位: 7201 事业支出


# Demo: the office's service centres keep their accounts as 事业单位; every other unit (offices, the law
# enforcement team, stations, communities) is 行政. An office's own list replaces this.
DEMO_INSTITUTION_UNITS = frozenset({"wgzx", "dqzx", "zwzx", "gxzx", "wtzx"})


def unit_kind(unit: str, institutions: frozenset[str] = DEMO_INSTITUTION_UNITS) -> UnitKind:
    return UnitKind.INSTITUTION if unit in institutions else UnitKind.ADMINISTRATIVE


def expenditure_account(kind: UnitKind) -> str:
    return INSTITUTION_EXPENDITURE if kind is UnitKind.INSTITUTION else ADMINISTRATIVE_EXPENDITURE


def account(code: str) -> Account:
    return CHART[code]
