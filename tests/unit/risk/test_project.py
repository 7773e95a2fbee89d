"""The project dossier's linking (domain/project.py): which ids of which events join which documents."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from services.risk.domain.project import Link, NodeKey, ProjectFacts, Projection, facts_of, node_type, root_of
from tests.unit.risk.project_samples import LINE, ids, project_events


def components(events) -> list[frozenset[NodeKey]]:  # noqa: ANN001
    projection = Projection()
    for event in events:
        projection.apply(event.org, facts_of(event))
    return projection.projects()


def test_every_document_of_a_chain_joins_one_project():
    i = ids("p1")
    [project] = components(project_events("p1"))
    expected = {
        NodeKey("matter_application", i["application"]),
        NodeKey("procurement_application", i["procurement"]),
        NodeKey("tender", i["tender"]),
        NodeKey("bid", i["bid"]),
        NodeKey("award", i["award"]),
        NodeKey("contract", i["contract"]),
        NodeKey("contract_amendment", i["amendment"]),
        NodeKey("acceptance", i["acceptance"]),
        NodeKey("payment_request", i["payment"]),
        NodeKey("expense_claim", i["claim"]),
        NodeKey("voucher", i["voucher"]),
        NodeKey("attachment", f"contract/{i['contract']}/{'ab' * 32}"),
    }
    assert project == expected


def test_links_name_their_relation_and_the_budget_line_is_beside_not_between():
    events = {e.type: e for e in project_events("p1")}
    i = ids("p1")
    procurement = facts_of(events["procurement.application_submitted"])
    [link] = procurement.links
    assert (link.parent, link.child, link.relation) == (
        NodeKey("matter_application", i["application"]),
        NodeKey("procurement_application", i["procurement"]),
        "procured_for",
    )
    assert procurement.lines == ((NodeKey("procurement_application", i["procurement"]), LINE),)
    contract = facts_of(events["contract.drafted"])
    relations = {(k.parent.type, k.relation) for k in contract.links}
    assert relations == {("award", "contract_on_award"), ("procurement_application", "contract_on_award")}
    payment = facts_of(events["payment.payment_executed"])
    assert [(k.parent, k.relation) for k in payment.links] == [
        (NodeKey("contract", i["contract"]), "payment_of_contract")
    ], "a milestone's basis is its contract, named once"
    voucher = facts_of(events["accounting.voucher_posted"])
    assert voucher.links[0].parent == NodeKey("payment_request", i["payment"])


def test_two_projects_on_one_budget_line_stay_two():
    events = project_events("p1") + project_events("p2")
    assert len(components(events)) == 2


def test_the_order_events_are_heard_in_does_not_change_the_projects():
    events = project_events("p1") + project_events("p2")
    expected = components(events)
    for seed in range(5):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert components(shuffled) == expected


def test_an_event_about_no_project_document_says_nothing():
    [event] = [e for e in project_events("p1") if e.type == "payment.matter_application_approved"]
    facts = facts_of(event)
    assert not facts.links and facts.nodes[0].state == "payment.matter_application_approved"
    unrelated = event.__class__(type="org.unit_registered", payload={"unit": {}}, org="x", producer="org")
    assert facts_of(unrelated).empty


def test_source_type_aliases_and_the_projects_root():
    assert node_type("payment") == "payment_request" and node_type("contract_milestone") == "contract"
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    nodes = [
        (NodeKey("contract", "c"), early),
        (NodeKey("matter_application", "b"), late),
        (NodeKey("matter_application", "a"), None),
    ]
    assert root_of(nodes) == NodeKey("matter_application", "b"), "a matter application heard names the project"
    assert root_of(nodes[:1]) == NodeKey("contract", "c")


def test_a_nodes_fields_come_from_its_newest_event_whatever_the_order():
    events = [e for e in project_events("p1") if e.subject.startswith("contract/")]
    forward, backward = Projection(), Projection()
    for event in events:
        forward.apply(event.org, facts_of(event))
    for event in reversed(events):
        backward.apply(event.org, facts_of(event))
    key = NodeKey("contract", ids("p1")["contract"])
    assert forward.nodes[key] == backward.nodes[key]
    assert forward.nodes[key].values["state"] == "contract.signed" and forward.nodes[key].values["no"] == "HT-p1"


def test_a_document_only_named_by_a_later_event_keeps_the_state_of_its_own_events():
    """The procurement application names its matter application: that must not make the application's own
    approval, heard later but dated earlier, look older than what is known."""
    events = project_events("p1")
    submitted, approved, procurement = events[0], events[1], events[2]
    projection = Projection()
    for event in (submitted, procurement, approved):
        projection.apply(event.org, facts_of(event))
    state = projection.nodes[NodeKey("matter_application", ids("p1")["application"])]
    assert state.values["state"] == "payment.matter_application_approved" and state.values["no"] == "SQ-p1"


def test_projects_are_the_connected_sets_whatever_objects_name_their_documents():
    """The union-find compares keys by identity (domain/project.Projection.project): each fact names its
    documents with keys of its own, equal to but not the ones stored, and asking by any of them finds the
    same project as a plain search of the links does."""
    rng = random.Random(13)
    names = [("contract", f"c{n}") for n in range(60)] + [("payment_request", f"p{n}") for n in range(60)]
    links = [(rng.choice(names), rng.choice(names)) for _ in range(90)]
    projection = Projection()
    for a, b in links:
        projection.apply("x", ProjectFacts(links=(Link(NodeKey(*a), NodeKey(*b), "payment_of_contract"),)))
    neighbours: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for a, b in links:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    expected, seen = [], set()
    for start in neighbours:
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node not in group:
                group.add(node)
                todo.extend(neighbours[node] - group)
        seen |= group
        expected.append(frozenset(NodeKey(*n) for n in group))
    assert sorted(projection.projects(), key=min) == sorted(expected, key=min)
    for group in expected:
        roots = {projection.project(NodeKey(key.type, key.id)) for key in group}  # fresh, equal keys
        assert len(roots) == 1 and roots <= group
