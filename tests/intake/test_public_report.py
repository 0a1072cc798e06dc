"""The public report form: anyone can report, nothing identifies them, nothing sent is lost."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection

from lantern.intake.models import Submission
from lantern.intel.models import IntelligenceReport, ReportSourceDetail, Vehicle

GOOD = {
    "what_happened": "Lots of different men calling at the flat above the shop at all hours.",
    "when_date": "2026-10-03",
    "when_time": "22:15",
    "address": "Flat above 12 Lincoln Road",
    "postcode": "pe1 2ab",
    "people": "Two women who never go out alone",
    "vehicles": "ab12 cde, not sure of the other",
    "phones": "07700 900777",
    "contact": "anonymous",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _post(client, data, **extra):
    return client.post("/report/", data, **extra)


def test_the_form_and_the_signposting_are_there_without_signing_in(client, db):
    page = client.get("/report/").content.decode()
    assert "Report a concern" in page
    for number in ("999", "101", "08000 121 700", "0800 555 111"):
        assert number in page
    about = client.get("/about/").content.decode()
    assert "08000 121 700" in about  # signposting is on every page, not only the forms


def test_an_anonymous_report_gets_a_reference_and_is_filed_for_triage(client, db):
    response = _post(client, GOOD, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="EvilBrowser/9.9 (Spy)")
    assert response.status_code == 302 and response["Location"] == "/report/thanks/"
    receipt = client.get("/report/thanks/").content.decode()
    submission = Submission.objects.get()
    assert submission.reference in receipt and "What happens next" in receipt
    assert submission.reference not in client.get("/report/thanks/").content.decode()  # shown once
    report = submission.report
    assert (report.status, report.source_type, report.grade) == ("new", "public", "2CC")
    assert "calling at the flat" in report.text and "ab12 cde" in report.text
    assert Vehicle.objects.get(vrm="AB12CDE").event_links.filter(event=report).exists()
    assert report.location.postcode == "PE1 2AB"
    assert not ReportSourceDetail.objects.filter(report=report).exists()
    assert "not sure of the other" in submission.problem  # a half-remembered plate: kept in the text only


def test_no_ip_address_or_browser_detail_is_stored_anywhere(client, db):
    _post(client, GOOD, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="EvilBrowser/9.9 (Spy)")
    assert Submission.objects.exists()
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            columns = [
                f.column for f in model._meta.local_concrete_fields if f.get_internal_type() in _TEXT_TYPES
            ]
            for column in columns:
                value = f'CAST("{column}" AS TEXT)'
                sql = f'SELECT COUNT(*) FROM "{table}" WHERE {value} LIKE %s OR {value} LIKE %s'  # noqa: S608
                cursor.execute(sql, ["%203.0.113.77%", "%EvilBrowser%"])
                assert cursor.fetchone()[0] == 0, f"{table}.{column} holds the sender's address or browser"


_TEXT_TYPES = {"CharField", "TextField", "JSONField", "SlugField", "EmailField", "URLField"}


def test_contact_details_go_only_to_the_restricted_source_details(client, db):
    data = GOOD | {"contact": "contact", "contact_name": "Pat Neighbour", "contact_phone": "07700 900123"}
    _post(client, data)
    report = Submission.objects.get().report
    assert "Pat Neighbour" not in report.text and "Pat Neighbour" not in report.sanitised_text
    assert "Pat Neighbour" in ReportSourceDetail.objects.get(report=report).details


def test_contact_chosen_without_details_is_answered_next_to_the_field(client, db):
    response = _post(client, GOOD | {"contact": "contact"})
    assert response.status_code == 400
    assert "Give a phone number or e-mail address" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what_happened": ""}, "This field is required"),
        ({"what_happened": "x" * 5001}, "at most 5000 characters"),
        ({"when_date": "2099-01-01"}, "cannot be in the future"),
        ({"when_date": "yesterday"}, "Enter a valid date"),
        ({"latitude": "abc", "longitude": "1"}, "Enter a number"),
        ({"latitude": "95", "longitude": "1"}, "less than or equal to 90"),
        ({"latitude": "52.5"}, "Give both latitude and longitude"),
        ({"contact": "telepathy"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_files_nothing(client, db, change, message):
    response = _post(client, GOOD | change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists()


def test_hostile_text_is_kept_as_text_and_escaped(client, db):
    hostile = '<script>alert(1)</script> \'); DROP TABLE intel_event;-- =HYPERLINK("http://x")'
    _post(client, GOOD | {"what_happened": hostile, "people": "\x1b[31mred"})
    report = Submission.objects.get().report
    assert report.text.startswith(hostile) and "\x1b" not in report.text
    assert IntelligenceReport.objects.filter(pk=report.pk).exists()
    assert "Null characters are not allowed" in _post(client, GOOD | {"people": "a\x00b"}).content.decode()


def test_non_utf8_bytes_never_cause_a_server_error(client, db):
    body = b"what_happened=caf\xe9&contact=anonymous"
    response = client.generic("POST", "/report/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 400, 403)  # never a server error
    for submission in Submission.objects.all():  # Django falls back to Latin-1: nothing is dropped
        assert submission.payload["what_happened"] in ("caf\xe9", "caf\ufffd")


def test_the_honeypot_files_nothing_but_looks_the_same(client, db):
    response = _post(client, GOOD | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert "Thank you" in client.get("/report/thanks/").content.decode()
    assert not Submission.objects.exists()


def test_a_client_sending_many_reports_is_asked_to_wait(client, db):
    codes = [_post(client, GOOD, REMOTE_ADDR="198.51.100.9").status_code for _ in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429
    assert "try again in ten minutes" in _post(client, GOOD, REMOTE_ADDR="198.51.100.9").content.decode()
    assert _post(client, GOOD, REMOTE_ADDR="198.51.100.10").status_code == 302  # someone else is not


def test_an_oversized_request_is_refused(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
    response = _post(client, GOOD | {"people": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_failure_while_filing_keeps_the_submission_quarantined(client, db, monkeypatch):
    from lantern.intake.services import submissions

    def broken(*args, **kwargs):
        raise RuntimeError("the store is down")

    monkeypatch.setattr(submissions, "_file_public", broken)
    response = _post(client, GOOD)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == "quarantined" and "the store is down" in submission.problem
    assert submission.payload["what_happened"] == GOOD["what_happened"]
    assert submission.reference in client.get("/report/thanks/").content.decode()
