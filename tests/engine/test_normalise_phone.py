# ruff: noqa: RUF001  (look-alike Unicode characters are the point of these tests)
"""Phone numbers: E.164 normal form, Ofcom drama ranges, mess from real sources."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.engine.normalise import InvalidPhone, NormalisationError, display_phone, normalise_phone

# phonenumbers loads metadata lazily, so the first call in a test can be slow.
slow_ok = settings(deadline=None)


@pytest.mark.parametrize(
    "raw",
    [
        "07700 900123",
        "07700900123",
        "+44 (0)7700 900123",
        "+44(0)7700900123",
        "+44 7700 900123",
        "+44 07700 900123",
        "0044 7700 900123",
        "447700900123",
        "7700900123",  # leading zero lost in a spreadsheet
        "07700-900-123",
        "07700.900.123",
        "(07700) 900123",
        "tel:+447700900123",
        "TEL:+44-7700-900123",
        "Tel No: 07700 900123",
        "Mob. 07700900123",
        "07700 900123 ext 12",  # E.164 has no extension: dropped
        "07700 900123x5",
        "+447700900123;ext=9",
        "  07700 900123\t",
        "07700\u00a0900\u00a0123",
        "07700\u200b900123",
        "０７７００ ９００１２３",  # fullwidth digits
        "\x0007700 900123",
    ],
)
def test_mess_normalises_to_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+447700900123"


@pytest.mark.parametrize(
    ("raw", "e164", "shown"),
    [
        ("07700 900000", "+447700900000", "07700 900000"),
        ("07700 900999", "+447700900999", "07700 900999"),
        ("01632 960123", "+441632960123", "01632 960123"),
        ("0115 496 0123", "+441154960123", "0115 496 0123"),
        ("0113 496 0000", "+441134960000", "0113 496 0000"),
        ("020 7946 0123", "+442079460123", "020 7946 0123"),
        ("028 9649 6123", "+442896496123", "028 9649 6123"),
        ("029 2018 0123", "+442920180123", "029 2018 0123"),
        ("0191 498 0123", "+441914980123", "0191 498 0123"),
        ("0808 157 0123", "+448081570123", "0808 157 0123"),
        ("0909 879 0123", "+449098790123", "0909 879 0123"),
        ("0306 999 0123", "+443069990123", "0306 999 0123"),
    ],
)
def test_ofcom_drama_numbers(raw: str, e164: str, shown: str) -> None:
    assert normalise_phone(raw) == e164
    assert display_phone(e164) == shown


def test_phonenumbers_still_calls_the_drama_mobile_range_invalid() -> None:
    # Why normalise_phone whitelists the range: if this starts failing, the whitelist is moot.
    number = phonenumbers.parse("07700 900123", "GB")
    assert phonenumbers.is_possible_number(number)
    assert not phonenumbers.is_valid_number(number)


@pytest.mark.parametrize(
    ("raw", "e164", "shown"),
    [
        ("07911 123456", "+447911123456", "07911 123456"),
        ("020 7946 0000", "+442079460000", "020 7946 0000"),
        ("+44 7797 123456", "+447797123456", "07797 123456"),  # Jersey shares +44: national format
        ("+33 1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
        ("0033 1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
        ("+353 87 123 4567", "+353871234567", "+353 87 123 4567"),
        ("+1 202 555 0123", "+12025550123", "+1 202-555-0123"),
    ],
)
def test_real_numbers(raw: str, e164: str, shown: str) -> None:
    assert normalise_phone(raw) == e164
    assert display_phone(e164) == shown


def test_region_reads_numbers_without_a_plus() -> None:
    assert normalise_phone("01 23 45 67 89", region="FR") == "+33123456789"
    assert normalise_phone("01 23 45 67 89", region="fr") == "+33123456789"
    assert normalise_phone("+447700900123", region="FR") == "+447700900123"


@pytest.mark.parametrize("region", ["XX", "", "GBR", None])
def test_bad_region_is_a_programming_error_not_bad_data(region: object) -> None:
    with pytest.raises(ValueError, match="is not a region") as caught:
        normalise_phone("07700 900123", region=region)  # type: ignore[arg-type]
    assert not isinstance(caught.value, NormalisationError)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("+", "it has no digits"),
        ("--", "it has no digits"),
        ("07911 123456 mum", "it contains letters"),
        ("0800 FLOWERS", "it contains letters"),  # keypad letters are not read as digits
        ("<script>alert(1)</script>", "it contains letters"),
        ("07700900123'; DROP TABLE phones;--", "it contains letters"),
        ("00000000000", "not in any range"),
        ("07911 12345", "not in any range"),
        ("07911 925401", "not in any range"),  # right shape, but a block Ofcom has not allocated
        ("123", "too short"),
        ("+44 1", "too short"),
        ("07911123456 / 07922123456", "too long"),
        ("+999 123456", "country code does not exist"),
        ("0" * 100, "too long (100 characters)"),
        (None, "expected text, got NoneType"),
        (7700900123, "expected text, got int"),
    ],
)
def test_rejections_say_what_is_wrong(raw: object, problem: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalise_phone(raw)  # type: ignore[arg-type]
    assert problem in str(caught.value)
    assert "is not a phone number" in str(caught.value)
    assert "expected a UK number such as 07700 900123" in str(caught.value)
    assert caught.value.value == raw


def test_display_rejects_junk() -> None:
    with pytest.raises(InvalidPhone):
        display_phone("not a number")


# --- properties -------------------------------------------------------------------------------

drama_mobiles = st.integers(0, 999).map(lambda n: f"+447700900{n:03d}")
real_gb = st.sampled_from(
    ["+447911123456", "+442079460000", "+441214960000", "+441632960999", "+442896496000"]
)
numbers = st.one_of(drama_mobiles, real_gb)


@st.composite
def written(draw: st.DrawFn, e164: str) -> str:
    """The number as a person might write it."""
    national = "0" + e164[3:]
    base = draw(st.sampled_from([national, e164, "0044" + e164[3:], e164[1:], "+44 (0)" + e164[3:]]))
    seps = st.sampled_from(["", "", "", " ", "-", "."])
    return "".join(c + (draw(seps) if c.isdigit() else "") for c in base).strip(" -.")


@slow_ok
@given(numbers.flatmap(lambda e164: st.tuples(st.just(e164), written(e164))))
def test_written_forms_normalise(pair: tuple[str, str]) -> None:
    e164, raw = pair
    assert normalise_phone(raw) == e164


@slow_ok
@given(numbers)
def test_idempotent_and_display_round_trip(e164: str) -> None:
    assert normalise_phone(e164) == e164
    shown = display_phone(e164)
    assert shown.startswith("0")
    assert normalise_phone(shown) == e164


@slow_ok
@given(st.text())
def test_arbitrary_text_only_raises_normalisation_error(raw: str) -> None:
    try:
        e164 = normalise_phone(raw)
    except NormalisationError:
        return
    assert normalise_phone(e164) == e164
    assert normalise_phone(display_phone(e164)) == e164


@slow_ok
@given(st.text(alphabet="0123456789+ ()-.#x", max_size=25))
def test_digit_soup_only_raises_normalisation_error(raw: str) -> None:
    try:
        e164 = normalise_phone(raw)
    except NormalisationError:
        return
    assert e164.startswith("+")
    assert e164[1:].isdigit()
    assert normalise_phone(e164) == e164
