"""The demo's year of data.police.uk crime: plausible, the same for the same seed, and importable."""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest

from lantern.context.importer import import_police_uk
from lantern.context.models import CrimeImport, OpenCrime, QuarantinedCrimeRow
from lantern.demo.police_uk import write_archive
from lantern.demo.world import ANCHOR


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("police-uk") / "police-uk.zip"
    return write_archive(path, seed=1, anchor=ANCHOR)


def test_the_archive_is_laid_out_as_data_police_uk_serves_it_and_repeatable(archive, tmp_path):
    names = zipfile.ZipFile(archive.path).namelist()
    assert "2026-10/2026-10-cambridgeshire-street.csv" in names
    assert (
        "2025-11/2025-11-btp-street.csv" in names and "2026-10/2026-10-cambridgeshire-outcomes.csv" in names
    )
    assert archive.months == 12 and 3_000 < archive.rows < 5_000
    again = write_archive(tmp_path / "again.zip", seed=1, anchor=ANCHOR)
    assert again.path.read_bytes() == archive.path.read_bytes()
    other = write_archive(tmp_path / "other.zip", seed=2, anchor=ANCHOR)
    assert other.path.read_bytes() != archive.path.read_bytes()


@pytest.mark.django_db
def test_the_demo_year_imports_with_its_quarantine_shown(archive):
    summary = import_police_uk(archive.path, via="tests")
    run = CrimeImport.objects.get()
    assert run.rows_read == archive.rows and run.rows_quarantined == archive.malformed == 6
    assert run.rows_stored == archive.rows - 6 and len(run.skipped) == 12
    assert "12 files skipped" in summary
    reasons = " ".join(QuarantinedCrimeRow.objects.values_list("reason", flat=True))
    for why in (
        "is not YYYY-MM",
        "look swapped",
        "0, 0",
        "Latitude is empty",
        "Crime type is empty",
        "cells",
    ):
        assert why in reasons
    months = set(OpenCrime.objects.values_list("month", flat=True))
    assert len(months) == 12 and max(months).isoformat() == "2026-10-01"
    types = Counter(OpenCrime.objects.values_list("crime_type", flat=True))
    assert types.most_common(1)[0][0] == "Violence and sexual offences" and len(types) == 14
    asb = OpenCrime.objects.filter(crime_type="Anti-social behaviour")
    assert (
        asb.exists() and not asb.exclude(crime_id="").exists() and not asb.exclude(last_outcome="").exists()
    )
    assert OpenCrime.objects.filter(latitude=None, location="No Location").count() > 20
    assert OpenCrime.objects.filter(reported_by="British Transport Police").exists()
    assert OpenCrime.objects.values("street").distinct().count() > 30
    assert "0 new" in import_police_uk(archive.path)  # the demo run twice adds nothing
