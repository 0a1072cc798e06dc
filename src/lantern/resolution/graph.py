"""The link chart's data: a neighbourhood of the store, seen through the resolution overlay.

A chart node is a resolved entity (a cluster's id, so a person written three ways is one node),
an unresolved entity (its own id), or an event ("event:<id>"). Expanding a node reads only its
links from the database, so the chart grows as the analyst clicks, whatever the store's size.
What a user may see follows the intel selectors: reports the reporter did not share with police
are left out, and so is who reported what for a role that may not see sources.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from lantern.engine.network import PREMISES_LINKS, Edge, Node, build_graph, metrics, possible_controllers
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability
from lantern.intel.models import Entity, Event, LinkRole, Location, Relationship
from lantern.intel.selectors import _links_for, _require
from lantern.resolution.models import Cluster, Membership

EVENT = "event:"
AT_RISK = {LinkRole.PERSON_AT_RISK, LinkRole.VICTIM}
MAX_NODES = 400  # beyond this a chart is unreadable: the analyst is asked to filter or expand less


@dataclass
class Chart:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: set[Edge] = field(default_factory=set)
    truncated: bool = False

    def to_cytoscape(self) -> dict:
        graph = build_graph(self.nodes.values(), self.edges)
        scores = metrics(graph) if graph.number_of_nodes() else {}
        flagged = {
            c.node: c.explanation(graph) for c in possible_controllers(graph, min_premises=2, min_at_risk=2)
        }
        nodes = []
        for node in self.nodes.values():
            data = {"id": node.id, "kind": node.kind, "label": node.label, **node.attributes}
            data.update(scores.get(node.id, {}))
            if node.id in flagged:
                data["controller"] = flagged[node.id]
            nodes.append({"data": data})
        edges = [
            {
                "data": {
                    "id": f"{e.a}|{e.b}|{e.kind}",
                    "source": e.a,
                    "target": e.b,
                    "kind": e.kind,
                    "date": e.date,
                }
            }
            for e in sorted(self.edges, key=lambda e: (e.a, e.b, e.kind))
        ]
        return {"nodes": nodes, "edges": edges, "truncated": self.truncated}


def _entity_ids(node_ids: set[str]) -> tuple[set[str], set[str]]:
    """Chart node ids -> the entity ids and event ids behind them."""
    events = {n[len(EVENT) :] for n in node_ids if n.startswith(EVENT)}
    others = {n for n in node_ids if not n.startswith(EVENT)}
    found = Membership.objects.filter(cluster_id__in=_uuids(others)).values_list("entity_id", "cluster_id")
    members = {str(e) for e, _ in found}
    clusters = {str(c) for _, c in found}
    return members | {n for n in others if _is_uuid(n) and n not in clusters}, events


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _uuids(values) -> list[str]:
    return [v for v in values if _is_uuid(v)]


def expand(
    user,
    node_ids: list[str],
    *,
    kinds: set[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    chart: Chart | None = None,
) -> Chart:
    """The given nodes and everything linked to them (one step), within the filters."""
    _require(user, Capability.VIEW_INTEL)
    chart = chart or Chart()
    entities, events = _entity_ids(set(node_ids))
    hidden = hidden_ids(user)  # restricted records the user is not on the list of: no node, no edge
    secret = {str(h) for h in hidden.values_list("object_id", flat=True)}
    entities, events = entities - secret, events - secret
    edges: list[tuple[str, str, str, str]] = []  # (entity or event key, entity or event key, kind, date)
    relationships = (
        (
            Relationship.objects.filter(entity_a_id__in=entities)
            | Relationship.objects.filter(entity_b_id__in=entities)
        )
        .exclude(entity_a_id__in=hidden)
        .exclude(entity_b_id__in=hidden)
    )
    for a, b, kind, start in relationships.values_list("entity_a_id", "entity_b_id", "kind", "start")[:2000]:
        edges.append((str(a), str(b), kind, start.isoformat() if start else ""))
    links = _links_for(user)
    event_links = links.filter(entity_id__in=entities) | links.filter(event_id__in=events)
    event_ids = set(events)
    for event, entity, role in event_links.values_list("event_id", "entity_id", "role")[:4000]:
        edges.append((EVENT + str(event), str(entity), role, ""))
        event_ids.add(str(event))
    visible = (
        Event.objects.exclude(intelligencereport__shared_with_police=False)
        .exclude(pk__in=hidden)
        .filter(pk__in=event_ids)
    )
    event_rows = {
        str(pk): (kind, summary, when, location)
        for pk, kind, summary, when, location in visible.values_list(
            "pk", "kind", "summary", "occurred_from", "location_id"
        )
    }
    for pk, (_, _, when, location) in event_rows.items():
        if location:
            edges.append((EVENT + pk, str(location), "at", when.date().isoformat()))
    dated = {EVENT + pk: row[2].date().isoformat() for pk, row in event_rows.items()}
    edges = [
        (a, b, kind, day or dated.get(a, ""))
        for a, b, kind, day in edges
        if (not a.startswith(EVENT) or a[len(EVENT) :] in event_rows)
    ]
    edges = [e for e in edges if _within(e, kinds, since, until)]
    # An event stays only if a link survived the filters (or it was asked for by name).
    linked = {key for a, b, _, _ in edges for key in (a, b)}
    event_rows = {pk: row for pk, row in event_rows.items() if EVENT + pk in linked or pk in events}
    _add(chart, edges, event_rows, entities, links)
    return chart


def _within(edge: tuple, kinds: set[str] | None, since: date | None, until: date | None) -> bool:
    _, _, kind, day = edge
    if kinds and kind not in kinds:
        return False
    if day and since and day < since.isoformat():
        return False
    return not (day and until and day > until.isoformat())


def _add(chart: Chart, edges: list[tuple], event_rows: dict, asked: set[str], links) -> None:
    keys = asked | {k for a, b, _, _ in edges for k in (a, b) if not k.startswith(EVENT)}
    node_of = {
        str(e): str(c)
        for e, c in Membership.objects.filter(entity_id__in=keys).values_list("entity_id", "cluster_id")
    }
    # From the links this user may see: a report not shared with police must not flag anyone.
    at_risk = {
        str(e) for e in links.filter(entity_id__in=keys, role__in=AT_RISK).values_list("entity_id", flat=True)
    }
    # Who controls whom: the person controlled is at risk (the link runs controller -> controlled).
    at_risk |= {b for _, b, kind, _ in edges if kind == "controls"}
    premises = {
        str(pk)
        for pk in Location.objects.filter(pk__in=keys, location_kind=Location.Kind.PREMISES).values_list(
            "pk", flat=True
        )
    }
    # A place is premises when recorded as such, or linked as premises (by an event, or as a place
    # someone controls, works at or advertises); the flag is shown on places only.
    premises |= {end for a, b, kind, _ in edges if kind in PREMISES_LINKS for end in (a, b)}
    found = Entity.objects.filter(pk__in=keys).values_list("pk", "label", "kind")
    labels = {str(pk): label for pk, label, _ in found}
    kinds = {str(pk): kind for pk, _, kind in found}
    clusters = {
        str(pk): label
        for pk, label in Cluster.objects.filter(pk__in=set(node_of.values())).values_list("pk", "label")
    }
    risk_of, premises_of, size_of = defaultdict(bool), defaultdict(bool), defaultdict(int)
    for key in keys:
        node = node_of.get(key, key)
        risk_of[node] |= key in at_risk
        premises_of[node] |= key in premises
        size_of[node] += 1
    for key in keys:
        node = node_of.get(key, key)
        if node in chart.nodes or _full(chart):
            continue
        kind = kinds.get(key, "entity")
        label = clusters.get(node) or labels.get(key, key)
        attributes = {"at_risk": risk_of[node] and kind == "person", "records": size_of[node]}
        if kind == "location":
            attributes["premises"] = premises_of[node]
        chart.nodes[node] = Node(node, kind, label, attributes)
    for pk, (kind, summary, when, _) in event_rows.items():
        node = EVENT + pk
        if node not in chart.nodes and not _full(chart):
            chart.nodes[node] = Node(
                node, "event", f"{kind}: {summary}"[:120], {"date": when.date().isoformat()}
            )
    for a, b, kind, day in edges:
        a, b = node_of.get(a, a), node_of.get(b, b)
        if a in chart.nodes and b in chart.nodes and a != b:
            chart.edges.add(Edge(a, b, kind, day))


def _full(chart: Chart) -> bool:
    if len(chart.nodes) >= MAX_NODES:
        chart.truncated = True
    return chart.truncated


def neighbourhood(user, start: str, *, hops: int = 2, **filters) -> Chart:
    """The chart an analyst opens on one entity: ``hops`` steps out (an event counts as a step)."""
    chart = expand(user, [start], **filters)
    for _ in range(hops - 1):
        expand(user, list(chart.nodes), chart=chart, **filters)
    return chart
