"""Event types, one entry each. `subscribers` names the services whose queues are bound to the type;
the risk service hears everything (see WILDCARD_SUBSCRIBERS)."""

from __future__ import annotations

from ic_platform.catalogue.fragments import DOCUMENT, MONEY, TIMESTAMP, USERNAME, UUID, approval_request, obj

_LINE = {"type": "string", "minLength": 1, "description": "budget line id"}


def _budget_move(required: list[str], **extra: dict) -> dict:
    """A ledger move's payload: the line, the document, the amount moved and what the line has left."""
    return obj(["budget_line_id", "document", "amount", "available", *required],
               budget_line_id=_LINE, document=DOCUMENT, amount=MONEY, available=MONEY, **extra)
_STEP = {"type": "integer", "minimum": 1}
_ROUTE_STEP = obj(["step_no", "name", "approver_role", "assignee", "reason"],
                  step_no=_STEP, name={"type": "string"}, approver_role={"type": "string"},
                  assignee=USERNAME, reason={"type": "string"})

_UNIT = obj(["code", "name", "kind"], code={"type": "string"}, name={"type": "string"},
            kind={"enum": ["office", "community"]}, leader_in_charge={"type": ["string", "null"]},
            responsible_for={"type": "array", "items": {"type": "string"}})
_USER = obj(["username", "full_name", "unit", "roles"], username=USERNAME, full_name={"type": "string"},
            unit={"type": "string"}, roles={"type": "array", "items": {"type": "string"}},
            title={"type": "string"})

