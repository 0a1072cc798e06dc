"""The subject profile page: one person gathered from every record resolved as them, for those who
may see it, with nothing that names a source and no conditioned report quoted."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.db.models import Q

from lantern.demo.world import ANCHOR
from lantern.governance.models import AuditEntry
from lantern.governance.restrictions import restrict
from lantern.intel.models import Event, Person
from lantern.intel.services import (
    Actor,
    EventInput,
    event_record,
    person_record,
    relationship_record,
    source_ensure,
    vehicle_ensure,
)
from lantern.orders.models import BreachAlert, Order
from lantern.profiles.subject import marking, subject_profile
from lantern.resolution.services import decide
from lantern.risk.models import RiskRun, SubjectRisk
from lantern.risk.services import risk_recompute
from tests.security.conftest import unsafe_markup

AS_OF = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)
ACTOR = Actor(via="tests")
SECTIONS = (
    "Identity and aliases",
    "Addresses, phones and online identities",
    "Timeline",
    "Associates",
    "Vehicles",
    "Orders and breaches",
    "Risk and its explanation",
)


def robert_records(world) -> list[Person]:
    """Every record the demo world filed of its escalating subject (Robert Ashdown), by the truth."""
    true_id = world.truth["escalating_subjects"][0]
    wanted = Q(pk__in=[])
    for p in world.persons:
        if world.truth["persons"][p.key] == true_id:
            wanted |= Q(source__code=p.source, source_record_id=p.record_id)
    return list(Person.objects.filter(wanted).select_related("source"))


def prepare_robert(world) -> Person:
    """Robert's record that carries his order, resolved with his other records (an analyst's
    decision, as the resolution page records one), scored by a risk run."""
    records = robert_records(world)
    main = Order.objects.filter(subject__in=records).select_related("subject").first().subject
    others = [str(r.pk) for r in records if r.pk != main.pk]
    decide(kind="same", left=[str(main.pk)], right=others, actor=ACTOR, note="tests: one man")
    run = risk_recompute(actor=ACTOR, as_of=AS_OF)
    assert run.status == RiskRun.Status.DONE, run.message
    return main


def add_alerts(person: Person) -> None:
    """Two breach alerts on his order, as screening files them: one new, one under review."""
    order = Order.objects.filter(subject=person).first()
    for n, status in enumerate((BreachAlert.Status.NEW, BreachAlert.Status.UNDER_REVIEW)):
        at = datetime(2026, 10, 20 + n, 22, 30, tzinfo=UTC)
        BreachAlert.objects.create(
            order=order, condition_number=1, condition_version=1, kind="zone", status=status,
            first_at=at, last_at=at, confidence=0.9, explanation="tests", evidence_count=1,
        )  # fmt: skip


def make_source():
    return source_ensure(code="tests-subject", name="Tests source", kind="officer", actor=ACTOR)


@pytest.fixture
def robert(demo_world) -> Person:
    main = prepare_robert(demo_world)
    add_alerts(main)
    return main


@pytest.fixture
def source(db):
    return make_source()


def report(source, ref: str, summary: str, links, *, code: str = "P", **details) -> Event:
    source_details = details.pop("source_details", "")
    return event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref=ref,
            occurred_from=datetime(2026, 9, 1, 22, tzinfo=UTC),
            summary=summary,
            links=links,
            details={
                "source_type": "public",
                "source_evaluation": "2",
                "intelligence_assessment": "B",
                "handling_code": code,
                **details,
            },
            source_details=source_details,
        ),
        actor=ACTOR,
    ).obj


def page_of(client, person) -> str:
    response = client.get(f"/profiles/subjects/{person.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_robert_whole_with_aliases_vehicles_order_alerts_and_escalation(robert, client_for):
    page = page_of(client_for("analyst"), robert)
    for heading in SECTIONS:
        assert f">{heading}</h2>" in page
    assert "<h1" in page and "Subject profile: Robert James ASHDOWN" in page
    assert '<p class="marking">OFFICIAL-SENSITIVE — handling code P</p>' in page
    # every record of his, each name once with the sources that gave it
    for record in robert_records_from(robert):
        assert record.source_record_id in page
    for alias in ("Bob Ashdown", "Rob Ashdown", "Robert Ashdowne"):
        assert f"<td>{alias}</td>" in page
    # his vehicles with what is held of them, and how he is linked to each
    assert "AV18 MRZ" in page and "Vauxhall Insignia" in page and "uses vehicle" in page
    order = Order.objects.get(subject=robert)
    assert order.reference in page
    assert all(c.wording in page for c in order.conditions.all())
    assert "<td>new</td><td>1</td>" in page and "<td>under review</td><td>1</td>" in page
    subject = SubjectRisk.objects.get(person__in=robert_records_from(robert))
    assert subject.escalating and subject.explanation.split(".")[0] in page
    assert page.count('class="sev-dot"') == len(subject.detail["chronology"]) >= 10
    assert f'href="/profiles/subjects/{robert.pk}/pdf"' in page and "Download PDF" in page


def robert_records_from(robert: Person) -> list[Person]:
    return list(Person.objects.filter(membership__cluster=robert.membership.cluster))


def test_the_timeline_is_in_date_order_with_grading_and_associates_count_shared_events(robert, users):
    profile = subject_profile(users["analyst"], robert.pk)
    times = [e.occurred for e in profile.timeline.entries]
    assert times == sorted(times) and len(times) >= 10
    assert all(e.grading for e in profile.timeline.entries)
    assert any(e.behaviours for e in profile.timeline.entries)
    assert profile.associates and profile.associates[0].shared_events >= 2
    strengths = [a.shared_events for a in profile.associates if not a.relations]
    assert strengths == sorted(strengths, reverse=True)
    own = {r.pk for r in profile.records}
    assert not own & {a.entity_id for a in profile.associates}  # his own records are him, not associates
    assert profile.risk.subject.escalating and profile.risk.chart
    assert profile.generated_by == users["analyst"].get_username()


def test_an_associate_is_named_with_the_relationship_and_how_strong(robert, source, users):
    friend = person_record(source=source, record_id="F1", given_names="Fred", family_name="FRIEND").obj
    relationship_record(kind="associate", entity_a=friend, entity_b=robert, source=source, actor=ACTOR)
    report(source, "F-1", "Seen together on Lincoln Road", [("subject", robert), ("associate", friend)])
    report(source, "F-2", "Seen together again", [("subject", robert), ("associate", friend)])
    found = {a.label: a for a in subject_profile(users["officer"], robert.pk).associates}
    fred = found["Fred FRIEND"]
    assert [r.text for r in fred.relations] == ["associate of"] and fred.relations[0].sources == (
        "Tests source",
    )
    assert fred.shared_events == 2 and fred.role_names == ["associate"]


def test_a_vehicle_he_is_registered_keeper_of_is_listed_with_make_model_and_colour(robert, source, users):
    van = vehicle_ensure(vrm="yx19 abc", make="Ford", model="Transit", colour="White", source=source).obj
    relationship_record(kind="owns", entity_a=robert, entity_b=van, source=source, actor=ACTOR)
    found = {v.label: v for v in subject_profile(users["officer"], robert.pk).vehicles}
    assert found["YX19 ABC"].vehicle.make == "Ford" and found["YX19 ABC"].vehicle.colour == "white"
    assert [r.text for r in found["YX19 ABC"].relations] == ["owns"]


def test_a_restricted_person_is_not_found_for_a_user_off_the_list(robert, users, client):
    from tests.conftest import sign_in

    restrict(record=robert, kind="person", reason="Covert operation", actor=users["supervisor"])
    sign_in(client, users["analyst"])
    assert client.get(f"/profiles/subjects/{robert.pk}/").status_code == 404
    assert client.get(f"/profiles/subjects/{robert.pk}/pdf").status_code == 404
    sign_in(client, users["supervisor"])  # on the list
    assert "Robert James ASHDOWN" in page_of(client, robert)


def test_a_restricted_record_of_his_leaves_his_profile_for_a_user_off_its_list(robert, users, client_for):
    others = [r for r in robert_records_from(robert) if r.pk != robert.pk]
    record = next(
        r for r in others if r.source_record_id not in {o.source_record_id for o in others if o != r}
    )
    assert record.source_record_id in page_of(client_for("analyst"), robert)
    restrict(record=record, kind="person", reason="Informant protection", actor=users["supervisor"])
    assert record.source_record_id not in page_of(client_for("analyst"), robert)
    assert record.pk not in {r.pk for r in subject_profile(users["analyst"], robert.pk).records}
    assert record.pk in {r.pk for r in subject_profile(users["supervisor"], robert.pk).records}


@pytest.mark.parametrize("who, expected", [("partner", 403), ("administrator", 403), ("officer", 200)])
def test_who_may_open_the_profile(robert, client_for, who, expected):
    client = client_for(who)
    assert client.get(f"/profiles/subjects/{robert.pk}/").status_code == expected
    assert client.get(f"/profiles/subjects/{robert.pk}/pdf").status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(robert, client):
    response = client.get(f"/profiles/subjects/{robert.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["officer", "analyst"])
def test_no_source_details_appear_whoever_reads_it(robert, source, client_for, role):
    """Who reported something, the report as received and the source's details never appear: not
    for an officer, and not for an analyst who may see them elsewhere (the profile leaves Lantern)."""
    jane = person_record(source=source, record_id="J1", given_names="Jane", family_name="COVERTSOURCE").obj
    report(
        source,
        "R-1",
        "Seen driving slowly on Lincoln Road",
        [("subject", robert), ("reporter", jane)],
        text="Jane Covertsource of 1 Hiddenlane Road told me she saw him",
        sanitised_text="A member of the public saw him",
        source_details="Handler: DC Handlername",
    )
    page = page_of(client_for(role), robert)
    assert "Seen driving slowly on Lincoln Road" in page  # the report is there...
    for secret in ("COVERTSOURCE", "Covertsource", "Hiddenlane", "Handlername"):
        assert secret not in page  # ...and nothing of who gave it


def test_text_of_a_report_with_conditions_is_counted_not_quoted(robert, source, client_for, users):
    before = subject_profile(users["analyst"], robert.pk).timeline.withheld
    conditioned = report(
        source,
        "C-1",
        "Conditioned summary zq",
        [("subject", robert)],
        code="C",
        handling_conditions="Not to be shared outside the unit",
    )
    event_record(
        EventInput(
            kind="incident",
            source=source,
            source_ref="C-1-incident",
            occurred_from=datetime(2026, 9, 2, 22, tzinfo=UTC),
            summary="Incident recorded from the conditioned report zq",
            links=[("subject", robert)],
            details={"from_report": conditioned},
        ),
        actor=ACTOR,
    )
    report(source, "P-1", "Shareable summary zp", [("subject", robert)])
    page = page_of(client_for("analyst"), robert)
    assert "zq" not in page and "Not to be shared outside the unit" not in page
    assert "Shareable summary zp" in page
    assert subject_profile(users["analyst"], robert.pk).timeline.withheld == before + 2
    assert f"{before + 2} events come from reports with handling code C" in page
    assert "Text not quoted: handling code C." in page
    assert '<p class="marking">OFFICIAL-SENSITIVE — handling code P</p>' in page


def test_the_marking_carries_the_most_restrictive_handling_code_quoted():
    assert marking(set()) == "OFFICIAL-SENSITIVE — handling code P"
    assert marking({"P"}) == "OFFICIAL-SENSITIVE — handling code P"
    assert marking({"P", "C"}) == "OFFICIAL-SENSITIVE — handling code C"


HOSTILE = '<script>alert(1)</script>=HYPERLINK("http://evil.example/x","click")'


def test_hostile_text_in_a_name_or_summary_is_escaped_on_the_page(source, demo_world, client_for):
    person = person_record(source=source, record_id="H1", given_names=HOSTILE, family_name="Hostile").obj
    report(source, "H-1", f"Summary {HOSTILE}", [("subject", person)])
    page = page_of(client_for("analyst"), person)
    assert unsafe_markup(page) == []
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;=HYPERLINK(" in page


def test_the_page_and_its_views_are_audited(robert, client_for, users):
    page_of(client_for("officer"), robert)
    entry = AuditEntry.objects.filter(object_type="subject_profile", object_id=str(robert.pk)).last()
    assert entry.action == "view" and entry.user == users["officer"]
    assert entry.summary == robert.label


def test_the_person_page_links_to_the_profile_and_its_pdf(robert, client_for):
    page = client_for("officer").get(f"/people/{robert.pk}/").content.decode()
    assert f'href="/profiles/subjects/{robert.pk}/"' in page
    assert f'href="/profiles/subjects/{robert.pk}/pdf"' in page


def test_gathering_takes_the_same_few_queries_however_much_is_linked(
    robert, source, users, django_assert_max_num_queries
):
    """No query per record, event, associate, vehicle or order: more links, the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = users["analyst"]
    subject_profile(user, robert.pk)  # the user's roles are read once and kept
    with CaptureQueriesContext(connection) as first:
        subject_profile(user, robert.pk)
    for n in range(6):
        friend = person_record(source=source, record_id=f"Q{n}", given_names=f"Friend{n}").obj
        relationship_record(kind="associate", entity_a=robert, entity_b=friend, source=source, actor=ACTOR)
        van = vehicle_ensure(vrm=f"QQ{n}0 AAA", source=source).obj
        relationship_record(kind="uses_vehicle", entity_a=robert, entity_b=van, source=source, actor=ACTOR)
        report(source, f"Q-{n}", f"Seen with friend {n}", [("subject", robert), ("associate", friend)])
    with django_assert_max_num_queries(len(first.captured_queries)):
        profile = subject_profile(user, robert.pk)
    assert len(profile.vehicles) >= 8 and len(profile.associates) >= 6
    assert len(first.captured_queries) <= 25
