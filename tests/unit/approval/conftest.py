"""A small organisation, shaped like the demo one: two offices, one community, the leadership."""

from __future__ import annotations

import pytest

from services.approval.domain.directory import InMemoryDirectory, Unit, User

UNITS = [
    Unit("dzb", "党政综合办公室", "office", "leader", ("contract", "assets")),
    Unit("czb", "财政办公室", "office", "leader_fin", ("finance", "procurement")),
    Unit("sq_xinqiao", "新桥社区", "community", "leader_party"),
]
USERS = [
    User("clerk", "李晓敏", "dzb", ("clerk",), "经办人"),
    User("head", "黄志强", "dzb", ("unit_head",), "主任"),
    User("clerk_czb", "谢嘉豪", "czb", ("clerk",), "经办人"),
    User("head_czb", "梁淑仪", "czb", ("unit_head",), "主任"),
    User("clerk_sq", "麦嘉欣", "sq_xinqiao", ("clerk",)),
    User("head_sq", "曾伟权", "sq_xinqiao", ("unit_head",), "社区党委书记"),
    User("principal", "陈立群", "dzb", ("principal",), "党工委书记"),
    User("leader", "王建华", "dzb", ("leader_in_charge",), "常务副主任"),
    User("leader_fin", "赵振国", "dzb", ("leader_in_charge",)),
    User("leader_party", "刘秀英", "dzb", ("leader_in_charge",), "党工委副书记"),
    User("finance", "何丽华", "czb", ("finance_reviewer",), "财务审核岗"),
    User("finance2", "马晓峰", "czb", ("finance_reviewer",), "财务审核岗"),
    User("inspector", "唐建新", "dzb", ("inspector",), "纪检监察员"),
]


@pytest.fixture
def directory() -> InMemoryDirectory:
    return InMemoryDirectory.of(UNITS, USERS)
