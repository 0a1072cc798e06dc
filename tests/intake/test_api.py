"""The partner API: token per organisation, own submissions only, idempotent POSTs, clear 4xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.intake.models import Submission
from lantern.intake.services.partners import organisation_ensure, token_issue, token_revoke
from lantern.intel.models import IntelligenceReport

SAFETY = {
    "incident_type": "violence",
    "occurred_at": "2026-10-20T23:30:00+01:00",
    "account": "He hit me at the flat on Park Lane.",
    "share_with_police": False,
    "warn_others": True,
    "contactable": True,
    "working_name": "Roxy",
    "place": "Flat 2, 7 Park Lane",
    "area": "PE1",
    "phone": "07911 123456",
}


@pytest.fixture
def partner(db):
    project = organisation_ensure(code="api-project", name="API project")
    _, token = token_issue(organisation=project, name="case system")
    return project, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def other(db):
    agency = organisation_ensure(code="api-agency", name="Agency", kind="agency", receives_alerts=False)
    _, token = token_issue(organisation=agency, name="agency system")
    return agency, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, path, body, auth, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **auth, **headers)


def test_the_schema_is_served_and_is_openapi_3(client, db):
    schema = client.get("/api/schema").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/safety-reports" in schema["paths"] and "/api/alerts" in schema["paths"]
    assert client.get("/api/docs").status_code == 404  # no CDN-loaded docs page


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer lan_forged", "Basic dXNlcjpwYXNz"])
def test_no_valid_token_no_access(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/api/submissions", **extra).status_code == 401


def test_a_signed_in_officer_without_a_token_gets_nothing(client_for):
    assert client_for("officer").get("/api/submissions").status_code == 401


def test_a_revoked_token_stops_working(client, partner):
    _, auth = partner
    assert client.get("/api/submissions", **auth).status_code == 200
    token_revoke(prefix=auth["HTTP_AUTHORIZATION"].split()[1][:12])
    assert client.get("/api/submissions", **auth).status_code == 401


def test_a_safety_report_is_filed_with_its_choices_and_read_back_by_its_owner_only(client, partner, other):
    project, auth = partner
    response = _post(client, "/api/safety-reports", SAFETY, auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "withheld" and body["safety"]["share_with_police"] is False
    assert body["safety"]["alert_reference"].startswith("ALERT-")
    submission = Submission.objects.get(reference=body["reference"])
    assert (submission.organisation, submission.channel) == (project, "partner_api")
    assert not IntelligenceReport.objects.filter(source_ref=body["reference"]).exists()
    assert client.get(f"/api/submissions/{body['reference']}", **auth).status_code == 200
    _, other_auth = other
    assert client.get(f"/api/submissions/{body['reference']}", **other_auth).status_code == 404
    assert client.get("/api/submissions", **other_auth).json()["count"] == 0
    assert client.get("/api/alerts", **other_auth).json()["count"] == 0  # the agency takes no alerts
    alerts = client.get("/api/alerts", **auth).json()["results"]
    assert alerts and "Roxy" not in alerts[0]["text"] and "Park Lane" not in alerts[0]["text"]


def test_withdrawing_consent_through_the_api(client, partner):
    _, auth = partner
    reference = _post(client, "/api/safety-reports", SAFETY | {"share_with_police": True}, auth).json()[
        "reference"
    ]
    report = Submission.objects.get(reference=reference).report
    assert report.shared_with_police
    response = client.post(f"/api/safety-reports/{reference}/withdraw-consent", **auth)
    assert response.status_code == 200 and response.json()["safety"]["consent_withdrawn_at"]
    report.refresh_from_db()
    assert report.shared_with_police is False
    assert client.get("/api/alerts", **auth).json()["count"] == 0


def test_a_retried_post_creates_nothing_new(client, partner):
    _, auth = partner
    body = {"what_happened": "Men calling at all hours", "vehicles": ["AB12 CDE"], "postcode": "PE1 2AB"}
    first = _post(client, "/api/reports", body, auth, HTTP_IDEMPOTENCY_KEY="case-77-attempt")
    again = _post(client, "/api/reports", body, auth, HTTP_IDEMPOTENCY_KEY="case-77-attempt")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Submission.objects.filter(channel="partner_api").count() == 1
    changed = _post(
        client, "/api/reports", body | {"people": "x"}, auth, HTTP_IDEMPOTENCY_KEY="case-77-attempt"
    )
    assert changed.status_code == 422 and "different request" in changed.json()["detail"]
    bad_key = _post(client, "/api/reports", body, auth, HTTP_IDEMPOTENCY_KEY="x" * 201)
    assert bad_key.status_code == 422


def test_pages_and_their_next_link(client, partner):
    _, auth = partner
    for n in range(5):
        _post(client, "/api/reports", {"what_happened": f"report {n}"}, auth)
    page = client.get("/api/submissions?limit=2", **auth).json()
    assert page["count"] == 5 and len(page["results"]) == 2
    assert page["next"] == "/api/submissions?limit=2&offset=2"
    last = client.get("/api/submissions?limit=2&offset=4", **auth).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert client.get("/api/submissions?limit=1000", **auth).status_code == 422
    assert client.get("/api/submissions?offset=-1", **auth).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps({"what_happened": ""}),
        json.dumps({"what_happened": "x" * 5001}),
        json.dumps({"what_happened": "ok", "surprise": 1}),
        json.dumps({"what_happened": "ok", "occurred_at": "2026-10-01T22:00:00"}),  # no UTC offset
        json.dumps({"what_happened": "ok", "latitude": 95}),
        json.dumps({"what_happened": 7}),
        json.dumps(["a list"]),
    ],
)
def test_bad_bodies_get_a_4xx_and_file_nothing(client, partner, body):
    _, auth = partner
    response = client.post("/api/reports", body, content_type="application/json", **auth)
    assert 400 <= response.status_code < 500
    assert not Submission.objects.exists()


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from([*SAFETY, "junk"]),
        st.one_of(
            st.none(), st.booleans(), st.integers(), st.text(max_size=50), st.lists(st.text(max_size=5))
        ),
    )
)
def test_property_no_body_causes_a_server_error(client, partner, body):
    _, auth = partner
    response = client.post("/api/safety-reports", json.dumps(body), content_type="application/json", **auth)
    assert response.status_code < 500
