"""Process definitions (审批流程) as data, and how one draws a document's route (分拨).

A definition lists the authorities in rising order (分级授权) and the steps a document of its type may
need, each with the condition that puts it on the route. Thresholds are named values of the definition,
not numbers in code; a definition has a version, and a route records the version it was drawn from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.approval.domain import errors
from services.approval.domain.directory import Directory, Unit, User
from services.approval.domain.model import PlannedStep

# Where an authority's holder is found: a role within the document's unit, the unit's leader in charge
# (named on the unit itself), or the single holder of a role in the whole office.
SCOPES = ("unit", "unit_leader", "org")


@dataclass(frozen=True)
class Authority:
    role: str
    label: str  # 部门负责人
    step_name: str  # 部门负责人审批
    scope: str


@dataclass(frozen=True)
class Clause:
    """One reason a step may be needed; a step's clauses are alternatives."""

    amount_at_least: str | None = None  # the name of a threshold
    flag: str | None = None  # a document attribute that must be true
    label: str = ""  # how the flag reads to people, e.g. 三重一大事项

    def holds(self, facts: dict[str, Any], thresholds: dict[str, Decimal]) -> bool:
        if self.amount_at_least:
            return facts["amount"] >= thresholds[self.amount_at_least]
        return bool(facts.get(self.flag))

    def describe(self, thresholds: dict[str, Decimal]) -> str:
        if self.amount_at_least:
            return f"金额 ≥ {thresholds[self.amount_at_least]:,.2f} 元"
        return self.label or self.flag


@dataclass(frozen=True)
class StepRule:
    role: str
    reason: str = ""  # why the step is there when it always is
    when: tuple[Clause, ...] = ()  # none: always on the route


