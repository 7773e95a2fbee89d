"""One line of Chinese per event, for people reading a dossier. Pure: the event in, the sentence out."""

from __future__ import annotations

import string
from decimal import Decimal
from typing import Any

from ic_platform import catalogue
from ic_platform.catalogue import control_events
from ic_platform.envelope import Envelope

# The sentence filed for each event type. Placeholders are payload fields, prepared by `_fields` (amounts as
# "12,000.00 元", decisions in Chinese, optional parts already punctuated or empty). A type missing here is
# filed with the catalogue's own summary, so a new event type reads sensibly before it gets a line here.
LABELS: dict[str, str] = {
    "org.unit_registered": "登记单位 {unit_name}（{unit_code}）",
    "org.user_registered": "登记人员 {full_name}（{username}），所属单位 {user_unit}",
    "payment.matter_application_submitted": (
        "{actor} 提交事前申请 {no}「{title}」，金额 {amount}，预算指标 {budget_line_id}{major_matter}"
    ),
    "payment.matter_application_resubmitted": "{actor} 修改后重新提交事前申请 {no}「{title}」",
    "payment.matter_application_approved": "事前申请 {no} 审批通过",
    "payment.matter_application_rejected": "事前申请 {no} 被驳回：{reason}",
    "payment.application_cancelled": "{by} 作废事前申请 {no}：{reason}",
    "payment.application_closed": "{by} 结项事前申请 {no}：{reason}",
    "payment.expense_claim_submitted": "{actor} 提交报销单 {no}「{title}」，金额 {amount}，预算指标 {budget_line_id}",
    "payment.expense_claim_resubmitted": "{actor} 修改后重新提交报销单 {no}「{title}」（第 {round} 轮），金额 {amount}",
    "payment.expense_claim_approved": "报销单 {no} 审批通过，金额 {amount}",
    "payment.payment_request_resubmitted": (
        "{actor} 修改后重新提交付款申请 {no}「{title}」（第 {round} 轮），金额 {amount}"
    ),
    "payment.expense_claim_rejected": "报销单 {no} 被驳回：{reason}",
    "payment.expense_claim_cancelled": "{by} 作废报销单 {no}：{reason}",
    "payment.attachment_added": "{uploaded_by} 上传附件「{filename}」",
    "contract.attachment_added": "{uploaded_by} 上传附件「{filename}」",
    "contract.cancelled": "{actor} 作废合同 {no}：{reason}",
    "contract.progress_certified": "{certifier} 确认合同 {contract_no} 履行进度 {percent}%（{certified_on}）",
    "procurement.attachment_added": "{uploaded_by} 上传附件「{filename}」",
    "approval.attachment_added": "{uploaded_by} 上传会议记录附件「{filename}」",
    "budget.pre_committed": "预算指标 {budget_line_id} 预占 {amount}，可用余额 {available}",
    "budget.pre_commitment_approved": "预算指标 {budget_line_id} 预占 {amount} 随审批通过确认",
    "budget.released": "预算指标 {budget_line_id} 释放预占 {amount}{because}，可用余额 {available}",
    "budget.line_created": "下达预算指标 {budget_line_id}（{fiscal_year} 年，单位 {unit}），金额 {amount}",
    "approval.submitted": "{initiator} 送审，审批路径：{route}",
    "approval.step_assigned": "分拨至 {assignee}（{step_name}）",
    "approval.step_decided": "{decided_by} 审批{decision}{remark}",
    "approval.completed": "审批结束：{outcome}{because}",
    "approval.returned": "{returned_by} 退回申请人（{step_name}）：{reason}",
    "approval.withdrawn": "{withdrawn_by} 撤回单据{because}",
    "approval.task_reassigned": "{reassigned_by} 将{step_name}转办：{from_assignee} → {to_assignee}（{reason}）",
    "approval.task_overdue": "超过办理时限，催办 {assignee}（{step_name}）",
    "approval.task_escalated": "超时未办，上报 {escalated_to} 督办（{step_name}，审批人 {assignee}）",
    "risk.warning_raised": "风险预警：{message}",
    "risk.document_assessed": "风险评估完成（本轮送审）：{warning_tally}",
}
# Segregation-of-duties refusals (ic_platform/segregation.py), the same sentence whichever service refused.
LABELS |= {
    control_events.event_type(service): "{person} 因不相容岗位分离被拒绝办理：{message}"
    for service in control_events.SOD_PRODUCERS
}

OUTCOMES = {"approved": "通过", "rejected": "驳回", "returned_to_step": "退回至前序节点"}
MONEY_FIELDS = ("amount", "available")


def summarise(event: Envelope) -> str:
    template = LABELS.get(event.type)
    if template is None:
        return _fallback(event)
    # A missing placeholder reads as empty rather than failing: a summary must never stop an event being
    # filed. Whitespace is collapsed so a title or comment typed over several lines still files as one line.
    return " ".join(_Formatter().vformat(template, (), _fields(event)).split())


def yuan(amount: str | Decimal) -> str:
    return f"{Decimal(amount):,.2f} 元"


def _fallback(event: Envelope) -> str:
    try:
        label = catalogue.spec_for(event.type, event.version).summary
    except catalogue.UnknownEvent:
        label = event.type
    no = _document_no(event.payload)
    return f"{label}：{no}" if no else label


def _fields(event: Envelope) -> dict[str, Any]:
    p = event.payload
    fields: dict[str, Any] = {k: v for k, v in p.items() if isinstance(v, str | int)}
    fields.update({k: yuan(p[k]) for k in MONEY_FIELDS if k in p})
    fields.update({k: OUTCOMES.get(p[k], p[k]) for k in ("decision", "outcome") if k in p})
    fields["actor"] = event.actor or p.get("applicant") or "系统"
    fields["no"] = _document_no(p)
    fields["because"] = f"（{p['reason']}）" if p.get("reason") else ""
    fields["remark"] = f"，意见：{p['comment']}" if p.get("comment") else ""
    fields["major_matter"] = "，属“三重一大”事项" if p.get("major_matter") else ""
    fields["route"] = " → ".join(f"{s['name']}（{s['assignee']}）" for s in p.get("route", []))
    if isinstance(p.get("warnings"), list):
        fields["warning_tally"] = f"共 {len(p['warnings'])} 条风险预警" if p["warnings"] else "无风险预警"
    if isinstance(p.get("unit"), dict):
        fields.update(unit_name=p["unit"].get("name"), unit_code=p["unit"].get("code"))
    if isinstance(p.get("user"), dict):
        user = p["user"]
        fields.update(full_name=user.get("full_name"), username=user.get("username"), user_unit=user.get("unit"))
    return fields


def _document_no(payload: dict[str, Any]) -> str:
    document = payload.get("document")
    if not isinstance(document, dict):
        return ""
    return document.get("no") or document.get("id") or ""


class _Formatter(string.Formatter):
    def get_value(self, key, args, kwargs):  # noqa: ANN001, ANN201 - string.Formatter's signature
        value = kwargs.get(key) if isinstance(key, str) else None
        return "" if value is None else value
