"""The review queue, the review page (retain, dispose), the disposals page, and who may see them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lantern.governance.models import AuditEntry
from lantern.intel.models import Person
from lantern.orders.models import Order
from lantern.retention.models import Disposal, ReviewSchedule
from lantern.retention.policy import add_years

PAGES = ["/retention/", "/retention/disposals/"]


def _overdue_person() -> ReviewSchedule:
    held = Order.objects.values_list("subject_id", flat=True)
    person = (
        Person.objects.exclude(pk__in=held)
        .exclude(safeguarding_tasks__isnull=False)
        .exclude(referrals__isnull=False)
        .order_by("pk")
        .first()
    )
    schedule = ReviewSchedule.objects.get(object_id=person.pk)
    schedule.review_on = date.today() - timedelta(days=400)
    schedule.save()
    return schedule


@pytest.mark.parametrize("role", ["officer", "analyst", "partner", "administrator"])
def test_only_supervisors_see_retention(role, demo_world, client_for):
    client = client_for(role)
    schedule = ReviewSchedule.objects.first()
    for url in [*PAGES, f"/retention/reviews/{schedule.pk}/"]:
        assert client.get(url).status_code == 403
    assert client.post(f"/retention/reviews/{schedule.pk}/", {"action": "retain"}).status_code == 403


def test_the_queue_shows_overdue_records_oldest_first(demo_world, client_for):
    schedule = _overdue_person()
    label = Person.objects.get(pk=schedule.object_id).label
    page = client_for("supervisor").get("/retention/", {"overdue": "on"}).content.decode()
    assert label in page and "overdue" in page and f"/retention/reviews/{schedule.pk}/" in page
    assert "Test nothing" not in client_for("supervisor").get("/retention/", {"group": "zz"}).content.decode()


def test_retain_needs_a_reason_and_moves_the_date(demo_world, client_for):
    schedule = _overdue_person()
    client = client_for("supervisor")
    url = f"/retention/reviews/{schedule.pk}/"
    response = client.post(url, {"action": "retain", "retain-reason": "   "})
    assert response.status_code == 200 and "Please check the form" in response.content.decode()
    response = client.post(url, {"action": "retain", "retain-reason": "x" * 2001})
    assert "at most 2000" in response.content.decode() or "2,000" in response.content.decode()
    assert ReviewSchedule.objects.get(pk=schedule.pk).review_on == schedule.review_on
    hostile = "Still linked to live intelligence <script>alert(1)</script>"
    response = client.post(url, {"action": "retain", "retain-reason": hostile}, follow=True)
    kept = ReviewSchedule.objects.get(pk=schedule.pk)
    assert kept.status == "retained" and kept.last_reason == hostile
    assert kept.review_on == add_years(date.today(), 6) or kept.review_on == add_years(date.today(), 10)
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    entry = AuditEntry.objects.filter(object_id=str(schedule.object_id), action="update").last()
    assert entry.detail["reason"] == hostile and entry.detail["retention"] == "retain"


def test_dispose_from_the_page_needs_the_typed_confirmation(demo_world, client_for, lake_dir):
    schedule = _overdue_person()
    client = client_for("supervisor")
    url = f"/retention/reviews/{schedule.pk}/"
    reason = "Reviewed: no longer necessary for a policing purpose."
    response = client.post(url, {"action": "dispose", "dispose-reason": reason, "dispose-confirm": "yes"})
    assert "Type DISPOSE" in response.content.decode()
    assert Person.objects.filter(pk=schedule.object_id).exists()
    response = client.post(url, {"action": "dispose", "dispose-reason": "", "dispose-confirm": "DISPOSE"})
    assert Person.objects.filter(pk=schedule.object_id).exists()
    response = client.post(url, {"action": "dispose", "dispose-reason": reason, "dispose-confirm": "DISPOSE"})
    assert response.status_code == 302 and response["Location"] == "/retention/disposals/"
    assert not Person.objects.filter(pk=schedule.object_id).exists()
    assert Disposal.objects.filter(object_id=schedule.object_id, reason=reason).exists()
    assert client.get(url).status_code == 404


def test_the_review_page_of_an_order_subject_says_what_blocks_disposal(demo_world, client_for):
    subject = Order.objects.filter(status="active").first().subject
    schedule = ReviewSchedule.objects.get(object_id=subject.pk)
    client = client_for("supervisor")
    page = client.get(f"/retention/reviews/{schedule.pk}/").content.decode()
    assert "cannot be disposed of yet" in page
    response = client.post(
        f"/retention/reviews/{schedule.pk}/",
        {
            "action": "dispose",
            "dispose-reason": "Reviewed and no longer needed.",
            "dispose-confirm": "DISPOSE",
        },
    )
    assert "Not disposed of" in response.content.decode()
    assert Person.objects.filter(pk=subject.pk).exists()


def test_an_event_can_be_disposed_of_on_its_own(demo_world, client_for):
    schedule = ReviewSchedule.objects.filter(record_kind="event").first()
    client = client_for("supervisor")
    assert client.get(f"/retention/reviews/{schedule.pk}/").status_code == 200
    response = client.post(
        f"/retention/reviews/{schedule.pk}/",
        {
            "action": "dispose",
            "dispose-reason": "Reviewed: duplicate of another record.",
            "dispose-confirm": "DISPOSE",
        },
    )
    assert response.status_code == 302
    assert Disposal.objects.filter(object_id=schedule.object_id, record_kind="event").exists()
