"""The demo organisation's people. All names are fictional.

Every unit has exactly one clerk (经办人) and one unit head (部门负责人), ``clerk_<unit>`` and
``head_<unit>``, except 党政综合办公室 whose two are the short demo logins ``clerk`` and ``head``.

The leadership (街道领导班子) is not a budget unit of its own: its members are users of 党政综合办公室
(``dzb``), which also carries their running costs, as is usual in a 街道. They are the principal (主要领导,
the 党工委书记) and six leaders in charge (分管领导), each in charge of several units and attached to one or
two communities; see ``units.py`` for who is in charge of what.

Control posts sit where independence requires: the two finance reviewers and the accountant (会计) in
财政办公室; the inspector (纪检) and the internal auditor (审计) in 纪检监察办公室, away from the money they
watch; the system administrator in 党政综合办公室.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_LABELS: dict[str, str] = {
    "clerk": "经办人",
    "unit_head": "部门负责人",
    "finance_reviewer": "财务审核",
    "accountant": "会计",
    "leader_in_charge": "分管领导",
    "principal": "主要领导",
    "inspector": "纪检监察",
    "auditor": "内部审计",
    "admin": "系统管理员",
    "cashier": "出纳",
}

ROLES: tuple[str, ...] = tuple(ROLE_LABELS)


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]  # keys of ROLE_LABELS
    title: str = ""  # 职务, for display only


_SQ = "社区党委书记"  # a community workstation is headed by its community party secretary

# One unit head and one clerk per unit, in the order of UNITS.
# (unit, head username, head name, head title, clerk username, clerk name)
_UNIT_STAFF: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("dzb", "head", "黄志强", "主任", "clerk", "李晓敏"),
    ("djb", "head_djb", "陈丽娟", "主任", "clerk_djb", "周文博"),
    ("jjb", "head_jjb", "郑国华", "主任", "clerk_jjb", "吴思琪"),
    ("xwb", "head_xwb", "林海燕", "主任", "clerk_xwb", "何俊杰"),
    ("tsb", "head_tsb", "刘建明", "主任", "clerk_tsb", "钟雅婷"),
    ("zfb", "head_zfb", "张伟东", "主任", "clerk_zfb", "罗佳怡"),
    ("czb", "head_czb", "梁淑仪", "主任", "clerk_czb", "谢嘉豪"),
    ("jfb", "head_jfb", "邓志鹏", "主任", "clerk_jfb", "冯晓琳"),
    ("cjb", "head_cjb", "曾德明", "主任", "clerk_cjb", "彭宇航"),
    ("cgb", "head_cgb", "蔡永辉", "主任", "clerk_cgb", "许诗涵"),
    ("yjb", "head_yjb", "朱振华", "主任", "clerk_yjb", "潘子轩"),
    ("ajb", "head_ajb", "杨春生", "主任", "clerk_ajb", "黎欣怡"),
    ("hsb", "head_hsb", "叶秋萍", "主任", "clerk_hsb", "卢浩然"),
    ("gfb", "head_gfb", "苏惠玲", "主任", "clerk_gfb", "蒋一鸣"),
    ("zfd", "head_zfd", "赖国强", "队长", "clerk_zfd", "邱梓航"),
    ("wgzx", "head_wgzx", "袁美华", "中心主任", "clerk_wgzx", "魏思远"),
    ("dqzx", "head_dqzx", "莫晓红", "中心主任", "clerk_dqzx", "孔令琪"),
    ("zwzx", "head_zwzx", "邹伟华", "中心主任", "clerk_zwzx", "严佩珊"),
    ("gxzx", "head_gxzx", "温建国", "中心主任", "clerk_gxzx", "高振宇"),
    ("wtzx", "head_wtzx", "方丽萍", "中心主任", "clerk_wtzx", "范雨桐"),
    ("tjz", "head_tjz", "姚卫东", "站长", "clerk_tjz", "廖晨曦"),
    ("tyjr", "head_tyjr", "戴军", "站长", "clerk_tyjr", "文俊宏"),
    ("zzzx", "head_zzzx", "康志刚", "中心主任", "clerk_zzzx", "施晓雯"),
    ("sq_xinqiao", "head_sq_xinqiao", "曾伟权", _SQ, "clerk_sq_xinqiao", "麦嘉欣"),
    ("sq_shangxing", "head_sq_shangxing", "陈炳坤", _SQ, "clerk_sq_shangxing", "黄可欣"),
    ("sq_shangliao", "head_sq_shangliao", "黄锦华", _SQ, "clerk_sq_shangliao", "陈泽楷"),
    ("sq_wanfeng", "head_sq_wanfeng", "潘志文", _SQ, "clerk_sq_wanfeng", "潘晓慧"),
    ("sq_shaqi", "head_sq_shaqi", "陈国良", _SQ, "clerk_sq_shaqi", "曾颖琳"),
    ("sq_xiner", "head_sq_xiner", "文耀明", _SQ, "clerk_sq_xiner", "李思敏"),
    ("sq_huangpu", "head_sq_huangpu", "麦锦荣", _SQ, "clerk_sq_huangpu", "黄雅琪"),
)

# The leadership and the control posts.
# User(username, full name, unit, roles, title)
_LEADERSHIP_AND_CONTROL: tuple[User, ...] = (
    User("principal", "陈立群", "dzb", ("principal",), "党工委书记"),
    User("leader", "王建华", "dzb", ("leader_in_charge",), "党工委委员、办事处常务副主任"),
    User("leader_party", "刘秀英", "dzb", ("leader_in_charge",), "党工委副书记"),
    User("leader_discipline", "赵振国", "dzb", ("leader_in_charge",), "党工委委员、纪工委书记"),
    User("leader_urban", "孙明辉", "dzb", ("leader_in_charge",), "党工委委员、办事处副主任"),
    User("leader_safety", "胡志勇", "dzb", ("leader_in_charge",), "办事处副主任"),
    User("leader_social", "徐静", "dzb", ("leader_in_charge",), "党工委委员、政法委员"),
    User("finance", "何丽华", "czb", ("finance_reviewer",), "财务审核岗"),
    User("finance2", "马晓峰", "czb", ("finance_reviewer",), "财务审核岗"),
    User("accountant", "江文静", "czb", ("accountant",), "会计岗"),
    User("cashier", "何晓东", "czb", ("cashier",), "出纳"),
    User("inspector", "唐建新", "jjb", ("inspector",), "纪检监察员"),
    User("auditor", "韩雪梅", "jjb", ("auditor",), "内部审计员"),
    User("admin", "沈俊", "dzb", ("admin",), "信息化管理员"),
)


def _unit_staff() -> tuple[User, ...]:
    users: list[User] = []
    for unit_code, head_username, head_name, head_title, clerk_username, clerk_name in _UNIT_STAFF:
        users.append(User(head_username, head_name, unit_code, ("unit_head",), head_title))
        users.append(User(clerk_username, clerk_name, unit_code, ("clerk",), "经办人"))
    return tuple(users)


USERS: tuple[User, ...] = _unit_staff() + _LEADERSHIP_AND_CONTROL
