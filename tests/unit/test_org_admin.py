"""Organisation administration rules (services/org/domain/admin.py) and who takes over a deactivated
person's task (services/approval/domain/eligibility.successor)."""

from __future__ import annotations

import pytest

from ic_platform.errors import DomainError
from services.approval.domain import eligibility
from services.approval.domain.directory import Unit as AUnit
from services.approval.domain.directory import User as AUser
from services.org.domain import admin
from services.org.domain.model import Unit, User
from services.org.domain.passwords import weaknesses

DZB = Unit("dzb", "党政综合办公室", "office", leader_in_charge="lead1")
WANG = User("wang", "王科长", "dzb", ("clerk", "unit_head"))
LI = User("li", "李明", "dzb", ("clerk",))
ZHAO = User("zhao", "赵强", "czb", ("clerk",))
ADMIN = User("root", "系统管理员", "dzb", ("admin",))


def _refused(code: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.code
    return caught.value


def test_only_an_administrator_may():
    err = _refused("org_admin_only", admin.require_admin, False, "停用账号")
    assert err.http_status == 403 and "系统管理员" in err.message
    admin.require_admin(True, "停用账号")


def test_a_one_time_password_is_strong_random_and_free_of_look_alikes():
    seen = {admin.one_time_password("li") for _ in range(20)}
    assert len(seen) == 20
    for pw in seen:
        assert len(pw) == admin.ONE_TIME_LENGTH and not weaknesses(pw, "li")
        assert not set(pw) & set("0O1lI")


def test_roles_are_known_deduplicated_and_at_least_one():
    assert admin.checked_roles(["clerk", " clerk", "unit_head"]) == ("clerk", "unit_head")
    err = _refused("org_role_unknown", admin.checked_roles, ["clerk", "boss"])
    assert err.details["unknown"] == ["boss"] and err.details["field"] == "roles" and "boss" in err.message
    _refused("org_roles_required", admin.checked_roles, [" "])


def test_changing_roles_keeps_the_title_unless_given_and_refuses_an_inactive_person():
    changed = admin.change_roles(LI, ["clerk", "finance_reviewer"], actor="root")
    assert changed.roles == ("clerk", "finance_reviewer") and changed.title == LI.title
    assert admin.change_roles(LI, ["clerk"], actor="root", title="副科长").title == "副科长"
    gone = admin.deactivate(LI, actor="root")
    _refused("org_user_inactive", admin.change_roles, gone, ["clerk"], actor="root")


def test_an_administrator_cannot_demote_or_deactivate_themselves():
    err = _refused("org_admin_self_demote", admin.change_roles, ADMIN, ["clerk"], actor="root")
    assert err.http_status == 409
    assert admin.change_roles(ADMIN, ["admin", "auditor"], actor="root").roles == ("admin", "auditor")
    _refused("org_deactivate_self", admin.deactivate, ADMIN, actor="root")
    assert admin.deactivate(LI, actor="root").active is False


def test_a_unit_head_belongs_to_the_unit_and_replaces_the_previous_one():
    change = admin.assign_head(DZB, LI, [WANG])
    assert change.previous == ("wang",) and change.post == "unit_head"
    roles = {u.username: u.roles for u in change.changed_users}
    assert roles == {"wang": ("clerk",), "li": ("clerk", "unit_head")}
    err = _refused("org_unit_head_not_member", admin.assign_head, DZB, ZHAO, [WANG])
    assert "党政综合办公室" in err.message and err.details["field"] == "username"
    # naming the present head again changes nobody
    assert admin.assign_head(DZB, WANG, [WANG]).changed_users == ()


def test_a_leader_in_charge_must_hold_the_role():
    leader = User("lead2", "刘副主任", "ldb", ("leader_in_charge",))
    change = admin.assign_leader(DZB, leader)
    assert change.unit.leader_in_charge == "lead2" and change.previous == ("lead1",)
    err = _refused("org_leader_role_missing", admin.assign_leader, DZB, LI)
    assert "分管领导" in err.message


UNIT = AUnit("dzb", "党政综合办公室", "office", leader_in_charge="lead1")


def test_a_successor_is_someone_the_step_could_have_chosen():
    people = [
        AUser("b_head", "乙", "dzb", ("unit_head",)),
        AUser("a_gone", "甲", "dzb", ("unit_head",), active=False),
        AUser("c_other", "丙", "czb", ("unit_head",)),
        AUser("applicant", "丁", "dzb", ("unit_head",)),
    ]
    pick = eligibility.successor(people, ("unit_head",), "unit", UNIT, "applicant", {"x"})
    assert pick.username == "b_head"
    # holding another step of the document, or nobody left: None
    assert eligibility.successor(people, ("unit_head",), "unit", UNIT, "applicant", {"b_head"}) is None
    assert eligibility.successor(people, ("unit_head",), "unit", None, "applicant", set()) is None
    assert eligibility.successor(people, ("unit_head",), "org", UNIT, "applicant", {"b_head"}).username == "c_other"


def test_a_deactivated_person_cannot_be_given_a_task():
    gone = AUser("gone", "甲", "dzb", ("unit_head",), active=False)
    _refused("approval_user_inactive", eligibility.check_reassignee, gone, ("unit_head",), "unit", UNIT, "科室负责人")
    assert not eligibility.could_hold(gone, ("unit_head",), "unit", UNIT)
