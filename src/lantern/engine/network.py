"""Link analysis with networkx: who is connected to whom, and the patterns that matter here.

The graph holds entities (people, phones, vehicles, places, online identities) and events
(reports, incidents, sightings, visits) as nodes; an event is joined to every entity it links, and
a relationship (uses phone, lives at, controls) joins two entities directly. Patterns:

- a possible controller: one phone or person linked to several premises (a place recorded as
  premises, or linked as one) and several people at risk (within two steps, or at those premises);
- a shared vehicle: one vehicle linked to several people;
- people seen together at premises: two people linked to the same event at a premises.

Input is plain data (the store's snapshot or the demo's records), so this module never imports
Django. Community detection uses Louvain with a fixed seed so a chart is the same every time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

PLACE_KINDS = {"location", "premises"}
AT_RISK_ROLES = {"person_at_risk", "victim"}
BETWEENNESS_SAMPLE = 500  # exact below this many nodes; sampled (seeded) above, so big graphs stay fast


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # person, phone, vehicle, location, identity, event
    label: str
    attributes: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    kind: str  # a relationship kind, or an event link role
    date: str = ""


def build_graph(nodes: Iterable[Node], edges: Iterable[Edge]) -> nx.Graph:
    """An undirected graph; parallel links between two nodes are kept as a set of kinds on one edge."""
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node.id, kind=node.kind, label=node.label, **node.attributes)
    for edge in edges:
        if edge.a not in graph or edge.b not in graph or edge.a == edge.b:
            continue
        if graph.has_edge(edge.a, edge.b):
            graph.edges[edge.a, edge.b]["kinds"].add(edge.kind)
        else:
            graph.add_edge(edge.a, edge.b, kinds={edge.kind}, date=edge.date)
    return graph


def metrics(graph: nx.Graph, seed: int = 1) -> dict[str, dict]:
    """Degree, betweenness (sampled on big graphs) and a Louvain community for every node."""
    k = None if graph.number_of_nodes() <= BETWEENNESS_SAMPLE else BETWEENNESS_SAMPLE
    betweenness = nx.betweenness_centrality(graph, k=k, seed=seed) if graph.number_of_nodes() else {}
    communities = nx.community.louvain_communities(graph, seed=seed) if graph.number_of_edges() else []
    community_of = {n: i for i, members in enumerate(communities) for n in members}
    return {
        n: {
            "degree": graph.degree(n),
            "betweenness": betweenness.get(n, 0.0),
            "community": community_of.get(n, -1),
        }
        for n in graph.nodes
    }


def _within_two(graph: nx.Graph, node: str, through_people: bool = True) -> set[str]:
    near = set(graph.neighbors(node))
    for neighbour in list(near):
        if through_people or graph.nodes[neighbour].get("kind") != "person":
            near.update(graph.neighbors(neighbour))
    near.discard(node)
    return near


def _at_risk(graph: nx.Graph, node: str) -> bool:
    return graph.nodes[node].get("kind") == "person" and bool(graph.nodes[node].get("at_risk"))


@dataclass(frozen=True)
class Controller:
    node: str
    premises: tuple[str, ...]
    people_at_risk: tuple[str, ...]

    def explanation(self, graph: nx.Graph) -> str:
        kind, label = graph.nodes[self.node]["kind"].capitalize(), graph.nodes[self.node]["label"]
        return (
            f"{kind} {label} is linked to {len(self.premises)} premises and "
            f"{len(self.people_at_risk)} people at risk: a possible controller."
        )


def possible_controllers(graph: nx.Graph, min_premises: int = 2, min_at_risk: int = 2) -> list[Controller]:
    """Phones and people linked (within two steps) to several premises, and to several people at
    risk either directly or at those premises. People at risk are never flagged."""
    found = []
    for node, data in graph.nodes(data=True):
        if data.get("kind") not in ("phone", "person") or _at_risk(graph, node):
            continue
        # A person's own links (directly, or through a phone, an advert or an event) count, not
        # another person's: an associate of a controller is not one himself. A phone's reach goes
        # through the people who use it.
        near = _within_two(graph, node, through_people=data.get("kind") == "phone")
        premises = sorted(n for n in near if _is_premises(graph, n))
        if len(premises) < min_premises:
            continue
        reach = near.union(*(_within_two(graph, p) for p in premises))
        at_risk = sorted(n for n in reach if _at_risk(graph, n))
        if len(at_risk) >= min_at_risk:
            found.append(Controller(node, tuple(premises), tuple(at_risk)))
    return sorted(found, key=lambda c: (-len(c.premises) - len(c.people_at_risk), c.node))


PREMISES_LINKS = {"premises", "controls", "works_at", "advertises"}


def _is_premises(graph: nx.Graph, node: str) -> bool:
    """A place recorded as premises, or linked as one (an event there, someone controlling it or
    working there): exploited premises are usually ordinary houses and flats."""
    data = graph.nodes[node]
    if data.get("kind") not in PLACE_KINDS:
        return False
    return bool(data.get("premises")) or any(
        graph.edges[node, other]["kinds"] & PREMISES_LINKS for other in graph.neighbors(node)
    )


def shared_vehicles(graph: nx.Graph, min_people: int = 2) -> dict[str, list[str]]:
    """Vehicle -> the people linked to it (directly or through one event), where there are several."""
    shared = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "vehicle":
            continue
        people = sorted(n for n in _within_two(graph, node) if graph.nodes[n].get("kind") == "person")
        if len(people) >= min_people:
            shared[node] = people
    return shared


def seen_together(graph: nx.Graph) -> dict[tuple[str, str], list[str]]:
    """(person, person) -> the events at premises that link them both."""
    together: dict[tuple[str, str], list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "event":
            continue
        linked = list(graph.neighbors(node))
        if not any(graph.nodes[n].get("kind") in PLACE_KINDS for n in linked):
            continue
        people = sorted(n for n in linked if graph.nodes[n].get("kind") == "person")
        for pair in combinations(people, 2):
            together.setdefault(pair, []).append(node)
    return together


def shortest_path(graph: nx.Graph, a: str, b: str) -> list[str]:
    """The nodes on a shortest path from ``a`` to ``b``; empty when they are not connected."""
    try:
        return nx.shortest_path(graph, a, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []


def neighbourhood(graph: nx.Graph, centre: str, hops: int = 2) -> nx.Graph:
    """The part of the graph within ``hops`` of ``centre``: what a link chart starts from."""
    if centre not in graph:
        return nx.Graph()
    return graph.subgraph(nx.single_source_shortest_path_length(graph, centre, cutoff=hops)).copy()
