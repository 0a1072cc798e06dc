"""Sex-worker safety reports: the reporter's choices are kept and obeyed; alerts never identify her."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lantern.intake.inputs import SafetyReportInput
from lantern.intake.models import SafetyAlert, Submission
from lantern.intake.services.alerts import REMOVED, alert_text
from lantern.intake.services.partners import member_add, organisation_ensure
from lantern.intake.services.submissions import safety_consent_withdraw, safety_report_submit
from lantern.intel.models import Event, IntelligenceReport, ReportSourceDetail
from lantern.intel.services import Actor
from tests.conftest import sign_in

FORM = {
    "incident_type": "violence",
    "when_date": "2026-10-20",
    "when_time": "23:30",
    "account": "He picked me up on Burghley Road, drove to 7 Park Lane and hit me. Call me on 07700 900321.",
    "place": "7 Park Lane, PE1 2AB",
    "area": "PE1 2AB",
    "person_description": "White man, 40s, tattoo on left hand, said his name was Dave",
    "phone": "07911 123456",
    "vrm": "ZZ61 SAF",
    "advert_handle": "@dave_pboro",
    "share_with_police": "no",
    "contact": "contactable",
    "working_name": "Roxy",
    "contact_route": "through the drop-in, Tuesdays",
    "warn_others": "yes",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _submit(client, **change) -> Submission:
    response = client.post("/report/safety/", FORM | change)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Submission.objects.order_by("-received_at").first()


def test_a_report_not_shared_with_police_is_invisible_to_them(client, db, users, client_for):
    submission = _submit(client)
    safety = submission.safety
    assert (submission.status, submission.report, safety.share_with_police) == ("withheld", None, False)
    assert (safety.working_name, safety.contact_route, safety.warn_others) == (
        "Roxy",
        "through the drop-in, Tuesdays",
        True,
    )
    # Nothing entered the police store: no report, no phone or vehicle to find.
    assert not IntelligenceReport.objects.filter(source_ref=submission.reference).exists()
    for role in ("officer", "analyst", "supervisor"):
        police = client_for(role)
        for query in ("07911 123456", "zz61saf", "dave_pboro"):
            page = police.get("/search/", {"q": query, "purpose": "investigation"}).content.decode()
            assert "Nothing matched" in page, f"{role} found something for {query}"
        dashboard = police.get("/").content.decode()
        assert "Safety report" not in dashboard
    api = client_for("officer").get("/api/submissions")  # the API takes partner tokens only
    assert api.status_code in (401, 404)


def test_the_alert_names_neither_the_reporter_nor_the_venue(client, db):
    alert = _submit(client).safety.alert
    text = alert.text
    for secret in ("Roxy", "drop-in", "Park Lane", "7 Park", "PE1 2AB", "900321"):
        assert secret not in text
    assert "physical violence" in text and "PE1" in text and "07911 123456" in text and "ZZ61 SAF" in text


def test_a_shared_report_reaches_the_police_without_the_venue_as_a_place(client, db, client_for):
    submission = _submit(
        client, share_with_police="yes", contact="anonymous", working_name="", contact_route=""
    )
    report = submission.report
    assert (submission.status, report.source_type, report.grade) == ("filed", "sex_worker", "2CC")
    assert report.location is None  # the venue may be her home: never an entity
    assert "Park Lane" in report.text and "Park Lane" not in report.sanitised_text
    assert ReportSourceDetail.objects.get(report=report).details.startswith("Anonymous")
    officer_page = client_for("officer").get(f"/events/{report.pk}/").content.decode()
    assert "Park Lane" not in officer_page and "Roxy" not in officer_page
    found = (
        client_for("officer").get("/search/", {"q": "zz61saf", "purpose": "investigation"}).content.decode()
    )
    assert "Results for" in found and ">ZZ61 SAF</a>" in found


def test_withdrawing_consent_hides_the_report_from_the_police(client, db, make_user):
    project = organisation_ensure(code="pboro-project", name="Peterborough project")
    caseworker = make_user("partner", "caseworker-1")
    member_add(user=caseworker, organisation=project)
    sign_in(client, caseworker)
    response = client.post("/partner/safety/new/", FORM | {"share_with_police": "yes"})
    assert response.status_code == 302
    submission = Submission.objects.get(organisation=project)
    assert submission.report is not None and submission.channel == "sex_worker"
    officer = make_user("officer", "pc-consent")
    sign_in(client, officer)
    assert client.get(f"/events/{submission.report.pk}/").status_code == 200
    sign_in(client, caseworker)
    client.post(f"/partner/submissions/{submission.pk}/", {"action": "withdraw"})
    submission.refresh_from_db()
    assert submission.safety.consent_withdrawn_at is not None
    assert SafetyAlert.objects.get().withdrawn_at is not None
    sign_in(client, officer)
    assert client.get(f"/events/{submission.report.pk}/").status_code == 404
    assert "ZZ61 SAF" not in client.get("/").content.decode()
    assert (
        not Event.objects.exclude(intelligencereport__shared_with_police=False)
        .filter(pk=submission.report.pk)
        .exists()
    )


def test_anonymous_means_no_working_name_is_kept(db):
    data = SafetyReportInput(
        incident_type="threats",
        occurred_at=datetime(2026, 10, 1, 22, 0, tzinfo=UTC),
        account="Threatened me",
        share_with_police=True,
        warn_others=False,
        contactable=False,
        working_name="Roxy",
        contact_route="07700 900111",
    )
    submission = safety_report_submit(data=data, organisation=None, actor=Actor(via="test"))
    assert (submission.safety.working_name, submission.safety.contact_route) == ("", "")
    assert "Roxy" not in str(submission.payload)
    assert not hasattr(submission.safety, "alert") or submission.safety.alert is None
    safety_consent_withdraw(safety_report=submission.safety, actor=Actor(via="test"))
    submission.report.refresh_from_db()
    assert submission.report.shared_with_police is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"incident_type": "nonsense"}, "Select a valid choice"),
        ({"when_date": ""}, "This field is required"),
        ({"when_date": "2099-01-01"}, "cannot be in the future"),
        ({"account": ""}, "This field is required"),
        ({"share_with_police": ""}, "This field is required"),
        ({"working_name": ""}, "Give a working name"),
        ({"account": "x" * 5001}, "at most 5000 characters"),
    ],
)
def test_bad_safety_reports_are_answered_and_nothing_is_kept(client, db, change, message):
    response = client.post("/report/safety/", FORM | change)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Submission.objects.exists()


_words = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"]), min_size=3, max_size=25
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=_words.filter(lambda w: w.strip() and len(w.strip()) >= 3),
    route=_words.filter(lambda w: len(w.strip()) >= 3),
    venue_number=st.integers(1, 999),
    description=_words,
)
def test_property_no_alert_contains_the_reporter_or_the_venue(name, route, venue_number, description):
    venue = f"{venue_number} Lincoln Road, PE1 2AB"
    data = SafetyReportInput(
        incident_type="robbery",
        occurred_at=datetime(2026, 10, 1, 22, 0, tzinfo=UTC),
        account="x",
        share_with_police=False,
        warn_others=True,
        contactable=True,
        working_name=name,
        contact_route=route,
        place=venue,
        area=f"near {venue}",
        person_description=f"{description} said to ask for {name} at {venue}; call {route}",
        phone="07911 123456",
    )
    text = alert_text(data)
    # What the alert says anyway (the incident, the date, the area, the phone) may contain the
    # generated word by chance; only the reporter's own words carrying it are a leak.
    fixed = alert_text(replace(data, person_description="")).casefold() + REMOVED.casefold()
    for secret in (name.strip().casefold(), route.strip().casefold()):
        assume(secret not in fixed and secret not in description.casefold())
        assert secret not in text.casefold()
    assert venue not in text and "PE1 2AB" not in text and f"{venue_number} Lincoln Road" not in text
