# ruff: noqa: F811 -- the fixtures imported from live_helpers are redefined as test arguments
"""Reads pushed live become the alerts batch screening would file: once per episode, told once,
matched against the rules of their own time, with orders made or discharged picked up at once."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lantern.intel.models import Person
from lantern.intel.services import relationship_record, source_ensure, vehicle_ensure
from lantern.orders.live.consumer import consume_once, store_entry
from lantern.orders.live.models import FeedBatch, QuarantinedRead
from lantern.orders.live.stream import Entry, ensure_group
from lantern.orders.models import AlertEvidence, BreachAlert
from lantern.orders.services import order_discharge, order_vary

from .live_helpers import (  # noqa: F401 (fixtures)
    ACTOR,
    MOVED,
    NIGHT,
    PLATE,
    _fresh_matcher,
    inline,
    lake,
    lake_read_ids,
    make_order,
    post,
    read,
    redis_stream,
    vehicles,
    world,
    zone,
)


def _push(client, world, *reads) -> dict:
    response = post(client, {"reads": list(reads)}, world["token"])
    assert response.status_code in (200, 202), response.content
    return response.json()


def _drain() -> int:
    total = 0
    while done := consume_once(consumer="tests"):
        total += done
    return total


def _pending(connection) -> int:
    return connection.xpending(settings.LANTERN_LIVE_STREAM, settings.LANTERN_LIVE_GROUP)["pending"]


def _local(moment) -> str:
    return timezone.localtime(moment).isoformat()


def test_a_breaching_read_pushed_is_one_alert_with_its_evidence_and_the_officer_is_emailed(
    client, world, redis_stream
):
    assert _push(client, world, read("breach-1"))["accepted"] == 1
    assert not BreachAlert.objects.filter(order=world["order"]).exists()  # queued, not yet matched
    assert _drain() == 1 and _pending(redis_stream) == 0
    alert = BreachAlert.objects.get(order=world["order"])
    evidence = alert.evidence.get()
    assert (evidence.evidence_id, evidence.vrm, evidence.match, evidence.source_id) == (
        "breach-1",
        PLATE,
        "exact",
        "LIVE-IN",
    )
    assert (
        "LV12ABC (registered to the subject) was read once by 1 camera inside Live test zone"
        in alert.explanation
    )
    assert [m.to for m in mail.outbox] == [["pc.live@example.police.uk"]]
    assert "potential breach of LIVE/SRO/1" in mail.outbox[0].subject
    assert alert.notified_at is not None and not alert.notify_error
    assert lake_read_ids(settings.LAKE_DIR) == ["breach-1"]
    batch = FeedBatch.objects.get()
    assert (batch.source, batch.reads, batch.alerts_new) == (world["source"], 1, 1)
    assert batch.lag_max_s > 0  # received minus seen: the read is weeks old


def test_without_redis_a_push_is_matched_in_the_request(
    client, world, inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the push's commit sends the e-mail
        assert _push(client, world, read("inline-1")) == {"accepted": 1, "duplicates": 0, "quarantined": []}
    assert BreachAlert.objects.filter(order=world["order"]).count() == 1 and len(mail.outbox) == 1
    assert consume_once() == 0
    assert lake_read_ids(settings.LAKE_DIR) == ["inline-1"]


def test_reads_of_one_episode_in_separate_batches_update_one_alert_whatever_their_order(
    client, world, redis_stream
):
    _push(client, world, read("ep-2", at="2026-10-24T23:45:00+01:00"))
    _drain()
    _push(client, world, read("ep-1", at="2026-10-24T23:30:00+01:00"))  # earlier, arriving later
    _drain()
    _push(
        client,
        world,
        read("ep-3", at="2026-10-25T00:10:00+01:00"),
        read("far", at="2026-10-25T03:00:00+01:00"),
    )
    _drain()
    alerts = list(BreachAlert.objects.filter(order=world["order"]).order_by("first_at"))
    assert len(alerts) == 2  # 03:00 is more than 30 minutes after 00:10: a new episode
    assert [e.evidence_id for e in alerts[0].evidence.all()] == ["ep-1", "ep-2", "ep-3"]
    assert alerts[0].evidence_count == 3 and "read 3 times" in alerts[0].explanation
    assert len(mail.outbox) == 2  # one e-mail per alert, not per read


def test_late_and_out_of_order_reads_meet_the_rules_of_their_own_time(client, world, redis_stream):
    subject = Person.objects.exclude(orders__isnull=False).exclude(pk=world["subject"].pk).first()
    order = make_order(subject, "LIVE/SRO/2", [zone(windows=[]), vehicles("LT34LTE")])
    order_vary(order=order, effective_on=date(2026, 11, 1), changes=[zone(MOVED, windows=[])], actor=ACTOR)
    hours_ago = timezone.now() - timedelta(hours=6)
    _push(
        client,
        world,
        read("late-now-moved", vrm="LT34LTE", camera="LIVE-MOVED", at=_local(hours_ago)),
        read("late-now-old", vrm="LT34LTE", camera="LIVE-IN", at=_local(hours_ago)),
    )
    _push(
        client,
        world,
        read("before-old", vrm="LT34LTE", camera="LIVE-IN", at="2026-10-31T12:00:00+00:00"),
        read("before-moved", vrm="LT34LTE", camera="LIVE-MOVED", at="2026-10-31T12:00:00+00:00"),
    )
    _drain()
    flagged = {e.evidence_id: e.alert.condition_version for e in AlertEvidence.objects.filter(order=order)}
    assert flagged == {"late-now-moved": 2, "before-old": 1}


def test_the_matcher_picks_up_a_new_order_and_a_discharge_without_a_restart(client, world, redis_stream):
    _push(client, world, read("new-0", vrm="NW78ORD", at="2026-11-20T12:00:00+00:00"))
    _drain()
    assert not AlertEvidence.objects.filter(evidence_id="new-0").exists()
    subject = Person.objects.exclude(orders__isnull=False).exclude(pk=world["subject"].pk).first()
    order = make_order(subject, "LIVE/SRO/3", [zone(windows=[]), vehicles("NW78ORD")])
    _push(client, world, read("new-1", vrm="NW78ORD", at="2026-11-20T13:00:00+00:00"))
    _drain()
    assert set(AlertEvidence.objects.filter(order=order).values_list("evidence_id", flat=True)) == {"new-1"}
    order_discharge(order=order, on=date(2026, 11, 21), reason="Discharged by the court.", actor=ACTOR)
    _push(
        client,
        world,
        read("after-discharge", vrm="NW78ORD", at="2026-11-22T12:00:00+00:00"),
        read("before-discharge", vrm="NW78ORD", at="2026-11-20T20:00:00+00:00"),  # late, still counts
    )
    _drain()
    assert set(AlertEvidence.objects.filter(order=order).values_list("evidence_id", flat=True)) == {
        "new-1",
        "before-discharge",
    }


def test_the_same_reads_live_and_through_lantern_screen_give_the_same_alerts(client, world, redis_stream):
    source = source_ensure(code="live-tests", name="Live tests", kind="police")
    linked = vehicle_ensure(vrm="LK90LNK", source=source, actor=ACTOR).obj
    relationship_record(
        kind="uses_vehicle", entity_a=world["subject"], entity_b=linked, source=source, actor=ACTOR
    )
    reads = [
        read("s-1"),
        read("s-2", at="2026-10-24T23:50:00+01:00", camera="LIVE-IN"),
        read("s-misread", vrm="LV12A8C", at="2026-10-25T02:00:00+01:00"),  # B read as 8
        read("s-noon", at="2026-10-25T12:00:00+01:00"),  # outside the window
        read("s-outside", camera="LIVE-OUT", at="2026-10-25T23:30:00+01:00"),
        read("s-linked", vrm="LK90LNK", at="2026-10-26T22:00:00+00:00"),
        read("s-other", vrm="ZZ99ZZZ"),
    ]
    for i in range(0, len(reads), 3):
        _push(client, world, *reads[i : i + 3])
    _drain()
    live = _alerts(world["order"])
    assert [a[4] for a in live] == [["s-1", "s-2"], ["s-misread"], ["s-linked"]]
    AlertEvidence.objects.filter(order=world["order"]).delete()
    BreachAlert.objects.filter(order=world["order"]).delete()
    call_command("screen", stdout=io.StringIO(), stderr=io.StringIO())
    assert _alerts(world["order"]) == live


def _alerts(order) -> list:
    return [
        (
            a.condition_number,
            a.first_at,
            a.last_at,
            round(a.confidence, 4),
            [e.evidence_id for e in a.evidence.all()],
            [(e.match, e.basis, e.matched_vrm) for e in a.evidence.all()],
            a.explanation,
        )
        for a in BreachAlert.objects.filter(order=order, kind="zone").order_by("first_at")
    ]


def test_an_entry_stored_but_not_acknowledged_is_stored_once_and_its_untold_alert_told(
    client, world, redis_stream
):
    _push(client, world, read("crash-1"))
    ensure_group()
    ((entry_id, fields),) = redis_stream.xreadgroup(
        settings.LANTERN_LIVE_GROUP, "crashed", {settings.LANTERN_LIVE_STREAM: ">"}
    )[0][1]
    # The consumer stored the entry and committed, then died before the e-mail and the XACK.
    store_entry(entry_id, Entry.decode(fields))
    BreachAlert.objects.filter(order=world["order"]).update(notified_at=None)
    mail.outbox.clear()
    assert consume_once(consumer="crashed") == 1  # its own pending entry, read again on restart
    assert BreachAlert.objects.filter(order=world["order"]).count() == 1
    assert AlertEvidence.objects.filter(order=world["order"]).count() == 1
    assert lake_read_ids(settings.LAKE_DIR) == ["crash-1"]  # the entry's file was rewritten, not added
    assert len(mail.outbox) == 1 and FeedBatch.objects.count() == 1
    assert _pending(redis_stream) == 0


def test_an_entry_a_dead_consumer_held_is_claimed_by_another(client, world, redis_stream, settings):
    _push(client, world, read("claim-1"))
    ensure_group()
    redis_stream.xreadgroup(settings.LANTERN_LIVE_GROUP, "dead", {settings.LANTERN_LIVE_STREAM: ">"})
    settings.LANTERN_LIVE_CLAIM_MS = 60_000
    assert consume_once(consumer="alive") == 0  # not idle long enough: still the dead one's
    settings.LANTERN_LIVE_CLAIM_MS = 1
    time.sleep(0.01)  # idle for longer than the claim time
    assert consume_once(consumer="alive") == 1
    assert AlertEvidence.objects.filter(evidence_id="claim-1").count() == 1 and _pending(redis_stream) == 0


def test_a_stream_entry_lantern_did_not_write_is_quarantined_and_acknowledged(world, redis_stream):
    redis_stream.xadd(settings.LANTERN_LIVE_STREAM, {"reads": "AB12CDE"})
    assert _drain() == 1 and _pending(redis_stream) == 0
    (kept,) = QuarantinedRead.objects.all()
    assert "not a version 1 entry" in kept.reason and kept.raw == {"reads": "AB12CDE"}
