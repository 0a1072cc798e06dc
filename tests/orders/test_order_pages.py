"""The orders and alerts pages as people use them: forms, errors, reviews, documents, exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lantern.governance.models import AuditEntry
from lantern.intel.models import Person
from lantern.orders.models import AlertEvidence, BreachAlert, Order, OrderDocument

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]],
}


def _order_form(person, **overrides) -> dict:
    data = {
        "reference": "PAGE/SRO/1",
        "order_type": "SRO",
        "subject": str(person.pk),
        "applicant": "Police",
        "court": "Peterborough Magistrates' Court",
        "made_on": "2026-03-01",
        "effective_from": "2026-03-01",
        "expires_on": "",
        "officer_in_charge": "",
        "zone_name": "Red-light district",
        "zone_geojson": json.dumps(SQUARE),
        "windows": "19:00-07:00\n",
        "zone_wording": "",
        "vehicles": "AB12 CDE from 2026-03-01",
        "notify_within_days": "3",
        "other_conditions": "Not to loiter.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def subject(demo_world):
    return Person.objects.exclude(orders__isnull=False).first()


def test_the_person_page_offers_to_record_an_order_to_those_who_may(client_for, subject):
    link = f"/orders/new/?subject={subject.pk}"
    assert link in client_for("analyst").get(f"/people/{subject.pk}/").content.decode()
    assert link not in client_for("officer").get(f"/people/{subject.pk}/").content.decode()


def test_an_analyst_records_an_order_with_a_zone_vehicles_and_other_conditions(client_for, subject):
    response = client_for("analyst").post("/orders/new/", _order_form(subject), follow=True)
    order = Order.objects.get(reference="PAGE/SRO/1")
    assert response.redirect_chain[-1][0] == f"/orders/{order.pk}/"
    kinds = list(order.conditions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["exclusion_zone", "vehicle_notification", "other"]
    assert (
        "Red-light district" in response.content.decode()
        and "AB12CDE from 2026-03-01" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "zone_geojson": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [[[52.58, -0.25], [52.58, -0.24], [52.59, -0.24], [52.58, -0.25]]],
                    }
                )
            },
            "GeoJSON puts longitude first",
        ),
        ({"zone_geojson": "{not json"}, "Not valid GeoJSON"),
        ({"windows": "7pm to 7am"}, "write a window as 19:00-07:00"),
        ({"windows": "19:00-07:00\n06:00-08:00"}, "overlap"),
        ({"vehicles": "!!!"}, "vehicle 1"),
        ({"subject": "00000000-0000-0000-0000-000000000000"}, "No person with that id"),
    ],
)
def test_a_bad_order_form_says_what_to_fix_and_files_nothing(client_for, subject, overrides, message):
    response = client_for("analyst").post("/orders/new/", _order_form(subject, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Order.objects.filter(reference="PAGE/SRO/1").exists()


def test_an_officer_may_read_orders_but_not_record_them(client_for, subject):
    client = client_for("officer")
    assert client.get("/orders/").status_code == 200
    assert client.post("/orders/new/", _order_form(subject)).status_code == 403


def test_varying_and_discharging_from_the_pages(client_for, subject):
    client = client_for("supervisor")
    client.post("/orders/new/", _order_form(subject))
    order = Order.objects.get(reference="PAGE/SRO/1")
    varied = client.post(
        f"/orders/{order.pk}/vary/",
        {
            "effective_on": "2026-07-01",
            "number": "1",
            "action": "replace",
            "kind": "exclusion_zone",
            "wording": "Not to enter the smaller zone.",
            "zone_name": "Smaller zone",
            "zone_geojson": json.dumps(SQUARE),
            "windows": "22:00-06:00 Fri Sat",
            "notify_within_days": "3",
        },
        follow=True,
    )
    assert "varied from 01 July 2026" in varied.content.decode()
    assert order.conditions.filter(number=1).count() == 2
    refused = client.post(f"/orders/{order.pk}/discharge/", {"on": "2026-08-01", "reason": ""})
    assert "This field is required" in refused.content.decode()
    client.post(f"/orders/{order.pk}/discharge/", {"on": "2026-08-01", "reason": "Appeal allowed"})
    order.refresh_from_db()
    assert order.status == "discharged" and order.discharged_on.isoformat() == "2026-08-01"


def test_documents_must_be_pdfs_within_the_size_limit(client_for, subject, settings, tmp_path):
    settings.LANTERN_DOCUMENTS_DIR = tmp_path
    settings.LANTERN_MAX_DOCUMENT_BYTES = 1000
    client = client_for("analyst")
    client.post("/orders/new/", _order_form(subject))
    order = Order.objects.get(reference="PAGE/SRO/1")
    url = f"/orders/{order.pk}/documents/new/"
    fake = SimpleUploadedFile("order.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    assert "this is not a PDF" in client.post(url, {"title": "Order", "file": fake}).content.decode()
    big = SimpleUploadedFile("order.pdf", b"%PDF-1.4\n" + b"x" * 2000, content_type="application/pdf")
    assert "more than the 1,000 allowed" in client.post(url, {"title": "Order", "file": big}).content.decode()
    good = SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4\nok", content_type="application/pdf")
    client.post(url, {"title": "Sealed order", "file": good})
    document = OrderDocument.objects.get()
    assert document.file_name == "passwd.pdf" and document.stored_path.startswith(str(tmp_path))
    download = client.get(f"/orders/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4\nok"
    assert 'attachment; filename="passwd.pdf"' in download["Content-Disposition"]


@pytest.fixture
def alert(demo_world):
    order = Order.objects.first()
    at = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    alert = BreachAlert.objects.create(
        order=order,
        condition_number=1,
        condition_version=1,
        kind="zone",
        first_at=at,
        last_at=at,
        confidence=0.9,
        evidence_count=1,
        explanation="<script>alert('x')</script> was read once",
    )
    AlertEvidence.objects.create(
        alert=alert,
        order=order,
        condition_number=1,
        kind="read",
        evidence_id="=cmd|x",
        at=at,
        source_id="CAM-1",
        latitude=52.58,
        longitude=-0.24,
        vrm="AB12CDE",
        matched_vrm="AB12CDE",
        match="exact",
        confidence=0.9,
    )
    return alert


def test_the_alert_page_shows_evidence_in_local_time_and_escapes_text(client_for, alert):
    page = client_for("officer").get(f"/orders/alerts/{alert.pk}/").content.decode()
    assert "Sat 24 Oct 2026 23:30:00 BST" in page
    assert "<script>alert('x')</script>" not in page and "&lt;script&gt;" in page
    assert AuditEntry.objects.filter(
        object_type="breach_alert", object_id=str(alert.pk), action="view"
    ).exists()


def test_dismissing_needs_a_reason_and_every_step_is_audited(client_for, alert):
    client = client_for("officer")
    refused = client.post(f"/orders/alerts/{alert.pk}/", {"action": "dismissed", "reason": ""})
    assert "say why the alert is dismissed" in refused.content.decode()
    client.post(f"/orders/alerts/{alert.pk}/", {"action": "assign_me"})
    client.post(f"/orders/alerts/{alert.pk}/", {"action": "dismissed", "reason": "Not his car that night"})
    alert.refresh_from_db()
    assert (alert.status, alert.status_reason, alert.assigned_to.username) == (
        "dismissed",
        "Not his car that night",
        "test-officer",
    )
    assert AuditEntry.objects.filter(object_id=str(alert.pk), action="update").count() == 2


def test_an_alert_is_assigned_to_a_named_reviewer(client_for, alert, users):
    client = client_for("supervisor")
    refused = client.post(f"/orders/alerts/{alert.pk}/", {"action": "assign"})
    assert "Choose who is to review the alert" in refused.content.decode()
    partner = client.post(
        f"/orders/alerts/{alert.pk}/", {"action": "assign", "assignee": users["partner"].pk}
    )
    assert "Select a valid choice" in partner.content.decode()
    client.post(f"/orders/alerts/{alert.pk}/", {"action": "assign", "assignee": users["officer"].pk})
    alert.refresh_from_db()
    assert alert.assigned_to == users["officer"] and alert.status == "under_review"


def test_the_queue_filters_and_its_csv_is_safe_to_open_in_a_spreadsheet(client_for, alert):
    client = client_for("analyst")
    assert str(alert.pk) not in client.get("/orders/alerts/?status=dismissed").content.decode()
    assert f"/orders/alerts/{alert.pk}/" in client.get("/orders/alerts/?status=new").content.decode()
    evidence = client.get(f"/orders/alerts/{alert.pk}/evidence.csv").content.decode("utf-8-sig")
    assert "'=cmd|x" in evidence
    pack = client.get(f"/orders/alerts/{alert.pk}/pack/").content.decode()
    assert "Evidence pack" in pack and "CAM-1" in pack


def test_partners_see_no_orders_or_alerts(client_for, alert):
    client = client_for("partner")
    for url in (
        "/orders/",
        f"/orders/alerts/{alert.pk}/",
        "/orders/alerts.csv",
        f"/orders/{alert.order_id}/",
    ):
        assert client.get(url).status_code == 403


FIELDS = [
    "reference",
    "order_type",
    "subject",
    "made_on",
    "effective_from",
    "expires_on",
    "zone_name",
    "zone_geojson",
    "windows",
    "vehicles",
    "notify_within_days",
    "other_conditions",
    "officer_in_charge",
]


@hsettings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(values=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300), max_size=len(FIELDS)))
def test_any_order_form_input_is_answered_with_the_form_or_an_order_never_an_error(
    client_for, subject, values
):
    response = client_for("analyst").post(
        "/orders/new/", _order_form(subject, **{k: v.replace("\x00", "") for k, v in values.items()})
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Please check the form" in response.content.decode()
