"""The safeguarding pages, as each role and a hostile or careless visitor would use them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.governance.models import AuditEntry
from lantern.intel.models import Location, Person, Visit
from lantern.intel.services import Actor
from lantern.safeguarding import services
from lantern.safeguarding.models import Referral, Task

TOMORROW = timezone.localdate() + timedelta(days=1)
PAGES = [
    "/safeguarding/",
    "/safeguarding/tasks/new/",
    "/safeguarding/referrals/",
    "/safeguarding/referrals/new/",
]


@pytest.fixture
def person(demo_world):
    return Person.objects.order_by("pk").first()


@pytest.fixture
def premises(demo_world):
    return Location.objects.order_by("pk").first()  # a home in the demo world: not "premises" kind


def _task(subject, user, **changes):
    values = {"kind": "welfare_visit", "subject": subject, "title": "Welfare check", "due_on": TOMORROW}
    return services.task_create(**{**values, **changes}, actor=Actor(user=user, via="tests"))


@pytest.mark.parametrize("role", ["analyst", "officer", "supervisor"])
def test_safeguarding_roles_can_use_every_page(role, client_for, person, users):
    client = client_for(role)
    task = _task(person, users[role])
    for url in [*PAGES, task.get_absolute_url(), "/safeguarding/referrals/new/?kind=ms1"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["partner", "administrator"])
def test_partners_and_administrators_are_refused(role, client_for, person, users):
    client = client_for(role)
    task = _task(person, users["officer"])
    for url in [*PAGES, task.get_absolute_url()]:
        assert client.get(url).status_code == 403, url
    assert client.post("/safeguarding/tasks/new/", {"subject": str(person.pk)}).status_code == 403
    assert Task.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_task_started_from_the_premises_list_shows_the_place_and_the_kind(client_for, premises):
    response = client_for("officer").get(f"/safeguarding/tasks/new/?subject={premises.pk}&kind=welfare_visit")
    page = response.content.decode()
    assert premises.label in page
    assert f'name="subject" value="{premises.pk}"' in page
    assert '<option value="welfare_visit" selected>' in page


def test_an_officer_records_a_task_does_the_visit_and_sees_it_on_the_timeline(client_for, person, users):
    client = client_for("officer")
    response = client.post(
        "/safeguarding/tasks/new/",
        {
            "subject": str(person.pk),
            "kind": "welfare_visit",
            "title": "See her after the report",
            "due_on": TOMORROW.isoformat(),
            "owner": users["officer"].pk,
        },
        follow=True,
    )
    task = Task.objects.get()
    assert response.redirect_chain[-1][0] == task.get_absolute_url()
    assert "Task recorded" in response.content.decode()
    assert AuditEntry.objects.filter(object_id=str(task.pk), action="view").exists()
    response = client.post(
        task.get_absolute_url(), {"action": "done", "outcome": "Seen; safe; leaflet given."}, follow=True
    )
    assert "on the subject&#x27;s timeline" in response.content.decode()
    visit = Visit.objects.get(pk=Task.objects.get().visit_id)
    timeline = client.get(person.get_absolute_url()).content.decode()
    assert visit.summary in timeline


def test_overdue_tasks_are_marked_in_the_list(client_for, person, users):
    task = _task(person, users["officer"], title="Late visit")
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    page = client_for("officer").get("/safeguarding/?state=overdue").content.decode()
    assert "Late visit" in page and '<span class="badge">overdue</span>' in page


def test_hostile_text_is_shown_as_text(client_for, person, users):
    task = _task(person, users["officer"], title="<script>alert(1)</script>", notes="<b>x</b>")
    page = client_for("officer").get(task.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page
    page = client_for("officer").get("/safeguarding/").content.decode()
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"due_on": "31/02/2026"}, "Enter a valid date"),
        ({"due_on": "2020-01-01"}, "in the past"),
        ({"subject": "not-a-uuid"}, "not a Lantern record id"),
        ({"subject": "00000000-0000-0000-0000-000000000000"}, "No person or place has that id"),
        ({"kind": "<script>"}, "Select a valid choice"),
        ({"notes": "x" * 5001}, "at most 5000 characters"),
    ],
)
def test_task_form_errors_say_what_to_do(client_for, person, changes, message):
    data = {"subject": str(person.pk), "kind": "other", "title": "Call", "due_on": TOMORROW.isoformat()}
    response = client_for("analyst").post("/safeguarding/tasks/new/", {**data, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not Task.objects.exists()


def test_an_adults_nrm_without_consent_is_refused_on_the_page(client_for, person):
    response = client_for("supervisor").post(
        f"/safeguarding/referrals/new/?person={person.pk}&kind=nrm",
        {
            "person": str(person.pk),
            "is_child": "no",
            "age_band": "25_34",
            "exploitation_types": ["sexual"],
            "first_responder": "Cambridgeshire Constabulary",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "must give informed consent" in page and "MS1" in page
    assert not Referral.objects.exists()


def test_a_childs_nrm_is_recorded_without_consent(client_for, person):
    response = client_for("officer").post(
        f"/safeguarding/referrals/new/?person={person.pk}&kind=nrm",
        {
            "person": str(person.pk),
            "is_child": "yes",
            "age_band": "under_18",
            "exploitation_types": ["sexual", "criminal"],
            "first_responder": "Cambridgeshire Constabulary",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert referral.person == person and referral.is_child and not referral.consent


def test_an_ms1_from_a_persons_page_keeps_no_trace_of_the_person(client_for, person):
    client = client_for("officer")
    form = client.get(f"/safeguarding/referrals/new/?person={person.pk}&kind=ms1").content.decode()
    assert 'name="person"' not in form and 'name="consent"' not in form
    response = client.post(
        f"/safeguarding/referrals/new/?person={person.pk}&kind=ms1",
        {
            "about": str(person.pk),
            "age_band": "18_24",
            "exploitation_types": ["sexual"],
            "indicators": "Workers living on site.",
            "first_responder": "Cambridgeshire Constabulary",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.kind == "ms1" and referral.person is None
    for entry in AuditEntry.objects.filter(object_id=str(referral.pk)):
        assert str(person.pk) not in f"{entry.path} {entry.summary} {entry.detail}"
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "anonymous" in page and person.label not in page


def test_a_referral_is_marked_submitted_with_its_reference(client_for, person, users):
    referral = services.referral_create_nrm(
        person=person,
        is_child=False,
        consent=True,
        age_band="25_34",
        exploitation_types=["labour"],
        first_responder="Police",
        actor=Actor(user=users["officer"]),
    )
    client = client_for("officer")
    response = client.post(referral.get_absolute_url(), {"status": "submitted", "reference": "NRM-7"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "submitted" and referral.reference == "NRM-7"
    response = client.post(referral.get_absolute_url(), {"status": "<script>", "reference": ""})
    assert response.status_code == 400
    assert "cannot become" in response.content.decode() and "<script>" not in response.content.decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["subject", "kind", "title", "due_on", "owner", "notes"]),
        st.text(max_size=300),
        max_size=6,
    )
)
def test_the_task_form_never_crashes_on_arbitrary_input(client_for, person, data):
    before = Task.objects.count()
    response = client_for("officer").post("/safeguarding/tasks/new/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'class="error-summary"' in response.content.decode()
        assert Task.objects.count() == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["nrm", "ms1"]),
    st.dictionaries(
        st.sampled_from(["person", "about", "is_child", "consent", "age_band", "indicators", "nationality"]),
        st.text(max_size=300),
        max_size=7,
    ),
    st.lists(st.text(max_size=30), max_size=3),
)
def test_the_referral_form_never_crashes_on_arbitrary_input(client_for, person, kind, data, types):
    response = client_for("officer").post(
        f"/safeguarding/referrals/new/?kind={kind}",
        {**data, "exploitation_types": types, "first_responder": "Police"},
    )
    assert response.status_code in (200, 302)
    assert not Referral.objects.filter(kind="ms1").exclude(person=None).exists()
