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
    from services.procurement.service_layer.common import publish
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
                publish(uow, ctx, s.events)
                uow.commit()
    return {"suppliers": added}


# A sample purchase in approval when the office opens: 党政办's system maintenance, on its own project line.
SAMPLE_KEY = "demo-seed-procurement-1"
SAMPLE = {
    "title": "内部控制管理系统年度运维服务",
    "items": [
        {"name": "系统运维服务", "category": "services", "quantity": "12", "unit": "月", "unit_price": "28000.00"},
        {"name": "等保测评服务", "category": "services", "quantity": "1", "unit": "次", "unit_price": "45000.00"},
    ],
    "method": "self_procurement",
    "unit": "dzb",
}


class _LocalBudget:
    """The budget's reserve, called in process: the seed runs before any service is up."""

    def __init__(self, engine, ctx: CallContext):  # noqa: ANN001 - an engine
        self.engine, self.ctx = engine, ctx

    def reserve(self, **kwargs):  # noqa: ANN003, ANN201
        from services.budget.service_layer import commands, handlers
        from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

        return handlers.reserve(commands.Reserve.parse(kwargs), BudgetUnitOfWork(self.engine), self.ctx)

    def release_document(self, **kwargs):  # noqa: ANN003, ANN201
        raise NotImplementedError("the seed cancels nothing")


def sample(engine, budget_engine, org: str, line_id: str) -> str:  # noqa: ANN001 - engines
    """Submit the sample once (its Idempotency-Key makes a second run find the first); its submission event
    waits in the outbox until the services start, then approval routes it."""
    from services.procurement.service_layer import commands, handlers
    from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork

    ctx = CallContext(org=org, actor="clerk", idempotency_key=SAMPLE_KEY)
    cmd = commands.SubmitApplication.parse({**SAMPLE, "budget_line_id": line_id})
    budget = _LocalBudget(budget_engine, ctx)
    # On a budget line of its own: neither payment (a matter application) nor contract (its direct contract) is asked.
    return handlers.submit_application(cmd, ProcurementUnitOfWork(engine), ctx, budget, None, None)["no"]
