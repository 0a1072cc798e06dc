"""The resolution and link-chart pages: what analysts and officers see and may do."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from lantern.intel.models import Person
from lantern.resolution.models import Decision, Membership, SavedChart
from lantern.resolution.services import resolve_persons

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(demo_world):
    resolve_persons(mode="full")
    return demo_world


def controller(world) -> Person:
    """The demo's controller, as one of his person records in the store."""
    truth = world.truth
    record = next(p for p in world.persons if truth["persons"][p.key] in truth["controllers"])
    return Person.objects.get(source__code=record.source, source_record_id=record.record_id)


def _a_cluster():
    return next(
        m.cluster
        for m in Membership.objects.select_related("cluster").filter(
            cluster__size__gt=1, entity__kind="person"
        )
    )


def test_the_cluster_page_shows_each_record_and_the_weight_of_each_field(resolved, client_for):
    item = _a_cluster()
    page = client_for("officer").get(f"/resolution/clusters/{item.pk}/").content.decode()
    assert item.label in page and "Why the model joined them" in page
    assert "date of birth" in page and "surname with forename" in page
    assert "Not this person: split out" not in page  # officers see, analysts decide


def test_an_analyst_splits_a_record_out_and_an_officer_may_not(resolved, client_for):
    item = _a_cluster()
    record = str(item.members.first().entity_id)
    refused = client_for("officer").post(
        f"/resolution/clusters/{item.pk}/", {"action": "split", "record": record}
    )
    assert refused.status_code == 403 and not Decision.objects.exists()
    response = client_for("analyst").post(
        f"/resolution/clusters/{item.pk}/",
        {"action": "split", "record": record, "note": "custody photo differs"},
    )
    assert response.status_code == 302
    assert Decision.objects.get().note == "custody photo differs"
    assert str(Membership.objects.get(entity_id=record).cluster_id) != str(item.pk)


def test_bad_actions_say_what_to_do(resolved, client_for):
    item = _a_cluster()
    record = str(item.members.first().entity_id)
    page = client_for("analyst").post(
        f"/resolution/clusters/{item.pk}/", {"action": "not_same", "record": record}
    )
    assert "Choose the other record" in page.content.decode()
    page = client_for("analyst").post(
        f"/resolution/clusters/{item.pk}/",
        {"action": "not_same", "record": record, "other": record},
        follow=True,
    )
    assert "cannot be on both sides" in page.content.decode()
    stranger = str(Person.objects.exclude(membership__cluster=item).first().pk)
    page = client_for("analyst").post(
        f"/resolution/clusters/{item.pk}/", {"action": "split", "record": stranger}, follow=True
    )
    assert "choose records of this person" in page.content.decode() and not Decision.objects.exists()
    assert (
        client_for("analyst").post("/resolution/", {"undo_merge": "<script>"}, follow=True).status_code == 200
    )


def test_the_chart_of_the_demo_controller_shows_his_premises_and_the_women_at_risk(resolved, client_for):
    start = controller(resolved)
    page = client_for("analyst").get(f"/charts/?node={start.pk}").content.decode()
    assert "Possible controllers" in page
    assert "flag-premises" in page and "flag-risk" in page
    elements = json.loads(page.split('id="chart-elements" type="application/json">')[1].split("</script>")[0])
    kinds = {n["data"]["kind"] for n in elements["nodes"]}
    assert {"person", "location", "event"} <= kinds


def test_chart_data_refuses_ids_that_are_not_entities(resolved, client_for):
    response = client_for("analyst").get("/charts/data.json", {"node": "1 OR 1=1"})
    assert response.status_code == 400 and "not a chart entity id" in response.json()["error"]
    response = client_for("analyst").get(
        "/charts/", {"node": "x", "since": "2026-05-01", "until": "2026-01-01"}
    )
    assert "not a chart entity id" in response.content.decode()


def test_the_anx_export_is_the_structure_analysts_notebook_imports(resolved, client_for):
    start = controller(resolved)
    client = client_for("analyst")
    page = client.get(f"/charts/?node={start.pk}").content.decode()
    elements = json.loads(page.split('id="chart-elements" type="application/json">')[1].split("</script>")[0])
    ids = [n["data"]["id"] for n in elements["nodes"]]
    response = client.get("/charts/chart.anx", {"node": ids})
    assert response["Content-Disposition"].endswith('.anx"')
    chart = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert chart.tag == "Chart"
    entity_ids = set()
    for item in chart.iter("ChartItem"):
        entity = item.find("End/Entity")
        if entity is not None:
            assert entity.get("EntityId") and entity.get("Identity")
            assert entity.find("Icon/IconStyle").get("Type")
            entity_ids.add(entity.get("EntityId"))
    links = [item.find("Link") for item in chart.iter("ChartItem") if item.find("Link") is not None]
    assert len(entity_ids) == len(ids) and links
    assert all({link.get("End1Id"), link.get("End2Id")} <= entity_ids for link in links)
    graphml = client.get("/charts/chart.graphml", {"node": ids})
    assert b"<graphml" in graphml.content
    assert client.get("/charts/chart.csv", {"node": ids}).content.decode().count("\n") == len(links) + 1


