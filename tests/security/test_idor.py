"""Guessing ids: another organisation's submissions, police records for partners, supervisor pages for
officers, unknown ids, and what exports and JSON endpoints hand out."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from lantern.governance.roles import ROLE_CAPABILITIES, Capability, Role
from lantern.intake.inputs import SafetyReportInput
from lantern.intake.models import SafetyReport, Submission
from lantern.intake.services.partners import member_add, organisation_ensure, token_issue
from lantern.intake.services.submissions import safety_report_submit
from lantern.intel.services import Actor
from tests.conftest import sign_in
from tests.governance.test_url_matrix import _sample_ids
from tests.security.conftest import fill, get_patterns

SECRET_NAME = "Moonflower-Secret"  # the other project's reporter's working name
SECRET_PLACE = "Flat 9, 12 Hidden Road"


@pytest.fixture
def two_projects(db, make_user):
    """Project A (our partner) and project B (the victim), each with a caseworker, a token and a report."""
    a = organisation_ensure(code="idor-a", name="Project A")
    b = organisation_ensure(code="idor-b", name="Project B")
    partner_a, partner_b = make_user("partner", "idor-partner-a"), make_user("partner", "idor-partner-b")
    member_add(user=partner_a, organisation=a)
    member_add(user=partner_b, organisation=b)
    _, token_a = token_issue(organisation=a, name="A system")
    _, token_b = token_issue(organisation=b, name="B system")
    submissions = {}
    for org, share in ((a, False), (b, False)):
        data = SafetyReportInput(
            incident_type="violence",
            occurred_at=datetime(2026, 1, 10, 22, tzinfo=UTC),
            account=f"He hurt me at {SECRET_PLACE}" if org is b else "An account",
            share_with_police=share,
            warn_others=True,
            contactable=org is b,
            working_name=SECRET_NAME if org is b else "",
            contact_route="07911 480123" if org is b else "",
            place=SECRET_PLACE if org is b else "",
            area="PE1",
        )
        submissions[org.code] = safety_report_submit(data=data, organisation=org, actor=Actor(via="tests"))
    return {
        "a": a,
        "b": b,
        "partner_a": partner_a,
        "partner_b": partner_b,
        "auth_a": {"HTTP_AUTHORIZATION": f"Bearer {token_a}"},
        "auth_b": {"HTTP_AUTHORIZATION": f"Bearer {token_b}"},
        "sub_a": submissions["idor-a"],
        "sub_b": submissions["idor-b"],
    }


def _no_secret(content: bytes, where: str) -> None:
    text = content.decode("utf-8", errors="replace")
    assert SECRET_NAME not in text and SECRET_PLACE not in text, f"{where} shows project B's report"


def test_a_partner_cannot_open_another_projects_submission(two_projects, client):
    p = two_projects
    sign_in(client, p["partner_a"])
    assert client.get(f"/partner/submissions/{p['sub_a'].pk}/").status_code == 200
    response = client.get(f"/partner/submissions/{p['sub_b'].pk}/")
    assert response.status_code == 404
    _no_secret(response.content, "another project's submission page")
    response = client.post(f"/partner/submissions/{p['sub_b'].pk}/", {"action": "withdraw"})
    assert response.status_code == 404
    safety = SafetyReport.objects.get(submission=p["sub_b"])
    assert safety.withdrawn_at is None if hasattr(safety, "withdrawn_at") else True
    for url in ("/partner/", "/partner/alerts/", "/partner/alerts.csv", "/partner/?page=2"):
        response = client.get(url)
        assert response.status_code == 200, url
        _no_secret(response.content, url)
        assert p["sub_b"].reference not in response.content.decode(), url


def test_a_partner_cannot_reach_another_projects_submission_through_the_api(two_projects, client):
    p = two_projects
    own = client.get(f"/api/submissions/{p['sub_a'].reference}", **p["auth_a"])
    assert own.status_code == 200
    for path in (
        f"/api/submissions/{p['sub_b'].reference}",
        f"/api/submissions/{p['sub_b'].pk}",
        f"/api/submissions/{p['sub_b'].reference.lower()}",
        f"/api/submissions/{p['sub_b'].reference}%00",
    ):
        response = client.get(path, **p["auth_a"])
        assert response.status_code == 404, path
        _no_secret(response.content, path)
    response = client.post(
        f"/api/safety-reports/{p['sub_b'].reference}/withdraw-consent", content_type="application/json",
        **p["auth_a"],
    )  # fmt: skip
    assert response.status_code == 404
    listing = client.get("/api/submissions?limit=100", **p["auth_a"])
    assert listing.status_code == 200
    references = {item["reference"] for item in listing.json()["results"]}
    assert p["sub_b"].reference not in references and p["sub_a"].reference in references
    _no_secret(listing.content, "/api/submissions")
    alerts = client.get("/api/alerts?limit=100", **p["auth_a"])
    assert alerts.status_code == 200
    _no_secret(alerts.content, "/api/alerts")  # the shared warning is sanitised: nothing of her


def test_another_organisations_reference_and_a_missing_one_answer_alike(two_projects, client):
    """A reference that exists elsewhere cannot be told from one that does not exist (no probing)."""
    p = two_projects
    theirs = client.get(f"/api/submissions/{p['sub_b'].reference}", **p["auth_a"])
    missing = client.get("/api/submissions/REF-NOPE-0000", **p["auth_a"])
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    sign_in(client, p["partner_a"])
    theirs = client.get(f"/partner/submissions/{p['sub_b'].pk}/")
    missing = client.get(f"/partner/submissions/{uuid.uuid4()}/")
    assert theirs.status_code == missing.status_code == 404


def test_a_partner_without_an_organisation_sees_no_submission(db, client, make_user, two_projects):
    loner = make_user("partner", "idor-loner")
    sign_in(client, loner)
    for url in (f"/partner/submissions/{two_projects['sub_b'].pk}/", "/partner/", "/partner/alerts.csv"):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        _no_secret(response.content, url)


def _police_patterns():
    return [
        (name, pattern, view)
        for name, pattern, view in get_patterns()
        if view.lantern_capability not in ("public", "signed_in", Capability.PARTNER_PORTAL)
    ]


def test_a_partner_cannot_open_any_police_page_by_id(demo_world, client, users, two_projects):
    samples = _sample_ids()
    sign_in(client, users["partner"])
    checked = 0
    for name, pattern, _ in _police_patterns():
        for pk in (samples.get(name), uuid.uuid4()):
            url = fill(pattern, pk)
            response = client.get(url)
            assert response.status_code in (403, 404), f"partner GET {url}: {response.status_code}"
            response = client.post(url, {"action": "dismissed", "reason": "x"})
            assert response.status_code in (403, 404, 405), f"partner POST {url}: {response.status_code}"
            checked += 1
    assert checked >= 50


def test_a_partners_api_token_opens_no_staff_page(demo_world, client, two_projects):
    samples = _sample_ids()
    for name, pattern, _ in _police_patterns():
        url = fill(pattern, samples.get(name, ""))
        response = client.get(url, **two_projects["auth_a"])
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("who", ["analyst", "supervisor", "officer"])
def test_an_unknown_id_is_not_found_never_an_error(who, demo_world, client, users):
    sign_in(client, users[who])
    capabilities = ROLE_CAPABILITIES[Role(who)]
    checked = 0
    for name, pattern, view in get_patterns():
        if "<uuid:pk>" not in pattern or view.lantern_capability not in capabilities:
            continue
        url = fill(pattern, uuid.uuid4())
        response = client.get(url)
        expected = (200,) if name == "governance:record" else (404,)  # no history is an empty page
        assert response.status_code in expected, f"{who} GET {url}: {response.status_code}"
        checked += 1
    assert checked >= 10


def test_an_officer_cannot_open_supervisor_pages(demo_world, client, users):
    samples = _sample_ids()
    sign_in(client, users["officer"])
    person = samples["intel:person"]
    for url in (
        f"/audit/subject-access/{person}/",
        f"/audit/records/{person}/",
        "/audit/",
        "/risk/model/new/",
        "/retention/",
        "/imports/",
        f"/imports/{samples['intake:import_detail']}/quarantine.csv",
        "/triage/export.csv",
        f"/triage/{samples['intake:triage_detail']}/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post("/risk/model/new/", {"config": "{}"})
    assert response.status_code == 403


def test_officers_never_see_who_a_source_is(demo_world, client, users):
    """Source details are for analysts and supervisors: not on the event page, search, chart or export."""
    from lantern.intake.services.intel_log import intel_log_record

    person = _sample_ids()["intel:person"]
    report = intel_log_record(
        user=users["analyst"],
        occurred_at=datetime(2026, 1, 5, 20, tzinfo=UTC),
        text="Informant Nightjar-Source says the flat is used",
        sanitised_text="The flat is said to be used",
        source_details="Nightjar-Source, CHIS 4411, meets at the library",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        handling_conditions="",
        links=[("subject", person)],
        via="tests",
    )
    sign_in(client, users["officer"])
    for url in (
        f"/events/{report.pk}/",
        f"/people/{person}/",
        "/search/?q=library&purpose=investigation",
        f"/charts/?node={person}",
        f"/charts/data.json?node={person}",
        f"/charts/chart.csv?node={person}&node=event:{report.pk}",
        f"/charts/chart.anx?node={person}&node=event:{report.pk}",
        f"/risk/subjects/{person}/chronology.csv",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert b"Nightjar-Source" not in response.content and b"CHIS 4411" not in response.content, url


def test_a_report_not_shared_with_the_police_is_nowhere_on_police_pages(
    two_projects, demo_world, client, users
):
    reference = two_projects["sub_b"].reference
    for who in ("analyst", "supervisor", "officer"):
        sign_in(client, users[who])
        for q in (SECRET_NAME, SECRET_PLACE, "Hidden Road", "07911 480123"):
            found = client.get("/search/", {"q": q, "purpose": "investigation"}).context["result"]
            assert found.entities == [], f"{who} searching {q!r} found {found.entities}"
        for url in (
            "/search/?q=PE1&purpose=investigation",
            "/triage/",
            "/triage/export.csv",
            "/",
        ):
            response = client.get(url)
            if response.status_code == 200:
                _no_secret(response.content, f"{who} {url}")
                assert reference not in response.content.decode(), f"{who} {url}"


def test_a_subject_access_export_holds_one_person_only(demo_world, client, users):
    from lantern.intel.models import Person

    first, second = Person.objects.all()[:2]
    sign_in(client, users["supervisor"])
    response = client.get(f"/audit/subject-access/{first.pk}/")
    assert response.status_code == 200
    assert "json" in response["Content-Type"] and "attachment" in response["Content-Disposition"]
    json.loads(response.content)
    assert str(second.pk) not in response.content.decode() or second.pk in _linked(first)


def _linked(person) -> set:
    from lantern.intel.models import EventLink, Relationship

    events = EventLink.objects.filter(entity_id=person.pk).values_list("event_id", flat=True)
    linked = set(EventLink.objects.filter(event_id__in=list(events)).values_list("entity_id", flat=True))
    linked |= set(Relationship.objects.filter(a_id=person.pk).values_list("b_id", flat=True))
    linked |= set(Relationship.objects.filter(b_id=person.pk).values_list("a_id", flat=True))
    return linked


def test_submissions_of_the_other_project_never_appear_in_the_partner_export(two_projects, client):
    p = two_projects
    for who, theirs in (("partner_a", "sub_b"), ("partner_b", "sub_a")):
        sign_in(client, p[who])
        export = client.get("/partner/alerts.csv")
        assert export.status_code == 200 and "text/csv" in export["Content-Type"]
        assert p[theirs].reference not in export.content.decode()
    assert Submission.objects.filter(organisation=p["b"]).count() == 1
