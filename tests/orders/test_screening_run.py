"""`lantern screen` over the demo world's lake: every planted breach found, nothing twice, people told."""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command

from lantern.demo.lake import write_reads
from lantern.orders.models import AlertEvidence, BreachAlert, Order, ScreeningRun


@pytest.fixture
def lake(settings, tmp_path, demo_world):
    settings.LAKE_DIR = tmp_path / "lake"
    settings.LANTERN_ALERT_EMAIL = "duty-inspector@example.police.uk"
    write_reads(demo_world, settings.LAKE_DIR, days=30, reads_per_day=2_000)
    return settings.LAKE_DIR


def _screen(*args: str) -> str:
    out = io.StringIO()
    call_command("screen", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_every_planted_breach_read_is_found_and_misreads_are_marked(lake, demo_world):
    output = _screen()
    truth = demo_world.truth
    assert len(truth["breach_read_ids"]) >= 5 and truth["misread_breach_read_ids"]
    reads = {e.evidence_id: e for e in AlertEvidence.objects.filter(kind="read")}
    assert set(map(str, truth["breach_read_ids"])) <= set(reads)
    assert set(map(str, truth["misread_breach_read_ids"])) <= set(reads)
    assert {reads[str(r)].match for r in truth["misread_breach_read_ids"]} == {"possible misread"}
    assert {reads[str(r)].match for r in truth["breach_read_ids"]} == {"exact"}
    planted_outside = {
        str(r["read_id"]) for r in truth["planted_reads"] if not (r["in_zone"] and r["in_window"])
    }
    assert not planted_outside & set(reads)
    assert "new alert(s)" in output and ScreeningRun.objects.get().alerts_new == BreachAlert.objects.count()


def test_screening_again_files_nothing_twice(lake):
    _screen()
    alerts, evidence = BreachAlert.objects.count(), AlertEvidence.objects.count()
    again = _screen()
    assert "Screened 0 file(s)" in again
    _screen("--since", "2026-01-01")  # a forced rescreen of everything
    assert (BreachAlert.objects.count(), AlertEvidence.objects.count()) == (alerts, evidence)


def test_the_officer_in_charge_is_emailed_and_the_webhook_called(lake, settings, users):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.LANTERN_ALERT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    officer = users["officer"]
    officer.email = "pc.smith@example.police.uk"
    officer.save()
    Order.objects.update(officer_in_charge=officer)
    try:
        _screen()
    finally:
        server.shutdown()
    alerts = BreachAlert.objects.all()
    assert alerts and all(a.notified_at and not a.notify_error for a in alerts)
    assert {m.to[0] for m in mail.outbox} == {"pc.smith@example.police.uk"}
    assert "potential breach" in mail.outbox[0].subject and "Review it at http" in mail.outbox[0].body
    assert {r["alert_id"] for r in received} == {str(a.pk) for a in alerts}
    assert all(
        set(r) == {"alert_id", "kind", "order_reference", "condition", "first_at", "url"} for r in received
    )


def test_a_webhook_that_is_down_leaves_the_alert_with_the_error(lake, settings):
    settings.LANTERN_ALERT_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    _screen()
    assert all("webhook failed" in a.notify_error for a in BreachAlert.objects.all())


def test_exports_for_other_systems(lake, tmp_path):
    _screen()
    call_command("export", "alerts", str(tmp_path / "alerts.csv"), stdout=io.StringIO())
    call_command("export", "breach-evidence", str(tmp_path / "evidence.csv"), stdout=io.StringIO())
    alerts = list(csv.DictReader((tmp_path / "alerts.csv").open()))
    evidence = list(csv.DictReader((tmp_path / "evidence.csv").open()))
    assert {a["alert_id"] for a in alerts} == {
        str(pk) for pk in BreachAlert.objects.values_list("pk", flat=True)
    }
    assert list(evidence[0]) == ["alert_id", "read_id"]
    assert len(evidence) == AlertEvidence.objects.filter(kind="read").count()