SPECS = [
    # ── org (组织机构: units, people, roles; the one owner of organisation data) ──
    dict(type="org.unit_registered", version=1, producer="org", summary="单位（部门/社区）已登记或变更",
         subscribers=("approval",), payload=obj(["unit"], unit=_UNIT)),
    dict(type="org.user_registered", version=1, producer="org", summary="人员已登记或变更（所属单位、角色）",
         subscribers=("approval",), payload=obj(["user"], user=_USER)),
    # ── payment (支出: matter applications, claims, payments) ──
    dict(type="payment.matter_application_submitted", version=1, producer="payment",
         summary="事前申请已提交，预算已预占，待审批",
         subscribers=("approval",),
         payload=approval_request(["budget_line_id"], budget_line_id=_LINE, purpose={"type": "string"})),
    dict(type="payment.matter_application_resubmitted", version=1, producer="payment",
         summary="被退回的事前申请经修改后重新提交，进入新一轮审批（金额与预算指标不变，预占保留）",
         subscribers=("approval",),
         payload=approval_request(["budget_line_id"], budget_line_id=_LINE, purpose={"type": "string"})),
    dict(type="payment.matter_application_approved", version=1, producer="payment",
         summary="事前申请审批通过", payload=obj(["document"], document=DOCUMENT)),
    dict(type="payment.matter_application_rejected", version=1, producer="payment",
         summary="事前申请被驳回", payload=obj(["document", "reason"], document=DOCUMENT,
                                         reason={"type": "string"})),
    # ── budget (预算指标与资金控制) ──
    dict(type="budget.pre_committed", version=1, producer="budget",
         summary="预算指标已预占（事前申请冻结）",
         payload=_budget_move([])),
    dict(type="budget.pre_commitment_approved", version=1, producer="budget",
         summary="预占额度随审批通过而确认",
         payload=obj(["budget_line_id", "document", "amount"],
                     budget_line_id=_LINE, document=DOCUMENT, amount=MONEY)),
    dict(type="budget.released", version=1, producer="budget",
         summary="预占额度已释放",
         payload=_budget_move(["reason"], reason={"type": "string"})),
    dict(type="budget.committed", version=1, producer="budget",
         summary="预算指标已承诺（合同占用）；如注明来源单据，其预占同时转入",
         payload=_budget_move(["released"], from_document=DOCUMENT,
                              released={**MONEY, "description": "来源单据预占转入本次承诺的金额"})),
    dict(type="budget.relieved", version=1, producer="budget",
         summary="承诺（合同占用）已解除",
         payload=_budget_move(["reason"], reason={"type": "string"})),
    dict(type="budget.actualized", version=1, producer="budget",
         summary="预算指标已实际支出；如注明来源单据，其承诺（或预占）同时核销",
         payload=_budget_move(["relieved", "released"], from_document=DOCUMENT,
                              relieved={**MONEY, "description": "来源单据承诺被本次支出核销的金额"},
                              released={**MONEY, "description": "来源单据预占被本次支出核销的金额"})),
    dict(type="budget.reversed", version=1, producer="budget",
         summary="实际支出已冲销，金额退回可用余额",
         payload=_budget_move(["reason"], reason={"type": "string"})),
    dict(type="budget.line_created", version=1, producer="budget",
         summary="预算指标已下达（新建，如由 Excel 导入）",
         payload=obj(["budget_line_id", "fiscal_year", "unit", "expenditure_kind", "source_kind", "amount"],
                     budget_line_id=_LINE, fiscal_year={"type": "integer", "minimum": 2000, "maximum": 2100},
                     unit={"type": "string", "minLength": 1},
                     expenditure_kind={"enum": ["basic", "project"]},
                     source_kind={"enum": ["initial", "supplementary", "transfer", "carried_forward"]},
                     amount=MONEY, via={"enum": ["import", "api"], "description": "下达方式"})),
    dict(type="budget.threshold_crossed", version=1, producer="budget",
         summary="预算执行预警：指标消耗（预占+承诺+实际支出）向上越过预警线",
         payload=obj(["budget_line_id", "level", "consumed", "amount", "rate"],
                     budget_line_id=_LINE,
                     level={"type": "integer", "minimum": 1, "description": "预警线，百分比"},
                     consumed={**MONEY, "description": "预占+承诺+实际支出"}, amount=MONEY,
                     rate={"type": "string", "pattern": r"^\d{1,13}\.\d{2}$",
                           "description": "消耗占指标金额的百分比，两位小数"})),
    # ── approval (呈批分拨) ──
    dict(type="approval.submitted", version=1, producer="approval",
         summary="单据进入审批，路径已按规则确定并冻结",
         payload=obj(["document", "initiator", "route"], document=DOCUMENT, initiator=USERNAME,
                     route={"type": "array", "items": _ROUTE_STEP, "minItems": 1})),
    dict(type="approval.step_assigned", version=1, producer="approval",
         summary="审批节点已分拨给审批人",
         payload=obj(["document", "task_id", "step_no", "step_name", "assignee"], document=DOCUMENT,
                     task_id=UUID, step_no=_STEP, step_name={"type": "string"}, assignee=USERNAME)),
    dict(type="approval.step_decided", version=1, producer="approval",
         summary="审批节点已处理",
         payload=obj(["document", "task_id", "step_no", "decision", "decided_by"], document=DOCUMENT,
                     task_id=UUID, step_no=_STEP, decision={"enum": ["approved", "rejected"]},
                     decided_by=USERNAME, comment={"type": "string"})),
    dict(type="approval.completed", version=1, producer="approval",
         summary="审批结束（通过或驳回）",
         subscribers=("budget", "payment"),
         payload=obj(["document", "outcome"], document=DOCUMENT,
                     outcome={"enum": ["approved", "rejected"]}, reason={"type": "string"})),
    dict(type="approval.returned", version=1, producer="approval",
         summary="单据被退回申请人修改（注明退回节点与理由），可修改后重新提交",
         subscribers=("payment",),
         payload=obj(["document", "task_id", "step_no", "returned_by", "reason", "round"], document=DOCUMENT,
                     task_id=UUID, step_no=_STEP, step_name={"type": "string"}, returned_by=USERNAME,
                     reason={"type": "string", "minLength": 1},
                     round={"type": "integer", "minimum": 1, "description": "第几轮送审"})),
    dict(type="approval.trail_anchored", version=1, producer="approval",
         summary="审批留痕链的链头已锚定（链外记录，用于发现尾部截断或改写）",
         payload=obj(["chain", "seq", "hash", "anchored_at"],
                     chain={"type": "string", "minLength": 1, "description": "the chain: its database's name"},
                     seq={"type": "integer", "minimum": 1}, hash={"type": "string", "pattern": "^[0-9a-f]{64}$"},
                     anchored_at=TIMESTAMP)),
]
