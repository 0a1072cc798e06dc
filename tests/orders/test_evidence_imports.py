"""`lantern import cameras|reads|tracks|orders`: valid rows filed, bad ones quarantined with a reason."""

from __future__ import annotations

import io
import json

import duckdb
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lantern.engine.lake_ingest import ingest
from lantern.evidence.models import Camera
from lantern.intake.models import ImportRun
from lantern.intel.models import Person
from lantern.orders.models import Order

SQUARE = [[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]


@pytest.fixture
def lake(settings, tmp_path):
    settings.LAKE_DIR = tmp_path / "lake"
    return settings.LAKE_DIR


def _import(kind: str, path) -> str:
    out = io.StringIO()
    call_command("import", kind, str(path), stdout=out)
    return out.getvalue()


def _reasons(run: ImportRun) -> dict[int, str]:
    return {q.row_number: q.reason for q in run.quarantine.all()}


def test_cameras_with_swapped_or_foreign_coordinates_are_quarantined(db, tmp_path):
    path = tmp_path / "cameras.csv"
    path.write_text(
        "camera_id,lat,lon,description\n"
        "PB-001,52.58,-0.245,Lincoln Road northbound\n"
        "PB-002,-0.245,52.58,swapped\n"
        "PB-003,48.85,2.35,Paris\n"
        "PB-004,north,-0.2,words\n"
        ",52.5,-0.2,no id\n"
    )
    assert "1 new" in _import("cameras", path)
    assert list(Camera.objects.filter(camera_id__startswith="PB-0").values_list("camera_id", flat=True)) == [
        "PB-001"
    ]
    reasons = _reasons(ImportRun.objects.get(kind="cameras"))
    assert "look swapped" in reasons[2] and "not in the UK" in reasons[3]
    assert "not a number" in reasons[4] and "camera_id" in reasons[5]
    assert "0 new, 1 already held" in _import("cameras", path)


def test_reads_land_in_the_lake_by_utc_date_and_bad_rows_are_quarantined(db, lake, tmp_path):
    Camera.objects.create(camera_id="PB-001", latitude=52.585, longitude=-0.245)
    path = tmp_path / "reads.csv"
    path.write_text(
        "read_id;VRM;Camera;Seen_At;Confidence\n"  # another delimiter and header case: still read
        "r1;AB12 CDE;PB-001;2026-10-25T00:30:00+01:00;0.9\n"
        "r2;ab12cde;PB-001;2026-10-25T01:30:00Z;95\n"
        "r3;;PB-001;2026-10-25T01:30:00Z;\n"
        "r4;AB12CDE;PB-999;2026-10-25T01:30:00Z;\n"
        "r5;AB12CDE;PB-001;2026-10-25 01:30:00;\n"
        "r1;AB12CDE;PB-001;2026-10-25T01:30:00Z;\n"
        'r7;=HYPERLINK("x");PB-001;2026-10-25T01:30:00Z;\n'
        "r8;AB12CDE;PB-001;2099-01-01T00:00:00Z;\n"
    )
    output = _import("reads", path)
    assert "2 written to the lake in 2 file(s), 1 duplicates skipped, 5 quarantined" in output
    files = f"read_parquet('{lake}/reads/*/*.parquet', filename = true)"
    query = f"SELECT read_id, vrm, epoch(seen_at)::BIGINT, filename FROM {files} ORDER BY 1"  # noqa: S608
    rows = duckdb.sql(query).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("r1", "AB12CDE", 1792884600),
        ("r2", "AB12CDE", 1792891800),
    ]
    assert "date=2026-10-24" in rows[0][3] and "date=2026-10-25" in rows[1][3]
    reasons = _reasons(ImportRun.objects.get(kind="reads"))
    assert set(reasons) == {3, 4, 5, 7, 8}
    assert "camera PB-999 is not known" in reasons[4] and "no UTC offset" in reasons[5]
    assert "is not a plate" in reasons[7] and "in the future" in reasons[8]
    assert "0 written" in _import("reads", path)  # the same file again: every read already held


def test_gps_fixes_are_checked_and_written(db, lake, tmp_path):
    path = tmp_path / "tracks.csv"
    path.write_text(
        "device_id,subject_record_id,lat,lon,fixed_at,accuracy_m\n"
        "TAG1,REC1,52.585,-0.245,2026-10-25T22:00:00.7Z,8\n"
        "TAG1,REC1,-0.245,52.585,2026-10-25T22:01:00Z,8\n"
        "TAG1,REC1,52.585,-0.245,2026-10-25T22:02:00,8\n"
        "TAG1,REC1,52.585,-0.245,2026-10-25T22:03:00Z,-5\n"
    )
    assert "1 written" in _import("tracks", path)
    reasons = _reasons(ImportRun.objects.get(kind="tracks"))
    assert (
        "look swapped" in reasons[2] and "no UTC offset" in reasons[3] and "0 to 10,000 metres" in reasons[4]
    )


