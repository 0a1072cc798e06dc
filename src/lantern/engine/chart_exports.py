"""Link charts for other tools: i2 Analyst's Notebook (ANX XML), GraphML, and CSV.

ANX is the XML that Analyst's Notebook imports: a ``Chart`` with its link and entity types, then a
``ChartItemCollection`` where each entity is a ``ChartItem`` with an ``End`` holding an ``Entity``
(``EntityId``, ``Identity``, and an ``Icon``/``IconStyle`` whose ``Type`` names the icon), and each
link is a ``ChartItem`` with a ``Link`` whose ``End1Id``/``End2Id`` are entity ids. Element and
attribute names are PascalCase. Text from the store is escaped by ElementTree, and characters XML
1.0 forbids (control characters) are removed so the file always parses.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import networkx as nx

from lantern.engine.safe_csv import csv_text

ICONS = {  # Analyst's Notebook's standard icon types
    "person": "Person",
    "phone": "Phone",
    "vehicle": "Car",
    "location": "Building",
    "identity": "Internet",
    "event": "Event",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value))[:1000]


def to_anx(graph: nx.Graph) -> bytes:
    chart = ET.Element("Chart", IdReferenceLinking="false", Rigorous="true")
    types = ET.SubElement(chart, "LinkTypeCollection")
    ET.SubElement(types, "LinkType", Name="Link", Colour="0")
    entity_types = ET.SubElement(chart, "EntityTypeCollection")
    for icon in sorted({ICONS.get(d.get("kind"), "Question") for _, d in graph.nodes(data=True)}):
        ET.SubElement(entity_types, "EntityType", Name=icon, IconFile=icon)
    items = ET.SubElement(chart, "ChartItemCollection")
    positions = _circle(list(graph.nodes))
    for node, data in graph.nodes(data=True):
        x, y = positions[node]
        label = _text(data.get("label") or node)
        item = ET.SubElement(items, "ChartItem", Label=label, DateSet="false", XPosition=str(x))
        end = ET.SubElement(item, "End", Y=str(y))
        entity = ET.SubElement(end, "Entity", EntityId=_text(node), Identity=label)
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", Type=ICONS.get(data.get("kind"), "Question"))
    for a, b, data in graph.edges(data=True):
        kinds = ", ".join(sorted(data.get("kinds", ())))
        item = ET.SubElement(items, "ChartItem", Label=_text(kinds), DateSet="false")
        link = ET.SubElement(item, "Link", End1Id=_text(a), End2Id=_text(b))
        ET.SubElement(link, "LinkStyle", Type="Link", ArrowStyle="ArrowNone", Strength="1")
    ET.indent(chart)
    return ET.tostring(chart, encoding="utf-8", xml_declaration=True)


def _circle(nodes: list[str], radius: int = 2000) -> dict[str, tuple[int, int]]:
    n = max(len(nodes), 1)
    return {
        node: (
            int(radius + radius * math.cos(2 * math.pi * i / n)),
            int(radius + radius * math.sin(2 * math.pi * i / n)),
        )
        for i, node in enumerate(nodes)
    }


def to_graphml(graph: nx.Graph) -> bytes:
    plain = nx.Graph()
    for node, data in graph.nodes(data=True):
        plain.add_node(
            node, **{k: _text(v) for k, v in data.items() if isinstance(v, str | int | float | bool)}
        )
    for a, b, data in graph.edges(data=True):
        plain.add_edge(a, b, kinds=", ".join(sorted(data.get("kinds", ()))), date=data.get("date", ""))
    out = io.BytesIO()
    nx.write_graphml(plain, out, encoding="utf-8")
    return out.getvalue()


def to_csv(graph: nx.Graph) -> str:
    """One row per link: both ends with their kinds and labels, and the kinds of link (formula-safe)."""
    headers = ["from_id", "from_kind", "from_label", "to_id", "to_kind", "to_label", "link_kinds", "date"]
    rows = []
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        na, nb = graph.nodes[a], graph.nodes[b]
        kinds = ", ".join(sorted(data.get("kinds", ())))
        row = [
            a,
            na.get("kind"),
            na.get("label"),
            b,
            nb.get("kind"),
            nb.get("label"),
            kinds,
            data.get("date", ""),
        ]
        rows.append([_text(v if v is not None else "") for v in row])
    return csv_text(headers, rows)
