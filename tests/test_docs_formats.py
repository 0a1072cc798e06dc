"""The examples in docs/formats.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

from lantern.governance.models import AuditEntry
from lantern.intel.importers import import_postcodes
from lantern.intel.models import Postcode

FORMATS = Path(__file__).resolve().parents[1] / "docs" / "formats.md"


def _example(name: str) -> str:
    match = re.search(rf"```\w+ example:{name}\n(.*?)```", FORMATS.read_text(), re.DOTALL)
    assert match, f"docs/formats.md has no example named {name}"
    return match.group(1)


def test_postcode_example_imports_as_documented(db, tmp_path):
    path = tmp_path / "postcodes.csv"
    path.write_text(_example("postcodes"))
    summary = import_postcodes(path)
    assert summary.startswith("Postcodes: 2 loaded, 2 skipped")
    assert "1 missing_coordinates" in summary and "1 invalid_postcode" in summary
    assert Postcode.objects.get(postcode="PE1 1AB").district == "PE1"
    assert AuditEntry.objects.filter(action="import", object_type="postcodes").exists()


def test_persons_and_vehicles_examples_import_as_documented(db, tmp_path):
    from lantern.intake.bulk.runner import ImportRequest, import_file, summary
    from lantern.intake.models import QuarantinedRow
    from lantern.intel.models import Person, Phone, Vehicle

    persons = tmp_path / "example.csv"
    persons.write_text(_example("persons"), encoding="utf-8")
    run = import_file(ImportRequest(kind="persons", path=persons))
    assert summary(run) == "example.csv: 4 of 4 rows read; 3 filed, 0 already known, 1 quarantined"
    (bad,) = QuarantinedRow.objects.filter(run=run)
    assert (bad.row_number, bad.reason) == (
        4,
        "dob: '31/02/1990' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
    )
    zoe = Person.objects.get(source__code="police-rms", source_record_id="P-1001")
    adam = Person.objects.get(source__code="police-rms", source_record_id="P-1002")
    shared = Phone.objects.get(e164="+447700900555")
    assert {r.entity_a_id for r in shared.relationships_in.all()} == {zoe.pk, adam.pk}

    vehicles = tmp_path / "vehicles.csv"
    vehicles.write_text(_example("vehicles"), encoding="utf-8")
    run = import_file(ImportRequest(kind="vehicles", path=vehicles))
    assert (run.filed, run.known, run.quarantined) == (1, 1, 1)
    focus = Vehicle.objects.get(vrm="AB12CDE")
    assert (focus.make, focus.colour) == ("Ford", "silver")
    assert "no person 'P-9999'" in QuarantinedRow.objects.get(run=run).reason


def test_reports_example_imports_as_documented(db, tmp_path):
    from lantern.intake.bulk.runner import ImportRequest, import_file
    from lantern.intake.models import QuarantinedRow
    from lantern.intel.models import IntelligenceReport

    path = tmp_path / "reports.csv"
    path.write_text(_example("reports"), encoding="utf-8")
    run = import_file(ImportRequest(kind="reports", path=path))
    assert (run.filed, run.known, run.quarantined) == (1, 0, 2)
    report = IntelligenceReport.objects.get(source__code="niche", source_ref="IR-2291")
    assert (report.grade, report.status, report.source_type) == ("2AC", "new", "bulk")
    assert report.handling_conditions.startswith("5x5x5 handling code 3")
    assert report.sanitised_text.startswith("Reports of visitors") and "neighbour" in report.text
    assert report.location.postcode == "PE1 2AB"
    reasons = dict(QuarantinedRow.objects.filter(run=run).values_list("row_number", "reason"))
    assert "handling code C needs the conditions" in reasons[2]
    assert "is not a time" in reasons[3]
    assert import_file(ImportRequest(kind="reports", path=path)).known == 1  # never filed twice


def test_orders_cameras_and_reads_examples_import_as_documented(db, tmp_path, settings):
    import io

    from django.core.management import call_command

    from lantern.intake.models import ImportRun
    from lantern.intel.services import person_record, source_ensure
    from lantern.orders.models import Order

    settings.LAKE_DIR = tmp_path / "lake"
    source = source_ensure(code="police-rms", name="Police records", kind="police")
    person_record(source=source, record_id="P-1001", given_names="Zoe", family_name="Example")
    for kind in ("cameras", "reads", "orders"):
        path = tmp_path / f"{kind}.{'json' if kind == 'orders' else 'csv'}"
        path.write_text(_example(kind), encoding="utf-8")
        call_command("import", kind, str(path), stdout=io.StringIO())
    runs = {run.kind: run for run in ImportRun.objects.all()}
    assert (runs["cameras"].filed, runs["cameras"].quarantined) == (1, 1)
    assert (runs["reads"].filed, runs["reads"].known, runs["reads"].quarantined) == (2, 1, 2)
    assert (runs["orders"].filed, runs["orders"].quarantined) == (1, 1)
    assert "GeoJSON puts longitude first" in runs["orders"].quarantine.get().reason
    order = Order.objects.get(reference="PBO/SRO/2026/014")
    assert order.conditions.get(number=2).spec["vehicles"][0]["vrm"] == "AB12CDE"
