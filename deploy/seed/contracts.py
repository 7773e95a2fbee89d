"""The demo office's contracts, so `make run` shows contracts in every state: a draft, one in its signing route,
two signed (one with an overdue acceptance), one amended within 10 %, one terminated. They stand on awards of
last year's purchases (made before the system: their facts are recorded as contract heard them, and their
budget pre-commitment is reserved here), for 城市管理办公室 and 综合行政执法队, whose lines no test uses.

The signed ones were approved before the system too (no route in approval): they are signed through the
contract service's own use case, which commits the budget exactly as a signing in the system does. The one
in its route is submitted, so approval routes it to its unit head when the services start. Seeded once: a
second run finds contracts and adds nothing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.identity import Viewer

_NS = uuid.UUID("9d4f0b7a-3c1e-4a55-8f2b-6e7d1c0a9b31")
NOTICE = "2026-03-02"


def _share(amount: str, rate: str) -> str:
    return str((Decimal(amount) * Decimal(rate)).quantize(Decimal("0.01")))


def _id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


# (key, unit, budget line, title, supplier, amount, state, milestones, start, end, warranty end)
_TWO_PARTS = [
    {"name": "预付款", "condition": "on_signing", "share": "30"},
    {"name": "验收款", "condition": "on_acceptance", "share": "70", "planned_date": "2026-09-30"},
]
_WITH_RETENTION = [
    {"name": "预付款", "condition": "on_signing", "share": "30"},
    {"name": "进度款", "condition": "on_progress", "share": "40", "progress": "60"},
    {"name": "验收款", "condition": "on_acceptance", "share": "25", "planned_date": "2026-10-31"},
    {"name": "质保金", "condition": "after_warranty", "share": "5"},
]
CONTRACTS: tuple[dict[str, Any], ...] = (
    dict(
        key="cgb-greening",
        unit="cgb",
        line="2026-CGB-30226-01",
        title="辖区道路绿化养护服务合同",
        supplier="绿源园林绿化工程有限公司",
        amount="186000.00",
        state="amended",
        milestones=_WITH_RETENTION,
        start="2026-03-15",
        end="2026-12-31",
        warranty_end="2027-06-30",
    ),
    dict(
        key="cgb-repair",
        unit="cgb",
        line="2026-CGB-30213-01",
        title="市政设施维修合同",
        supplier="安达建筑装饰工程有限公司",
        amount="68000.00",
        state="signed",
        milestones=_TWO_PARTS,
        start="2026-03-20",
        end="2026-10-31",
    ),
    dict(
        key="zfd-security",
        unit="zfd",
        line="2026-ZFD-30226-01",
        title="执法辅助安保服务合同",
        supplier="诚信保安服务有限公司",
        amount="96000.00",
        state="terminated",
        milestones=_TWO_PARTS,
        start="2026-03-10",
        end="2026-12-31",
    ),
    dict(
        key="zfd-printing",
        unit="zfd",
        line="2026-ZFD-30201-01",
        title="执法文书印制合同",
        supplier="明达印务有限公司",
        amount="24000.00",
        state="signed",
        milestones=[{"name": "验收后一次付清", "condition": "on_acceptance", "share": "100"}],
        start="2026-03-05",
        end="2026-12-31",
    ),
    dict(
        key="cgb-equipment",
        unit="cgb",
        line="2026-CGB-31002-01",
        title="城管执法记录仪采购合同",
        supplier="恒信电脑科技有限公司",
        amount="45000.00",
        state="submitted",
        milestones=_TWO_PARTS,
        start="2026-12-01",
        end="2027-03-31",
    ),
    dict(
        key="zfd-vehicle",
        unit="zfd",
        line="2026-ZFD-30213-01",
        title="执法车辆维修保养合同",
        supplier="顺达汽车维修服务有限公司",
        amount="32000.00",
        state="draft",
        milestones=_TWO_PARTS,
        start="2026-12-15",
        end="2027-12-14",
    ),
)


class _LocalBudget:
    """The budget's moves, called in process: the seed runs before any service is up."""

    def __init__(self, engine, ctx: CallContext):  # noqa: ANN001 - an engine
        from services.budget.service_layer import commands, handlers
        from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

        self.engine, self.ctx, self.commands, self.handlers = engine, ctx, commands, handlers
        self.uow = lambda: BudgetUnitOfWork(engine)

    def _call(self, name: str, command: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        cmd = getattr(self.commands, command).parse(kwargs)
        return getattr(self.handlers, name)(cmd, self.uow(), self.ctx)

    def reserve(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("reserve", "Reserve", kwargs)

    def commit(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("commit", "Commit", kwargs)

    def release_document(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("release_document", "ReleaseDocument", kwargs)

    def relieve(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("relieve", "Relieve", kwargs)


class _LocalRegistry:
    """Procurement's supplier registry, asked in process."""

    def __init__(self, engine, ctx: CallContext):  # noqa: ANN001 - an engine
        self.engine, self.ctx = engine, ctx

    def supplier_on(self, **kwargs: Any) -> dict[str, Any]:
        from services.procurement.service_layer import commands, suppliers
        from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork

        cmd = commands.SupplierOn.parse(kwargs)
        return suppliers.supplier_on(cmd, ProcurementUnitOfWork(self.engine), self.ctx)

    def supplier_id(self, org: str, name: str) -> str:
        from services.procurement.adapters.orm import supplier

        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    sa.select(supplier.c.id).where(supplier.c.org == org, supplier.c.name == name)
                ).scalar_one()
            )


def load(contract_engine, budget_engine, procurement_engine, org: str) -> dict[str, int]:  # noqa: ANN001 - engines
    from services.contract.adapters.orm import contract

    with contract_engine.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(contract).where(contract.c.org == org)).scalar_one():
            return {"contracts": 0}
    system = CallContext(org=org, actor="system")
    registry = _LocalRegistry(procurement_engine, system)
    for spec in CONTRACTS:
        _one(spec, org, contract_engine, budget_engine, registry)
    return {"contracts": len(CONTRACTS)}


def _one(spec: dict[str, Any], org: str, contract_engine, budget_engine, registry: _LocalRegistry) -> None:  # noqa: ANN001
    from services.contract.domain import amendments
    from services.contract.service_layer import changes, commands, handlers
    from services.contract.service_layer.publishing import publish_events
    from services.contract.service_layer.unit_of_work import ContractUnitOfWork

    clerk = f"clerk_{spec['unit']}"
    ctx = CallContext(
        org=org,
        actor=clerk,
        idempotency_key=f"demo-seed-{spec['key']}",
        viewer=Viewer.of(clerk, spec["unit"], ["clerk"]),
    )
    budget = _LocalBudget(budget_engine, ctx)
    uow = ContractUnitOfWork(contract_engine)
    supplier_id = registry.supplier_id(org, spec["supplier"])
    holder = {"type": "procurement_application", "id": _id(spec["key"]), "no": f"CG-2025-{_id(spec['key'])[:6]}"}
    budget_amount = _share(spec["amount"], "1.05")  # the purchase came in under its budget
    budget.reserve(budget_line_id=spec["line"], amount=budget_amount, document=holder, unit=spec["unit"])
    award = {
        "document": holder,
        "award_id": _id(spec["key"] + ":award"),
        "unit": spec["unit"],
        "supplier_id": supplier_id,
        "supplier_name": spec["supplier"],
        "credit_code": "",
        "amount": spec["amount"],
        "budget_amount": budget_amount,
        "method": "competitive_consultation",
        "category": "services",
        "decided_on": NOTICE,
        "notice_date": NOTICE,
        "tender_id": None,
        "justification": None,
        "flags": [],
        "budget_line_id": spec["line"],
        "pre_commitment_holder": holder,
    }
    with uow:
        handlers.on_award_decided(
            Envelope(type="procurement.award_decided", payload=award, org=org, producer="procurement"), uow
        )
        uow.commit()
    body = {
        "award_id": award["award_id"],
        "title": spec["title"],
        "supplier_id": supplier_id,
        "amount": spec["amount"],
        "start_date": spec["start"],
        "end_date": spec["end"],
        "purchaser": clerk,
        "milestones": spec["milestones"],
        "unit": spec["unit"],
        **({"warranty_end": spec["warranty_end"]} if spec.get("warranty_end") else {}),
    }
    c = handlers.draft_contract(commands.DraftContract.parse(body), uow, ctx, registry, None)
    if spec["state"] == "draft":
        return
    if spec["state"] == "submitted":
        handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, ctx)
        return
    with uow:  # approved before the system: no route in approval, nothing published for it
        contract = uow.contracts.get(c["id"], for_update=True)
        contract.submit(clerk, handlers.POLICY)
        contract.approve()
        contract.events.clear()
        uow.contracts.save(contract)
        uow.commit()
    signed_on = date.fromisoformat(spec["start"]).isoformat()
    sign = commands.SignContract.parse({"contract_id": c["id"], "signed_on": signed_on})
    handlers.sign_contract(sign, uow, ctx, budget, registry)
    if spec["state"] == "amended":  # 8 % more, approved: within the 10 % limit
        with uow:
            contract = uow.contracts.get(c["id"], for_update=True)
            more = _share(spec["amount"], "1.08")
            amendment = amendments.propose(
                contract,
                _id(spec["key"] + ":amendment"),
                uow.contracts.next_amendment_no(2026),
                "增加两条道路的养护面积",
                date(2026, 6, 1),
                handlers.POLICY,
                amount=Decimal(more),
            )
            contract.events.clear()
            uow.contracts.add_amendment(amendment, clerk)
            decided = amendments.decide(contract, amendment.id, True, date(2026, 6, 10), None)
            uow.contracts.save(contract)
            uow.contracts.save_amendment_decision(decided)
            publish_events(uow, ctx, contract, decided)
            uow.commit()
        changes.settle_amendment_budgets(uow, budget)
    elif spec["state"] == "terminated":
        cmd = commands.TerminateContract.parse(
            {
                "contract_id": c["id"],
                "kind": "rescission",
                "terminated_on": "2026-07-31",
                "reason": "供应商多次未按约定派驻人员，双方协商解除",
                "settlement_amount": _share(spec["amount"], "0.30"),
            }
        )
        changes.terminate_contract(cmd, uow, ctx, budget)
