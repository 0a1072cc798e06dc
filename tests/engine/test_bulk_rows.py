"""Per-row validation of bulk files: every problem named with its column, placeholders read as empty."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.bulk_rows import (
    PERSON_FIELDS,
    RowReader,
    check_mapping,
    guess_mapping,
    read_person,
    read_vehicle,
)

HEADERS = ["source", "record_id", "first_name", "surname", "dob", "gender", "address", "postcode", "phone"]
HEADERS += ["vrm", "email"]
TODAY = dt.date(2026, 11, 24)


def _person(**cells):
    row = dict.fromkeys(HEADERS) | {"source": "RMS", "record_id": "P1", "surname": "Smith"} | cells
    reader = RowReader(guess_mapping("persons", HEADERS), HEADERS, today=TODAY)
    return read_person(reader, [row[h] for h in HEADERS], 7)


def test_headers_are_matched_by_name_and_common_synonyms():
    headers = ["System", "Nominal ID", "Forename", "Last Name", "Date of Birth", "Sex", "Post Code", "Mobile"]
    assert guess_mapping("persons", headers) == {
        "source": "System",
        "record_id": "Nominal ID",
        "first_name": "Forename",
        "surname": "Last Name",
        "dob": "Date of Birth",
        "gender": "Sex",
        "postcode": "Post Code",
        "phone": "Mobile",
    }


def test_a_mapping_without_a_required_field_or_with_a_missing_column_is_refused():
    problems = check_mapping("persons", {"surname": "Surname", "made_up": "x", "phone": "Tel"}, ["Surname"])
    text = " ".join(problems)
    assert "'made_up' is not a field" in text
    assert "no column 'Tel'" in text
    assert "source, record_id (required)" in text
    assert check_mapping("persons", {"source": "s", "record_id": "r"}, ["s", "r"]) == []
    assert all(spec.help for spec in PERSON_FIELDS)


def test_a_clean_row_is_normalised():
    person, problems = _person(
        first_name=" Zoë ",
        dob="03/04/1990",
        gender="F",
        address="12 Lincoln Rd",
        postcode="pe12ab",
        phone="07700 900123",
        vrm="ab12 cde",
        email="Zoe@Example.COM",
    )
    assert problems == []
    assert (person.source, person.record_id, person.given_names) == ("rms", "P1", "Zoë")
    assert person.date_of_birth == dt.date(1990, 4, 3)
    assert (person.gender, person.postcode, person.phone) == ("female", "PE1 2AB", "+447700900123")
    assert (person.vrm, person.vrm_as_written, person.email) == ("AB12CDE", "ab12 cde", "zoe@example.com")


@pytest.mark.parametrize("placeholder", ["N/K", "unknown", "-", "n/a", "NULL", "?"])
def test_not_known_placeholders_are_empty_not_errors(placeholder):
    person, problems = _person(dob=placeholder, phone=placeholder, postcode=placeholder, vrm=placeholder)
    assert problems == []
    assert (person.date_of_birth, person.phone, person.postcode, person.vrm) == (None, "", "", "")


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"dob": "31/02/1990"}, "dob", "is not a date"),
        ({"dob": "1850-01-01"}, "dob", "not between 1900-01-01 and today"),
        ({"dob": "2027-01-01"}, "dob", "not between 1900-01-01 and today"),
        ({"gender": "sometimes"}, "gender", "use female, male, other"),
        ({"postcode": "ZZ9"}, "postcode", "not a UK postcode"),
        ({"phone": "12345"}, "phone", "too short"),
        ({"vrm": "=HYPERLINK(1)"}, "vrm", "not a UK vehicle registration"),
        ({"email": "<script>"}, "email", "not an e-mail"),
        ({"source": "  "}, "source", "every row needs the code"),
        ({"record_id": None}, "record_id", "every row needs its id"),
        ({"surname": None}, "surname", "no name"),
        ({"surname": "x" * 201}, "surname", "longer than 200 characters"),
    ],
)
def test_each_problem_names_its_column(cells, column, reason):
    person, problems = _person(**cells)
    assert person is None
    assert any(col == column and reason in why for col, why in problems), problems


def test_every_problem_of_a_row_is_reported_at_once():
    _, problems = _person(dob="someday", phone="1", vrm="!!")
    assert [column for column, _ in problems] == ["dob", "phone", "vrm"]


def test_extra_cells_are_a_problem_but_short_rows_are_padded():
    reader = RowReader(guess_mapping("persons", HEADERS), HEADERS, today=TODAY)
    _, problems = read_person(reader, ["rms", "P1", "A", "B", *[None] * 7, "spill"], 1)
    assert problems[0][0] == "(row)" and "unquoted comma" in problems[0][1]
    person, problems = read_person(reader, ["rms", "P1", "A", "B"], 1)
    assert problems == [] and person.email == ""


def test_sql_and_markup_are_kept_as_plain_text():
    person, problems = _person(first_name="Robert'); DROP TABLE intel_person;--", address="<b>12</b> Road")
    assert problems == []
    assert person.given_names.startswith("Robert');") and person.address == "<b>12</b> Road"


def test_vehicle_rows():
    headers = ["source", "vrm", "make", "colour", "keeper"]
    reader = RowReader(guess_mapping("vehicles", headers), headers, today=TODAY)
    vehicle, problems = read_vehicle(reader, ["DVLA", "af10 xkr", "Ford", "Silver", "P1"], 3)
    assert problems == []
    assert (vehicle.source, vehicle.vrm, vehicle.colour, vehicle.keeper_record_id) == (
        "dvla",
        "AF10XKR",
        "silver",
        "P1",
    )
    _, problems = read_vehicle(reader, ["DVLA", None, "Ford", None, None], 4)
    assert problems == [("vrm", "empty: every row needs a registration")]


_cells = st.one_of(
    st.none(), st.text(max_size=60), st.sampled_from(["N/K", "07700 900123", "PE1 2AB", "1990-01-01"])
)


@given(st.lists(_cells, min_size=0, max_size=14))
def test_any_row_is_either_filed_or_quarantined_with_reasons(cells):
    reader = RowReader(guess_mapping("persons", HEADERS), HEADERS, today=TODAY)
    person, problems = read_person(reader, cells, 1)
    assert (person is None) == bool(problems)
    for column, reason in problems:
        assert column in (*HEADERS, "(row)") and reason
