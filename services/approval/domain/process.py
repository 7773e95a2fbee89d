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
from services.approval.domain.model import PlannedStep, StepKind

# Where an authority's holder is found: a role within the document's unit, the unit's leader in charge
# (named on the unit itself), or the single holder of a role in the whole office.
SCOPES = ("unit", "unit_leader", "org")


@dataclass(frozen=True)
class Authority:
    role: str  # the authority's key; for a single step also the role its holder has
    label: str  # 部门负责人
    step_name: str  # 部门负责人审批
    scope: str
    kind: StepKind = StepKind.SINGLE
    # Whose holders take the step, when not `role` itself: every holder of these roles in the scope for a
    # parallel step (会签/或签), the one holder of the first for a collective decision (who records the meeting).
    roles: tuple[str, ...] = ()
    # A collective decision's deciding body (org data: members, quorum), e.g. "dgw" for the 党工委.
    body: str | None = None

    @property
    def holder_roles(self) -> tuple[str, ...]:
        return self.roles or (self.role,)


# (authority, assignees, reason): a step of the route being drawn.
_Planned = tuple[Authority, tuple[str, ...], str]


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

    def describe(self, thresholds: dict[str, Decimal], facts: dict[str, Any] | None = None) -> str:
        if self.amount_at_least:
            return f"金额 ≥ {thresholds[self.amount_at_least]:,.2f} 元"
        why = (facts or {}).get(f"{self.flag}_why")  # a flag set by rule says which rule (e.g. 三重一大)
        return f"{self.label or self.flag}：{why}" if why else self.label or self.flag


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
            document_type=data["document_type"],
            version=int(data["version"]),
            name=data["name"],
            authorities=tuple(
                Authority(**{**a, "kind": StepKind(a.get("kind", "single")), "roles": tuple(a.get("roles", ()))})
                for a in data["authorities"]
            ),
            thresholds={k: Decimal(v) for k, v in data.get("thresholds", {}).items()},
            steps=tuple(
                StepRule(role=s["role"], reason=s.get("reason", ""), when=tuple(Clause(**c) for c in s.get("when", ())))
                for s in data["steps"]
            ),
        )
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
        first = self.authority(self.steps[0].role)
        if first.kind is not StepKind.SINGLE or self.steps[0].when:
            # A route always starts with one task (Route.start): the first step is one approver, always there.
            raise ValueError(f"{self.document_type} v{self.version}: the first step is a single, unconditional one")
        for clause in (c for s in self.steps for c in s.when):
            if bool(clause.amount_at_least) == bool(clause.flag):
                raise ValueError("a clause is either amount_at_least or flag")
            if clause.amount_at_least and clause.amount_at_least not in self.thresholds:
                raise ValueError(f"unknown threshold {clause.amount_at_least}")

    def authority(self, role: str) -> Authority:
        return next(a for a in self.authorities if a.role == role)

    def authority_of_step(self, step_name: str, roles: tuple[str, ...]) -> Authority | None:
        """The authority a drawn step stands for (by its name and roles), to ask its scope or body later."""
        return next((a for a in self.authorities if a.step_name == step_name and a.holder_roles == roles), None)

    def resolve(self, attributes: dict[str, Any], directory: Directory) -> list[PlannedStep]:
        """The route for a document with these attributes (amount, unit, initiator, flags).

        Nobody approves their own document: a step whose approver is the initiator is skipped, and the
        skip is told in the next step's reason. If nothing higher on the route covers the skipped
        authority, the document goes to the next authority up instead. One person holds at most one step:
        when the same person is named for two steps (a unit head who is also its leader in charge), they
        approve once, at the higher step, whose reason says so. A parallel step (会签/或签) takes every holder
        of its roles but the initiator and those holding another step; it covers no authority skipped before
        it. Raises RouteRefused when an approver cannot be named."""
        initiator = attributes["initiator"]
        unit = directory.unit(attributes["unit"])
        if unit is None:
            raise errors.unit_unknown(attributes["unit"])
        required = [(rule, why) for rule in self.steps if (why := self._why(rule, attributes)) is not None]
        planned: list[_Planned] = []
        skipped: list[str] = []
        last_skipped = None
        for rule, why in required:
            authority = self.authority(rule.role)
            if authority.kind.parallel:
                planned.append((authority, self._holders(authority, unit, directory, initiator), why))
                continue
            approver = self._approver(authority, unit, directory)
            if approver.username != initiator:
                planned.append((authority, (approver.username,), "；".join([*skipped, why])))
                skipped = []
                continue
            skipped.append(_skip_note(authority))
            last_skipped = authority.role
        if skipped:  # the last required single authority was the initiator's own: climb
            authority, approver = self._escalate(last_skipped, unit, initiator, directory, skipped)
            planned.append(
                (authority, (approver.username,), "；".join([*skipped, f"上报上一级：{authority.step_name}"]))
            )
        planned = _one_step_per_person(planned, unit)
        return [
            PlannedStep(no, a.step_name, ",".join(a.holder_roles), people[0], reason, a.kind, people[1:])
            for no, (a, people, reason) in enumerate(planned, start=1)
        ]

    def _why(self, rule: StepRule, attributes: dict[str, Any]) -> str | None:
        if not rule.when:
            return rule.reason or f"{self.authority(rule.role).label}审核"
        matched = [c.describe(self.thresholds, attributes) for c in rule.when if c.holds(attributes, self.thresholds)]
        return f"{'，'.join(matched)} → {self.authority(rule.role).step_name}" if matched else None

    def _escalate(
        self, role: str, unit: Unit, initiator: str, directory: Directory, skipped: list[str]
    ) -> tuple[Authority, User]:
        roles = [a.role for a in self.authorities]
        for authority in self.authorities[roles.index(role) + 1 :]:
            if authority.kind is not StepKind.SINGLE:
                continue  # a countersign or a meeting is no higher authority for one person's tier
            approver = self._approver(authority, unit, directory)
            if approver.username != initiator:
                return authority, approver
            skipped.append(_skip_note(authority))
        # Only reached when the initiator holds the top authority themself.
        top = [a for a in self.authorities if a.kind is StepKind.SINGLE][-1]
        raise errors.no_higher_authority(top.label, initiator)

    def _holders(self, authority: Authority, unit: Unit, directory: Directory, initiator: str) -> tuple[str, ...]:
        """Everyone holding one of a parallel step's roles in its scope, but the initiator."""
        people: list[str] = []
        for role in authority.holder_roles:
            found = (
                directory.users_with_role(role)
                if authority.scope == "org"
                else directory.users_with_role(role, unit.code)
            )
            people += [u.username for u in found if u.username != initiator and u.username not in people]
        if not people:
            where = "本街道" if authority.scope == "org" else f"单位 {unit.name}（{unit.code}）"
            raise errors.approver_missing(
                authority.label, where, {"unit": unit.code, "role": ",".join(authority.holder_roles)}
            )
        return tuple(people)

    def _approver(self, authority: Authority, unit: Unit, directory: Directory) -> User:
        where = f"单位 {unit.name}（{unit.code}）"
        role = authority.holder_roles[0]
        if authority.scope == "unit_leader":
            user = directory.user(unit.leader_in_charge) if unit.leader_in_charge else None
            if user is None or not user.active:  # a deactivated leader in charge holds no new step
                raise errors.approver_missing(
                    authority.label,
                    where,
                    {"unit": unit.code, "role": authority.role, "leader_in_charge": unit.leader_in_charge or ""},
                )
            return user
        if authority.scope == "org":
            where, candidates = "本街道", directory.users_with_role(role)
        else:
            candidates = directory.users_with_role(role, unit.code)
        if not candidates:
            raise errors.approver_missing(authority.label, where, {"unit": unit.code, "role": role})
        if len(candidates) > 1:
            # Picking one silently would make the route depend on table order; ask for the data instead.
            raise errors.approver_ambiguous(authority.label, where, [u.username for u in candidates])
        return candidates[0]


