"""A small street file as data.police.uk writes one (shared with the engine's tests)."""

from __future__ import annotations

import pytest

from tests.engine.test_police_uk import REAL_ROWS, street_csv


@pytest.fixture
def real_file(tmp_path):
    path = tmp_path / "2024-01-cambridgeshire-street.csv"
    path.write_bytes(street_csv(REAL_ROWS))
    return path
