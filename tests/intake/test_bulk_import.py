"""Bulk import of persons and vehicles: the services' store, built in bulk; nothing lost, nothing twice."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lantern.governance.models import AuditAction, AuditEntry
from lantern.intake.bulk.runner import ImportFailed, ImportRequest, import_file
from lantern.intake.models import ImportRun, QuarantinedRow
from lantern.intel import services
from lantern.intel.models import (
    Entity,
    Person,
    PersonName,
    Provenance,
    Relationship,
    SearchKey,
    Source,
    Vehicle,
)

HEADER = ["source", "record_id", "first_name", "surname", "dob", "gender", "address", "postcode", "phone"]
HEADER += ["vrm", "email"]
ROWS = [
    ["bulk-rms", "B1", "Zoë", "O'Brien", "1990-02-03", "F", "12 Lincoln Rd", "pe1 2ab", "07700 900555"],
    ["bulk-rms", "B2", "Adam", "Kowalski", "03/04/1985", "m", "12 Lincoln Rd", "PE1 2AB", "+44 7700 900555"],
    ["bulk-rms", "B3", "Sam", "Taylor", "", "", "", "PE1 3AA", "", "", "sam@example.org"],
    ["bulk-council", "C9", "", "Bad", "31/02/1990", "x", "", "ZZ9", "123"],
    ["bulk-council", "C10", "", "", "", "", "", "", ""],
]
ROWS[0] += ["ZZ51 ABC", "Zoe@Example.com"]
ROWS[1] += ["", ""]


def _csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _store(sources: tuple[str, ...]) -> dict[str, set]:
    """What the import filed, for comparing two ways of filing (no timestamps, no audit)."""
    people = Person.objects.filter(source__code__in=sources)
    ids = set(people.values_list("pk", flat=True))
    rels = Relationship.objects.filter(source__code__in=sources)
    ids |= set(rels.values_list("entity_b_id", flat=True))
    return {
        "entities": set(Entity.objects.filter(pk__in=ids).values_list("id", "kind", "label")),
        "persons": set(
            people.values_list(
                "pk", "source_record_id", "given_names", "family_name", "date_of_birth", "gender"
            )
        ),
        "names": set(PersonName.objects.filter(person__in=people).values_list("person_id", "name", "kind")),
        "keys": set(SearchKey.objects.filter(entity_id__in=ids).values_list("entity_id", "key")),
        "claims": set(
            Provenance.objects.filter(entity_id__in=ids, source__code__in=sources).values_list(
                "entity_id", "field", "value", "source_ref"
            )
        ),
        "relationships": set(rels.values_list("id", "kind", "entity_a_id", "entity_b_id", "source_ref")),
        "vehicles": set(Vehicle.objects.filter(pk__in=ids).values_list("vrm", "confusion_key")),
    }


def test_bulk_files_exactly_what_the_services_file(db, tmp_path):
    """The set-based path must build the same store as filing each row through the services."""
    valid = ROWS[:3]
    import_file(ImportRequest(kind="persons", path=_csv(tmp_path / "p.csv", valid)))
    bulk = _store(("bulk-rms",))
    Relationship.objects.filter(source__code="bulk-rms").delete()
    Entity.objects.filter(pk__in={pk for pk, *_ in bulk["entities"]}).delete()
    source = Source.objects.get(code="bulk-rms")
    for row in valid:
        cells = dict(zip(HEADER, row + [""] * (len(HEADER) - len(row)), strict=True))
        services.person_with_contacts_record(
            source=source,
            record_id=cells["record_id"],
            given_names=cells["first_name"],
            family_name=cells["surname"],
            date_of_birth=_dob(cells["dob"]),
            gender={"F": "female", "m": "male"}.get(cells["gender"], ""),
            contacts=services.PersonContacts(
                address=cells["address"],
                postcode=cells["postcode"],
                phone=cells["phone"],
                vrm=cells["vrm"],
                email=cells["email"],
            ),
        )
    assert _store(("bulk-rms",)) == bulk
    assert len(bulk["persons"]) == 3
    assert len({pk for pk, kind, _ in bulk["entities"] if kind == "phone"}) == 1  # two spellings, one phone


def _dob(text: str):
    import datetime as dt

    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise AssertionError(text)


def test_rows_are_filed_or_quarantined_and_a_rerun_changes_nothing(db, tmp_path):
    path = _csv(tmp_path / "p.csv", ROWS)
    run = import_file(ImportRequest(kind="persons", path=path))
    assert (run.status, run.rows_done, run.filed, run.known, run.quarantined) == ("finished", 5, 3, 0, 2)
    bad = {q.row_number: q for q in QuarantinedRow.objects.filter(run=run)}
    assert set(bad) == {4, 5}
    assert bad[4].columns == "dob, postcode, phone"  # "x" is a gender: other
    assert "'31/02/1990' is not a date" in bad[4].reason and "too short" in bad[4].reason
    assert bad[4].raw["surname"] == "Bad"  # the row itself is kept, to fix and import again
    assert "no name" in bad[5].reason
    before = _store(("bulk-rms",))
    again = import_file(ImportRequest(kind="persons", path=path))
    assert again.pk != run.pk
    assert (again.filed, again.known, again.quarantined) == (0, 3, 2)
    assert _store(("bulk-rms",)) == before


def test_a_source_updating_its_record_overwrites_and_keeps_what_it_replaced(db, tmp_path):
    import_file(ImportRequest(kind="persons", path=_csv(tmp_path / "a.csv", ROWS[:1])))
    changed = [["bulk-rms", "B1", "Zoe", "", "1990-03-02", "", "", "", "", "", ""]]
    run = import_file(ImportRequest(kind="persons", path=_csv(tmp_path / "b.csv", changed)))
    assert (run.filed, run.known) == (0, 1)
    person = Person.objects.get(source__code="bulk-rms", source_record_id="B1")
    assert (person.given_names, person.family_name, str(person.date_of_birth)) == (
        "Zoe",
        "O'Brien",
        "1990-03-02",
    )
    assert person.label == "Zoe O'BRIEN"
    replaced = set(Provenance.objects.filter(entity=person).values_list("field", "value"))
    assert replaced == {("given_names", "Zoë"), ("date_of_birth", "1990-02-03")}
    assert person.relationships_out.count() == 4  # the first file's contacts are not erased by blanks


def test_each_chunk_and_the_finish_are_audited(db, tmp_path):
    before = AuditEntry.objects.count()
    run = import_file(ImportRequest(kind="persons", path=_csv(tmp_path / "p.csv", ROWS)))
    entries = list(AuditEntry.objects.filter(sequence__gt=before, action=AuditAction.IMPORT))
    assert [e.object_id for e in entries] == [str(run.pk), str(run.pk)]
    assert "3 new, 0 already known, 2 quarantined" in entries[0].summary


def test_vehicles_link_to_their_keepers_and_an_unknown_keeper_is_quarantined(db, tmp_path):
    import_file(ImportRequest(kind="persons", path=_csv(tmp_path / "p.csv", ROWS[:2])))
    path = _csv(
        tmp_path / "v.csv",
        [
            ["bulk-rms", "zz51abc", "Ford", "Focus", "SILVER", "B1"],
            ["bulk-rms", "ZZ52 XYZ", "", "", "", "NOBODY"],
        ],
        header=["source", "vrm", "make", "model", "colour", "keeper_record_id"],
    )
    run = import_file(ImportRequest(kind="vehicles", path=path))
    assert (run.filed, run.known, run.quarantined) == (1, 1, 1)  # ZZ51 ABC came with B1's person record
    focus = Vehicle.objects.get(vrm="ZZ51ABC")
    assert (focus.make, focus.model, focus.colour) == ("Ford", "Focus", "silver")  # blanks filled
    assert Vehicle.objects.filter(vrm="ZZ52XYZ").exists()
    (missing,) = QuarantinedRow.objects.filter(run=run)
    assert "no person 'NOBODY'" in missing.reason and missing.row_number == 2


def test_the_command_prints_the_summary_and_refuses_bad_mappings(db, tmp_path):
    path = _csv(tmp_path / "p.csv", ROWS)
    out = StringIO()
    call_command("import", "persons", str(path), stdout=out, stderr=StringIO())
    assert "5 of 5 rows read; 3 filed, 0 already known, 2 quarantined" in out.getvalue()
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"surname": "surname"}))
    with pytest.raises(CommandError, match=r"choose the column for source, record_id"):
        call_command("import", "persons", str(path), "--mapping", str(mapping), stderr=StringIO())
    mapping.write_text("{not json")
    with pytest.raises(CommandError, match="not a JSON object"):
        call_command("import", "persons", str(path), "--mapping", str(mapping), stderr=StringIO())
    with pytest.raises(CommandError, match="no saved persons mapping"):
        call_command("import", "persons", str(path), "--mapping", "nope", stderr=StringIO())
    with pytest.raises(CommandError, match="give a date as YYYY-MM-DD"):
        call_command("import", "persons", str(path), "--as-at", "last tuesday", stderr=StringIO())


def test_a_file_that_is_not_a_table_is_refused_and_nothing_is_filed(db, tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    runs = ImportRun.objects.count()
    with pytest.raises(ImportFailed):
        import_file(ImportRequest(kind="persons", path=junk))
    assert ImportRun.objects.count() == runs


def test_the_file_is_kept_as_received(db, tmp_path, settings):
    path = _csv(tmp_path / "p.csv", ROWS)
    run = import_file(ImportRequest(kind="persons", path=path))
    assert Path(run.stored_path).read_bytes() == path.read_bytes()
    assert len(run.file_sha256) == 64