def _one_step_per_person(planned: list[_Planned], unit: Unit) -> list[_Planned]:
    """Drop every one-person step whose approver also holds a later (higher) one, telling it in the kept step's
    reason: the higher authority covers the lower one, so the person decides once with the fuller authority.
    A parallel step leaves out whoever holds a one-person step (they already decide once)."""
    single = [(a, people[0], reason) for a, people, reason in planned if not a.kind.parallel]
    holders = {who for _, who, _ in single}
    kept: list[_Planned] = []
    for authority, people, reason in planned:
        if authority.kind.parallel:
            others = tuple(p for p in people if p not in holders)
            if not others:
                raise errors.approver_missing(
                    authority.label,
                    f"单位 {unit.name}（{unit.code}）的审批路径上",
                    {"unit": unit.code, "role": ",".join(authority.holder_roles)},
                )
            if len(others) < len(people):
                left_out = "、".join(p for p in people if p not in others)
                reason = "；".join([reason, f"{left_out} 已承担其他审批节点，不参与本节点"])
            kept.append((authority, others, reason))
            continue
        index = next(i for i, entry in enumerate(single) if entry[0] is authority)
        assignee = people[0]
        if any(later == assignee for _, later, _ in single[index + 1 :]):
            continue
        merged = [a for a, who, _ in single[:index] if who == assignee]
        if merged:
            labels = "、".join(a.label for a in merged)
            note = f"{assignee} 同时为{labels}，同一人只承担一个审批节点，由其在{authority.step_name}一并审批"
            reason = "；".join([note, reason])
        kept.append((authority, people, reason))
    return kept


def _skip_note(authority: Authority) -> str:
    return f"申请人即{authority.label}，本人不审批本人单据，跳过{authority.step_name}"
