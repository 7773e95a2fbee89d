"""Event types, one entry each. `subscribers` names the services whose queues are bound to the type;
the risk service hears everything (see WILDCARD_SUBSCRIBERS)."""

from __future__ import annotations

from ic_platform.catalogue.fragments import DOCUMENT, MONEY, USERNAME, UUID, obj

_LINE = {"type": "string", "minLength": 1, "description": "budget line id"}
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
         payload=obj(["document", "unit", "applicant", "budget_line_id", "amount", "title"],
                     document=DOCUMENT, unit={"type": "string"}, applicant=USERNAME,
                     budget_line_id=_LINE, amount=MONEY, title={"type": "string"},
                     purpose={"type": "string"}, major_matter={"type": "boolean"})),
    dict(type="payment.matter_application_approved", version=1, producer="payment",
         summary="事前申请审批通过", payload=obj(["document"], document=DOCUMENT)),
    dict(type="payment.matter_application_rejected", version=1, producer="payment",
         summary="事前申请被驳回", payload=obj(["document", "reason"], document=DOCUMENT,
                                         reason={"type": "string"})),
    # ── budget (预算指标与资金控制) ──
    dict(type="budget.pre_committed", version=1, producer="budget",
         summary="预算指标已预占（事前申请冻结）",
         payload=obj(["budget_line_id", "document", "amount", "available"],
                     budget_line_id=_LINE, document=DOCUMENT, amount=MONEY, available=MONEY)),
    dict(type="budget.pre_commitment_approved", version=1, producer="budget",
         summary="预占额度随审批通过而确认",
         payload=obj(["budget_line_id", "document", "amount"],
                     budget_line_id=_LINE, document=DOCUMENT, amount=MONEY)),
    dict(type="budget.released", version=1, producer="budget",
         summary="预占额度已释放",
         payload=obj(["budget_line_id", "document", "amount", "available", "reason"],
                     budget_line_id=_LINE, document=DOCUMENT, amount=MONEY, available=MONEY,
                     reason={"type": "string"})),
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
]
