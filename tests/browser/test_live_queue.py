"""An officer keeps the live alert queue open. A breaching ANPR read is pushed to `POST /api/anpr/reads`
with a feed token and the stream is consumed; the alert appears, cued, without the page reloading. A
second read in the same episode updates its row; one click acknowledges it."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
from django.core import mail
from playwright.sync_api import expect

from lantern.engine.screening.localtime import local_text
from lantern.evidence.models import Camera
from lantern.intel.models import Person
from lantern.intel.services import Actor
from lantern.orders.live.consumer import consume_once
from lantern.orders.live.feeds import feed_add
from lantern.orders.live.matching import CURRENT
from lantern.orders.models import BreachAlert, ConditionKind
from lantern.orders.services import ConditionInput, order_create

from .test_triage import _sign_in

pytestmark = pytest.mark.browser

REDIS_URL = "redis://127.0.0.1:6379/0"
PLATE = "LQ26LVE"
ZONE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]],
}
ACTOR = Actor(via="tests")


@pytest.fixture
def stream(settings, tmp_path):
    """Reads go through a real Redis stream of this test's own, taken by `consume_once`."""
    settings.LANTERN_REDIS_URL = REDIS_URL
    settings.LANTERN_LIVE_STREAM = f"lantern:test:{uuid.uuid4().hex}"
    settings.LANTERN_LIVE_GROUP = "lantern-live-test"
    settings.LAKE_DIR = tmp_path / "lake"
    CURRENT.reset()  # the matcher is built from this test's store
    yield
    CURRENT.reset()
    redis.Redis.from_url(REDIS_URL).delete(settings.LANTERN_LIVE_STREAM)


def _order_with_a_zone_camera_and_feed(officer) -> tuple[str, str]:
    """An order whose zone applies at all times, the subject's registered plate, a camera inside the
    zone, and a feed source: (the order's reference, the feed's token)."""
    Camera.objects.create(camera_id="LQ-CAM-IN", latitude=52.585, longitude=-0.245)
    officer.email = "pc.live@example.police.uk"
    officer.save()
    zone = {"name": "Live queue zone", "geojson": ZONE, "windows": []}  # at all times
    vehicles = {"notify_within_days": 3, "vehicles": [{"vrm": PLATE, "registered_from": "2026-03-01"}]}
    order, _ = order_create(
        reference="LIVEQ/SRO/1",
        order_type="SRO",
        subject=Person.objects.exclude(orders__isnull=False).first(),
        applicant="Police",
        court="Court",
        made_on=date(2026, 3, 1),
        effective_from=date(2026, 3, 1),
        expires_on=None,
        officer_in_charge=officer,
        actor=ACTOR,
        conditions=[
            ConditionInput(1, ConditionKind.EXCLUSION_ZONE, "Not to enter the zone.", zone),
            ConditionInput(2, ConditionKind.VEHICLE_NOTIFICATION, "Notify vehicles.", vehicles),
        ],
    )
    _, token = feed_add(name="live-queue-browser", actor=ACTOR)
    return order.reference, token


def _push(live_server, token: str, read_id: str, seen_at: datetime) -> dict:
    """What an ANPR system does: one read, as JSON, to the push endpoint with its feed token."""
    read = {"read_id": read_id, "vrm": PLATE, "camera_id": "LQ-CAM-IN", "seen_at": seen_at.isoformat()}
    body = {"reads": [{**read, "confidence": 0.92}]}
    request = urllib.request.Request(  # noqa: S310 (http to the test's own server)
        live_server.url + "/api/anpr/reads",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test's own server)
        return json.loads(response.read())


def _uk(at: datetime) -> str:
    """A time as the page writes it, e.g. Sat 5 Dec 2026 13:02:00 GMT."""
    return local_text(int(at.timestamp() * 1_000_000), "Europe/London")


def test_a_pushed_breach_appears_on_the_open_live_queue_and_is_acknowledged(
    live_server, demo_world, make_user, stream, page, screenshot, axe_violations
):
    officer = make_user("officer", "officer-live")
    reference, token = _order_with_a_zone_camera_and_feed(officer)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, officer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Live alerts").click()
    expect(page.get_by_role("heading", name="Live breach alerts", level=1)).to_be_visible()
    expect(page.get_by_text("No alerts waiting")).to_be_visible()
    # count the tones the page makes (each is two beeps: two oscillators)
    page.evaluate(
        "() => { window.beeps = 0; const make = AudioContext.prototype.createOscillator;"
        " AudioContext.prototype.createOscillator = function () { beeps += 1; return make.call(this); }; }"
    )
    page.get_by_role("button", name="Turn sound on").click()
    expect(page.get_by_role("button", name="Turn sound off")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.beeps") == 2  # a sample of the tone, so the officer knows it
    # a reload or a navigation would lose this mark, and would be recorded here
    page.evaluate("window.liveQueueMark = 'kept'")
    navigations: list[str] = []
    page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None
    )

    seen = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    assert _push(live_server, token, "lq-read-1", seen) == {"accepted": 1, "duplicates": 0, "quarantined": []}
    assert consume_once(consumer="browser-test") == 1  # the stream's entry stored: matched, alert filed

    row = page.locator("#live-alerts > article.live-alert")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text("Live queue zone")
    expect(row).to_contain_text(_uk(seen))
    expect(row).to_contain_text(f"{PLATE} (registered to the subject) was read once")
    expect(row).to_have_class(re.compile(r"\blive-alert-new\b"))
    expect(page.get_by_role("alert")).to_contain_text(f"New breach alert: {reference}")
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    expect(row.locator(".live-map path.leaflet-interactive")).to_have_count(2)  # the zone and the read
    expect(page.get_by_text("No alerts waiting")).to_be_hidden()
    assert page.evaluate("window.liveQueueMark") == "kept" and navigations == []
    assert page.evaluate("window.beeps") == 4  # the new alert's tone
    assert [m.to for m in mail.outbox] == [["pc.live@example.police.uk"]]  # the officer in charge told
    screenshot("live-queue")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []

    later = seen + timedelta(minutes=1)
    _push(live_server, token, "lq-read-2", later)  # the same car again, the same episode
    assert consume_once(consumer="browser-test") == 1
    expect(row).to_contain_text(f"2 items, the latest at {_uk(later)}")
    expect(page.locator("article.live-alert")).to_have_count(1)  # updated in place, not a new row
    expect(row.locator(".live-map path.leaflet-interactive")).to_have_count(3)  # and both reads
    assert page.evaluate("window.beeps") == 4  # an update is not a new alert: no tone

    row.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(row).to_contain_text("acknowledged by officer-live")
    expect(row.get_by_role("status")).to_be_focused()  # the button is gone; focus goes to what happened
    expect(row.get_by_role("button", name=re.compile("^Acknowledge"))).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_text("")
    expect(row.locator(".live-map path.leaflet-interactive")).to_have_count(3)  # redrawn in place
    alert = BreachAlert.objects.get(order__reference=reference)
    assert alert.status == "under_review" and alert.assigned_to == officer and alert.evidence_count == 2
    assert page.evaluate("window.liveQueueMark") == "kept" and navigations == []
    assert errors == []
