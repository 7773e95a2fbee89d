"""The demo organisation's budget lines (预算指标) for the fiscal year: its approved 部门预算.

Classification codes and names are those of the national 政府收支分类科目 (2024/2025 editions):
支出功能分类 down to the 项 (7 digits) and 部门预算支出经济分类 down to the 款 (5 digits).
Staff salaries (301) are paid through payroll, outside this system, and so are left out.

Every unit gets the same eight basic-expenditure lines (公用经费), with amounts from the table below,
under the 行政运行 / 事业运行 class of its function. Project lines are listed one by one. Line codes read
``<year>-<UNIT>-<economic class>-<nn>``, numbered per unit and economic class in table order.
Amounts are yuan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

FISCAL_YEAR = 2026

EXPENDITURE_KIND_LABELS: dict[str, str] = {"basic": "基本支出", "project": "项目支出"}

SOURCE_KIND_LABELS: dict[str, str] = {
    "initial": "年初",
    "supplementary": "追加",
    "transfer": "调剂",
    "carried_forward": "结转",
}

FUND_SOURCE_LABELS: dict[str, str] = {
    "general_public_budget": "一般公共预算",
    "government_fund_budget": "政府性基金预算",
}

# 支出功能分类科目 (项) used by the demo.
FUNCTIONAL_CLASSES: dict[str, str] = {
    "2010301": "行政运行",  # 政府办公厅（室）及相关机构事务
    "2010302": "一般行政管理事务",
    "2010308": "信访事务",
    "2010350": "事业运行",
    "2010399": "其他政府办公厅（室）及相关机构事务支出",
    "2010501": "行政运行",  # 统计信息事务
    "2010507": "专项普查活动",
    "2010601": "行政运行",  # 财政事务
    "2010699": "其他财政事务支出",
    "2011101": "行政运行",  # 纪检监察事务
    "2011199": "其他纪检监察事务支出",
    "2013201": "行政运行",  # 组织事务
    "2013299": "其他组织事务支出",
    "2013301": "行政运行",  # 宣传事务
    "2013399": "其他宣传事务支出",
    "2013401": "行政运行",  # 统战事务
    "2013499": "其他统战事务支出",
    "2049999": "其他公共安全支出",
    "2070109": "群众文化",
    "2070308": "群众体育",
    "2080201": "行政运行",  # 民政管理事务
    "2080208": "基层政权建设和社区治理",
    "2080299": "其他民政管理事务支出",
    "2081002": "老年福利",
    "2082804": "拥军优属",
    "2082850": "事业运行",  # 退役军人管理事务
    "2110101": "行政运行",  # 环境保护管理事务
    "2110302": "水体",
    "2120101": "行政运行",  # 城乡社区管理事务
    "2120104": "城管执法",
    "2120199": "其他城乡社区管理事务支出",
    "2120399": "其他城乡社区公共设施支出",
    "2120501": "城乡社区环境卫生",
    "2120801": "征地和拆迁补偿支出",
    "2120802": "土地开发支出",
    "2150899": "其他支持中小企业发展和管理支出",
    "2240101": "行政运行",  # 应急管理事务
    "2240106": "安全监管",
    "2240109": "应急管理",
    "2240199": "其他应急管理支出",
    "2240204": "消防应急救援",
}

# 部门预算支出经济分类科目 (款) used by the demo.
ECONOMIC_CLASSES: dict[str, str] = {
    "30201": "办公费",
    "30202": "印刷费",
    "30209": "物业管理费",
    "30211": "差旅费",
    "30213": "维修（护）费",
    "30215": "会议费",
    "30216": "培训费",
    "30217": "公务接待费",
    "30226": "劳务费",
    "30227": "委托业务费",
    "30231": "公务用车运行维护费",
    "30299": "其他商品和服务支出",
    "31002": "办公设备购置",
    "31003": "专用设备购置",
    "31005": "基础设施建设",
    "31006": "大型修缮",
    "31007": "信息网络及软件购置更新",
    "31012": "拆迁补偿",
}


@dataclass(frozen=True)
class BudgetLineSeed:
    code: str
    unit_code: str
    functional_class: str
    functional_class_name: str
    economic_class: str
    economic_class_name: str
    expenditure_kind: str  # "basic" | "project"
    project: str | None
    fund_source: str  # keys of FUND_SOURCE_LABELS
    source_kind: str  # keys of SOURCE_KIND_LABELS; every seeded line is "initial"
    amount: Decimal  # yuan, 2 decimal places


# Basic expenditure: the columns are these economic classes, in this order.
_BASIC_ECONOMIC_CLASSES = ("30201", "30211", "30215", "30216", "30217", "30213", "30226", "31002")

# (unit, 功能分类, amounts: 办公费 差旅费 会议费 培训费 公务接待费 维修(护)费 劳务费 办公设备购置)
_BASIC_LINES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("dzb", "2010301", (420_000, 80_000, 60_000, 120_000, 30_000, 260_000, 480_000, 220_000)),
    ("djb", "2013201", (120_000, 40_000, 40_000, 150_000, 8_000, 30_000, 120_000, 60_000)),
    ("jjb", "2011101", (90_000, 50_000, 20_000, 80_000, 5_000, 20_000, 80_000, 50_000)),
    ("xwb", "2013301", (110_000, 30_000, 20_000, 50_000, 8_000, 30_000, 150_000, 60_000)),
    ("tsb", "2013401", (80_000, 30_000, 30_000, 40_000, 10_000, 20_000, 80_000, 40_000)),
    ("zfb", "2010301", (130_000, 40_000, 30_000, 60_000, 8_000, 40_000, 260_000, 70_000)),
    ("czb", "2010601", (150_000, 40_000, 20_000, 90_000, 5_000, 40_000, 180_000, 120_000)),
    ("jfb", "2010301", (120_000, 60_000, 40_000, 50_000, 20_000, 30_000, 120_000, 50_000)),
    ("cjb", "2120101", (140_000, 40_000, 30_000, 60_000, 8_000, 60_000, 220_000, 80_000)),
    ("cgb", "2120101", (160_000, 30_000, 20_000, 50_000, 5_000, 120_000, 380_000, 90_000)),
    ("yjb", "2240101", (130_000, 40_000, 30_000, 80_000, 5_000, 80_000, 260_000, 80_000)),
    ("ajb", "2240101", (100_000, 30_000, 20_000, 120_000, 5_000, 40_000, 200_000, 60_000)),
    ("hsb", "2110101", (100_000, 30_000, 20_000, 40_000, 5_000, 60_000, 160_000, 50_000)),
    ("gfb", "2080201", (140_000, 40_000, 30_000, 60_000, 8_000, 40_000, 240_000, 70_000)),
    ("zfd", "2120104", (180_000, 30_000, 20_000, 80_000, 5_000, 150_000, 420_000, 120_000)),
    ("wgzx", "2010350", (120_000, 20_000, 20_000, 90_000, 3_000, 40_000, 180_000, 80_000)),
    ("dqzx", "2010350", (90_000, 20_000, 30_000, 40_000, 5_000, 60_000, 150_000, 60_000)),
    ("zwzx", "2010350", (150_000, 10_000, 10_000, 60_000, 3_000, 80_000, 200_000, 150_000)),
    ("gxzx", "2010350", (110_000, 40_000, 30_000, 40_000, 8_000, 20_000, 160_000, 60_000)),
    ("wtzx", "2010350", (80_000, 20_000, 20_000, 30_000, 5_000, 90_000, 180_000, 50_000)),
    ("tjz", "2010501", (60_000, 20_000, 10_000, 30_000, 3_000, 10_000, 90_000, 40_000)),
    ("tyjr", "2082850", (50_000, 20_000, 10_000, 20_000, 3_000, 10_000, 60_000, 30_000)),
    ("zzzx", "2010350", (70_000, 10_000, 10_000, 30_000, 3_000, 30_000, 120_000, 60_000)),
    ("sq_xinqiao", "2080208", (200_000, 20_000, 20_000, 50_000, 5_000, 90_000, 320_000, 70_000)),
    ("sq_shangxing", "2080208", (180_000, 20_000, 15_000, 40_000, 5_000, 80_000, 300_000, 60_000)),
    ("sq_shangliao", "2080208", (170_000, 20_000, 15_000, 40_000, 5_000, 80_000, 280_000, 60_000)),
    ("sq_wanfeng", "2080208", (190_000, 20_000, 15_000, 45_000, 5_000, 85_000, 310_000, 65_000)),
    ("sq_shaqi", "2080208", (150_000, 15_000, 10_000, 35_000, 5_000, 70_000, 250_000, 50_000)),
    ("sq_xiner", "2080208", (150_000, 15_000, 10_000, 35_000, 5_000, 70_000, 240_000, 50_000)),
    ("sq_huangpu", "2080208", (160_000, 15_000, 12_000, 38_000, 5_000, 75_000, 260_000, 55_000)),
)

# Basic expenditure beyond the eight common lines.
# (unit, 功能分类, 经济分类, amount)
_OTHER_BASIC_LINES: tuple[tuple[str, str, str, int], ...] = (
    ("dzb", "2010302", "30231", 210_000),  # 机关公务用车 (三公经费), managed centrally by 党政办
)

_GPB = "general_public_budget"
_GFB = "government_fund_budget"

# Project expenditure.
# (unit, 功能分类, 经济分类, project, amount, fund source)
_PROJECT_LINES: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("dzb", "2010399", "30209", "街道机关办公区物业管理服务", 1_860_000, _GPB),
    ("dzb", "2010399", "31007", "内部控制管理系统运维及功能升级", 650_000, _GPB),
    ("djb", "2013299", "30216", "基层党组织书记及党员教育培训", 420_000, _GPB),
    ("djb", "2013299", "30227", "两新组织党建工作经费", 360_000, _GPB),
    ("jjb", "2011199", "30227", "廉政风险防控及警示教育", 180_000, _GPB),
    ("xwb", "2013399", "30202", "宣传品印制及户外公益广告", 320_000, _GPB),
    ("xwb", "2070109", "30227", "新桥文化节及群众文化活动", 850_000, _GPB),
    ("tsb", "2013499", "30227", "新的社会阶层人士联谊及侨务工作", 150_000, _GPB),
    ("zfb", "2010308", "30227", "信访维稳及矛盾纠纷化解", 380_000, _GPB),
    ("zfb", "2049999", "30227", "平安建设及群防群治", 1_200_000, _GPB),
    ("czb", "2010699", "30227", "工程结算审核及财务审计服务", 900_000, _GPB),
    ("jfb", "2150899", "30227", "企业服务及招商引资活动", 600_000, _GPB),
    ("cjb", "2120399", "31005", "新桥东片区市政道路提升改造工程", 6_800_000, _GPB),
    ("cjb", "2120399", "31005", "上寮河沿岸慢行系统建设工程", 3_200_000, _GPB),
    ("cjb", "2120399", "31006", "街道办公楼及附属设施修缮工程", 1_450_000, _GPB),
    ("cjb", "2120399", "30227", "工程项目设计、监理及造价咨询", 780_000, _GPB),
    ("cgb", "2120501", "30227", "辖区道路清扫保洁及垃圾清运服务", 9_600_000, _GPB),
    ("cgb", "2120199", "30227", "城中村综合治理及市容提升", 1_800_000, _GPB),
    ("cgb", "2120501", "31005", "垃圾分类集中投放点改造", 520_000, _GPB),
    ("yjb", "2240199", "31003", "应急物资储备及救援装备购置", 680_000, _GPB),
    ("yjb", "2240204", "30227", "专职消防队运营服务", 3_600_000, _GPB),
    ("yjb", "2240109", "30227", "三防应急值守及综合演练", 350_000, _GPB),
    ("ajb", "2240106", "30227", "安全生产第三方专业检查服务", 1_500_000, _GPB),
    ("hsb", "2110302", "30227", "河道及排水管网日常巡查养护", 2_400_000, _GPB),
    ("hsb", "2110302", "31005", "新桥河支流片区正本清源补漏工程", 4_500_000, _GPB),
    ("gfb", "2081002", "30227", "长者饭堂及居家养老服务", 560_000, _GPB),
    ("gfb", "2080299", "30227", "困难群众帮扶及社会事务服务", 300_000, _GPB),
    ("zfd", "2120104", "30227", "执法协管服务", 2_800_000, _GPB),
    ("zfd", "2120104", "31003", "执法记录仪及执法装备购置", 380_000, _GPB),
    ("wgzx", "2080208", "30227", "网格员队伍运营服务", 4_800_000, _GPB),
    ("dqzx", "2013299", "30227", "街道党群服务中心运营", 900_000, _GPB),
    ("zwzx", "2010399", "30227", "政务服务大厅窗口服务", 1_100_000, _GPB),
    ("gxzx", "2120801", "31012", "新桥东片区土地整备项目拆迁补偿", 5_800_000, _GFB),
    ("gxzx", "2120802", "30227", "土地整备项目测绘及评估", 460_000, _GFB),
    ("wtzx", "2070308", "30227", "全民健身赛事活动", 380_000, _GPB),
    ("tjz", "2010507", "30226", "专项统计调查劳务", 160_000, _GPB),
    ("tyjr", "2082804", "30299", "拥军优属及退役军人关爱活动", 200_000, _GPB),
    ("zzzx", "2049999", "30227", "矛盾纠纷多元化解及综治视联网运维", 420_000, _GPB),
    ("sq_xinqiao", "2080208", "30227", "新桥社区民生微实事", 2_000_000, _GPB),
    ("sq_xinqiao", "2013299", "30227", "新桥社区党群服务中心运营", 450_000, _GPB),
    ("sq_shangxing", "2080208", "30227", "上星社区民生微实事", 1_800_000, _GPB),
    ("sq_shangxing", "2013299", "30227", "上星社区党群服务中心运营", 380_000, _GPB),
    ("sq_shangxing", "2120399", "31005", "上星社区城中村道路及雨污分流改造工程", 1_850_000, _GPB),
    ("sq_shangliao", "2080208", "30227", "上寮社区民生微实事", 1_600_000, _GPB),
    ("sq_shangliao", "2013299", "30227", "上寮社区党群服务中心运营", 360_000, _GPB),
    ("sq_wanfeng", "2080208", "30227", "万丰社区民生微实事", 1_800_000, _GPB),
    ("sq_wanfeng", "2013299", "30227", "万丰社区党群服务中心运营", 400_000, _GPB),
    ("sq_wanfeng", "2081002", "30227", "万丰社区长者服务站运营", 280_000, _GPB),
    ("sq_shaqi", "2080208", "30227", "沙企社区民生微实事", 1_500_000, _GPB),
    ("sq_shaqi", "2013299", "30227", "沙企社区党群服务中心运营", 320_000, _GPB),
    ("sq_xiner", "2080208", "30227", "新二社区民生微实事", 1_500_000, _GPB),
    ("sq_xiner", "2013299", "30227", "新二社区党群服务中心运营", 300_000, _GPB),
    ("sq_huangpu", "2080208", "30227", "黄埔社区民生微实事", 1_600_000, _GPB),
    ("sq_huangpu", "2013299", "30227", "黄埔社区党群服务中心运营", 350_000, _GPB),
    ("sq_huangpu", "2120399", "31005", "黄埔社区口袋公园提升工程", 960_000, _GPB),
)


def _build_lines() -> tuple[BudgetLineSeed, ...]:
    """Turn the tables above into BudgetLineSeed rows, numbering codes per unit and economic class."""
    rows: list[tuple[str, str, str, str, str | None, int, str]] = []
    for unit_code, functional_class, amounts in _BASIC_LINES:
        for economic_class, amount in zip(_BASIC_ECONOMIC_CLASSES, amounts, strict=True):
            rows.append((unit_code, functional_class, economic_class, "basic", None, amount, _GPB))
    for unit_code, functional_class, economic_class, amount in _OTHER_BASIC_LINES:
        rows.append((unit_code, functional_class, economic_class, "basic", None, amount, _GPB))
    for unit_code, functional_class, economic_class, project, amount, fund_source in _PROJECT_LINES:
        rows.append((unit_code, functional_class, economic_class, "project", project, amount, fund_source))

    seen: dict[tuple[str, str], int] = {}
    lines = []
    for unit_code, functional_class, economic_class, kind, project, amount, fund_source in rows:
        number = seen[unit_code, economic_class] = seen.get((unit_code, economic_class), 0) + 1
        lines.append(
            BudgetLineSeed(
                code=f"{FISCAL_YEAR}-{unit_code.upper()}-{economic_class}-{number:02d}",
                unit_code=unit_code,
                functional_class=functional_class,
                functional_class_name=FUNCTIONAL_CLASSES[functional_class],
                economic_class=economic_class,
                economic_class_name=ECONOMIC_CLASSES[economic_class],
                expenditure_kind=kind,
                project=project,
                fund_source=fund_source,
                source_kind="initial",
                amount=Decimal(amount).quantize(Decimal("0.01")),
            )
        )
    return tuple(lines)


BUDGET_LINES: tuple[BudgetLineSeed, ...] = _build_lines()
