"""The demo organisation that ``make run`` seeds and the tests use: 新桥街道办事处, fiscal year 2026.

Pure data and pure functions, standard library only, deterministic. The tables live in ``units.py``,
``users.py`` and ``budget_lines.py``; this module gathers them and answers the usual questions about them.

Demo only: every demo user logs in with DEMO_PASSWORD. No real deployment may seed these accounts.
"""

from __future__ import annotations

from deploy.seed.budget_lines import (
    BUDGET_LINES,
    ECONOMIC_CLASSES,
    EXPENDITURE_KIND_LABELS,
    FISCAL_YEAR,
    FUNCTIONAL_CLASSES,
    FUND_SOURCE_LABELS,
    SOURCE_KIND_LABELS,
    BudgetLineSeed,
)
from deploy.seed.units import BUSINESS_LINE_LABELS, UNIT_KIND_LABELS, UNITS, Unit
from deploy.seed.users import ROLE_LABELS, ROLES, USERS, User

__all__ = [
    "BUDGET_LINES",
    "BUSINESS_LINE_LABELS",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "ECONOMIC_CLASSES",
    "EXPENDITURE_KIND_LABELS",
    "FISCAL_YEAR",
    "FUNCTIONAL_CLASSES",
    "FUND_SOURCE_LABELS",
    "ORG_CODE",
    "ORG_NAME",
    "ROLES",
    "ROLE_LABELS",
    "SOURCE_KIND_LABELS",
    "UNITS",
    "UNIT_KIND_LABELS",
    "USERS",
    "BudgetLineSeed",
    "Unit",
    "User",
    "budget_lines_of",
    "demo_logins",
    "head_of",
    "responsible_unit",
    "units_by_code",
    "user",
    "users_with_role",
]

ORG_CODE = "xinqiao"  # the tenant
ORG_NAME = "新桥街道办事处"

# One shared password for every demo account. Demo only, never for a real deployment.
DEMO_PASSWORD = "demo1234"

# The short, memorable logins shown by `make run`, in the order a document travels.
DEMO_LOGINS: tuple[str, ...] = (
    "clerk",
    "head",
    "finance",
    "accountant",
    "leader",
    "principal",
    "inspector",
    "auditor",
    "admin",
)


def units_by_code() -> dict[str, Unit]:
    return {unit.code: unit for unit in UNITS}


def user(username: str) -> User:
    """The demo user with this username; KeyError if there is none."""
    for candidate in USERS:
        if candidate.username == username:
            return candidate
    raise KeyError(username)


def head_of(unit_code: str) -> User:
    """The unit head (部门负责人) of a unit; KeyError if the unit has none."""
    for candidate in USERS:
        if candidate.unit_code == unit_code and "unit_head" in candidate.roles:
            return candidate
    raise KeyError(unit_code)


def users_with_role(role: str) -> list[User]:
    """Users holding the role, in table order."""
    return [candidate for candidate in USERS if role in candidate.roles]


def responsible_unit(business_line: str) -> Unit:
    """The 归口管理部门 of a business line (procurement, assets, construction, finance, contract)."""
    for unit in UNITS:
        if business_line in unit.responsible_for:
            return unit
    raise KeyError(business_line)


def budget_lines_of(unit_code: str) -> list[BudgetLineSeed]:
    """A unit's budget lines, in table order."""
    return [line for line in BUDGET_LINES if line.unit_code == unit_code]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label in Chinese, unit name) of the memorable demo users, for printing."""
    units = units_by_code()
    result = []
    for username in DEMO_LOGINS:
        account = user(username)
        result.append((account.username, ROLE_LABELS[account.roles[0]], units[account.unit_code].name))
    return result
