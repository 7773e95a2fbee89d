"""Invariants of the demo organisation that `make run` seeds and the other tests rely on."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from deploy.seed import demo_org
from deploy.seed.demo_org import (
    BUDGET_LINES,
    BUSINESS_LINE_LABELS,
    DEMO_PASSWORD,
    ECONOMIC_CLASSES,
    EXPENDITURE_KIND_LABELS,
    FISCAL_YEAR,
    FUNCTIONAL_CLASSES,
    FUND_SOURCE_LABELS,
    ORG_CODE,
    ROLE_LABELS,
    SOURCE_KIND_LABELS,
    UNITS,
    USERS,
    demo_logins,
    head_of,
    responsible_unit,
    units_by_code,
    users_with_role,
)

GLOSSARY_ROLES = {
    "clerk",
    "unit_head",
    "finance_reviewer",
    "accountant",
    "leader_in_charge",
    "principal",
    "inspector",
    "auditor",
    "admin",
    "cashier",
}


def _duplicates(values):
    return sorted(value for value, count in Counter(values).items() if count > 1)


# --- units -------------------------------------------------------------------------------------------


def test_23_offices_and_7_communities():
    kinds = Counter(unit.kind for unit in UNITS)
    assert kinds == {"office": 23, "community": 7}


def test_unit_codes_and_names_are_unique():
    assert _duplicates(unit.code for unit in UNITS) == []
    assert _duplicates(unit.name for unit in UNITS) == []
    assert ORG_CODE not in units_by_code()


def test_unit_codes_are_lowercase_identifiers():
    for unit in UNITS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", unit.code), unit.code


def test_every_unit_leader_in_charge_is_a_leader():
    leaders = {user.username for user in users_with_role("leader_in_charge")}
    for unit in UNITS:
        assert unit.leader_in_charge in leaders, unit


def test_leader_count_and_every_leader_is_in_charge_of_something():
    leaders = users_with_role("leader_in_charge")
    assert 4 <= len(leaders) <= 6
    in_charge = {unit.leader_in_charge for unit in UNITS}
    assert {leader.username for leader in leaders} == in_charge


def test_each_business_line_has_exactly_one_responsible_unit():
    owners = Counter(line for unit in UNITS for line in unit.responsible_for)
    assert set(owners) == set(BUSINESS_LINE_LABELS)
    assert all(count == 1 for count in owners.values()), owners
    assert responsible_unit("finance").name == "财政办公室"
    assert responsible_unit("construction").name == "城市建设办公室"
    with pytest.raises(KeyError):
        responsible_unit("no_such_line")


def test_communities_are_not_responsible_units():
    for unit in UNITS:
        if unit.kind == "community":
            assert unit.responsible_for == ()


# --- users -------------------------------------------------------------------------------------------


def test_usernames_are_unique():
    assert _duplicates(user.username for user in USERS) == []


def test_full_names_are_unique_and_chinese():
    assert _duplicates(user.full_name for user in USERS) == []
    for user in USERS:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", user.full_name), user


def test_users_belong_to_existing_units_and_have_glossary_roles():
    units = units_by_code()
    for user in USERS:
        assert user.unit_code in units, user
        assert user.roles, user
        assert set(user.roles) <= GLOSSARY_ROLES, user
    assert set(ROLE_LABELS) == GLOSSARY_ROLES


@pytest.mark.parametrize("role", ["unit_head", "clerk"])
def test_every_unit_has_exactly_one(role):
    per_unit = Counter(user.unit_code for user in USERS if role in user.roles)
    assert per_unit == {unit.code: 1 for unit in UNITS}


def test_head_of_returns_the_unit_head():
    for unit in UNITS:
        head = head_of(unit.code)
        assert head.unit_code == unit.code
        assert "unit_head" in head.roles
    with pytest.raises(KeyError):
        head_of("no_such_unit")


def test_control_posts():
    units = units_by_code()
    (principal,) = users_with_role("principal")
    (inspector,) = users_with_role("inspector")
    (auditor,) = users_with_role("auditor")
    (admin,) = users_with_role("admin")
    reviewers = users_with_role("finance_reviewer")
    assert len(reviewers) == 2
    assert {reviewer.unit_code for reviewer in reviewers} == {responsible_unit("finance").code}
    assert units[inspector.unit_code].name == "纪检监察办公室"
    # The watchers are not the watched: they hold no other role and do not sit in the finance unit.
    for watcher in (inspector, auditor):
        assert watcher.roles == (watcher.roles[0],)
        assert watcher.unit_code != responsible_unit("finance").code
    assert principal.username == "principal" and admin.username == "admin"


def test_segregation_in_role_assignment():
    # Nobody is both a clerk and an approver: the initiator never approves their own document.
    approving = {"unit_head", "finance_reviewer", "leader_in_charge", "principal"}
    for user in USERS:
        if "clerk" in user.roles:
            assert not approving & set(user.roles), user


MEMORABLE = {
    "clerk": ("clerk", "dzb"),
    "head": ("unit_head", "dzb"),
    "finance": ("finance_reviewer", None),
    "accountant": ("accountant", None),
    "leader": ("leader_in_charge", None),
    "principal": ("principal", None),
    "inspector": ("inspector", None),
    "auditor": ("auditor", None),
    "admin": ("admin", None),
}


@pytest.mark.parametrize("username", sorted(MEMORABLE))
def test_memorable_demo_users(username):
    role, unit_code = MEMORABLE[username]
    account = demo_org.user(username)
    assert role in account.roles
    if unit_code is not None:
        assert account.unit_code == unit_code


def test_memorable_head_and_leader_are_in_charge_of_the_memorable_clerk():
    clerk_unit = units_by_code()[demo_org.user("clerk").unit_code]
    assert clerk_unit.name == "党政综合办公室"
    assert head_of(clerk_unit.code).username == "head"
    assert clerk_unit.leader_in_charge == "leader"


def test_demo_logins():
    logins = demo_logins()
    assert [username for username, _, _ in logins] == list(MEMORABLE)
    assert ("clerk", "经办人", "党政综合办公室") in logins
    assert ("finance", "财务审核", "财政办公室") in logins
    for _, role_label, unit_name in logins:
        assert role_label in ROLE_LABELS.values()
        assert unit_name in {unit.name for unit in UNITS}
    assert DEMO_PASSWORD == "demo1234"


def test_unknown_user_raises():
    with pytest.raises(KeyError):
        demo_org.user("nobody")


# --- budget lines ------------------------------------------------------------------------------------


def test_line_codes_are_unique_and_readable():
    assert _duplicates(line.code for line in BUDGET_LINES) == []
    for line in BUDGET_LINES:
        assert line.code.startswith(f"{FISCAL_YEAR}-{line.unit_code.upper()}-{line.economic_class}-"), line


def test_every_line_belongs_to_an_existing_unit():
    units = units_by_code()
    for line in BUDGET_LINES:
        assert line.unit_code in units, line


def test_every_unit_has_basic_lines():
    units_with_basic = {line.unit_code for line in BUDGET_LINES if line.expenditure_kind == "basic"}
    assert units_with_basic == set(units_by_code())


def test_several_units_have_project_lines():
    units_with_projects = {line.unit_code for line in BUDGET_LINES if line.expenditure_kind == "project"}
    assert len(units_with_projects) >= 5
    assert units_with_projects & {u.code for u in UNITS if u.kind == "community"}


def test_amounts_are_positive_with_at_most_two_decimals():
    for line in BUDGET_LINES:
        assert isinstance(line.amount, Decimal), line
        assert line.amount > 0, line
        assert line.amount == line.amount.quantize(Decimal("0.01")), line
        assert line.amount.as_tuple().exponent >= -2, line


def test_amounts_are_realistic():
    amounts = [line.amount for line in BUDGET_LINES]
    assert min(amounts) >= Decimal("1000")
    assert max(amounts) <= Decimal("10000000")


def test_classification_codes_and_names():
    for line in BUDGET_LINES:
        assert re.fullmatch(r"2\d{6}", line.functional_class), line
        assert re.fullmatch(r"3(01|02|03|07|09|10|12|13|99)\d{2}", line.economic_class), line
        assert FUNCTIONAL_CLASSES[line.functional_class] == line.functional_class_name
        assert ECONOMIC_CLASSES[line.economic_class] == line.economic_class_name
    assert FUNCTIONAL_CLASSES["2010301"] == "行政运行"
    assert ECONOMIC_CLASSES["30211"] == "差旅费"
    assert ECONOMIC_CLASSES["31005"] == "基础设施建设"


def test_kinds_sources_and_projects():
    for line in BUDGET_LINES:
        assert line.expenditure_kind in EXPENDITURE_KIND_LABELS, line
        assert line.source_kind == "initial", line
        assert line.fund_source in FUND_SOURCE_LABELS, line
        if line.expenditure_kind == "project":
            assert line.project, line
        else:
            assert line.project is None, line


def test_labels():
    assert SOURCE_KIND_LABELS == {
        "initial": "年初",
        "supplementary": "追加",
        "transfer": "调剂",
        "carried_forward": "结转",
    }
    assert EXPENDITURE_KIND_LABELS == {"basic": "基本支出", "project": "项目支出"}
    assert ROLE_LABELS["clerk"] == "经办人" and ROLE_LABELS["unit_head"] == "部门负责人"


def test_lines_of_a_unit():
    codes = [line.code for line in demo_org.budget_lines_of("dzb")]
    assert "2026-DZB-30211-01" in codes
    assert all(code.startswith("2026-DZB-") for code in codes)


def test_data_is_deterministic_and_immutable():
    from deploy.seed import budget_lines

    assert budget_lines._build_lines() == BUDGET_LINES
    with pytest.raises(AttributeError):
        BUDGET_LINES[0].amount = Decimal("1")  # type: ignore[misc]


def test_the_deciding_bodies_are_leaders_of_the_demo_org_with_a_collective_quorum():
    from deploy.seed import decisions
    from services.org.domain.bodies import DecidingBody

    usernames = {u.username for u in demo_org.USERS}
    for body in decisions.DECIDING_BODIES:
        assert DecidingBody.of(body.code, body.name, list(body.members), body.quorum, usernames) is not None
        assert all("leader_in_charge" in _roles(m) or "principal" in _roles(m) for m in body.members)
    assert {r.code for r in decisions.MAJOR_MATTER_RULES} == {"large_funds", "major_project"}


def _roles(username: str) -> tuple[str, ...]:
    return next(u.roles for u in demo_org.USERS if u.username == username)
