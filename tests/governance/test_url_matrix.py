"""Every URL, for every role and for an anonymous visitor, gives the expected answer."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lantern.governance.roles import ROLE_CAPABILITIES, Role
from lantern.intake.models import Submission
from lantern.intel.models import Event, IntelligenceReport, Location, OnlineIdentity, Person, Phone, Vehicle
from lantern.orders.models import Order
from tests.conftest import sign_in

ANONYMOUS = "anonymous"
# URL names not declared through lantern's access decorators (Django's own views).
DJANGO_VIEWS = {"login", "logout"}
# Pages for one person only among those whose role may see the kind (a job's file: who started it).
OWNER_ONLY = {"jobs:download"}


def _lantern_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin: covered by test_admin_is_for_administrators_only
            if entry.namespace == "api":
                continue  # the partner API authenticates by token: tests/intake/test_api.py covers it
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _lantern_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name not in DJANGO_VIEWS:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


def _sample_ids() -> dict[str, str]:
    return {
        "intel:person": Person.objects.values_list("pk", flat=True).first(),
        "intel:vehicle": Vehicle.objects.values_list("pk", flat=True).first(),
        "intel:phone": Phone.objects.values_list("pk", flat=True).first(),
        "intel:identity": OnlineIdentity.objects.values_list("pk", flat=True).first(),
        "intel:location": Location.objects.values_list("pk", flat=True).first(),
        "intel:event": Event.objects.values_list("pk", flat=True).first(),
        "orders:detail": Order.objects.values_list("pk", flat=True).first(),
        "orders:vary": Order.objects.values_list("pk", flat=True).first(),
        "orders:discharge": Order.objects.values_list("pk", flat=True).first(),
        "orders:document_new": Order.objects.values_list("pk", flat=True).first(),
        "orders:document": _order_document(),
        "orders:alert": _breach_alert(),
        "orders:alert_pack": _breach_alert(),
        "orders:alert_evidence_csv": _breach_alert(),
        "intake:triage_detail": IntelligenceReport.objects.filter(shared_with_police=True)
        .values_list("pk", flat=True)
        .first(),
        "intake:partner_submission": Submission.objects.filter(organisation__code="matrix-project")
        .values_list("pk", flat=True)
        .first(),
        "intake:import_detail": _import_run(),
        "resolution:cluster": _cluster(),
        "charts:saved": _saved_chart(),
        "intake:import_quarantine": _import_run(),
        "risk:chronology": _risk_subject(),
        "profiles:subject": _risk_subject(),
        "profiles:subject_pdf": _risk_subject(),
        "governance:record": Person.objects.values_list("pk", flat=True).first(),
        "governance:subject_access": Person.objects.values_list("pk", flat=True).first(),
        "governance:restrict": Person.objects.values_list("pk", flat=True).first(),
        "safeguarding:task": _task(),
        "safeguarding:referral": _referral(),
        "retention:review": _retention_review(),
        "profiles:problem": _problem_profile(),
        "profiles:problem_pdf": _problem_profile(),
        "profiles:problem_html": _problem_profile(),
        "context:quarantine": _crime_import(),
        "jobs:detail": _job(),
        "jobs:cancel": _job(),
        "jobs:resume": _job(),
        "jobs:download": _job(),
    }


def _job():
    from lantern.jobs.models import Job

    return Job.objects.get_or_create(kind="risk", title="Matrix risk run", defaults={"status": "finished"})[
        0
    ].pk


def _retention_review():
    """A person's review schedule (given when the demo world was filed, or by the command)."""
    from lantern.retention.models import ReviewSchedule
    from lantern.retention.services import schedule_missing

    if not ReviewSchedule.objects.exists():
        schedule_missing()
    return ReviewSchedule.objects.filter(record_kind="person").values_list("pk", flat=True).first()


def _task():
    from datetime import date

    from lantern.safeguarding.models import Task

    person = Person.objects.first()
    return Task.objects.get_or_create(
        title="Matrix welfare visit",
        defaults={"kind": "welfare_visit", "subject": person, "due_on": date(2026, 1, 1)},
    )[0].pk


def _referral():
    from lantern.safeguarding.models import Referral

    return Referral.objects.get_or_create(
        reference="MATRIX-1",
        defaults={
            "kind": "ms1",
            "is_child": False,
            "age_band": "18_24",
            "exploitation_types": ["sexual"],
            "first_responder": "Matrix police",
        },
    )[0].pk


def _order_document():
    from django.conf import settings

    from lantern.orders.models import OrderDocument

    order = Order.objects.first()
    path = settings.LANTERN_DOCUMENTS_DIR / "matrix.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%matrix\n")
    document, _ = OrderDocument.objects.get_or_create(
        order=order,
        title="Sealed order",
        defaults={
            "file_name": "order.pdf",
            "stored_path": str(path),
            "size": 17,
            "sha256": "0" * 64,
            "content_type": "application/pdf",
        },
    )
    return document.pk


def _breach_alert():
    from datetime import UTC, datetime

    from lantern.orders.models import AlertEvidence, BreachAlert

    order = Order.objects.first()
    at = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    alert, created = BreachAlert.objects.get_or_create(
        order=order,
        condition_number=1,
        defaults={
            "condition_version": 1,
            "kind": "zone",
            "first_at": at,
            "last_at": at,
            "confidence": 0.9,
            "explanation": "Matrix alert",
            "evidence_count": 1,
        },
    )
    if created:
        AlertEvidence.objects.create(
            alert=alert,
            order=order,
            condition_number=1,
            kind="read",
            evidence_id="m1",
            at=at,
            source_id="CAM",
            latitude=52.58,
            longitude=-0.24,
            confidence=0.9,
        )
    return alert.pk


