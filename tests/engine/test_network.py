"""Link analysis and chart exports on a hand-built exploitation network."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # parses only what the tests themselves built

from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.chart_exports import to_anx, to_csv, to_graphml
from lantern.engine.network import (
    Edge,
    Node,
    build_graph,
    metrics,
    neighbourhood,
    possible_controllers,
    seen_together,
    shared_vehicles,
    shortest_path,
)


def network():
    """A controller's phone advertises three premises where three women at risk are seen; a bystander."""
    nodes = [
        Node("ph1", "phone", "07700 900123"),
        Node("ctl", "person", "Marek K"),
        *[Node(f"prem{i}", "location", f"{i} Lincoln Road", {"premises": True}) for i in range(3)],
        *[Node(f"w{i}", "person", f"Woman {i}", {"at_risk": True}) for i in range(3)],
        *[Node(f"ev{i}", "event", f"Visit {i}") for i in range(3)],
        Node("car", "vehicle", "AB12CDE"),
        Node("bystander", "person", "Neighbour"),
        Node("home", "location", "9 Park Road"),
    ]
    edges = [
        Edge("ctl", "ph1", "uses_phone"),
        Edge("ctl", "car", "uses_vehicle"),
        Edge("w0", "car", "vehicle_used"),
    ]
    for i in range(3):
        edges += [Edge("ph1", f"prem{i}", "advertises"), Edge(f"ev{i}", f"prem{i}", "premises"),
                  Edge(f"ev{i}", f"w{i}", "person_at_risk"), Edge(f"ev{i}", "ctl", "associate")]  # fmt: skip
    edges.append(Edge("bystander", "home", "lives_at"))
    return build_graph(nodes, edges)


def test_the_controllers_phone_and_the_controller_are_flagged_and_the_bystander_is_not():
    graph = network()
    found = {c.node: c for c in possible_controllers(graph)}
    assert set(found) == {"ph1", "ctl"}
    assert found["ph1"].premises == ("prem0", "prem1", "prem2")
    assert "linked to 3 premises and 3 people at risk" in found["ph1"].explanation(graph)


def test_shared_vehicles_people_seen_together_and_paths():
    graph = network()
    assert shared_vehicles(graph) == {"car": ["ctl", "w0"]}
    assert seen_together(graph)[("ctl", "w1")] == ["ev1"]
    assert shortest_path(graph, "w2", "ph1")[0] == "w2" and shortest_path(graph, "w2", "ph1")[-1] == "ph1"
    assert shortest_path(graph, "w0", "bystander") == []
    assert "bystander" not in neighbourhood(graph, "ctl", hops=2)


def test_metrics_put_the_controller_at_the_centre():
    scores = metrics(network())
    assert max(scores, key=lambda n: scores[n]["betweenness"]) in {"ctl", "ph1"}
    assert scores["bystander"]["community"] != scores["ctl"]["community"]


def test_the_anx_export_is_well_formed_and_every_link_ends_at_an_entity():
    chart = ET.fromstring(to_anx(network()))  # noqa: S314 (our own output)
    assert chart.tag == "Chart"
    entities = {e.get("EntityId"): e for e in chart.iter("Entity")}
    assert len(entities) == network().number_of_nodes()
    assert {e.find("Icon/IconStyle").get("Type") for e in entities.values()} >= {
        "Person",
        "Phone",
        "Car",
        "Building",
    }
    links = list(chart.iter("Link"))
    assert len(links) == network().number_of_edges()
    assert all(link.get("End1Id") in entities and link.get("End2Id") in entities for link in links)
    assert {t.get("Name") for t in chart.iter("EntityType")} >= {"Person", "Phone"}


@given(label=st.text(max_size=50))
def test_any_label_still_makes_a_chart_that_parses(label):
    graph = build_graph(
        [Node("a", "person", label), Node("b", "phone", "=1+1")], [Edge("a", "b", "uses_phone")]
    )
    chart = ET.fromstring(to_anx(graph))  # noqa: S314 (our own output)
    assert len(list(chart.iter("Entity"))) == 2
    ET.fromstring(to_graphml(graph))  # noqa: S314 (our own output)
    rows = list(csv.reader(io.StringIO(to_csv(graph))))
    assert rows[1][5] == "'=1+1"


def _demo_graph(world):
    """The demo world's records as the graph the store's snapshot will give (entities, events, links)."""
    at_risk = {
        link.entity.key for e in world.events for link in e.links if link.role in ("person_at_risk", "victim")
    }
    nodes = [Node(p.key, "person", p.key, {"at_risk": p.key in at_risk}) for p in world.persons]
    nodes += [Node(v.key, "vehicle", v.key) for v in world.vehicles]
    nodes += [Node(p.key, "phone", p.key) for p in world.phones]
    nodes += [Node(i.key, "identity", i.key) for i in world.identities]
    nodes += [
        Node(loc.key, "location", loc.line1, {"premises": loc.kind == "premises"}) for loc in world.locations
    ]
    nodes += [Node(e.key, "event", e.kind) for e in world.events]
    edges = [Edge(r.a.key, r.b.key, r.kind) for r in world.relationships]
    edges += [Edge(e.key, link.entity.key, link.role) for e in world.events for link in e.links]
    edges += [Edge(e.key, e.location, "premises") for e in world.events if e.location]
    return build_graph(nodes, edges)


def test_the_demo_controllers_are_found_among_the_possible_controllers(demo_world_records):
    world = demo_world_records
    graph = _demo_graph(world)
    flagged = {c.node for c in possible_controllers(graph, min_premises=2, min_at_risk=3)}
    controller_records = {
        key for key, true_id in world.truth["persons"].items() if true_id in world.truth["controllers"]
    }
    assert flagged & (controller_records | set(world.truth["controller_phones"]))
    chart = ET.fromstring(to_anx(neighbourhood(graph, sorted(flagged)[0], hops=2)))  # noqa: S314 (our own output)
    assert list(chart.iter("Link"))