def test_a_file_without_the_needed_columns_is_refused_with_what_to_name_them(db, lake, tmp_path):
    path = tmp_path / "reads.csv"
    path.write_text("plate,when\nAB12CDE,2026-10-25T00:30:00Z\n")
    with pytest.raises(CommandError, match="no column for read_id, camera_id"):
        _import("reads", path)


@hsettings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(st.text(max_size=30), min_size=5, max_size=5), max_size=20))
def test_any_reads_file_is_either_filed_or_quarantined_row_by_row(tmp_path_factory, cells):
    folder = tmp_path_factory.mktemp("hyp")
    path = folder / "reads.csv"
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["read_id", "vrm", "camera_id", "seen_at", "confidence"])
        writer.writerows([[c.replace("\x00", "") for c in row] for row in cells])
    result = ingest("reads", path, folder / "lake", known_cameras={"CAM"})
    assert result.written + result.duplicates + len(result.quarantined) == result.rows
    assert all(q.reason for q in result.quarantined)


def _orders_file(tmp_path, orders) -> str:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(orders))
    return path


def test_orders_from_another_system_are_filed_and_bad_ones_quarantined(demo_world, tmp_path):
    person = Person.objects.first()
    subject = {"source": person.source.code, "record_id": person.source_record_id}
    good = {
        "reference": "EXT/SRO/1",
        "type": "SRO",
        "subject": subject,
        "applicant": "Cambridgeshire Constabulary",
        "court": "Peterborough Magistrates' Court",
        "made_on": "2026-01-10",
        "effective_from": "2026-01-10",
        "expires_on": "2028-01-09",
        "conditions": [
            {
                "number": 1,
                "kind": "exclusion_zone",
                "wording": "Not to enter the area.",
                "name": "Red-light district",
                "geojson": {"type": "Polygon", "coordinates": [SQUARE]},
                "windows": [{"start": "19:00", "end": "07:00"}],
            },
            {
                "number": 2,
                "kind": "vehicle_notification",
                "wording": "Notify vehicles within 3 days.",
                "notify_within_days": 3,
                "vehicles": [{"vrm": "ab12 cde", "registered_from": "2026-01-10"}],
            },
            {"number": 3, "kind": "other", "wording": "Not to approach any woman in the street."},
        ],
    }
    crossing = json.loads(json.dumps(good)) | {"reference": "EXT/SRO/2"}
    crossing["conditions"][0]["geojson"]["coordinates"] = [
        [[-0.25, 52.58], [-0.24, 52.59], [-0.24, 52.58], [-0.25, 52.59], [-0.25, 52.58]]
    ]
    unknown = good | {"reference": "EXT/SRO/3", "subject": {"source": "nowhere", "record_id": "X"}}
    path = _orders_file(tmp_path, [good, crossing, unknown, "not an order"])
    assert "1 new, 0 already held, 3 quarantined" in _import("orders", path)
    order = Order.objects.get(reference="EXT/SRO/1")
    vehicles = order.conditions.get(number=2).spec["vehicles"]
    assert vehicles[0]["vrm"] == "AB12CDE" and order.conditions.get(number=3).machine_checkable is False
    reasons = _reasons(ImportRun.objects.get(kind="orders"))
    assert "condition 1: zone: the boundary is not a simple shape" in reasons[2]
    assert "import the person first" in reasons[3] and "JSON object" in reasons[4]
    assert "0 new, 1 already held" in _import("orders", _orders_file(tmp_path, [good]))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{not json", "not valid JSON"), (b'{"orders": 5}', "expected a list"), (b"\xff\xfe\x00", "not UTF-8")],
)
def test_an_unreadable_orders_file_says_why(db, tmp_path, content, message):
    path = tmp_path / "orders.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _import("orders", path)


def test_a_reads_import_run_and_its_quarantine_show_on_the_imports_pages(db, lake, tmp_path, client_for):
    path = tmp_path / "reads.csv"
    path.write_text("read_id,vrm,camera_id,seen_at\nr1,AB12CDE,PB-404,2026-10-25T01:30:00Z\n")
    _import("reads", path)
    run = ImportRun.objects.get(kind="reads")
    client = client_for("analyst")
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "camera PB-404 is not known" in page
    download = client.get(f"/imports/{run.pk}/quarantine.csv").content.decode("utf-8-sig")
    assert "PB-404" in download and "is not known" in download
