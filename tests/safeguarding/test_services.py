"""The safeguarding rules, as the services enforce them whatever page or command calls them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.governance.models import AuditEntry
from lantern.intel import selectors as intel_selectors
from lantern.intel.models import EventKind, LinkRole, Location, Person, Visit
from lantern.intel.services import Actor, StoreError
from lantern.safeguarding import selectors, services
from lantern.safeguarding.models import Referral, Task
from lantern.safeguarding.services import SafeguardingError

TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.fixture
def actor(users):
    return Actor(user=users["officer"], via="tests")


@pytest.fixture
def person(demo_world):
    return Person.objects.order_by("pk").first()


@pytest.fixture
def premises(demo_world):
    return Location.objects.order_by("pk").first()  # a home in the demo world: not "premises" kind


def _nrm(person, actor, **changes):
    values = {
        "person": person,
        "is_child": False,
        "consent": True,
        "age_band": "25_34",
        "exploitation_types": ["sexual"],
        "indicators": "Cued by a man waiting outside.",
        "first_responder": "Cambridgeshire Constabulary",
        "actor": actor,
    }
    return services.referral_create_nrm(**{**values, **changes})


def _ms1(actor, **changes):
    values = {
        "age_band": "18_24",
        "exploitation_types": ["sexual", "labour"],
        "indicators": "Living on site; no access to her passport; curtains always drawn.",
        "nationality": "Romanian",
        "first_responder": "Cambridgeshire Constabulary",
        "actor": actor,
    }
    return services.referral_create_ms1(**{**values, **changes})


def _audited(pk) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=str(pk)))


# ---------------------------------------------------------------- referrals


def test_an_adults_nrm_referral_without_consent_is_refused_and_points_to_the_ms1(person, actor):
    with pytest.raises(SafeguardingError) as refused:
        _nrm(person, actor, consent=False)
    assert refused.value.field == "consent"
    assert "consent" in str(refused.value) and "MS1" in str(refused.value)
    assert isinstance(refused.value, StoreError)
    assert not Referral.objects.exists()


def test_a_childs_nrm_referral_is_made_without_consent(person, actor):
    referral = _nrm(person, actor, is_child=True, consent=False, age_band="under_18")
    assert referral.kind == Referral.Kind.NRM and referral.is_child and not referral.consent
    assert referral.status == Referral.Status.DRAFT
    assert [r.pk for r in selectors.referrals_for_person(actor.user, person)] == [referral.pk]
    assert [e.action for e in _audited(referral.pk)] == ["create"]


def test_a_person_recorded_as_under_18_is_referred_as_a_child(person, actor):
    person.age_max = 16
    person.date_of_birth = None
    person.save()
    with pytest.raises(SafeguardingError, match="treat the person as a child"):
        _nrm(person, actor, is_child=False, consent=True)
    with pytest.raises(SafeguardingError, match="make an NRM referral instead"):
        _ms1(actor, about=person)


def test_an_ms1_names_nobody_and_its_audit_entry_does_not_either(person, actor):
    referral = _ms1(actor, about=person)
    assert referral.kind == Referral.Kind.MS1
    assert referral.person is None and not referral.is_child and not referral.consent
    assert selectors.referrals_for_person(actor.user, person) == []
    (entry,) = _audited(referral.pk)
    assert str(person.pk) not in f"{entry.summary} {entry.path} {entry.detail}"
    assert person.label not in entry.summary


def test_an_ms1_for_a_child_is_refused(actor):
    with pytest.raises(SafeguardingError, match="NRM referral instead"):
        _ms1(actor, age_band="under_18")


@pytest.mark.parametrize(
    "text, found",
    [
        ("She gave her number 07700 900123 to the officer.", "phone number"),
        ("Her e-mail is jo.bloggs@example.com", "e-mail"),
        ("Staying at 14 Park Road PE1 2AB", "full postcode"),
    ],
)
def test_an_ms1_refuses_text_that_identifies_the_person(actor, text, found):
    with pytest.raises(SafeguardingError, match=found):
        _ms1(actor, indicators=text)
    assert not Referral.objects.exists()


def test_an_ms1_refuses_the_persons_own_name(person, actor):
    name = person.family_name or person.label.split()[-1]
    with pytest.raises(SafeguardingError, match="the person's name"):
        _ms1(actor, about=person, indicators=f"Seen with {name.upper()} at the door.")


def test_the_database_refuses_an_ms1_with_a_person(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            kind="ms1", person=person, is_child=False, age_band="18_24", first_responder="x"
        )


def test_the_database_refuses_an_adults_nrm_without_consent(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            kind="nrm", person=person, is_child=False, consent=False, age_band="18_24", first_responder="x"
        )


def test_referral_fields_are_checked_with_what_to_do(person, actor):
    with pytest.raises(SafeguardingError, match="tick at least one type"):
        _nrm(person, actor, exploitation_types=[])
    with pytest.raises(SafeguardingError, match="tick at least one type"):
        _nrm(person, actor, exploitation_types=["<script>"])
    with pytest.raises(SafeguardingError, match="first responder"):
        _nrm(person, actor, first_responder="  ")
    with pytest.raises(SafeguardingError, match="shorten it"):
        _nrm(person, actor, indicators="x" * 5001)
    with pytest.raises(SafeguardingError, match="age band"):
        _nrm(person, actor, age_band="ancient")


def test_a_referral_moves_on_through_its_decisions_and_each_step_is_audited(person, actor):
    referral = _nrm(person, actor)
    referral = services.referral_update_status(
        referral=referral, status="submitted", reference="NRM-2026-001", actor=actor
    )
    assert referral.submitted_at is not None and referral.reference == "NRM-2026-001"
    referral = services.referral_update_status(referral=referral, status="positive_rg", actor=actor)
    with pytest.raises(SafeguardingError, match="next steps"):
        services.referral_update_status(referral=referral, status="draft", actor=actor)
    referral = services.referral_update_status(referral=referral, status="conclusive_positive", actor=actor)
    with pytest.raises(SafeguardingError, match="it is final"):
        services.referral_update_status(referral=referral, status="withdrawn", actor=actor)
    assert [e.action for e in _audited(referral.pk)] == ["create", "update", "update", "update"]


def test_an_ms1_is_sent_and_no_decision_follows(actor):
    referral = services.referral_update_status(referral=_ms1(actor), status="submitted", actor=actor)
    with pytest.raises(SafeguardingError):
        services.referral_update_status(referral=referral, status="positive_rg", actor=actor)


# ---------------------------------------------------------------- tasks


def test_completing_a_welfare_visit_files_a_visit_on_the_persons_timeline(person, actor, users):
    task = services.task_create(
        kind="welfare_visit",
        subject=person,
        title="Check on her at the flat",
        due_on=TOMORROW,
        owner=users["officer"],
        actor=actor,
    )
    done = services.task_complete(task=task, outcome="Seen alone; safe; offered support.", actor=actor)
    assert done.status == Task.Status.DONE and done.completed_at is not None
    visit = Visit.objects.get(pk=done.visit_id)
    assert visit.outcome == "Seen alone; safe; offered support."
    assert visit.visit_type == Visit.Type.WELFARE
    timeline = intel_selectors.entity_timeline(users["officer"], person)
    (link,) = [link for link in timeline if link.event_id == visit.pk]
    assert link.role == LinkRole.PERSON_AT_RISK and link.event.kind == EventKind.VISIT
    assert [e.action for e in _audited(task.pk)] == ["create", "update"]
    assert _audited(visit.pk), "the visit event is audited by the intel service"


def test_a_warrant_at_premises_is_a_visit_at_that_place(premises, actor, users):
    task = services.task_create(
        kind="warrant", subject=premises, title="Execute warrant", due_on=TOMORROW, actor=actor
    )
    done = services.task_complete(task=task, outcome="Two women safeguarded.", actor=actor)
    visit = Visit.objects.get(pk=done.visit_id)
    assert visit.location_id == premises.pk and visit.visit_type == Visit.Type.WARRANT
    roles = [
        link.role
        for link in intel_selectors.entity_timeline(users["officer"], premises)
        if link.event_id == visit.pk
    ]
    assert roles == [LinkRole.PREMISES]


def test_an_order_application_task_files_no_visit(person, actor):
    task = services.task_create(
        kind="order_application", subject=person, title="Apply for an SRO", due_on=TOMORROW, actor=actor
    )
    done = services.task_complete(task=task, outcome="Application lodged.", actor=actor)
    assert done.visit is None and done.outcome == "Application lodged."


def test_a_closed_task_cannot_be_closed_again(person, actor):
    task = services.task_create(
        kind="other", subject=person, title="Call partner", due_on=TOMORROW, actor=actor
    )
    services.task_cancel(task=task, reason="Partner called us.", actor=actor)
    with pytest.raises(SafeguardingError, match="already cancelled"):
        services.task_complete(task=task, outcome="x", actor=actor)
    assert [e.action for e in _audited(task.pk)] == ["create", "update"]


def test_task_rules_say_what_to_do(person, actor, users):
    with pytest.raises(SafeguardingError, match="in the past"):
        services.task_create(kind="other", subject=person, title="t", due_on=date(2020, 1, 1), actor=actor)
    with pytest.raises(SafeguardingError, match="choose an analyst, officer or supervisor"):
        services.task_create(
            kind="other", subject=person, title="t", due_on=TOMORROW, owner=users["partner"], actor=actor
        )
    with pytest.raises(SafeguardingError, match="say what is to be done"):
        services.task_create(kind="other", subject=person, title="   ", due_on=TOMORROW, actor=actor)
    with pytest.raises(SafeguardingError, match="kind"):
        services.task_create(kind="raid", subject=person, title="t", due_on=TOMORROW, actor=actor)
    task = services.task_create(kind="other", subject=person, title="t", due_on=TOMORROW, actor=actor)
    with pytest.raises(SafeguardingError, match="say what happened"):
        services.task_complete(task=task, outcome="", actor=actor)
    assert Task.objects.count() == 1


def test_selectors_filter_tasks_and_refuse_roles_without_safeguarding(person, actor, users):
    from django.core.exceptions import PermissionDenied

    mine = services.task_create(
        kind="welfare_visit",
        subject=person,
        title="Mine",
        due_on=TOMORROW,
        owner=users["officer"],
        actor=actor,
    )
    theirs = services.task_create(
        kind="warrant", subject=person, title="Theirs", due_on=TOMORROW, actor=actor
    )
    Task.objects.filter(pk=theirs.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    officer = users["officer"]
    assert [t.pk for t in selectors.tasks_list(officer, mine=True)] == [mine.pk]
    assert [t.pk for t in selectors.tasks_list(officer, state="overdue")] == [theirs.pk]
    assert [t.pk for t in selectors.tasks_list(officer, kind="warrant")] == [theirs.pk]
    assert selectors.task_counts(officer) == {"open": 2, "overdue": 1, "mine": 1}
    assert {t.pk for t in selectors.tasks_for_entity(officer, person)} == {mine.pk, theirs.pk}
    for role in ("partner", "administrator"):
        with pytest.raises(PermissionDenied):
            selectors.tasks_list(users[role])
        with pytest.raises(PermissionDenied):
            selectors.referral_get(users[role], pk=mine.pk)
