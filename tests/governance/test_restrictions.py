"""Need-to-know: a restricted record is seen only by the people and teams on its access list.

Everyone else, whatever their role, is told it does not exist: by its page, by search, by the
records linked to it, by the link chart, by the ranked risk lists."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from lantern.demo.world import ANCHOR
from lantern.governance.models import AuditEntry, RecordRestriction, Team
from lantern.governance.restrictions import restrict
from lantern.intel.models import Event, EventLink, Person
from lantern.risk.services import risk_recompute
from tests.conftest import sign_in


@pytest.fixture
def hidden_woman(demo_world, make_user):
    """A woman at risk whose record a supervisor restricts to the safeguarding team."""
    supervisor = make_user("supervisor", "sup-restrict")
    team = Team.objects.create(code="safeguarding", name="Safeguarding team")
    insider = make_user("analyst", "an-insider")
    team.members.add(insider)
    link = (
        EventLink.objects.filter(role="person_at_risk", entity__kind="person")
        .select_related("entity")
        .first()
    )
    person = Person.objects.get(pk=link.entity_id)
    restrict(
        record=person, kind="person", reason="Address of a person at risk", teams=[team], actor=supervisor
    )
    return {"person": person, "event": link.event_id, "supervisor": supervisor, "insider": insider}


def _client(client, user):
    sign_in(client, user)
    return client


def test_outsiders_are_told_it_does_not_exist(hidden_woman, make_user, client):
    person = hidden_woman["person"]
    outsider = _client(client, make_user("analyst", "an-outsider"))
    assert outsider.get(f"/people/{person.pk}/").status_code == 404
    assert outsider.get(f"/audit/restrict/{person.pk}/").status_code == 403  # analysts cannot restrict
    search = outsider.get(
        "/search/", {"q": person.family_name or person.given_names, "purpose": "safeguarding"}
    )
    assert f"/people/{person.pk}/" not in search.content.decode()
    event = outsider.get(f"/events/{hidden_woman['event']}/").content.decode()
    assert f"/people/{person.pk}/" not in event and person.label not in event
    chart = outsider.get("/charts/data.json", {"node": str(person.pk)}).content.decode()
    assert str(person.pk) not in chart


def test_the_access_list_sees_it(hidden_woman, client):
    person = hidden_woman["person"]
    insider = _client(client, hidden_woman["insider"])  # on the list through the team
    assert insider.get(f"/people/{person.pk}/").status_code == 200
    assert f"/people/{person.pk}/" in insider.get(f"/events/{hidden_woman['event']}/").content.decode()
    chart = insider.get("/charts/data.json", {"node": str(person.pk)}).content.decode()
    assert str(person.pk) in chart  # the same chart request an outsider makes shows her to the list


def test_restricting_is_the_supervisors_and_is_audited(hidden_woman, client):
    person = hidden_woman["person"]
    supervisor = _client(client, hidden_woman["supervisor"])
    assert supervisor.get(f"/people/{person.pk}/").status_code == 200  # the restrictor stays on the list
    assert AuditEntry.objects.filter(object_id=str(person.pk), summary__contains="restricted to").exists()
    page = supervisor.post(f"/audit/restrict/{person.pk}/", {"action": "lift"})
    assert page.status_code == 302 and not RecordRestriction.objects.filter(object_id=person.pk).exists()


def test_a_restricted_person_is_not_in_the_ranked_lists(hidden_woman, make_user, client):
    risk_recompute(as_of=datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC))
    person = hidden_woman["person"]
    outsider = _client(client, make_user("officer", "pc-outsider"))
    for url in ("/risk/people/", "/risk/priorities/"):
        assert f"/people/{person.pk}/" not in outsider.get(url).content.decode()


def test_the_restrict_form_refuses_an_empty_reason_and_escapes_text(hidden_woman, client):
    supervisor = _client(client, hidden_woman["supervisor"])
    event = Event.objects.exclude(pk=hidden_woman["event"]).first()
    page = supervisor.post(f"/audit/restrict/{event.pk}/", {"reason": "   "}).content.decode()
    assert "This field is required" in page
    supervisor.post(f"/audit/restrict/{event.pk}/", {"reason": "<script>alert(1)</script> source"})
    page = supervisor.get(f"/audit/restrict/{event.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_team_and_grant_changes_in_the_admin_are_audited(demo_world, make_user, client):
    admin_user = make_user("administrator", "admin-teams")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    analyst = make_user("analyst", "an-granted")
    sign_in(client, admin_user)
    response = client.post(
        "/admin/governance/team/add/", {"code": "vice", "name": "Vice unit", "members": [analyst.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    team = Team.objects.get(code="vice")
    assert list(team.members.all()) == [analyst]
    entry = AuditEntry.objects.filter(object_type="admin:team", object_id=str(team.pk)).get()
    assert entry.username == "admin-teams" and entry.action == "create" and "Vice unit" in entry.summary


def test_writes_cannot_reach_a_restricted_record_either(hidden_woman, make_user):
    """An intelligence log entry or a triage link naming a restricted record by id or plate is
    refused for someone outside its list, as if the record did not exist."""
    from lantern.intake.selectors_triage import LinkNotFound, log_link_resolve
    from lantern.intake.services.intel_log import LogError, intel_log_record
    from lantern.intel.models import Vehicle

    outsider = make_user("analyst", "an-write-outsider")
    person = hidden_woman["person"]
    entry = {
        "user": outsider,
        "occurred_at": datetime(2026, 3, 4, 20, 15, tzinfo=UTC),
        "text": "Seen at the flat",
        "sanitised_text": "Seen at an address",
        "source_details": "Patrol",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "handling_conditions": "",
        "links": [("person_at_risk", person.pk)],
    }
    with pytest.raises(LogError, match="no record"):
        intel_log_record(**entry)
    with pytest.raises(LinkNotFound):
        log_link_resolve(outsider, str(person.pk))
    vehicle = Vehicle.objects.order_by("vrm").first()
    restrict(record=vehicle, kind="vehicle", reason="Covert vehicle", actor=hidden_woman["supervisor"])
    with pytest.raises(LinkNotFound):
        log_link_resolve(outsider, vehicle.vrm)
    assert log_link_resolve(hidden_woman["supervisor"], vehicle.vrm) == vehicle.entity_ptr
    intel_log_record(**{**entry, "user": hidden_woman["insider"]})  # on the list through the team


def test_forms_started_from_a_restricted_id_do_not_reveal_or_accept_it(hidden_woman, make_user, client):
    person = hidden_woman["person"]
    outsider = _client(client, make_user("supervisor", "sup-forms-outsider"))
    for url in (
        f"/safeguarding/tasks/new/?subject={person.pk}&kind=welfare_visit",
        f"/safeguarding/referrals/new/?person={person.pk}&kind=nrm",
        f"/orders/new/?subject={person.pk}",
    ):
        response = outsider.get(url)
        assert response.status_code == 200 and person.label not in response.content.decode(), url
    refused = outsider.post(
        "/safeguarding/tasks/new/",
        {"subject": str(person.pk), "kind": "welfare_visit", "title": "Visit", "due_on": "2099-01-01"},
    )
    assert "No person or place has that id" in refused.content.decode()


def test_a_restricted_controller_is_not_named_in_other_peoples_explanations(demo_world, make_user, client):
    from lantern.intel.models import Relationship
    from lantern.risk.models import PersonRisk

    controller = Person.objects.get(
        pk=Relationship.objects.filter(kind="controls").values_list("entity_a", flat=True)[0]
    )
    as_of = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)
    risk_recompute(as_of=as_of)
    assert PersonRisk.objects.filter(explanation__contains=controller.label).exists()  # named while open
    restrict(
        record=controller,
        kind="person",
        reason="Covert investigation",
        actor=make_user("supervisor", "s-ctl"),
    )
    risk_recompute(as_of=as_of)
    assert not PersonRisk.objects.filter(explanation__contains=controller.label).exists()
    assert PersonRisk.objects.filter(explanation__contains="controlled by another person").exists()
