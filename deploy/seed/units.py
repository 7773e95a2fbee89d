"""The demo organisation's units: 23 offices (单位/部门) and 7 community workstations (社区).

Names follow a Shenzhen sub-district office after the 2019 institutional reform, modelled on 宝安区新桥街道.
Unit codes are the pinyin initials staff already use as short names (党政办 → ``dzb``); communities are
``sq_`` + the community's pinyin, so that no unit code collides with the tenant code ``xinqiao``.

Business lines and their responsible unit (归口管理部门), decided here once:
    contract, assets      → 党政综合办公室 (legal adviser, contract seal, logistics and fixed assets)
    finance, procurement  → 财政办公室 (the 财政所: accounting, payments, and the 街道 purchasing desk)
    construction          → 城市建设办公室

Each unit's ``leader_in_charge`` is the username of its 分管领导 (offices) or 挂点领导 (communities);
the leaders themselves are users of 党政综合办公室, see ``users.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

UNIT_KIND_LABELS: dict[str, str] = {"office": "机关单位", "community": "社区"}

BUSINESS_LINE_LABELS: dict[str, str] = {
    "procurement": "政府采购",
    "assets": "资产管理",
    "construction": "基建工程",
    "finance": "财务核算",
    "contract": "合同管理",
}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str  # "office" | "community"
    leader_in_charge: str  # username of the 分管领导
    responsible_for: tuple[str, ...] = ()  # business lines it is 归口部门 for, keys of BUSINESS_LINE_LABELS


def _office(code: str, name: str, leader: str, responsible_for: tuple[str, ...] = ()) -> Unit:
    return Unit(code, name, "office", leader, responsible_for)


def _community(code: str, name: str, leader: str) -> Unit:
    return Unit(code, name, "community", leader)


UNITS: tuple[Unit, ...] = (
    # (code, name, leader in charge, business lines it is 归口部门 for)
    _office("dzb", "党政综合办公室", "leader", ("contract", "assets")),
    _office("djb", "党建工作办公室", "leader_party"),
    _office("jjb", "纪检监察办公室", "leader_discipline"),
    _office("xwb", "宣传文体办公室", "leader_party"),
    _office("tsb", "统战和社会建设办公室", "leader_party"),
    _office("zfb", "政法办公室", "leader_social"),
    _office("czb", "财政办公室", "leader", ("finance", "procurement")),
    _office("jfb", "经济服务办公室", "leader"),
    _office("cjb", "城市建设办公室", "leader_urban", ("construction",)),
    _office("cgb", "城市管理办公室", "leader_urban"),
    _office("yjb", "应急管理办公室", "leader_safety"),
    _office("ajb", "安全生产监督管理办公室", "leader_safety"),
    _office("hsb", "环境保护和水务办公室", "leader_urban"),
    _office("gfb", "公共服务办公室", "leader_social"),
    _office("zfd", "综合行政执法队", "leader_safety"),
    _office("wgzx", "社区网格管理中心", "leader_social"),
    _office("dqzx", "党群服务中心", "leader_party"),
    _office("zwzx", "政务服务中心", "leader"),
    _office("gxzx", "城市更新和土地整备中心", "leader_urban"),
    _office("wtzx", "文化体育服务中心", "leader_social"),
    _office("tjz", "统计站", "leader"),
    _office("tyjr", "退役军人服务站", "leader_party"),
    _office("zzzx", "综治中心", "leader_social"),
    # communities: each is 挂点 (attached) to one member of the leadership
    _community("sq_xinqiao", "新桥社区", "leader_party"),
    _community("sq_shangxing", "上星社区", "leader_urban"),
    _community("sq_shangliao", "上寮社区", "leader_safety"),
    _community("sq_wanfeng", "万丰社区", "leader_social"),
    _community("sq_shaqi", "沙企社区", "leader"),
    _community("sq_xiner", "新二社区", "leader_discipline"),
    _community("sq_huangpu", "黄埔社区", "leader_party"),
)
