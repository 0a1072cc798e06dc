"""Who looked at a record, the audit trail's page, the subject access export, and search purposes."""

from __future__ import annotations

import json

from lantern.governance.models import AuditEntry
from lantern.intel.models import Person


def _ashdown() -> Person:
    return Person.objects.filter(family_name__iexact="ashdown", given_names="Robert James").first()


def test_a_supervisor_sees_who_looked_at_a_record(demo_world, client_for):
    person = _ashdown()
    client_for("officer").get(f"/people/{person.pk}/")
    page = client_for("supervisor").get(f"/audit/records/{person.pk}/").content.decode()
    assert "test-officer" in page and "viewed" in page
    assert client_for("officer").get(f"/audit/records/{person.pk}/").status_code == 403
    person_page = client_for("supervisor").get(f"/people/{person.pk}/").content.decode()
    assert f"/audit/records/{person.pk}/" in person_page and "Subject access export" in person_page
    assert "Who has looked" not in client_for("officer").get(f"/people/{person.pk}/").content.decode()


def test_the_audit_log_filters_and_survives_bad_dates(demo_world, client_for):
    client_for("analyst").get("/search/", {"q": "ashdown", "purpose": "safeguarding"})
    client = client_for("supervisor")
    page = client.get("/audit/", {"action": "search"}).content.decode()
    assert "ashdown" in page and "purpose: safeguarding a person" in page
    assert client.get("/audit/", {"since": "not-a-date", "page": "x"}).status_code == 200
    assert "<script>" not in client.get("/audit/", {"username": "<script>x</script>"}).content.decode()


def test_subject_access_export_holds_the_records_events_and_access_log(demo_world, client_for):
    person = _ashdown()
    client_for("officer").get(f"/people/{person.pk}/")
    response = client_for("supervisor").get(f"/audit/subject-access/{person.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    export = json.loads(response.content)
    assert export["records"][0]["family_name"].lower() == "ashdown"
    assert len(export["events"]) >= 10
    assert any(e["user"] == "test-officer" and e["action"] == "view" for e in export["access_log"])
    assert AuditEntry.objects.filter(object_type="subject_access", object_id=str(person.pk)).exists()
    for role in ("analyst", "officer", "partner", "administrator"):
        assert client_for(role).get(f"/audit/subject-access/{person.pk}/").status_code == 403


def test_a_search_needs_a_stated_purpose_which_is_audited(demo_world, client_for):
    client = client_for("officer")
    page = client.get("/search/", {"q": "ashdown"}).content.decode()
    assert "Choose why you are searching" in page and "Results for" not in page
    assert not AuditEntry.objects.filter(action="search", summary="ashdown").exists()
    page = client.get("/search/", {"q": "ashdown", "purpose": "other"}).content.decode()
    assert "Say what the other purpose is" in page
    page = client.get("/search/", {"q": "ashdown", "purpose": "other", "purpose_other": "FOI <b>check</b>"})
    assert "Results for" in page.content.decode()
    # remembered for the session
    assert "Results for" in client.get("/search/", {"q": "ashdown"}).content.decode()
    purposes = [e.detail["purpose"] for e in AuditEntry.objects.filter(action="search", summary="ashdown")]
    assert purposes == ["other: FOI <b>check</b>"] * 2
    assert "<b>check</b>" not in client.get("/search/", {"q": "x"}).content.decode()
