"""Disposing of a person removes them from every page, search, export, analysis result and the lake."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from lantern.governance.models import AuditEntry
from lantern.intel.models import Entity, Event, EventLink, Person, Relationship, SearchKey, Vehicle
from lantern.intel.services import Actor
from lantern.orders.models import Order
from lantern.resolution.models import Membership
from lantern.retention.models import Disposal, ReviewSchedule
from lantern.retention.services import RetentionError, dispose_person
from lantern.risk.models import PersonRisk, SubjectRisk
from tests.retention.conftest import write_lake

REASON = "No longer meets the retention criteria: no further intelligence in the review period."


def _candidate() -> tuple[Person, Vehicle]:
    """A person with events, a vehicle only they use, a unique name, and no legal hold."""
    shared = (
        Relationship.objects.filter(entity_b__kind="vehicle", entity_a__kind="person")
        .values("entity_b")
        .annotate(n=Count("entity_a", distinct=True))
        .filter(n=1)
        .values_list("entity_b", flat=True)
    )
    held = set(Order.objects.values_list("subject_id", flat=True))
    for rel in Relationship.objects.filter(entity_b_id__in=list(shared), entity_a__kind="person").order_by(
        "entity_a_id"
    ):
        person = Person.objects.get(pk=rel.entity_a_id)
        if person.pk in held or person.safeguarding_tasks.exists() or person.referrals.exists():
            continue
        if not EventLink.objects.filter(entity=person).exists() or not person.family_name:
            continue
        if Person.objects.filter(family_name=person.family_name, given_names=person.given_names).count() > 1:
            continue
        return person, Vehicle.objects.get(pk=rel.entity_b_id)
    pytest.fail("the demo world has no suitable person")


def _csv(tmp_path, what: str) -> str:
    out = tmp_path / f"{what}.csv"
    call_command("export", what, str(out))
    return out.read_text()


@pytest.fixture
def analysed_world(demo_world):
    from lantern.resolution.services import resolve_persons
    from lantern.risk.services import risk_recompute

    resolve_persons(mode="full")
    risk_recompute()
    return demo_world


def test_disposing_of_a_person_removes_them_everywhere(analysed_world, client_for, users, lake_dir, tmp_path):
    person, vehicle = _candidate()
    pk, name, vrm, record_id = person.pk, person.label, vehicle.vrm, person.source_record_id
    files = write_lake(lake_dir, vrms=[vrm, "ZZ99ZZZ", vrm], records=[record_id, "OTHER-1", str(pk)])
    only_theirs = [
        e
        for e in EventLink.objects.filter(entity=person).values_list("event_id", flat=True)
        if not EventLink.objects.filter(event_id=e, entity__kind="person").exclude(entity=person).exists()
    ]
    # Give them risk rows whatever the run scored, so the test proves those go too.
    run = SubjectRisk.objects.values_list("run_id", flat=True).first()
    assert run, "the risk run scored nobody"
    cluster = Membership.objects.filter(entity=person).values_list("cluster_id", flat=True).first()
    SubjectRisk.objects.create(
        run_id=run,
        subject_key=str(cluster or pk),
        person=person,
        label=name,
        incidents=1,
        escalating=False,
        escalation_rank=999,
        priority=0.1,
        priority_rank=999,
        serial=False,
        explanation="x",
        priority_text="x",
    )
    client = client_for("supervisor")
    assert client.get(f"/people/{pk}/").status_code == 200
    assert name in client.get("/search/", {"q": name, "purpose": "investigation"}).content.decode()

    disposal = dispose_person(person=person, reason=REASON, actor=Actor(user=users["supervisor"], via="test"))

    # Pages and search
    assert client.get(f"/people/{pk}/").status_code == 404
    assert client.get(f"/vehicles/{vehicle.pk}/").status_code == 404
    for q in (name, vrm):
        page = client.get("/search/", {"q": q, "purpose": "investigation"}).content.decode()
        assert str(pk) not in page and str(vehicle.pk) not in page
        assert "Nothing matched" in page
    assert not SearchKey.objects.filter(entity_id__in=[pk, vehicle.pk]).exists()
    # Store, events only about them, analysis results
    assert not Entity.objects.filter(pk__in=[pk, vehicle.pk]).exists()
    assert not Event.objects.filter(pk__in=only_theirs).exists()
    assert not SubjectRisk.objects.filter(Q(person_id=pk) | Q(label=name)).exists()
    assert not PersonRisk.objects.filter(Q(person_id=pk) | Q(label=name)).exists()
    assert not Membership.objects.filter(entity_id=pk).exists()
    assert not ReviewSchedule.objects.filter(object_id__in=[pk, *only_theirs]).exists()
    # Exports
    for what in ("clusters", "priorities"):
        text = _csv(tmp_path, what)
        assert str(pk) not in text and name not in text
        assert all(row[:2] != [person.source.code, record_id] for row in csv.reader(text.splitlines()))
    # The lake
    reads = pq.read_table(files["reads"]).column("vrm").to_pylist()
    fixes = pq.read_table(files["tracks"]).column("subject_record_id").to_pylist()
    assert reads == ["ZZ99ZZZ"] and fixes == ["OTHER-1"]
    assert not [p for p in lake_dir.rglob("*") if p.name.startswith(".")], "temporary files left behind"
    # Tombstone and audit
    tomb = Disposal.objects.get(pk=disposal.pk)
    assert tomb.object_id == pk and tomb.reason == REASON and tomb.disposed_by == users["supervisor"]
    stored = " ".join(str(v) for v in (tomb.description, tomb.reason, tomb.counts, tomb.reference_hash))
    for part in (name, person.given_names, person.family_name, record_id, vrm):
        assert part not in stored
    assert tomb.counts["lake ANPR reads"] == 2 and tomb.counts["lake GPS fixes"] == 2
    assert tomb.counts["person records"] == 1 and tomb.counts["events"] == len(only_theirs)
    entry = AuditEntry.objects.get(sequence=tomb.audit_sequence)
    assert entry.action == "delete" and entry.object_id == str(pk)
    assert entry.username == users["supervisor"].username and REASON in entry.summary
    assert entry.detail["reason"] == REASON
    call_command("audit", "verify")
    # The disposals page lists it, without the name
    listing = client.get("/retention/disposals/").content.decode()
    assert str(pk) in listing and name not in listing


def test_a_live_order_refuses_disposal(demo_world, users):
    today = date.today()
    order = (
        Order.objects.filter(status__in=["active", "varied"])
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .first()
    )
    assert order is not None
    subject = order.subject
    with pytest.raises(RetentionError, match=order.reference) as caught:
        dispose_person(person=subject, reason=REASON, actor=Actor(user=users["supervisor"], via="test"))
    assert "discharged" in str(caught.value)
    assert Person.objects.filter(pk=subject.pk).exists() and not Disposal.objects.exists()


def test_an_expired_order_goes_with_its_subject(demo_world, users, lake_dir):
    order = Order.objects.filter(subject__orders__isnull=False).first()
    Order.objects.filter(pk=order.pk).update(
        status="discharged", discharged_on=date.today() - timedelta(days=1)
    )
    order.alerts.update(status="dismissed")
    others = Order.objects.filter(subject=order.subject).exclude(pk=order.pk)
    others.update(status="expired", expires_on=date.today() - timedelta(days=1))
    subject = order.subject
    subject.safeguarding_tasks.update(status="cancelled")
    subject.referrals.update(status="withdrawn")
    disposal = dispose_person(
        person=subject, reason=REASON, actor=Actor(user=users["supervisor"], via="test")
    )
    assert not Order.objects.filter(pk=order.pk).exists()
    assert disposal.counts["orders"] >= 1
    call_command("audit", "verify")


def test_a_reason_naming_the_person_is_refused(demo_world, users):
    person = Person.objects.exclude(family_name="").exclude(orders__isnull=False).first()
    with pytest.raises(RetentionError, match="must not name"):
        dispose_person(
            person=person,
            reason=f"{person.family_name} is no longer of interest to anyone",
            actor=Actor(user=users["supervisor"], via="test"),
        )
    assert Person.objects.filter(pk=person.pk).exists()


def test_records_resolved_as_the_same_person_go_together(analysed_world, users, lake_dir):
    from lantern.resolution.models import Cluster

    held = set(Order.objects.values_list("subject_id", flat=True))
    for cluster in Cluster.objects.filter(kind="person", size__gte=2):
        members = list(Person.objects.filter(membership__cluster=cluster))
        if (
            any(p.pk in held or p.safeguarding_tasks.exists() or p.referrals.exists() for p in members)
            or len(members) < 2
        ):
            continue
        break
    else:
        pytest.skip("no resolved person of several records without a legal hold")
    disposal = dispose_person(
        person=members[0],
        reason=REASON,
        actor=Actor(user=users["supervisor"], via="test"),
        with_resolved=True,
    )
    assert not Person.objects.filter(pk__in=[p.pk for p in members]).exists()
    assert not Cluster.objects.filter(pk=cluster.pk).exists()
    assert disposal.counts["person records"] == len(members)
    assert f"{len(members) - 1} record(s) resolved with it" in disposal.description
