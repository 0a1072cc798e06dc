"""The spool and the 503 answer, on the test database: kept once, filed once, bad files set aside.

The real outage (PostgreSQL stopped under gunicorn) is ``test_database_restart.py``; these check
the pieces quickly in both CI passes. The failures here are real ones (a refused connection, a
locked SQLite file), never a mocked database.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import stat
import time
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.test import RequestFactory
from django.utils import timezone

from lantern.governance.models import AuditEntry
from lantern.intake import spool
from lantern.intake.inputs import PublicReportInput, SafetyReportInput
from lantern.intake.models import SafetyReport, Submission
from lantern.intake.services.submissions import public_report_submit
from lantern.intel.services import Actor
from lantern.web.dbdown import DatabaseDownMiddleware, database_unavailable

WHAT = "Men calling at the flat above 4 Elm Street at all hours <b>late</b>"


@pytest.fixture(autouse=True)
def _spool_in_tmp(settings, tmp_path):
    settings.LANTERN_SPOOL_DIR = str(tmp_path / "spool")
    cache.clear()


def _public(what: str = WHAT) -> PublicReportInput:
    return PublicReportInput(what_happened=what, address="4 Elm Street", vehicles=("AB12 CDE",))


def _pending() -> list[str]:
    folder = spool.spool_dir() / "pending"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_spooled_report_is_private_whole_and_kept_once(db):
    sid = uuid.uuid4()
    first = spool.keep("public", sid, _public())
    path = spool.spool_dir() / "pending" / f"{sid}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert re.fullmatch(r"LAN-\w{4}-\w{4}", first.reference)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["input"]["what_happened"] == WHAT and document["input"]["vehicles"] == ["AB12 CDE"]
    again = spool.keep("public", sid, _public("sent again"))  # a double click: the first one stands
    assert again.reference == first.reference
    assert _pending() == [f"{sid}.json"]
    assert not list((spool.spool_dir() / "tmp").iterdir())


def test_a_drain_files_it_through_the_service_once_under_the_reference_given(db):
    sid = uuid.uuid4()
    kept = spool.keep("public", sid, _public())
    assert spool.drain() == 1
    submission = Submission.objects.get(pk=sid)
    assert submission.reference == kept.reference and submission.status == "filed"
    assert WHAT in submission.report.text
    assert abs(submission.received_at - kept.received_at) < timedelta(seconds=1)
    audit = AuditEntry.objects.filter(object_id=kept.reference, object_type="submission")
    assert audit.count() == 1 and "spool" in audit.get().path
    assert spool.drain() == 0 and _pending() == []
    assert Submission.objects.filter(payload__what_happened=WHAT).count() == 1


def test_a_report_already_stored_is_not_filed_again(db):
    sid = uuid.uuid4()
    public_report_submit(data=_public(), actor=Actor(via="test"), submission_id=sid)  # stored, answer lost
    spool.keep("public", sid, _public())
    assert spool.drain() == 0
    assert Submission.objects.filter(pk=sid).count() == 1 and _pending() == []


def test_a_spooled_safety_report_keeps_her_choices(db):
    sid = uuid.uuid4()
    data = SafetyReportInput(
        incident_type="threats",
        occurred_at=timezone.now() - timedelta(hours=3),
        account="He threatened me outside the car park",
        share_with_police=False,
        warn_others=True,
    )
    spool.keep("safety", sid, data)
    assert spool.drain() == 1
    safety = SafetyReport.objects.get(submission_id=sid)
    assert (safety.share_with_police, safety.warn_others) == (False, True)
    assert Submission.objects.get(pk=sid).report is None  # not shared: never in the police store


BAD = {
    "not JSON": b"{this is not json",
    "oversized": b"x" * (spool.MAX_BYTES + 10),
    "latitude": None,  # a field of the wrong type
    "unknown fields": None,
}


def _bad_document(sid: uuid.UUID, problem: str) -> bytes:
    if BAD[problem] is not None:
        return BAD[problem]
    document = {
        "format": spool.FORMAT,
        "kind": "public",
        "id": str(sid),
        "reference": "LAN-2345-6789",
        "received_at": timezone.now().isoformat(),
        "input": {"what_happened": WHAT},
    }
    document["input"]["latitude" if problem == "latitude" else "password"] = "52.5"
    return json.dumps(document).encode()


def test_bad_files_are_moved_aside_with_the_reason_never_lost(db, capsys):
    folder = spool.spool_dir() / "pending"
    folder.mkdir(parents=True)
    for problem in BAD:
        sid = uuid.uuid4()
        (folder / f"{sid}.json").write_bytes(_bad_document(sid, problem))
    (folder / f"{uuid.uuid4()}.json").write_bytes(_bad_document(uuid.uuid4(), "unknown fields"))  # name != id
    assert spool.drain() == 0 and _pending() == []
    quarantine = spool.spool_dir() / "quarantine"
    reasons = " | ".join(p.read_text() for p in quarantine.glob("*.reason"))
    for words in ("not JSON", "larger than", "latitude", "unknown fields: password", "differ"):
        assert words in reasons
    assert len(list(quarantine.glob("*.json"))) == 5
    call_command("spool")
    listing = capsys.readouterr().out
    assert "0 waiting, 5 quarantined" in listing and "larger than" in listing
    assert WHAT not in listing  # the list never shows what was reported
    assert spool.requeue_quarantined() == 5 and len(_pending()) == 5


def test_a_claim_is_a_lock_until_it_is_stale(db):
    sid = uuid.uuid4()
    spool.keep("public", sid, _public())
    claimed = spool._claim(spool.spool_dir() / "pending" / f"{sid}.json")
    assert claimed is not None
    assert spool._claim(spool.spool_dir() / "pending" / f"{sid}.json") is None  # one drain holds it
    assert spool.drain() == 0  # a fresh claim is another drain's work
    old = time.time() - spool.CLAIM_STALE_S - 5
    os.utime(claimed, (old, old))  # that drain died
    assert spool.drain() == 1
    assert Submission.objects.filter(pk=sid).count() == 1


def test_the_form_sent_twice_is_kept_once(client, db):
    page = client.get("/report/").content.decode()
    sid = re.search(r'name="submission_id" value="([0-9a-f-]{36})"', page).group(1)
    form = {"what_happened": WHAT, "contact": "anonymous", "submission_id": sid}
    assert client.post("/report/", form).status_code == 302
    first = client.get("/report/thanks/").content.decode()
    assert client.post("/report/", form).status_code == 302
    second = client.get("/report/thanks/").content.decode()
    submission = Submission.objects.get(pk=sid)
    assert submission.reference in first and submission.reference in second
    assert Submission.objects.filter(payload__what_happened=WHAT).count() == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _refused() -> OperationalError:
    """A real failure: PostgreSQL's client connecting to a port nothing listens on."""
    settings = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": str(_free_port())}
    connection = ConnectionHandler({"default": {**settings, "NAME": "lantern", "USER": "postgres"}})[
        "default"
    ]
    with pytest.raises(OperationalError) as caught:
        connection.ensure_connection()
    return caught.value


