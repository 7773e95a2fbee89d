"""The project dossier (关联查询, issue 13 §4): what an event says about the documents of a project and how they
link. Pure: an event in, facts out (nodes, links, budget lines); the projection (service_layer/project.py) keeps
them, and a project is a connected set of linked documents.

A project is a matter and everything that followed it: the matter application, the procurement application
bought on it, its tender, bids and quotes, the award, the contract drafted on the award (or directly on the
application), amendments, acceptances, expense claims and payment requests, vouchers, attachments. Links come
only from ids the events carry (a procurement application names its matter application, an award its
procurement application, a contract its award or basis, an acceptance its contract, a payment its contract and
basis, a voucher its source). A budget line is shown beside the documents it funds but never links two
documents: a line funds many projects, and would otherwise merge them all into one.

The facts are order-independent: links and nodes only accumulate, a node's fields come from its newest event
(an older one heard later only fills blanks), so hearing the same events in any order builds the same graph,
which is what the replay command relies on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ic_platform.envelope import Envelope


@dataclass(frozen=True, order=True)
class NodeKey:
    type: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.type}/{self.id}"


@dataclass(frozen=True)
class NodeFact:
    """What one event says about one node. None: the event does not say (keep what is known)."""

    key: NodeKey
    at: datetime
    no: str | None = None
    title: str | None = None
    unit: str | None = None
    amount: str | None = None
    state: str | None = None  # the event type that last moved it, e.g. contract.signed
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    parent: NodeKey  # the earlier document of the chain (the application before the contract)
    child: NodeKey
    relation: str


@dataclass(frozen=True)
class ProjectFacts:
    nodes: tuple[NodeFact, ...] = ()
    links: tuple[Link, ...] = ()
    lines: tuple[tuple[NodeKey, str], ...] = ()  # (document, budget line it spends)

    @property
    def empty(self) -> bool:
        return not (self.nodes or self.links or self.lines)


NODE_LABELS = {
    "matter_application": "事前申请",
    "procurement_application": "采购申请",
    "procurement_method_change": "采购方式变更",
    "quotes": "市场调查（询价）",
    "tender": "采购公告（招标）",
    "bid": "投标（响应）",
    "award": "中标（成交）结果",
    "contract": "合同",
    "contract_amendment": "合同变更（补充协议）",
    "acceptance": "履约验收",
    "expense_claim": "报销单",
    "payment_request": "支付申请",
    "voucher": "记账凭证",
    "attachment": "附件",
    "budget_line": "预算指标",
}

RELATION_LABELS = {
    "procured_for": "依据事前申请采购",
    "method_change": "变更采购方式",
    "market_research": "市场调查报价",
    "tender": "发布采购公告",
    "bid": "投标",
    "award": "确定中标（成交）",
    "contract_on_award": "依据中标结果订立合同",
    "contract_on_application": "依据事前申请订立合同",
    "amendment": "合同变更",
    "acceptance": "履约验收",
    "claim": "依据事前申请报销",
    "payment_of_contract": "合同付款",
    "payment_of_claim": "报销付款",
    "payment_of_application": "依据事前申请付款",
    "voucher": "记账",
    "attachment": "附件",
}

# The order a project's documents read in, and which one names the project (its root): the first kind present.
CHAIN_ORDER = (
    "matter_application",
    "procurement_application",
    "procurement_method_change",
    "quotes",
    "tender",
    "bid",
    "award",
    "contract",
    "contract_amendment",
    "acceptance",
    "expense_claim",
    "payment_request",
    "voucher",
    "attachment",
)

# Source types another service may name a voucher's or payment's basis by, as the node types used here.
_ALIASES = {"payment": "payment_request", "claim": "expense_claim", "contract_milestone": "contract"}


def node_type(name: str) -> str:
    return _ALIASES.get(name, name)


def facts_of(event: Envelope) -> ProjectFacts:
    """The project facts in one event (empty for an event about none of a project's documents)."""
    handler = _BY_TYPE.get(event.type)
    at = _at(event.occurred_at)
    p = event.payload
    facts = handler(p, at, event.type) if handler else ProjectFacts()
    if _is_attachment(p):
        facts = _merge(facts, _attachment(p, at, event.type))
    return facts


# ── one function per kind of event ──
def _doc(value: Any) -> NodeKey | None:
    if isinstance(value, Mapping) and isinstance(value.get("type"), str) and value.get("id"):
        return NodeKey(node_type(value["type"]), str(value["id"]))
    return None


def _no(value: Any) -> str | None:
    return value.get("no") if isinstance(value, Mapping) else None


def _unit(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return value.get("code")
    return value if isinstance(value, str) else None


def _request(p: Mapping[str, Any], at: datetime, kind: str, **details: Any) -> NodeFact:
    """A document entering approval: an approval-request payload."""
    key = _doc(p["document"])
    assert key is not None
    return NodeFact(
        key,
        at,
        no=_no(p["document"]),
        title=p.get("title"),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={"applicant": p.get("applicant"), **{k: v for k, v in details.items() if v is not None}},
    )


def _state(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    """An event that only moves its document on (approved, rejected, cancelled...)."""
    key = _doc(p.get("document"))
    if key is None:
        return ProjectFacts()
    return ProjectFacts(nodes=(NodeFact(key, at, no=_no(p["document"]), state=kind),))


def _matter_application(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    node = _request(p, at, kind)
    return ProjectFacts(nodes=(node,), lines=_line(node.key, p.get("budget_line_id")))


def _procurement_application(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    funding = p.get("funding") or {}
    node = _request(p, at, kind, method=p.get("method"), category=p.get("category"))
    parent = _doc(funding.get("matter_application"))
    links = (Link(parent, node.key, "procured_for"),) if parent else ()
    # The parent is only named: its fields (and how recent they are) come from its own events.
    return ProjectFacts(nodes=(node,), links=links, lines=_line(node.key, funding.get("budget_line_id")))


def _method_change(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    node = _request(p, at, kind, requested=p.get("requested"))
    application = _doc(p.get("application"))
    links = (Link(application, node.key, "method_change"),) if application else ()
    return ProjectFacts(nodes=(node,), links=links)


def _market_research(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    application = _doc(p["document"])
    quotes = NodeKey("quotes", application.id)
    node = NodeFact(
        quotes,
        at,
        amount=p.get("chosen_amount"),
        state=kind,
        details={"quotes": len(p.get("quotes") or ()), "chosen_supplier_id": p.get("chosen_supplier_id")},
    )
    return ProjectFacts(nodes=(node,), links=(Link(application, quotes, "market_research"),))


def _tender(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    application, tender = _doc(p["document"]), NodeKey("tender", str(p["tender_id"]))
    node = NodeFact(
        tender,
        at,
        state=kind,
        details={"method": p.get("method"), "submission_deadline": p.get("submission_deadline")},
    )
    return ProjectFacts(nodes=(node,), links=(Link(application, tender, "tender"),))


def _bid(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    tender, bid = NodeKey("tender", str(p["tender_id"])), NodeKey("bid", str(p["bid_id"]))
    details = {"supplier_id": p.get("supplier_id")}
    if "late" in p:
        details["late"] = p["late"]
    if "reason" in p:
        details["disqualified"] = p["reason"]
    node = NodeFact(bid, at, amount=p.get("amount"), state=kind, details=details)
    return ProjectFacts(nodes=(node,), links=(Link(tender, bid, "bid"),))


def _award(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    holder, award = _doc(p["document"]), NodeKey("award", str(p["award_id"]))
    node = NodeFact(
        award,
        at,
        title=p.get("supplier_name"),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={
            "supplier_id": p.get("supplier_id"),
            "supplier_name": p.get("supplier_name"),
            "method": p.get("method"),
            "notice_date": p.get("notice_date"),
        },
    )
    links = [Link(holder, award, "award")]
    if p.get("tender_id"):
        links.append(Link(NodeKey("tender", str(p["tender_id"])), award, "award"))
    return ProjectFacts(nodes=(node,), links=tuple(links), lines=_line(award, p.get("budget_line_id")))


def _contract_drafted(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    contract = _doc(p["document"])
    node = NodeFact(
        contract,
        at,
        no=_no(p["document"]),
        title=p.get("title"),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={"supplier_id": p.get("supplier_id"), "end_date": p.get("end_date")},
    )
    return ProjectFacts(nodes=(node,), links=_contract_basis(contract, p.get("basis") or {}))


def _contract_basis(contract: NodeKey, basis: Mapping[str, Any]) -> tuple[Link, ...]:
    links = []
    if basis.get("award_id"):
        links.append(Link(NodeKey("award", str(basis["award_id"])), contract, "contract_on_award"))
    application = _doc(basis.get("application"))
    if application is not None:
        relation = "contract_on_application" if application.type == "matter_application" else "contract_on_award"
        links.append(Link(application, contract, relation))
    return tuple(links)


def _contract_submitted(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    node = _request(p, at, kind, supplier_id=p.get("supplier_id"))
    return ProjectFacts(nodes=(node,), lines=_line(node.key, p.get("budget_line_id")))


def _contract_signed(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    contract = _doc(p["document"])
    node = NodeFact(
        contract,
        at,
        no=_no(p["document"]),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={"signed_on": p.get("signed_on")},
    )
    links = (Link(NodeKey("award", str(p["award_id"])), contract, "contract_on_award"),) if p.get("award_id") else ()
    budget = p.get("budget") or {}
    return ProjectFacts(nodes=(node,), links=links, lines=_line(contract, budget.get("budget_line_id")))


def _amendment_submitted(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    node = _request(p, at, kind, reason=p.get("reason"), delta=p.get("delta"))
    contract = _doc(p.get("contract"))
    return ProjectFacts(nodes=(node,), links=(Link(contract, node.key, "amendment"),) if contract else ())


def _amended(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    contract, amendment = _doc(p["document"]), _doc(p.get("amendment"))
    nodes = [NodeFact(contract, at, no=_no(p["document"]), amount=p.get("amount"), state=kind)]
    links = ()
    if amendment is not None:
        nodes.append(NodeFact(amendment, at, no=_no(p["amendment"]), state=kind))
        links = (Link(contract, amendment, "amendment"),)
    return ProjectFacts(nodes=tuple(nodes), links=links)


def _acceptance(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    contract, acceptance = NodeKey("contract", str(p["contract_id"])), NodeKey("acceptance", str(p["acceptance_id"]))
    node = NodeFact(
        acceptance,
        at,
        title=f"第 {p['milestone_no']} 期验收" if p.get("milestone_no") else "验收",
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={"result": p.get("result"), "accepted_on": p.get("accepted_on"), "acceptor": p.get("acceptor")},
    )
    return ProjectFacts(
        nodes=(node,),
        links=(Link(contract, acceptance, "acceptance"),),
        lines=_line(acceptance, p.get("budget_line_id")),
    )


def _payment(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    payment = NodeKey("payment_request", str(p["payment_id"]))
    node = NodeFact(
        payment,
        at,
        no=p.get("no"),
        title=(p.get("payee") or {}).get("name"),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={
            k: v for k, v in (("executed_on", p.get("executed_on")), ("milestone_no", p.get("milestone_no"))) if v
        },
    )
    links: list[Link] = []
    if p.get("contract_id"):
        links.append(Link(NodeKey("contract", str(p["contract_id"])), payment, "payment_of_contract"))
    basis = _doc(p.get("basis"))
    if basis is not None and basis.type != "contract":  # a milestone's basis is its contract, named above
        relation = "payment_of_claim" if basis.type == "expense_claim" else "payment_of_application"
        links.append(Link(basis, payment, relation))
    return ProjectFacts(nodes=(node,), links=tuple(links), lines=_line(payment, p.get("budget_line_id")))


def _expense_claim(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    claim = NodeKey("expense_claim", str(p["claim_id"]))
    node = NodeFact(
        claim,
        at,
        no=p.get("no"),
        title=p.get("title"),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={k: v for k, v in (("claimant", p.get("claimant")), ("kind", p.get("kind"))) if v},
    )
    links = ()
    if p.get("application_id"):
        links = (Link(NodeKey("matter_application", str(p["application_id"])), claim, "claim"),)
    return ProjectFacts(nodes=(node,), links=links, lines=_line(claim, p.get("budget_line_id")))


def _voucher(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    voucher = NodeKey("voucher", str(p["voucher_id"]))
    node = NodeFact(
        voucher,
        at,
        no=p.get("no"),
        unit=_unit(p.get("unit")),
        amount=p.get("amount"),
        state=kind,
        details={"period": p.get("period"), "kind": p.get("kind")},
    )
    source = _doc(p.get("source"))
    links = (Link(source, voucher, "voucher"),) if source else ()
    return ProjectFacts(nodes=(node,), links=links, lines=_line(voucher, p.get("budget_line_id")))


def _completed(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    """An approval granted at a meeting of the deciding body (集体决策): the document says so, so the project's
    later documents (its contract, its payments) are known to carry out a collectively decided matter."""
    key = _doc(p.get("document"))
    meeting = next((a for a in p.get("approvals") or () if a.get("by_meeting")), None)
    if key is None or key.type not in NODE_LABELS or p.get("outcome") != "approved" or meeting is None:
        return ProjectFacts()
    decision = {"step_name": meeting.get("step_name"), "decided_by": meeting.get("decided_by"), "at": at.isoformat()}
    return ProjectFacts(nodes=(NodeFact(key, at, no=_no(p["document"]), details={"collective_decision": decision}),))


def _is_attachment(p: Mapping[str, Any]) -> bool:
    return isinstance(p.get("sha256"), str) and _doc(p.get("document")) is not None


def _attachment(p: Mapping[str, Any], at: datetime, kind: str) -> ProjectFacts:
    """Any event naming a stored file (sha256) of a document (`<service>.attachment_added`: the owning service
    announces each new file in the upload's transaction): one node per (document, file), so the same file
    attached to two projects' documents does not join them. Uploaded at: the event's moment (its first_at)."""
    owner = _doc(p["document"])
    attachment = NodeKey("attachment", f"{owner.key}/{p['sha256']}")
    details = {"sha256": p["sha256"], "size": p.get("size")}
    details |= {k: p[k] for k in ("media_type", "uploaded_by") if p.get(k) is not None}
    node = NodeFact(attachment, at, title=p.get("filename") or p.get("name"), state=kind, details=details)
    return ProjectFacts(nodes=(node,), links=(Link(owner, attachment, "attachment"),))


def _line(key: NodeKey, budget_line_id: Any) -> tuple[tuple[NodeKey, str], ...]:
    return ((key, str(budget_line_id)),) if budget_line_id else ()


def _merge(a: ProjectFacts, b: ProjectFacts) -> ProjectFacts:
    return ProjectFacts(a.nodes + b.nodes, a.links + b.links, a.lines + b.lines)


def _at(text: str) -> datetime:
    from datetime import UTC

    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_STATE_EVENTS = (
    "payment.matter_application_approved",
    "payment.matter_application_rejected",
    "payment.application_cancelled",
    "payment.application_closed",
    "procurement.application_approved",
    "procurement.application_rejected",
    "procurement.application_cancelled",
    "procurement.tender_failed",
    "procurement.method_changed",
    "procurement.method_change_rejected",
    "contract.approved",
    "contract.rejected",
    "contract.cancelled",
    "contract.terminated",
    "contract.amendment_rejected",
)

_BY_TYPE = {
    "payment.matter_application_submitted": _matter_application,
    "payment.matter_application_resubmitted": _matter_application,
    "procurement.application_submitted": _procurement_application,
    "procurement.application_resubmitted": _procurement_application,
    "procurement.method_change_requested": _method_change,
    "procurement.market_research_completed": _market_research,
    "procurement.tender_published": _tender,
    "procurement.bid_received": _bid,
    "procurement.bid_disqualified": _bid,
    "procurement.award_decided": _award,
    "contract.drafted": _contract_drafted,
    "contract.submitted": _contract_submitted,
    "contract.resubmitted": _contract_submitted,
    "contract.signed": _contract_signed,
    "contract.amendment_submitted": _amendment_submitted,
    "contract.amended": _amended,
    "contract.acceptance_recorded": _acceptance,
    "payment.payment_requested": _payment,
    "payment.payment_request_resubmitted": _payment,
    "payment.payment_executed": _payment,
    "payment.expense_claim_submitted": _expense_claim,
    "payment.expense_claim_resubmitted": _expense_claim,
    "payment.expense_claim_approved": _expense_claim,
    "accounting.voucher_posted": _voucher,
    "approval.completed": _completed,
    **{t: _state for t in _STATE_EVENTS},
}

PROJECT_EVENTS = tuple(_BY_TYPE)


# ── reading a project: its root and its documents in chain order ──
def chain_rank(key: NodeKey) -> int:
    return CHAIN_ORDER.index(key.type) if key.type in CHAIN_ORDER else len(CHAIN_ORDER)


def root_of(nodes: list[tuple[NodeKey, datetime | None]]) -> NodeKey:
    """The document that names the project: the earliest of the first kind in the chain (a matter application
    if there is one), ties broken by id; a node only referred to (never heard itself) comes after one heard."""
    return min(nodes, key=lambda n: (chain_rank(n[0]), n[1] is None, n[1].timestamp() if n[1] else 0.0, n[0].id))[0]


# ── the projection in memory: what the replay command builds before writing it in bulk ──
FIELDS = ("no", "title", "unit", "amount", "state")


@dataclass
class NodeState:
    org: str
    values: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    first_at: datetime | None = None
    heard_at: datetime | None = None

    def hear(self, fact: NodeFact) -> None:
        """The same rule as the database's upsert: the newest event's fields win, an older one fills blanks."""
        newer = self.heard_at is None or fact.at >= self.heard_at
        for name in FIELDS:
            new, old = getattr(fact, name), self.values.get(name)
            self.values[name] = (new if new is not None else old) if newer else (old if old is not None else new)
        self.details = {**self.details, **fact.details} if newer else {**fact.details, **self.details}
        self.first_at = fact.at if self.first_at is None else min(self.first_at, fact.at)
        self.heard_at = fact.at if self.heard_at is None else max(self.heard_at, fact.at)


@dataclass
class Projection:
    """Projects as connected sets of nodes (union-find), order-independent like the stored projection."""

    nodes: dict[NodeKey, NodeState] = field(default_factory=dict)
    links: dict[tuple[NodeKey, NodeKey], str] = field(default_factory=dict)
    lines: set[tuple[NodeKey, str]] = field(default_factory=set)
    _parent: dict[NodeKey, NodeKey] = field(default_factory=dict)

    def apply(self, org: str, facts: ProjectFacts) -> None:
        for fact in facts.nodes:
            self._node(org, fact.key).hear(fact)
        for link in facts.links:
            self._node(org, link.parent)
            self._node(org, link.child)
            self.links.setdefault((link.parent, link.child), link.relation)
            self._union(link.parent, link.child)
        for key, line in facts.lines:
            self._node(org, key)
            self.lines.add((key, line))

    def project(self, key: NodeKey) -> NodeKey:
        # By identity: a parent is always a key as first stored (a root is its own), and a key's == is a
        # Python call where `is` is not (the replay asks this hundreds of thousands of times).
        parent = self._parent
        root = key
        while parent[root] is not root:
            root = parent[root]
        while parent[key] is not root:  # path compression
            parent[key], key = root, parent[key]
        return root

    def projects(self) -> list[frozenset[NodeKey]]:
        groups: dict[NodeKey, set[NodeKey]] = {}
        for key in self.nodes:
            groups.setdefault(self.project(key), set()).add(key)
        return sorted((frozenset(g) for g in groups.values()), key=min)

    def _node(self, org: str, key: NodeKey) -> NodeState:
        state = self.nodes.get(key)
        if state is None:
            state = self.nodes[key] = NodeState(org)
            self._parent[key] = key
        return state

    def _union(self, a: NodeKey, b: NodeKey) -> None:
        ra, rb = self.project(a), self.project(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)
