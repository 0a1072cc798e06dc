"""`lantern demo` builds the world into the store; running it twice changes no counts."""

from __future__ import annotations

import json

from django.core.management import call_command

from lantern.intel.models import Entity, Event, EventLink, Provenance, Relationship
from lantern.orders.models import Order


def _counts() -> dict[str, int]:
    models = (Entity, Event, EventLink, Relationship, Provenance, Order)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_twice_leaves_the_same_store(db, settings, tmp_path, capsys):
    settings.VAR_DIR, settings.LAKE_DIR = tmp_path, tmp_path / "lake"
    call_command("demo", "--no-serve")
    once = _counts()
    first_output = capsys.readouterr().out
    call_command("demo", "--no-serve")
    assert _counts() == once
    assert once["Entity"] > 300 and once["Order"] == 1
    assert "0 problems" in first_output
    # The analyses resolve the world's person records (trained on the first run, incremental after).
    assert "Resolution: " in first_output and "resolved into" in first_output
    # The crowd of further person records arrives through the bulk importer, as an analyst's file would.
    assert "persons.parquet: 1,000 of 1,000 rows read; 1,000 filed" in first_output
    # Passwords are generated, never fixed, and differ between runs.
    second_output = capsys.readouterr().out
    first_lines = [line for line in first_output.splitlines() if "demo-officer" in line]
    second_lines = [line for line in second_output.splitlines() if "demo-officer" in line]
    assert first_lines and first_lines != second_lines
    truth = json.loads((tmp_path / "demo" / "truth.json").read_text())
    assert truth["escalating_subjects"] and truth["exploitative_premises"]
    assert list((tmp_path / "lake" / "reads").glob("date=*/*.parquet"))