@dataclass(frozen=True)
class ProcessDefinition:
    document_type: str
    version: int
    name: str
    authorities: tuple[Authority, ...]  # lowest first
    thresholds: dict[str, Decimal]
    steps: tuple[StepRule, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessDefinition:
        definition = cls(
            document_type=data["document_type"], version=int(data["version"]), name=data["name"],
            authorities=tuple(Authority(**a) for a in data["authorities"]),
            thresholds={k: Decimal(v) for k, v in data.get("thresholds", {}).items()},
            steps=tuple(StepRule(role=s["role"], reason=s.get("reason", ""),
                                 when=tuple(Clause(**c) for c in s.get("when", ())))
                        for s in data["steps"]))
        definition._check()
        return definition

    def _check(self) -> None:
        """A definition is configuration: refuse a bad one when it is loaded, not when a document hits it."""
        roles = [a.role for a in self.authorities]
        if len(set(roles)) != len(roles) or any(a.scope not in SCOPES for a in self.authorities):
            raise ValueError(f"{self.document_type} v{self.version}: authorities must be unique, known scopes")
        ranks = [roles.index(s.role) if s.role in roles else -1 for s in self.steps]
        if not ranks or min(ranks) < 0 or ranks != sorted(set(ranks)):
            raise ValueError(f"{self.document_type} v{self.version}: steps must climb the authorities")
        for clause in (c for s in self.steps for c in s.when):
            if bool(clause.amount_at_least) == bool(clause.flag):
                raise ValueError("a clause is either amount_at_least or flag")
            if clause.amount_at_least and clause.amount_at_least not in self.thresholds:
                raise ValueError(f"unknown threshold {clause.amount_at_least}")

    def authority(self, role: str) -> Authority:
        return next(a for a in self.authorities if a.role == role)

    def resolve(self, attributes: dict[str, Any], directory: Directory) -> list[PlannedStep]:
        """The route for a document with these attributes (amount, unit, initiator, flags).

        Nobody approves their own document: a step whose approver is the initiator is skipped, and the
        skip is told in the next step's reason. If nothing higher on the route covers the skipped
        authority, the document goes to the next authority up instead. One person holds at most one step:
        when the same person is named for two steps (a unit head who is also its leader in charge), they
        approve once, at the higher step, whose reason says so. Raises RouteRefused when an approver cannot
        be named."""
        initiator = attributes["initiator"]
        unit = directory.unit(attributes["unit"])
        if unit is None:
            raise errors.unit_unknown(attributes["unit"])
        required = [(rule, why) for rule in self.steps if (why := self._why(rule, attributes)) is not None]
        planned: list[tuple[Authority, str, str]] = []
        skipped: list[str] = []
        for rule, why in required:
            authority = self.authority(rule.role)
            approver = self._approver(authority, unit, directory)
            if approver.username != initiator:
                planned.append((authority, approver.username, "；".join([*skipped, why])))
                skipped = []
                continue
            skipped.append(_skip_note(authority))
        if skipped:  # the last required authority was the initiator's own: climb
            authority, approver = self._escalate(required[-1][0].role, unit, initiator, directory, skipped)
            planned.append((authority, approver.username, "；".join([*skipped, f"上报上一级：{authority.step_name}"])))
        planned = _one_step_per_person(planned)
        return [PlannedStep(no, a.step_name, a.role, assignee, reason)
                for no, (a, assignee, reason) in enumerate(planned, start=1)]

    def _why(self, rule: StepRule, attributes: dict[str, Any]) -> str | None:
        if not rule.when:
            return rule.reason or f"{self.authority(rule.role).label}审核"
        matched = [c.describe(self.thresholds) for c in rule.when if c.holds(attributes, self.thresholds)]
        return f"{'，'.join(matched)} → {self.authority(rule.role).step_name}" if matched else None

    def _escalate(self, role: str, unit: Unit, initiator: str, directory: Directory,
                  skipped: list[str]) -> tuple[Authority, User]:
        roles = [a.role for a in self.authorities]
        for authority in self.authorities[roles.index(role) + 1:]:
            approver = self._approver(authority, unit, directory)
            if approver.username != initiator:
                return authority, approver
            skipped.append(_skip_note(authority))
        # Only reached when the initiator holds the top authority themself.
        raise errors.no_higher_authority(self.authorities[-1].label, initiator)

    def _approver(self, authority: Authority, unit: Unit, directory: Directory) -> User:
        where = f"单位 {unit.name}（{unit.code}）"
        if authority.scope == "unit_leader":
            user = directory.user(unit.leader_in_charge) if unit.leader_in_charge else None
            if user is None:
                raise errors.approver_missing(authority.label, where, {
                    "unit": unit.code, "role": authority.role, "leader_in_charge": unit.leader_in_charge or ""})
            return user
        if authority.scope == "org":
            where, candidates = "本街道", directory.users_with_role(authority.role)
        else:
            candidates = directory.users_with_role(authority.role, unit.code)
        if not candidates:
            raise errors.approver_missing(authority.label, where, {"unit": unit.code, "role": authority.role})
        if len(candidates) > 1:
            # Picking one silently would make the route depend on table order; ask for the data instead.
            raise errors.approver_ambiguous(authority.label, where, [u.username for u in candidates])
        return candidates[0]


def _one_step_per_person(planned: list[tuple[Authority, str, str]]) -> list[tuple[Authority, str, str]]:
    """Drop every step whose approver also holds a later (higher) one, telling it in the kept step's reason.
    The higher authority covers the lower one, so the person decides once with the fuller authority."""
    kept: list[tuple[Authority, str, str]] = []
    for index, (authority, assignee, reason) in enumerate(planned):
        if any(later == assignee for _, later, _ in planned[index + 1:]):
            continue
        merged = [a for a, who, _ in planned[:index] if who == assignee]
        if merged:
            labels = "、".join(a.label for a in merged)
            note = f"{assignee} 同时为{labels}，同一人只承担一个审批节点，由其在{authority.step_name}一并审批"
            reason = "；".join([note, reason])
        kept.append((authority, assignee, reason))
    return kept


def _skip_note(authority: Authority) -> str:
    return f"申请人即{authority.label}，本人不审批本人单据，跳过{authority.step_name}"
