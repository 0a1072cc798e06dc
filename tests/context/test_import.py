"""`lantern import police-uk`: what is stored, counted, quarantined and audited, and re-imports."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from lantern.context.importer import import_police_uk
from lantern.context.models import CrimeImport, OpenCrime, QuarantinedCrimeRow
from lantern.governance.models import AuditEntry
from lantern.intel.importers import ImportFailed
from tests.engine.test_police_uk import BAD_ROWS, HEADER, HOSTILE_KEPT, REAL_ROWS, street_csv

pytestmark = pytest.mark.django_db


def _counts(field: str) -> dict:
    return dict(OpenCrime.objects.values_list(field).annotate(n=Count("id")).order_by())


def test_a_month_is_stored_with_the_right_counts_per_street_lsoa_and_type(real_file):
    summary = import_police_uk(real_file, via="tests")
    assert summary.startswith("data.police.uk: 7 rows read from 1 street files: 7 new, 0 already held")
    assert _counts("crime_type") == {
        "Anti-social behaviour": 3,
        "Violence and sexual offences": 2,
        "Shoplifting": 1,
        "Burglary": 1,
    }
    assert _counts("street") == {"Lincoln Road": 3, "Park Road, Millfield": 2, "Supermarket": 1, "": 1}
    assert _counts("lsoa_code") == {"E01015591": 4, "E01015592": 2, "": 1}
    unlocated = OpenCrime.objects.get(location="No Location")
    assert (unlocated.latitude, unlocated.longitude, unlocated.month.isoformat()) == (
        None,
        None,
        "2024-02-01",
    )
    run = CrimeImport.objects.get()
    assert (run.status, run.rows_read, run.rows_stored, run.rows_quarantined) == ("finished", 7, 7, 0)
    assert len(run.file_sha256) == 64 and run.files == [real_file.name]
    entry = AuditEntry.objects.get(action="import", object_type="police_uk_import")
    assert entry.object_id == str(run.pk) and "7 new" in entry.summary


def test_importing_the_same_file_again_adds_nothing(real_file):
    import_police_uk(real_file)
    keys = set(OpenCrime.objects.values_list("key", flat=True))
    summary = import_police_uk(real_file)
    assert "0 new, 7 already held, 0 quarantined" in summary
    assert set(OpenCrime.objects.values_list("key", flat=True)) == keys and len(keys) == 7
    assert AuditEntry.objects.filter(object_type="police_uk_import").count() == 2


def test_a_later_release_updates_outcomes_without_duplicating(real_file, tmp_path):
    import_police_uk(real_file)
    later = tmp_path / "2024-01-cambridgeshire-street-later.csv"
    later.write_bytes(
        street_csv([row.replace("Under investigation", "Offender given a caution") for row in REAL_ROWS])
    )
    summary = import_police_uk(later)
    assert "0 new, 5 already held, 2 outcomes updated" in summary
    assert OpenCrime.objects.count() == 7
    assert OpenCrime.objects.filter(last_outcome="Offender given a caution").count() == 2


def test_the_download_archive_imports_its_street_files_and_lists_what_it_skipped(tmp_path):
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("2024-01/2024-01-cambridgeshire-street.csv", street_csv(REAL_ROWS[:5]))
        archive.writestr("2024-02/2024-02-cambridgeshire-street.csv", street_csv(REAL_ROWS[5:]))
        archive.writestr("2024-01/2024-01-cambridgeshire-outcomes.csv", b"Crime ID,Outcome type\n")
    summary = import_police_uk(path)
    assert "7 rows read from 2 street files, 1 files skipped" in summary and "7 new" in summary
    run = CrimeImport.objects.get()
    assert run.skipped[0][0] == "2024-01/2024-01-cambridgeshire-outcomes.csv"
    assert OpenCrime.objects.filter(month="2024-02-01").count() == 2


def test_a_file_without_the_columns_fails_clearly_and_stores_nothing(tmp_path):
    path = tmp_path / "persons.csv"
    path.write_text("source,record_id,surname\nrms,1,Smith\n")
    with pytest.raises(ImportFailed) as caught:
        import_police_uk(path)
    message = str(caught.value)
    assert "no column 'Month', 'Longitude', 'Latitude', 'Location', 'LSOA code', 'Crime type'" in message
    assert "'source', 'record_id', 'surname'" in message and "Nothing was imported" in message
    assert not CrimeImport.objects.exists() and not OpenCrime.objects.exists()


def test_bad_and_hostile_rows_are_quarantined_with_reasons_and_nothing_is_lost(tmp_path):
    path = tmp_path / "messy-street.csv"
    path.write_bytes(street_csv([*REAL_ROWS, *BAD_ROWS.values(), *HOSTILE_KEPT]))
    import_police_uk(path)
    run = CrimeImport.objects.get()
    assert run.rows_read == len(REAL_ROWS) + len(BAD_ROWS) + len(HOSTILE_KEPT)
    assert run.rows_read == run.rows_stored + run.rows_quarantined
    assert run.rows_quarantined == len(BAD_ROWS)
    quarantined = list(QuarantinedCrimeRow.objects.filter(run=run).order_by("line_number"))
    assert [q.line_number for q in quarantined] == list(range(9, 9 + len(BAD_ROWS)))
    for expected, q in zip(BAD_ROWS, quarantined, strict=True):
        assert expected in q.reason
    assert quarantined[0].raw["Month"] == "Jan-24"
    assert OpenCrime.objects.filter(location="On or near NulRoad").exists()  # NUL removed, row kept
    assert OpenCrime.objects.filter(location__startswith="=HYPERLINK").exists()


def test_the_command_imports_a_file_and_a_folder_and_names_a_missing_path(real_file, tmp_path):
    out = io.StringIO()
    call_command("import", "police-uk", str(real_file), stdout=out, stderr=io.StringIO())
    assert "7 new" in out.getvalue()
    folder = tmp_path / "unzipped" / "2024-03"
    folder.mkdir(parents=True)
    (folder / "2024-03-cambridgeshire-street.csv").write_bytes(
        street_csv([REAL_ROWS[0].replace("2024-01", "2024-03")])
    )
    out = io.StringIO()
    call_command("import", "police-uk", str(folder.parent), stdout=out, stderr=io.StringIO())
    assert "1 rows read from 1 street files: 1 new" in out.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "police-uk", str(tmp_path / "missing.zip"), stderr=io.StringIO())
    with pytest.raises(CommandError, match="no column"):
        (tmp_path / "wrong.csv").write_text("a,b\n1,2\n")
        call_command("import", "police-uk", str(tmp_path / "wrong.csv"), stderr=io.StringIO())


def test_header_only_file_imports_nothing_and_says_so(tmp_path):
    path = tmp_path / "2024-05-cambridgeshire-street.csv"
    path.write_text(HEADER + "\n")
    assert "0 rows read from 1 street files: 0 new" in import_police_uk(path)
