"""3x5x2 grades are checked; 5x5x5 grades map onto them without ever raising confidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.grading import (
    GradeError,
    grade_validate,
    map_5x5x5,
    parse_5x5x5,
    parse_grade,
)


def test_a_valid_grade_is_normalised():
    grade = grade_validate(" 2 ", "b", "c", "  Not to be shared   outside the force ")
    assert grade.code == "2BC"
    assert grade.handling_conditions == "Not to be shared outside the force"
    assert "untested" in grade.describe() and "corroborated" in grade.describe()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("4", "A", "P"), "source evaluation: '4' is not one of 1 (reliable)"),
        (("1", "F", "P"), "intelligence assessment: 'F' is not one of A"),
        (("1", "A", "X"), "handling code: 'X' is not one of P"),
        (("", "A", "P"), "source evaluation: nothing is not one of"),
        ((1, "A", "P"), "source evaluation: 1 is not one of"),
        ((None, "A", "P"), "source evaluation: nothing"),
        (("1", "A", "C"), "handling code C needs the conditions written down"),
        (("1", "A", "C", "   "), "handling code C needs the conditions written down"),
        (("1", "A", "P", "only police"), "choose C to attach these conditions"),
        (("1", "A", "C", "x" * 301), "301 characters is too long"),
        (("1", "A", "C", 5), "handling conditions: expected text"),
        (("=HYPERLINK(1)", "A", "P"), "is not one of"),
    ],
)
def test_invalid_grades_say_which_part_is_wrong(args, message):
    with pytest.raises(GradeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        grade_validate(*args)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("A11", "1AC"),
        ("B23", "2AC"),
        ("C33", "2BC"),
        ("D44", "3DC"),
        ("E55", "2EC"),  # E is an untested source in the UK 5x5x5: untested in 3x5x2 too
    ],
)
def test_5x5x5_maps_to_3x5x2(old, new):
    assert map_5x5x5(*old).code == new


@pytest.mark.parametrize("handling", list("12345"))
def test_every_5x5x5_handling_code_becomes_c_with_its_condition_written(handling):
    grade = map_5x5x5("A", "1", handling)
    assert grade.handling_code == "C"
    assert grade.handling_conditions.startswith(f"5x5x5 handling code {handling}: ")
    assert not grade.needs_conditions
    # The mapped grade is itself a valid 3x5x2 grade.
    assert grade_validate(
        grade.source_evaluation, grade.intelligence_assessment, "C", grade.handling_conditions
    )


def test_the_restricting_handling_codes_say_so():
    assert "originating agency only" in map_5x5x5("A", "1", "4").handling_conditions
    assert "no further dissemination" in map_5x5x5("A", "1", "5").handling_conditions


@given(st.sampled_from("ABCDE"), st.sampled_from("12345"), st.sampled_from("12345"))
def test_mapping_never_raises_confidence(source, intelligence, handling):
    grade = map_5x5x5(source, intelligence, handling)
    # Only an "always reliable" source becomes "reliable"; only 5x5x5's 1 and 2 become "known directly".
    assert (grade.source_evaluation == "1") == (source == "A")
    assert (grade.intelligence_assessment == "A") == (intelligence in "12")
    assert grade.handling_code == "C"


@pytest.mark.parametrize(
    ("raw", "system", "code"),
    [
        ("B2 3", "5x5x5", "2AC"),
        ("B23", "5x5x5", "2AC"),
        ("b-2-3", "5x5x5", "2AC"),
        ("B/2/3", "5x5x5", "2AC"),
        (" e 5 5 ", "5x5x5", "2EC"),
        ("1AP", "3x5x2", "1AP"),
        ("2 C C", "3x5x2", "2CC"),
        ("1-a-p", "3x5x2", "1AP"),
        ("3.e.p", "3x5x2", "3EP"),
    ],
)
def test_grades_are_parsed_in_either_system(raw, system, code):
    parsed = parse_grade(raw)
    assert (parsed.system, parsed.grade.code) == (system, code)


def test_a_parsed_3x5x2_c_still_needs_its_conditions():
    assert parse_grade("2CC").grade.needs_conditions
    assert not parse_grade("2CP").grade.needs_conditions


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "it is empty"),
        ("B2", "does not have three parts"),
        ("B234", "does not have three parts"),
        ("F23", "5x5x5 source evaluation: 'F'"),
        ("B63", "5x5x5 intelligence evaluation: '6'"),
        ("B20", "5x5x5 handling code: '0'"),
        ("4AP", "source evaluation: '4'"),
        ("1AX", "handling code: 'X'"),
        ("<script>", "does not have three parts"),
        ("1' OR '1'='1", "does not have three parts"),
        ("x" * 41, "too long"),
        (None, "expected text"),
        (123, "expected text"),
    ],
)
def test_unreadable_grades_get_a_clear_message(raw, message):
    with pytest.raises(GradeError, match=message):
        parse_grade(raw)


def test_parse_5x5x5_refuses_a_3x5x2_grade():
    assert parse_5x5x5("B23").grade.code == "2AC"
    with pytest.raises(GradeError, match="is a 3x5x2 grade"):
        parse_5x5x5("1AP")


@given(st.text(max_size=60))
def test_parsing_any_text_gives_a_grade_or_a_grade_error(raw):
    try:
        parsed = parse_grade(raw)
    except GradeError as exc:
        assert str(exc).startswith(("grade:", "source", "intelligence", "handling", "5x5x5"))
    else:
        assert len(parsed.grade.code) == 3
