"""The data.police.uk example in docs/formats.md imports as the text says."""

from __future__ import annotations

import pytest

from lantern.context.importer import import_police_uk
from lantern.context.models import OpenCrime, QuarantinedCrimeRow
from tests.test_docs_formats import _example


@pytest.mark.django_db
def test_the_documented_example_stores_four_and_quarantines_one(tmp_path):
    path = tmp_path / "2026-10-cambridgeshire-street.csv"
    path.write_text(_example("police-uk"), encoding="utf-8")
    assert "5 rows read from 1 street files: 4 new, 0 already held, 1 quarantined" in import_police_uk(path)
    assert OpenCrime.objects.filter(street="Lincoln Road").count() == 2
    assert OpenCrime.objects.get(location="No Location").latitude is None
    assert OpenCrime.objects.get(crime_type="Burglary").street == "Park Road, Millfield"
    (bad,) = QuarantinedCrimeRow.objects.all()
    assert bad.line_number == 6 and "Month 'Oct-26' is not YYYY-MM" in bad.reason
    assert "0 new, 4 already held" in import_police_uk(path)
