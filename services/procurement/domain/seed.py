"""DEMO procurement policy: thresholds and a few catalogue items for `make run` and the tests. NOT the office's
real standards: a deployment loads its province's current catalogue and thresholds as data.

For orientation, the real references these imitate (as remembered when writing; check the current texts):
- 中央预算单位政府集中采购目录及标准（2020年版）(国办发〔2019〕55号): 分散采购限额标准 goods and services
  1,000,000, works 1,200,000; goods and services 公开招标数额标准 2,000,000.
- 地方预算单位政府集中采购目录及标准指引（2020年版）(财库〔2019〕69号): a county-level unit's goods/services
  分散采购限额标准 not below 300,000 (provincial 500,000), works not below 600,000; goods/services 公开招标数额标准
  not below 2,000,000. Each province sets its own figures (many use 4,000,000 for open tender).
- Works that must be tendered (必须招标的工程项目规定, 国家发展改革委令第16号, 2018): construction contracts from
  4,000,000; important goods for a works project from 2,000,000; survey, design, supervision from 1,000,000.
The demo values follow the project's issue: goods/services 1,000,000 and 4,000,000; works 1,000,000 and 4,000,000."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.procurement.domain.kinds import Category
from services.procurement.domain.policy import Action, CatalogueEntry, ProcurementPolicy, Thresholds

DEMO = True  # everything in this module is demo data
DEMO_FROM = date(2020, 1, 1)
DEMO_SOURCE = "演示数据（非正式标准）"

DEMO_THRESHOLDS = (
    Thresholds(
        effective_from=DEMO_FROM,
        effective_to=None,
        category=Category.GOODS,
        decentralised=Decimal("1000000.00"),
        open_tender=Decimal("4000000.00"),
        source=DEMO_SOURCE,
        demo=True,
    ),
    Thresholds(
        effective_from=DEMO_FROM,
        effective_to=None,
        category=Category.SERVICES,
        decentralised=Decimal("1000000.00"),
        open_tender=Decimal("4000000.00"),
        source=DEMO_SOURCE,
        demo=True,
    ),
    Thresholds(
        effective_from=DEMO_FROM,
        effective_to=None,
        category=Category.WORKS,
        decentralised=Decimal("1000000.00"),
        open_tender=Decimal("4000000.00"),
        source=DEMO_SOURCE,
        demo=True,
    ),
)


def _item(code: str, name: str, category: Category, min_amount: str = "0.00") -> CatalogueEntry:
    return CatalogueEntry(
        effective_from=DEMO_FROM,
        effective_to=None,
        code=code,
        name=name,
        category=category,
        min_amount=Decimal(min_amount),
        demo=True,
    )


# Items of the kind central catalogues list (computers, copiers, vehicles, printing, property management); the
# codes imitate 政府采购品目分类目录 and are demo codes.
DEMO_CATALOGUE = (
    _item("A02010104", "台式计算机", Category.GOODS),
    _item("A02010105", "便携式计算机", Category.GOODS),
    _item("A020201", "复印机", Category.GOODS),
    _item("A02021001", "打印设备", Category.GOODS),
    _item("A020305", "乘用车", Category.GOODS),
    _item("A0206180203", "空调机", Category.GOODS),
    _item("C081401", "印刷服务", Category.SERVICES, "100000.00"),
    _item("C1204", "物业管理服务", Category.SERVICES, "1000000.00"),
    _item("C050301", "车辆维修保养及加油服务", Category.SERVICES),
)

DEMO_POLICY = ProcurementPolicy(
    thresholds=DEMO_THRESHOLDS,
    catalogue=DEMO_CATALOGUE,
    intention_notice_days=30,
    intention_short_notice=Action.FLAG,
    market_research_from=Decimal("50000.00"),
    min_quotes=3,
    major_matter_from=Decimal("500000.00"),
)
