# ruff: noqa: F811 -- the fixtures imported from live_helpers are redefined as test arguments
"""POST /api/anpr/reads: feed tokens only, clear 4xx for malformed batches, bad reads quarantined
with their reasons while good ones go on, duplicates counted and never stored twice."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from lantern.evidence.models import Camera
from lantern.governance.models import AuditEntry
from lantern.intake.services.partners import organisation_ensure, token_issue
from lantern.orders.live.consumer import consume_once
from lantern.orders.live.models import FeedSource, QuarantinedRead, ReceivedRead
from lantern.orders.models import AlertEvidence, BreachAlert

from .live_helpers import (  # noqa: F401 (fixtures)
    _fresh_matcher,
    inline,
    lake,
    lake_read_ids,
    post,
    read,
    redis_stream,
    world,
)


def test_the_schema_documents_the_push_with_its_own_token(client, db):
    schema = client.get("/api/schema").json()
    operation = schema["paths"]["/api/anpr/reads"]["post"]
    assert operation["security"] and "/api/submissions" in schema["paths"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body  # the reads' fields are documented


def test_a_partner_token_cannot_push_and_a_feed_token_reads_no_partner_data(client, world, redis_stream):
    partner = organisation_ensure(code="live-partner", name="Partner")
    _, partner_token = token_issue(organisation=partner, name="system")
    assert post(client, {"reads": [read("p1")]}, partner_token).status_code == 401
    feed = {"HTTP_AUTHORIZATION": f"Bearer {world['token']}"}
    assert client.get("/api/submissions", **feed).status_code == 401
    assert client.get("/api/alerts", **feed).status_code == 401
    assert not ReceivedRead.objects.exists() and redis_stream.xlen(redis_stream_key(redis_stream)) == 0


def redis_stream_key(connection) -> str:
    from django.conf import settings

    return settings.LANTERN_LIVE_STREAM


@pytest.mark.parametrize("token", [None, "nope", "lanfeed_forged", "lan_forged"])
def test_no_valid_feed_token_no_push(client, world, token):
    response = post(client, {"reads": [read("t1")]}, token)
    assert response.status_code == 401 and "detail" in response.json()


def test_a_new_token_or_a_revoked_feed_stops_the_old_token(client, world, inline):
    call_command("feed", "token", "test-feed", stdout=io.StringIO())
    assert post(client, {"reads": [read("r1")]}, world["token"]).status_code == 401
    out = io.StringIO()
    call_command("feed", "token", "test-feed", stdout=out)
    token = out.getvalue().split("\n")[1]
    assert post(client, {"reads": [read("r1")]}, token).status_code == 200
    call_command("feed", "revoke", "test-feed", stdout=io.StringIO())
    assert post(client, {"reads": [read("r2")]}, token).status_code == 401


def test_the_feed_command_prints_a_token_once_and_keeps_only_its_hash(db):
    out = io.StringIO()
    call_command("feed", "add", "county-anpr", "--silence-minutes", "30", stdout=out)
    token = next(line for line in out.getvalue().splitlines() if line.startswith("lanfeed_"))
    source = FeedSource.objects.get(name="county-anpr")
    assert source.silence_minutes == 30 and token not in json.dumps(
        list(FeedSource.objects.values()), default=str
    )
    listing = io.StringIO()
    call_command("feed", "list", stdout=listing)
    assert "county-anpr: active" in listing.getvalue() and token not in listing.getvalue()
    assert AuditEntry.objects.filter(object_type="feed source", summary__startswith="feed source county-anpr")


BIG = "x" * (2 * 1024 * 1024)
MALFORMED = {
    "not JSON": b"{reads: [",
    "a list, not an object": json.dumps([{"read_id": "1"}]).encode(),
    "reads not a list": json.dumps({"reads": "AB12CDE"}).encode(),
    "a read not an object": json.dumps({"reads": ["AB12CDE"]}).encode(),
    "1,001 reads": json.dumps({"reads": [read(f"r{i}") for i in range(1001)]}).encode(),
    "2 MB": json.dumps({"reads": [read("r1", vrm=BIG)]}).encode(),
    "a plate as a number": json.dumps({"reads": [read("r1", vrm=1234)]}).encode(),
    "a confidence as words": json.dumps({"reads": [read("r1", confidence="high")]}).encode(),
    "a time as a number": json.dumps({"reads": [read("r1", at=1793000000)]}).encode(),
    "a NUL character": json.dumps({"reads": [read("r1", vrm="AB\x0012CDE")]}).encode(),
    "an unknown field": json.dumps({"reads": [read("r1", driver="<script>alert(1)</script>")]}).encode(),
    "an unknown top-level field": json.dumps({"reads": [read("r1")], "extra": 1}).encode(),
    "no reads at all": b"{}",
    "an empty body": b"",
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_batch_gets_a_clear_json_error_and_stores_nothing(client, world, redis_stream, name):
    response = post(client, None, world["token"], raw=MALFORMED[name])
    assert response.status_code in (400, 413, 422), (name, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert detail and "Traceback" not in json.dumps(detail)
    assert not ReceivedRead.objects.exists() and not QuarantinedRead.objects.exists()
    assert redis_stream.xlen(redis_stream_key(redis_stream)) == 0


def test_the_size_limits_are_named_in_the_error(client, world, redis_stream):
    too_big = post(client, None, world["token"], raw=MALFORMED["2 MB"])
    assert too_big.status_code == 413 and "at most 1,000,000 bytes" in too_big.json()["detail"]
    too_many = post(client, None, world["token"], raw=MALFORMED["1,001 reads"])
    assert too_many.status_code == 422 and "1000" in json.dumps(too_many.json()["detail"])


def test_bad_reads_are_quarantined_with_reasons_while_the_good_ones_go_on(client, world, redis_stream):
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    batch = [
        read("good-1"),  # 0
        read("no-plate", vrm=""),  # 1
        read("no-offset", at="2026-10-24T23:30:00"),  # 2
        read("not-a-time", at="2026-13-45T99:00:00+01:00"),  # 3
        read("future", at=future),  # 4
        read("where", camera="NO-SUCH-CAMERA"),  # 5
        read("good-1", camera="LIVE-OUT"),  # 6: the same read id again
        read("<script>alert(1)</script>", vrm="<b>AB12</b>"),  # 7: hostile text
        read("good-2", vrm="lv12 abc", confidence=95),  # 8: normalised as the importer does
        read(None),  # 9: no read id
    ]
    response = post(client, {"reads": batch}, world["token"])
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    reasons = {q["index"]: q["reason"] for q in body["quarantined"]}
    assert set(reasons) == {1, 2, 3, 4, 5, 6, 7, 9}
    assert reasons[1] == "vrm: the plate is empty"
    assert "has no UTC offset" in reasons[2] and "is not a date and time" in reasons[3]
    assert "in the future" in reasons[4]
    assert reasons[5].startswith("camera_id: camera NO-SUCH-CAMERA is not known: import it")
    assert reasons[6] == "read_id: good-1 is repeated in this batch (first at index 0)"
    assert "is not a plate" in reasons[7] and reasons[9] == "read_id: read_id is empty"
    stored = {q.index: q for q in QuarantinedRead.objects.filter(source=world["source"])}
    assert {i: q.reason for i, q in stored.items()} == reasons
    assert stored[7].raw["read_id"] == "<script>alert(1)</script>"  # kept as the text it was
    assert set(ReceivedRead.objects.values_list("read_id", flat=True)) == {"good-1", "good-2"}
    assert consume_once(consumer="t") == 1
    assert sorted(lake_read_ids(world["order"] and _lake())) == ["good-1", "good-2"]
    entry = AuditEntry.objects.filter(object_type="feed batch").latest("sequence")
    assert "10 reads pushed, 2 accepted, 0 duplicates, 8 quarantined" in entry.summary


def _lake():
    from django.conf import settings

    return settings.LAKE_DIR


def test_duplicates_within_and_across_batches_never_make_a_second_lake_row_or_alert(
    client, world, redis_stream
):
    first = post(
        client, {"reads": [read("dup-1"), read("dup-2", at="2026-10-24T23:40:00+01:00")]}, world["token"]
    )
    again = post(
        client,
        {"reads": [read("dup-1"), read("dup-2"), read("dup-3", at="2026-10-24T23:50:00+01:00")]},
        world["token"],
    )
    assert (first.json()["accepted"], first.json()["duplicates"]) == (2, 0)
    assert (again.json()["accepted"], again.json()["duplicates"]) == (1, 2)
    while consume_once(consumer="t"):
        pass
    assert sorted(lake_read_ids(_lake())) == ["dup-1", "dup-2", "dup-3"]
    assert BreachAlert.objects.filter(order=world["order"]).count() == 1
    evidence = AlertEvidence.objects.filter(order=world["order"]).values_list("evidence_id", flat=True)
    assert sorted(evidence) == ["dup-1", "dup-2", "dup-3"]


def test_inline_mode_answers_200_with_the_same_counts(client, world, inline):
    response = post(client, {"reads": [read("in-1"), read("in-1"), read("in-2", camera="X")]}, world["token"])
    assert response.status_code == 200
    assert response.json() == {
        "accepted": 1,
        "duplicates": 0,
        "quarantined": [
            {
                "index": 1,
                "read_id": "in-1",
                "reason": "read_id: in-1 is repeated in this batch (first at index 0)",
            },
            {
                "index": 2,
                "read_id": "in-2",
                "reason": "camera_id: camera X is not known: import it with `lantern import cameras`, "
                "then push the read again",
            },
        ],
    }


def test_an_unreachable_stream_refuses_the_batch_whole_so_the_sender_sends_it_again(client, world, settings):
    settings.LANTERN_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = post(client, {"reads": [read("lost-1"), read("bad", vrm="")]}, world["token"])
    assert response.status_code == 503 and "send it again" in response.json()["detail"]
    assert not ReceivedRead.objects.exists() and not QuarantinedRead.objects.exists()


def _example(name: str) -> str:
    formats = Path(__file__).resolve().parents[2] / "docs" / "formats.md"
    return re.search(rf"```\w+ example:{name}\n(.*?)```", formats.read_text(), re.DOTALL).group(1)


def test_the_documented_push_gets_the_documented_answer(client, world, inline):
    Camera.objects.get_or_create(
        camera_id="PB-ANPR-0101", defaults={"latitude": 52.5801, "longitude": -0.2452}
    )
    response = post(client, None, world["token"], raw=_example("anpr-push").encode())
    assert response.status_code == 200
    assert response.json() == json.loads(_example("anpr-push-answer"))
