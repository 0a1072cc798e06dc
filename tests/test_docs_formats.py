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
