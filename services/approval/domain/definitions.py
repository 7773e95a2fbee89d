"""The process definitions in force, one per document type, as plain data.

Changing a rule or a threshold means a new version here; routes already drawn keep the version they were
drawn from (their steps are frozen). Later the definitions may move to the database; the shape stays."""

from __future__ import annotations

from typing import Any

from services.approval.domain import errors
from services.approval.domain.directory import Directory
from services.approval.domain.model import PlannedStep
from services.approval.domain.process import ProcessDefinition

# 分级授权 shared by the spending documents: who may approve, lowest first.
AUTHORITIES = [
    {"role": "unit_head", "label": "部门负责人", "step_name": "部门负责人审批", "scope": "unit"},
    {"role": "leader_in_charge", "label": "分管领导", "step_name": "分管领导审批", "scope": "unit_leader"},
    {"role": "principal", "label": "主要领导", "step_name": "主要领导审批", "scope": "org"},
]

MATTER_APPLICATION_V1: dict[str, Any] = {
    "document_type": "matter_application",
    "version": 1,
    "name": "事前申请审批",
    "authorities": AUTHORITIES,
    "thresholds": {"leader_in_charge": "50000.00", "principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人审核"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
        {"role": "principal", "when": [{"amount_at_least": "principal"},
                                       {"flag": "major_matter", "label": "三重一大事项"}]},
    ],
}

# v2: large or major matters are countersigned by finance and discipline inspection (财务、纪检会签) before the
# leadership decides; a major matter (三重一大) is decided collectively, at a meeting of the 党工委, whose record
# the principal (the chair) enters. A principal who is also the meeting's chair decides once, at the meeting.
MATTER_APPLICATION_V2: dict[str, Any] = {
    "document_type": "matter_application",
    "version": 2,
    "name": "事前申请审批",
    "authorities": [
        *AUTHORITIES[:2],
        {"role": "finance_inspection", "label": "财务审核与纪检监察", "step_name": "财务、纪检会签", "scope": "org",
         "kind": "countersign", "roles": ["finance_reviewer", "inspector"]},
        AUTHORITIES[2],
        {"role": "collective_decision", "label": "党工委会议", "step_name": "集体决策（党工委会议）", "scope": "org",
         "kind": "collective", "roles": ["principal"]},
    ],
    "thresholds": {"leader_in_charge": "50000.00", "principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人审核"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
        {"role": "finance_inspection", "when": [{"amount_at_least": "principal"},
                                                {"flag": "major_matter", "label": "三重一大事项"}]},
        {"role": "principal", "when": [{"amount_at_least": "principal"}]},
        {"role": "collective_decision", "when": [{"flag": "major_matter", "label": "三重一大事项"}]},
    ],
}

DEFINITIONS: dict[str, ProcessDefinition] = {
    d["document_type"]: ProcessDefinition.from_dict(d) for d in (MATTER_APPLICATION_V2,)
}
# Earlier versions, kept loadable: routes drawn from them stay as they were drawn.
EARLIER = {(d["document_type"], d["version"]): ProcessDefinition.from_dict(d) for d in (MATTER_APPLICATION_V1,)}


def current(document_type: str) -> ProcessDefinition:
    """The definition a new route of this type is drawn from; RouteRefused if there is none."""
    try:
        return DEFINITIONS[document_type]
    except KeyError:
        raise errors.no_definition(document_type) from None


def resolve_route(document_type: str, attributes: dict[str, Any], directory: Directory) -> list[PlannedStep]:
    return current(document_type).resolve(attributes, directory)
