"""The risk pages as people use them: ranked, explained, linked to action, and safe with bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.demo.world import ANCHOR
from lantern.engine.risk.config import DEFAULT_CONFIG
from lantern.governance.models import AuditEntry
from lantern.intel.services import Actor
from lantern.risk.models import PremisesRisk, RiskModel, SubjectRisk
from lantern.risk.services import risk_recompute

AS_OF = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)


@pytest.fixture
def scored(demo_world):
    risk_recompute(actor=Actor(via="tests"), as_of=AS_OF)
    return demo_world


def test_priorities_page_ranks_the_escalating_subject_first_with_reasons(scored, client_for):
    page = client_for("officer").get("/risk/priorities/", {"order": "escalation"}).content.decode()
    top = SubjectRisk.objects.order_by("escalation_rank").first()
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert top.label in first_row and "Escalating" in first_row and "Mann-Kendall" in first_row
    assert "Priority" in client_for("officer").get("/risk/priorities/").content.decode()


def test_premises_page_offers_a_welfare_visit_for_each_address(scored, client_for):
    page = client_for("analyst").get("/risk/premises/", {"flagged": "on"}).content.decode()
    top = PremisesRisk.objects.order_by("rank").first()
    assert f"/safeguarding/tasks/new/?subject={top.location_id}&amp;kind=welfare_visit" in page
    assert "women linked" in page


def test_person_page_shows_explanation_chart_and_chronology_link(scored, client_for):
    top = SubjectRisk.objects.order_by("escalation_rank").first()
    page = client_for("analyst").get(f"/people/{top.person_id}/").content.decode()
    assert "Escalating" in page and top.explanation.split(".")[0] in page
    assert '<svg class="severity-chart"' in page and page.count('class="sev-dot"') == len(
        top.detail["chronology"]
    )
    assert f"/risk/subjects/{top.person_id}/chronology.csv" in page


def test_partner_sees_no_risk_on_a_person_page_it_cannot_open(scored, client_for):
    top = SubjectRisk.objects.order_by("escalation_rank").first()
    assert client_for("partner").get(f"/people/{top.person_id}/").status_code == 403
    assert client_for("partner").get(f"/risk/subjects/{top.person_id}/chronology.csv").status_code == 403


def test_chronology_csv_lists_dated_graded_incidents_in_order_and_is_audited(scored, client_for):
    top = SubjectRisk.objects.order_by("escalation_rank").first()
    response = client_for("analyst").get(f"/risk/subjects/{top.person_id}/chronology.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(top.detail["chronology"]) >= 10
    assert all(r["grading"] for r in rows) and all(r["date"] for r in rows)
    assert "Weapon produced" in rows[-1]["behaviours_and_offences"]
    assert AuditEntry.objects.filter(object_type="chronology", object_id=str(top.person_id)).exists()


def test_hotspots_page_shows_map_cells_and_matrix(scored, client_for):
    page = client_for("officer").get("/risk/hotspots/").content.decode()
    assert page.count("&quot;boundary&quot;") >= 5  # the cells drawn on the map, as data
    assert "Day of week by hour" in page and 'class="heat-' in page


def test_model_page_names_the_harm_source_and_versions(scored, client_for):
    page = client_for("officer").get("/risk/model/").content.decode()
    assert "Cambridge Crime Harm Index" in page and DEFAULT_CONFIG["version"] in page
    assert "Publish a new version" not in page  # officers cannot change the model
    assert client_for("officer").get("/risk/model/new/").status_code == 403


def test_supervisor_publishes_a_new_version_and_bad_ones_are_refused(scored, client_for):
    client = client_for("supervisor")
    bad = json.loads(json.dumps(DEFAULT_CONFIG))
    bad["version"] = "2026.2"
    bad["rfgv"]["weights"]["gravity"] = -3
    page = client.post("/risk/model/new/", {"config": json.dumps(bad)}).content.decode()
    assert "rfgv.weights.gravity: must be 0 or more" in page
    assert not RiskModel.objects.filter(version="2026.2").exists()
    good = json.loads(json.dumps(DEFAULT_CONFIG))
    good["version"] = "2026.2"
    good["rfgv"]["weights"]["gravity"] = 3
    assert client.post("/risk/model/new/", {"config": json.dumps(good)}).status_code == 302
    assert RiskModel.objects.get(active=True).version == "2026.2"
    assert AuditEntry.objects.filter(object_type="risk_model", object_id="2026.2").exists()
    assert risk_recompute(as_of=AS_OF).model_version == "2026.2"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300) | st.just("<script>alert(1)</script>") | st.just("x" * 200_000))
def test_model_form_survives_any_text(db, client_for, text):
    response = client_for("supervisor").post("/risk/model/new/", {"config": text})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert any(m in body for m in ("refused", "not valid JSON", "JSON object", "at most", "required"))


def test_list_filters_ignore_nonsense(scored, client_for):
    client = client_for("analyst")
    for url in (
        "/risk/priorities/?order=%3Cscript%3E&page=zz",
        "/risk/premises/?page=-1",
        "/risk/people/?flagged=1",
    ):
        assert client.get(url).status_code == 200


def test_lantern_export_priorities_and_premises(scored, tmp_path):
    from django.core.management import call_command

    call_command("export", "priorities", str(tmp_path / "p.csv"))
    call_command("export", "premises", str(tmp_path / "q.csv"))
    priorities = list(csv.DictReader((tmp_path / "p.csv").open(encoding="utf-8")))
    premises = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert list(priorities[0]) == ["person_id", "name", "priority_score", "escalating", "explanation"]
    assert priorities[0]["escalating"] == "yes" and "Serial" in priorities[0]["explanation"]
    assert list(premises[0]) == ["location_id", "address", "postcode", "risk_score", "explanation"]
    assert premises[0]["postcode"] and float(premises[0]["risk_score"]) >= 50


def test_lantern_risk_command_reports_and_refuses_a_bad_date(scored):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("risk", "--as-of", "2026-10-31", stdout=out)
    assert "escalating" in out.getvalue()
    with pytest.raises(CommandError, match="not a date"):
        call_command("risk", "--as-of", "31/10/2026")