def test_a_saved_chart_reopens_with_its_entities(resolved, client_for, users):
    start = controller(resolved)
    client = client_for("analyst")
    response = client.post("/charts/", {"name": "Controller network", "nodes": json.dumps([str(start.pk)])})
    saved = SavedChart.objects.get()
    assert response.status_code == 302 and saved.owner == users["analyst"]
    page = client_for("supervisor").get(f"/charts/{saved.pk}/").content.decode()
    assert "Link chart: Controller network" in page
    bad = client.post("/charts/", {"name": "x", "nodes": '["not-an-id"]'}, follow=True).content.decode()
    assert "not an entity" in bad and SavedChart.objects.count() == 1


def test_a_resolved_person_is_one_node_of_the_right_kind(resolved, users):
    from lantern.resolution.graph import neighbourhood

    item = _a_cluster()
    chart = neighbourhood(users["analyst"], str(item.pk), hops=1)
    node = chart.nodes[str(item.pk)]
    assert (node.kind, node.label, node.attributes["records"]) == ("person", item.label, item.size)
    member_ids = {str(e) for e in item.members.values_list("entity_id", flat=True)}
    assert not member_ids & set(chart.nodes)


def test_misread_plates_are_proposed_and_an_analyst_decides(demo_world, client_for):
    from lantern.intel.models import Source, Vehicle
    from lantern.intel.services import Actor, vehicle_ensure
    from lantern.resolution.models import Cluster

    source = Source.objects.first()
    for plate in ("B12 XYZ", "812 XYZ"):  # B and 8: one car, read twice; both valid plates
        vehicle_ensure(vrm=plate, source=source, source_ref="test", actor=Actor(via="tests"))
    one, other = Vehicle.objects.filter(vrm__in=["B12XYZ", "812XYZ"]).order_by("vrm")
    page = client_for("officer").get("/resolution/proposals/").content.decode()
    assert "B12XYZ" in page and "812XYZ" in page and "The same vehicle" not in page
    assert not Cluster.objects.filter(kind="vehicle").exists()  # never merged on its own
    response = client_for("analyst").post(
        "/resolution/proposals/", {"kind": "same", "left": one.pk, "right": other.pk}
    )
    assert response.status_code == 302
    merged = Cluster.objects.get(kind="vehicle")
    assert merged.size == 2
    assert "812XYZ" not in client_for("analyst").get("/resolution/proposals/").content.decode()


def test_addresses_written_two_ways_become_one_place(demo_world, client_for):
    from lantern.intel.models import Source
    from lantern.intel.services import Actor, location_ensure
    from lantern.resolution.services import resolve_locations

    source = Source.objects.first()
    for line in ("7 Cathedral Square", "7 Cathedarl Square"):  # a typo the address key cannot fold
        location_ensure(
            line1=line, postcode="PE1 1XS", source=source, source_ref="t", actor=Actor(via="tests")
        )
    run = resolve_locations()
    assert run.status == "done" and run.merges >= 1
    page = client_for("analyst").get("/resolution/proposals/").content.decode()
    assert "Cathedral" in page


def test_filters_leave_only_links_of_the_chosen_kinds_and_dates(resolved, users):
    from lantern.resolution.graph import EVENT, neighbourhood

    start = str(controller(resolved).pk)
    everything = neighbourhood(users["analyst"], start, hops=2)
    assert any(n.startswith(EVENT) for n in everything.nodes)
    controls = neighbourhood(users["analyst"], start, hops=1, kinds={"controls"})
    assert {e.kind for e in controls.edges} == {"controls"}
    assert not any(n.startswith(EVENT) for n in controls.nodes)
    from datetime import date

    long_ago = neighbourhood(users["analyst"], start, hops=2, until=date(1990, 1, 1))
    assert not any(n.startswith(EVENT) for n in long_ago.nodes)


def test_a_report_not_shared_with_police_flags_no_one_at_risk_on_a_chart(resolved, users):
    from lantern.intel.models import EventLink, IntelligenceReport, Relationship
    from lantern.resolution.graph import neighbourhood

    link = EventLink.objects.filter(role="person_at_risk", event__intelligencereport__isnull=False).first()
    person = link.entity_id
    node = str(Membership.objects.get(entity_id=person).cluster_id)
    assert neighbourhood(users["analyst"], str(person), hops=1).nodes[node].attributes["at_risk"]
    # Leave only report links, then withdraw those reports' consent to police use.
    EventLink.objects.filter(entity_id=person, role__in=["person_at_risk", "victim"]).exclude(
        event__intelligencereport__isnull=False
    ).delete()
    Relationship.objects.filter(entity_b_id=person, kind="controls").delete()
    reports = EventLink.objects.filter(entity_id=person).values_list("event_id", flat=True)
    IntelligenceReport.objects.filter(pk__in=reports).update(shared_with_police=False)
    chart = neighbourhood(users["analyst"], str(person), hops=1)
    assert not chart.nodes[node].attributes["at_risk"]
