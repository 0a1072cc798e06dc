# ruff: noqa: RUF001  (look-alike Unicode characters are the point of these tests)
"""UK postcodes: the official format, safe slip correction, parts, free-text extraction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.normalise import (
    InvalidPostcode,
    NormalisationError,
    find_postcodes,
    normalise_postcode,
    postcode_area,
    postcode_district,
    postcode_sector,
)

OUTWARD = r"[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
postcodes = st.from_regex(rf"\A{OUTWARD} {INWARD}\Z") | st.just("GIR 0AA")


@pytest.mark.parametrize(
    ("raw", "norm", "district", "sector", "area"),
    [
        ("PE1 1AA", "PE1 1AA", "PE1", "PE1 1", "PE"),
        ("M1 1AE", "M1 1AE", "M1", "M1 1", "M"),
        ("B33 8TH", "B33 8TH", "B33", "B33 8", "B"),
        ("CR2 6XH", "CR2 6XH", "CR2", "CR2 6", "CR"),
        ("DN55 1PT", "DN55 1PT", "DN55", "DN55 1", "DN"),
        ("W1A 0AX", "W1A 0AX", "W1A", "W1A 0", "W"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A", "EC1A 1", "EC"),
        ("SW1A 1AA", "SW1A 1AA", "SW1A", "SW1A 1", "SW"),
        ("E20 2ST", "E20 2ST", "E20", "E20 2", "E"),
        ("GIR 0AA", "GIR 0AA", "GIR", "GIR 0", "GIR"),
    ],
)
def test_official_formats_and_parts(raw: str, norm: str, district: str, sector: str, area: str) -> None:
    assert normalise_postcode(raw) == norm
    assert postcode_district(raw) == district
    assert postcode_sector(raw) == sector
    assert postcode_area(raw) == area


@pytest.mark.parametrize(
    "raw",
    [
        "pe1 1aa",
        "PE11AA",
        "pe11aa",
        "  PE1   1AA  ",
        "PE1\t1AA",
        "PE1-1AA",
        "PE1\u00a01AA",
        "PE1\u200b1AA",
        '"PE1 1AA"',
        "(PE1 1AA).",
        "PE1 1AA,",
        "ＰＥ１ １ＡＡ",
        "PE1 IAA",  # I typed for 1 in the inward digit
        "PE1 lAA",  # lower-case L typed for 1
    ],
)
def test_mess_normalises(raw: str) -> None:
    assert normalise_postcode(raw) == "PE1 1AA"


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("PE1 OAA", "PE1 0AA"),  # O in the inward digit slot
        ("gir oaa", "GIR 0AA"),
        ("0X4 1AA", "OX4 1AA"),  # zero for O as the first character, which is always a letter
        ("1P1 1AA", "IP1 1AA"),
        ("S01 1AA", "S01 1AA"),  # second position takes letters and digits: 0 is not turned into O
    ],
)
def test_slips_fixed_only_where_unambiguous(raw: str, norm: str) -> None:
    assert normalise_postcode(raw) == norm


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("PE1", "it has 3 letters and digits, and UK postcodes have 5 to 7"),
        ("PE1 1AAAA", "it has 8 letters and digits"),
        ("PE1 AAA", "its inward code 'AAA' does not start with a digit"),
        ("PE1 1AC", "its inward code '1AC' must end in two letters other than C, I, K, M, O and V"),
        ("PE1 1OA", "must end in two letters"),  # O is never an inward letter: not guessed from 0 either
        ("QE1 1AA", "'QE1' is not a UK outward code"),
        ("AI1 1AA", "'AI1' is not a UK outward code"),
        ("W1Z 1AA", "'W1Z' is not a UK outward code"),
        ("P1Q 1AA", "'P1Q' is not a UK outward code"),
        ("<script>PE1 1AA", "it contains '>'"),
        ("PE1 1AA; DROP TABLE addresses", "it contains ';'"),
        ("PE1\x001AA", "it contains '\\x00'"),
        ("PÉ1 1AA", "it contains 'É'"),
        ("P" * 200, "it is too long (200 characters)"),
        (None, "expected text, got NoneType"),
    ],
)
def test_rejections_say_what_is_wrong(raw: object, problem: str) -> None:
    with pytest.raises(InvalidPostcode) as caught:
        normalise_postcode(raw)  # type: ignore[arg-type]
    assert problem in str(caught.value)
    assert "is not a UK postcode" in str(caught.value)
    assert "expected a format such as PE1 1AA" in str(caught.value)
    assert caught.value.value is raw


def test_parts_reject_junk() -> None:
    for part in (postcode_district, postcode_sector, postcode_area):
        with pytest.raises(InvalidPostcode):
            part("nowhere")


def test_find_postcodes_in_free_text() -> None:
    text = (
        "Seen at 12 High St, Peterborough pe1 1aa at 22:10, then SW1A1AA (vehicle AB12 CDE, "
        "tel 07700 900123). Mum lives near M1 1AE; again PE1 1AA. Ref XPE1 1AAX is not one."
    )
    assert find_postcodes(text) == ["PE1 1AA", "SW1A 1AA", "M1 1AE"]


@pytest.mark.parametrize(
    "text",
    ["", "no postcodes here", "AB12CDE", "AB12 CDE", "07700 900123", "PE1 1OA", "PE11AAB", "1PE1 1AA"],
)
def test_find_postcodes_finds_nothing(text: str) -> None:
    assert find_postcodes(text) == []


def test_find_postcodes_is_strict_about_slips() -> None:
    assert find_postcodes("PE1 OAA and GIR 0AA") == ["GIR 0AA"]


def test_find_postcodes_fullwidth_and_lines() -> None:
    assert find_postcodes("ＰＥ１ １ＡＡ\nCR2 6XH\r\nb33 8th") == ["PE1 1AA", "CR2 6XH", "B33 8TH"]


# --- properties -------------------------------------------------------------------------------


@given(postcodes)
def test_valid_postcodes_are_fixed_points(pc: str) -> None:
    assert normalise_postcode(pc) == pc


@given(postcodes, st.sampled_from(["", " ", "  ", "\t"]), st.booleans(), st.sampled_from(["", " ", "(", '"']))
def test_spacing_and_case_do_not_matter(pc: str, gap: str, lower: bool, wrap: str) -> None:
    outward, inward = pc.split(" ")
    raw = f"{wrap}{outward}{gap}{inward}{wrap[::-1].replace('(', ')')}"
    assert normalise_postcode(raw.lower() if lower else raw) == pc


@given(postcodes)
def test_parts_are_consistent(pc: str) -> None:
    district, sector, area = postcode_district(pc), postcode_sector(pc), postcode_area(pc)
    assert pc.startswith(sector)
    assert sector == f"{district} {pc[-3]}"
    assert district.startswith(area)
    assert area.isalpha()


@given(postcodes, st.text(alphabet=" ,.;:()\n", min_size=1), st.text(alphabet=" ,.;:()\n", min_size=1))
def test_find_postcodes_finds_a_postcode_between_separators(pc: str, before: str, after: str) -> None:
    assert find_postcodes(f"seen{before}{pc.lower()}{after}today") == [pc]


@given(st.text())
def test_arbitrary_text_only_raises_normalisation_error(raw: str) -> None:
    try:
        norm = normalise_postcode(raw)
    except NormalisationError:
        return
    assert normalise_postcode(norm) == norm


@given(st.text())
def test_find_postcodes_never_fails_on_text(text: str) -> None:
    for pc in find_postcodes(text):
        assert normalise_postcode(pc) == pc
