# ruff: noqa: F811 -- the fixtures imported from live_helpers are redefined as test arguments
"""Feed health: reads per minute per camera, the newest read, lag, and a silent feed flagged and
warned about once; the page and its download."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from lantern.governance.models import AuditEntry
from lantern.orders.live.consumer import consume_once
from lantern.orders.live.health import check_silence, feed_health
from lantern.orders.live.models import FeedSource

from .live_helpers import _fresh_matcher, inline, lake, post, read, redis_stream, world  # noqa: F401


def _quiet(source: FeedSource, minutes: int) -> None:
    FeedSource.objects.filter(pk=source.pk).update(last_batch_at=timezone.now() - timedelta(minutes=minutes))


def _feed(user, name: str = "test-feed") -> dict:
    return next(f for f in feed_health(user) if f["name"] == name)


def test_reads_are_counted_per_camera_with_the_newest_read_and_the_lag(client, world, redis_stream):
    now = timezone.localtime()
    two_minutes_ago = (now - timedelta(minutes=2)).isoformat()
    one_minute_ago = (now - timedelta(minutes=1)).isoformat()
    reads = [read("h1", at=two_minutes_ago), read("h2", at=one_minute_ago), read("h3", at=two_minutes_ago)]
    post(client, {"reads": [*reads, read("h4", camera="LIVE-OUT", at=two_minutes_ago)]}, world["token"])
    post(client, {"reads": [read("h5", camera="LIVE-OUT", at=two_minutes_ago)]}, world["token"])
    while consume_once(consumer="t"):
        pass
    feed = _feed(world["officer"])
    cameras = {c["camera_id"]: c for c in feed["cameras"]}
    assert (cameras["LIVE-IN"]["reads_last_hour"], cameras["LIVE-OUT"]["reads_last_hour"]) == (3, 2)
    assert feed["reads_per_minute"] == round(5 / 60, 2)
    assert cameras["LIVE-IN"]["last_seen_at"] == datetime.fromisoformat(one_minute_ago)
    assert feed["last_read_seen_at"] == cameras["LIVE-IN"]["last_seen_at"]
    assert feed["lag_max_s"] >= 120 and 60 <= feed["lag_p50_s"] <= feed["lag_max_s"]
    assert feed["last_batch_at"] is not None and not feed["silent"]


def test_a_silent_feed_is_flagged_and_warned_about_once_until_it_sends_again(client, world, settings, inline):
    settings.LANTERN_ALERT_EMAIL = "control-room@example.police.uk"
    source = world["source"]
    _quiet(source, minutes=10)
    assert not _feed(world["officer"])["silent"] and check_silence() == []
    _quiet(source, minutes=20)  # the threshold is 15 minutes
    feed = _feed(world["officer"])
    assert feed["silent"] and feed["quiet_minutes"] == 20
    assert [s.name for s in check_silence()] == ["test-feed"]
    assert check_silence() == []  # once per silence
    assert [m.to for m in mail.outbox] == [["control-room@example.police.uk"]]
    assert "test-feed is silent" in mail.outbox[0].subject and "20 minutes" in mail.outbox[0].body
    assert AuditEntry.objects.filter(
        object_type="feed source", summary__contains="silent for 20 minutes"
    ).exists()
    post(client, {"reads": [read("back-1")]}, world["token"])
    assert not _feed(world["officer"])["silent"]
    _quiet(source, minutes=30)
    out = io.StringIO()
    call_command("live", "--check-silence", stdout=out)
    assert "test-feed" in out.getvalue() and len(mail.outbox) == 2


def test_a_revoked_feed_is_never_silent(world):
    FeedSource.objects.filter(pk=world["source"].pk).update(active=False)
    _quiet(world["source"], minutes=600)
    assert not _feed(world["officer"])["silent"] and check_silence() == []


def test_the_feeds_page_shows_each_feed_its_cameras_and_its_silence(
    client_for, world, redis_stream, client, users
):
    post(client, {"reads": [read("p1")]}, world["token"])
    consume_once(consumer="t")
    _quiet(world["source"], minutes=45)
    page = client_for("officer").get("/orders/feeds/")
    html = page.content.decode()
    assert page.status_code == 200 and "test-feed" in html and "LIVE-IN" in html
    assert "Silent: no batch for 45 minutes (warning after 15)." in html
    download = client_for("officer").get("/orders/feeds/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert {(r["feed"], r["camera"], r["silent"]) for r in rows} >= {("test-feed", "LIVE-IN", "yes")}
    assert client_for("partner").get("/orders/feeds/").status_code == 403


def test_only_people_who_see_orders_or_alerts_see_feed_health(world, users):
    assert feed_health(users["analyst"])
    with pytest.raises(PermissionDenied):
        feed_health(users["partner"])