def _sqlite_error(tmp_path, sql: str, *, lock: bool = False) -> Exception:
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS t (x)")
    if lock:
        holder.execute("BEGIN EXCLUSIVE")
    options = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {"timeout": 0.1}}
    connection = ConnectionHandler({"default": options})["default"]
    try:
        with pytest.raises(OperationalError) as caught, connection.cursor() as cursor:
            cursor.execute(sql)
        return caught.value
    finally:
        connection.close()
        holder.close()


def test_only_an_unreachable_or_locked_database_counts_as_unavailable(db, tmp_path):
    assert database_unavailable(_refused())
    assert database_unavailable(_sqlite_error(tmp_path, "SELECT * FROM t", lock=True))  # locked
    assert not database_unavailable(_sqlite_error(tmp_path, "SELECT * FROM no_such_table"))  # a bug
    assert not database_unavailable(ValueError("not a database error"))


def test_pages_answer_503_with_the_page_and_the_api_with_json(db):
    middleware = DatabaseDownMiddleware(lambda request: None)
    error = _refused()
    page = middleware.process_exception(RequestFactory().get("/triage/"), error)
    assert page.status_code == 503 and page["Retry-After"]
    assert "The database is not answering. Nothing you sent was lost" in page.content.decode()
    api = middleware.process_exception(RequestFactory().post("/api/v1/reports"), error)
    assert api.status_code == 503 and json.loads(api.content)["error"] == "database_unavailable"
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("a bug")) is None


def test_a_failure_in_other_middleware_becomes_the_503_too(db):
    """Django turns an exception raised outside the view into a 500 before this middleware sees it;
    the signal it sends on the way marks the request, and the 500 becomes the 503 page."""
    from django.core.signals import got_request_exception
    from django.http import HttpResponseServerError

    def session_save_fails(request):
        try:
            raise _refused()
        except OperationalError:
            got_request_exception.send(sender=None, request=request)
            return HttpResponseServerError("Server Error (500)")

    response = DatabaseDownMiddleware(session_save_fails)(RequestFactory().get("/triage/"))
    assert response.status_code == 503 and "Nothing you sent was lost" in response.content.decode()
    ordinary = DatabaseDownMiddleware(lambda request: HttpResponseServerError("a bug"))(
        RequestFactory().get("/")
    )
    assert ordinary.status_code == 500  # other errors stay what they are
