"""The demo office's procurement data: the DEMO policy (thresholds and catalogue marked demo, not a real
standard) and a dozen suppliers with valid unified social credit codes (computed, fictitious companies), one of
them blacklisted, so `make run` shows a registry with something to choose from and something to refuse."""

from __future__ import annotations

from datetime import date

from ic_platform.context import CallContext
from services.procurement.domain import credit_code
from services.procurement.domain.seed import DEMO_FROM, DEMO_POLICY

# (name, legal representative, small or medium enterprise): fictitious companies of the district.
SUPPLIERS = (
    ("新桥办公设备有限公司", "陈建国", True),
    ("城南文具商贸有限公司", "李秀英", True),
    ("恒信电脑科技有限公司", "王志强", True),
    ("华联物业服务有限公司", "张丽华", False),
    ("绿源园林绿化工程有限公司", "刘洋", True),
    ("安达建筑装饰工程有限公司", "赵磊", False),
    ("明达印务有限公司", "孙敏", True),
    ("诚信保安服务有限公司", "周杰", True),
    ("康宁医疗器械有限公司", "吴芳", True),
    ("顺达汽车维修服务有限公司", "郑伟", True),
    ("博远信息技术有限公司", "冯涛", False),
    ("鑫源餐饮管理有限公司", "何静", True),
)
BLACKLISTED = "鑫源餐饮管理有限公司"


def code_for(n: int) -> str:
    """A valid code: region 110105, organisation body from n, both check characters computed."""
    body = f"{7300 + n:08d}"
    first17 = "91110105" + body + credit_code.org_check_character(body)
    return first17 + credit_code.check_character(first17)


def load(engine, org: str) -> dict[str, int]:  # noqa: ANN001 - an engine
    from services.procurement.service_layer import commands, suppliers
    from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork

    uow = ProcurementUnitOfWork(engine)
    with uow:
        uow.policy.store(org, DEMO_POLICY, DEMO_FROM, demo=True)
        uow.commit()
    ctx = CallContext(org=org, actor="system")
    added = 0
    for n, (name, legal, sme) in enumerate(SUPPLIERS, start=1):
        with uow:
            known = uow.suppliers.id_of(org, code_for(n))
        if known:
            continue
        view = suppliers.register_supplier(
            commands.RegisterSupplier.parse(
                {"credit_code": code_for(n), "name": name, "legal_representative": legal, "sme": sme}
            ),
            uow,
            ctx,
        )
        added += 1
        if name == BLACKLISTED:
            with uow:
                s = uow.suppliers.get(org, view["id"], for_update=True)
                s.blacklist(
                    "提供虚假材料谋取中标（演示数据）", date(2026, 1, 1), date(2028, 12, 31), "system", s.registered_at
                )
                uow.suppliers.save(s)
                from services.procurement.service_layer.common import publish

                publish(uow, ctx, s.events)
                uow.commit()
    return {"suppliers": added}
