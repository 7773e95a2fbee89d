"""Loads the demo organisation through the services' own handlers, so seeding obeys the same rules as the
API and publishes the same events (via each service's outbox). Safe to run again: nothing changes twice."""

from __future__ import annotations

from ic_platform.config import Settings, settings
from ic_platform.context import CallContext
from ic_platform.db import make_engine
from ic_platform.money import money_str


def seed(cfg: Settings | None = None) -> dict[str, int]:
    from deploy.seed import contracts as contracts_seed
    from deploy.seed import demo_org
    from deploy.seed import procurement as procurement_seed
    from deploy.seed import standards as standards_seed
    from services.budget.service_layer import commands as budget_cmd
    from services.budget.service_layer import handlers as budget
    from services.budget.service_layer.unit_of_work import BudgetUnitOfWork
    from services.org.service_layer import commands as org_cmd
    from services.org.service_layer import handlers as org
    from services.org.service_layer.unit_of_work import OrgUnitOfWork

    cfg = cfg or settings()
    ctx = CallContext(org=demo_org.ORG_CODE, actor="system")
    org_engine = make_engine(cfg.database_url("org"), pool_size=2)
    budget_engine = make_engine(cfg.database_url("budget"), pool_size=2)
    approval_engine = make_engine(cfg.database_url("approval"), pool_size=2)
    procurement_engine = make_engine(cfg.database_url("procurement"), pool_size=2)
    contract_engine = make_engine(cfg.database_url("contract"), pool_size=2)
    try:
        for unit in demo_org.UNITS:
            org.register_unit(
                org_cmd.RegisterUnit.parse(
                    {
                        "code": unit.code,
                        "name": unit.name,
                        "kind": unit.kind,
                        "leader_in_charge": unit.leader_in_charge,
                        "responsible_for": list(unit.responsible_for),
                    }
                ),
                OrgUnitOfWork(org_engine),
                ctx,
            )
        for user in demo_org.USERS:
            org.register_user(
                org_cmd.RegisterUser.parse(
                    {
                        "username": user.username,
                        "full_name": user.full_name,
                        "unit": user.unit_code,
                        "roles": list(user.roles),
                        "title": getattr(user, "title", ""),
                        "password": demo_org.DEMO_PASSWORD,
                    }
                ),
                OrgUnitOfWork(org_engine),
                ctx,
            )
        for line in demo_org.BUDGET_LINES:
            budget.create_line(
                budget_cmd.CreateLine.parse(
                    {
                        "id": line.code,
                        "fiscal_year": demo_org.FISCAL_YEAR,
                        "unit": line.unit_code,
                        "functional_class": line.functional_class,
                        "functional_class_name": line.functional_class_name,
                        "economic_class": line.economic_class,
                        "economic_class_name": line.economic_class_name,
                        "project": line.project,
                        "expenditure_kind": line.expenditure_kind,
                        "fund_source": line.fund_source,
                        "source_kind": line.source_kind,
                        "amount": money_str(line.amount),
                    }
                ),
                BudgetUnitOfWork(budget_engine),
                ctx,
            )
        standards = standards_seed.load(budget_engine, demo_org.ORG_CODE, demo_org.FISCAL_YEAR)
        _seed_decisions(org_engine, approval_engine, ctx)
        procurement = procurement_seed.load(procurement_engine, demo_org.ORG_CODE)
        ics_line = next(line.code for line in demo_org.BUDGET_LINES if line.project == "内部控制管理系统运维及功能升级")
        procurement_seed.sample(procurement_engine, budget_engine, demo_org.ORG_CODE, ics_line)
        contracts = contracts_seed.load(contract_engine, budget_engine, procurement_engine, demo_org.ORG_CODE)
    finally:
        contract_engine.dispose()
        procurement_engine.dispose()
        org_engine.dispose()
        budget_engine.dispose()
        approval_engine.dispose()
    return {
        "units": len(demo_org.UNITS),
        "users": len(demo_org.USERS),
        "budget_lines": len(demo_org.BUDGET_LINES),
        "expenditure_standards": len(standards_seed.STANDARDS),
        "new_expenditure_standards": standards["standards"],
        "new_suppliers": procurement["suppliers"],
        "new_contracts": contracts["contracts"],
    }


def _seed_decisions(org_engine, approval_engine, ctx: CallContext) -> None:  # noqa: ANN001 - engines
    """The deciding bodies (org announces them to approval) and the 三重一大 rules (approval's own data)."""
    from deploy.seed import decisions
    from services.approval.service_layer import bus as approval_bus
    from services.approval.service_layer import major_matter
    from services.org.service_layer import bodies
    from services.org.service_layer import commands as org_cmd
    from services.org.service_layer.unit_of_work import OrgUnitOfWork

    for body in decisions.DECIDING_BODIES:
        command = org_cmd.RegisterDecidingBody.parse(
            {"code": body.code, "name": body.name, "members": list(body.members), "quorum": body.quorum}
        )
        bodies.register_deciding_body(command, OrgUnitOfWork(org_engine), ctx)
    for rule in decisions.MAJOR_MATTER_RULES:
        command = major_matter.SetMajorMatterRule.parse(
            {
                "code": rule.code,
                "label": rule.label,
                "document_types": list(rule.document_types),
                "effective_from": rule.effective_from.isoformat(),
                "amount_at_least": rule.amount_at_least,
                "economic_classes": list(rule.economic_classes),
            }
        )
        major_matter.set_rule(command, approval_bus.unit_of_work(approval_engine), ctx)