def _cluster():
    from lantern.resolution.models import Cluster

    return Cluster.objects.get_or_create(kind="person", label="Matrix person", defaults={"size": 0})[0].pk


def _saved_chart():
    from django.contrib.auth import get_user_model

    from lantern.resolution.models import SavedChart

    owner = get_user_model().objects.first()
    person = Person.objects.values_list("pk", flat=True).first()
    return SavedChart.objects.get_or_create(
        name="Matrix chart", defaults={"owner": owner, "nodes": [str(person)]}
    )[0].pk


def _risk_subject():
    """A person whose incidents a risk run has scored (the run is made once per test database)."""
    from lantern.risk.models import SubjectRisk
    from lantern.risk.services import risk_recompute

    if not SubjectRisk.objects.exists():
        risk_recompute()
    return SubjectRisk.objects.values_list("person_id", flat=True).first()


def _crime_import():
    from lantern.context.models import CrimeImport

    return CrimeImport.objects.get_or_create(file_name="matrix-street.csv")[0].pk


def _problem_profile():
    from datetime import date

    from lantern.profiles.models import ProblemProfile

    return ProblemProfile.objects.get_or_create(
        title="Matrix", area_spec="PE1", area_name="Postcode district PE1",
        first_day=date(2026, 10, 1), last_day=date(2026, 10, 31),
    )[0].pk  # fmt: skip


def _import_run():
    from lantern.intake.models import ImportRun

    run, _ = ImportRun.objects.get_or_create(
        file_sha256="0" * 64,
        defaults={"kind": "persons", "file_name": "matrix.csv", "stored_path": "/nonexistent", "mapping": {}},
    )
    return run.pk


def _partner_with_a_submission(partner) -> None:
    """The partner account belongs to a project that has received one safety report."""
    from datetime import UTC, datetime

    from lantern.intake.inputs import SafetyReportInput
    from lantern.intake.services.partners import member_add, organisation_ensure
    from lantern.intake.services.submissions import safety_report_submit
    from lantern.intel.services import Actor

    project = organisation_ensure(code="matrix-project", name="Matrix project")
    member_add(user=partner, organisation=project)
    data = SafetyReportInput(
        incident_type="threats",
        occurred_at=datetime(2026, 10, 1, 22, tzinfo=UTC),
        account="Threats",
        share_with_police=False,
        warn_others=True,
    )
    safety_report_submit(data=data, organisation=project, actor=Actor(via="tests"))


def _expected(capability: str, who: str) -> int:
    if capability == "public":
        return 200
    if who == ANONYMOUS:
        return 302
    if capability == "signed_in":
        return 200
    return 200 if capability in ROLE_CAPABILITIES[Role(who)] else 403


def test_every_lantern_view_declares_who_may_see_it():
    undeclared = [name for name, _, view in _lantern_patterns() if not hasattr(view, "lantern_capability")]
    assert undeclared == []


@pytest.mark.parametrize("who", [ANONYMOUS, *[role.value for role in Role]])
def test_url_matrix(who, demo_world, client, users):
    _partner_with_a_submission(users["partner"])
    if who != ANONYMOUS:
        sign_in(client, users[who])
    ids = _sample_ids()
    checked = 0
    for name, pattern, view in _lantern_patterns():
        url = "/" + pattern.replace("<uuid:pk>", str(ids.get(name))).replace("<slug:kind>", "risk")
        assert "None" not in url, f"no sample object for {name}"
        response = client.get(
            url, {"q": "smith", "purpose": "investigation"} if name == "intel:search" else None
        )
        expected = _expected(view.lantern_capability, who)
        if name in OWNER_ONLY and expected == 200:
            expected = 404  # the sample belongs to nobody signed in here
        assert response.status_code == expected, (
            f"{who} GET {url}: {response.status_code}, expected {expected}"
        )
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("who", [role.value for role in Role])
def test_admin_is_for_administrators_only(who, db, client, users):
    sign_in(client, users[who])
    response = client.get("/admin/")
    assert response.status_code == (200 if who == Role.ADMINISTRATOR else 302)


def test_unknown_record_is_not_found_not_an_error(demo_world, client_for):
    response = client_for("analyst").get("/people/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


PERSON_PAGES = (
    "intel:person",
    "risk:chronology",
    "profiles:subject",
    "profiles:subject_pdf",
    "governance:record",
    "governance:subject_access",
    "governance:restrict",
)


def test_a_supervisor_outside_a_records_access_list_finds_nothing_at_any_of_its_urls(
    demo_world, make_user, client
):
    """Every page that takes a person's id answers "not found" to someone not on its access list."""
    from lantern.governance.models import Team
    from lantern.governance.restrictions import restrict

    person_id = _risk_subject()  # a person with every kind of page: scored, charted, audited
    person = Person.objects.get(pk=person_id)
    team = Team.objects.create(code="m", name="M")
    owner = make_user("supervisor", "sup-matrix-owner")
    restrict(record=person, kind="person", reason="Matrix: restricted", teams=[team], actor=owner)
    sign_in(client, make_user("supervisor", "sup-matrix-outsider"))
    patterns = {name: pattern for name, pattern, _ in _lantern_patterns()}
    for name in PERSON_PAGES:
        url = "/" + patterns[name].replace("<uuid:pk>", str(person_id))
        assert client.get(url).status_code == 404, url
    sign_in(client, owner)
    for name in PERSON_PAGES:
        url = "/" + patterns[name].replace("<uuid:pk>", str(person_id))
        assert client.get(url).status_code in (200, 302), url
