# ruff: noqa: RUF001  (look-alike Unicode characters are the point of these tests)
"""UK vehicle registration marks: formats, real-world mess, ANPR confusion keys."""

from __future__ import annotations

import pickle
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.normalise import (
    InvalidVRM,
    NormalisationError,
    display_vrm,
    normalise_vrm,
    vrm_confusion_key,
    vrm_format,
)

CURRENT = r"[A-Z]{2}[0-9]{2}[A-Z]{3}"
PREFIX = r"[A-Z][1-9][0-9]{0,2}[A-Z]{3}"
SUFFIX = r"[A-Z]{3}[1-9][0-9]{0,2}[A-Z]"
NI = r"[A-Z]?(?:[IZ][A-Z]|[A-Z][IZ])[1-9][0-9]{0,3}"
DATELESS_GB = (  # letters without I and Z, which would make them Northern Irish
    r"[A-HJ-Y]{1,2}[1-9][0-9]{0,3}|[A-HJ-Y]{3}[1-9][0-9]{0,2}"
    r"|[1-9][0-9]{0,3}[A-Z]{1,2}|[1-9][0-9]{0,2}[A-Z]{3}"
)

valid_plates = st.one_of(
    st.from_regex(rf"\A(?:{pattern})\Z") for pattern in (CURRENT, PREFIX, SUFFIX, NI, DATELESS_GB)
)


@st.composite
def messy(draw: st.DrawFn, plate: str) -> str:
    """The plate as a source might type it: any case, stray separators, wrapping junk."""
    chars = [c.lower() if draw(st.booleans()) else c for c in plate]
    seps = st.sampled_from(["", "", " ", "-", ".", "  ", "\t", "\u00a0", "\u200b"])
    body = "".join(c + draw(seps) for c in chars)
    wrappers = [("", ""), (" ", "  "), ('"', '"'), ("(", ")."), ("[", "]"), ("'", "'")]
    left, right = draw(st.sampled_from(wrappers))
    return f"{left}{body}{right}"


# --- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "norm", "fmt", "shown"),
    [
        ("AB12 CDE", "AB12CDE", "current", "AB12 CDE"),
        ("ab12cde", "AB12CDE", "current", "AB12 CDE"),
        ("AB51ABC", "AB51ABC", "current", "AB51 ABC"),
        ("A123 BCD", "A123BCD", "prefix", "A123 BCD"),
        ("a1 bcd", "A1BCD", "prefix", "A1 BCD"),
        ("Q123 ABC", "Q123ABC", "prefix", "Q123 ABC"),
        ("ABC 123D", "ABC123D", "suffix", "ABC 123D"),
        ("abc1d", "ABC1D", "suffix", "ABC 1D"),
        ("A 1", "A1", "dateless", "A 1"),
        ("AB 1234", "AB1234", "dateless", "AB 1234"),
        ("ABC 123", "ABC123", "dateless", "ABC 123"),
        ("1234 AB", "1234AB", "dateless", "1234 AB"),
        ("123 ABC", "123ABC", "dateless", "123 ABC"),
        ("1 A", "1A", "dateless", "1 A"),
        ("ABZ 1234", "ABZ1234", "northern_ireland", "ABZ 1234"),
        ("BIG 1", "BIG1", "northern_ireland", "BIG 1"),
        ("IA 1", "IA1", "northern_ireland", "IA 1"),
        ("OI 9999", "OI9999", "northern_ireland", "OI 9999"),
    ],
)
def test_real_formats(raw: str, norm: str, fmt: str, shown: str) -> None:
    assert normalise_vrm(raw) == norm
    assert vrm_format(norm) == fmt
    assert display_vrm(norm) == shown
    assert display_vrm(raw) == shown  # raw input is accepted too


@pytest.mark.parametrize(
    "raw",
    [
        "  AB12 CDE  ",
        "ab12-cde",
        "AB.12.CDE",
        "AB_12_CDE",
        '"AB12 CDE"',
        "(AB12CDE).",
        "[ab12 cde]",
        "AB12\tCDE\n",
        "AB12\u00a0CDE",  # no-break space
        "AB12\u200bCDE",  # zero-width space from copy and paste
        "\ufeffAB12CDE",  # byte-order mark
        "AB12\u2013CDE",  # en dash
        "ＡＢ１２ ＣＤＥ",  # fullwidth
        "ａｂ１２ｃｄｅ",
        "\x00AB12CDE\x00",
        " " * 30 + "AB12CDE",  # padded fixed-width column
    ],
)
def test_mess_around_a_current_plate(raw: str) -> None:
    assert normalise_vrm(raw) == "AB12CDE"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("--", "it is empty"),
        ("12345", "it has no letters"),
        ("1234567", "it has no letters"),
        ("ABCDEFG", "it has no digits"),
        ("AB12CDEF", "it has 8 letters and digits"),
        ("AB12<>CDE", "it contains '<'"),
        ("<script>alert(1)</script>", "it contains '>'"),
        ("AB12CDE'; DROP TABLE vehicles;--", "it contains"),
        ("AB12\x00CDE", "it contains '\\x00'"),
        ("AB12 CDÉ", "it contains 'É'"),
        ("А В12 CDE", "it contains"),  # Cyrillic look-alikes are not letters of a UK plate
        ("X" * 500, "it is too long (500 characters)"),
        (None, "expected text, got NoneType"),
        (float("nan"), "expected text, got float"),
    ],
)
def test_rejections_say_what_is_wrong(raw: object, problem: str) -> None:
    with pytest.raises(InvalidVRM) as caught:
        normalise_vrm(raw)  # type: ignore[arg-type]
    message = str(caught.value)
    assert problem in message
    assert "is not a UK vehicle registration" in message
    assert "expected a format such as AB12 CDE, A123 BCD, ABC 123D or 1234 AB" in message
    assert caught.value.value is raw


NEVER_ISSUED = ["AB12 CD", "A0 BCD", "A1234 BCD", "ABC 0D", "AB 01", "0123 AB", "ABCD 123", "AB 12345"]
NEVER_ISSUED += ["ABC 1234", "1234 ABC"]


@pytest.mark.parametrize("raw", NEVER_ISSUED)
def test_shapes_the_dvla_never_issued(raw: str) -> None:
    with pytest.raises(InvalidVRM):
        normalise_vrm(raw)


def test_message_matches_the_documented_example() -> None:
    with pytest.raises(InvalidVRM) as caught:
        normalise_vrm("AB12 CD")
    assert str(caught.value) == (
        "'AB12 CD' is not a UK vehicle registration: expected a format such as AB12 CDE, A123 BCD, "
        "ABC 123D or 1234 AB"
    )


def test_errors_are_value_errors_and_survive_pickling() -> None:
    with pytest.raises(ValueError, match="not a UK vehicle registration") as caught:
        normalise_vrm("nope!")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert isinstance(copy, InvalidVRM)
    original = caught.value
    assert (copy.value, copy.problem, str(copy)) == (original.value, original.problem, str(original))


def test_long_values_are_truncated_in_messages() -> None:
    with pytest.raises(InvalidVRM) as caught:
        normalise_vrm("A" * 10_000)
    assert len(str(caught.value)) < 300
    assert caught.value.value == "A" * 10_000


def test_confusion_key_examples() -> None:
    assert vrm_confusion_key("AB12 CDE") == "A812CDE"
    assert vrm_confusion_key("A812 CDE") == "A812CDE"
    assert vrm_confusion_key("SO51 ZIB") == "5051218"
    assert vrm_confusion_key("5O5I 2I8") == "5051218"
    assert vrm_confusion_key("ab12-cde") == vrm_confusion_key("AB12CDE")


def test_confusion_key_accepts_invalid_misreads() -> None:
    assert vrm_confusion_key("AB1 2CDE9") == "A812CDE9"
    assert vrm_confusion_key("0000") == "0000"


@pytest.mark.parametrize("raw", ["", "   ", "-- ..", None])
def test_confusion_key_rejects_only_empty(raw: object) -> None:
    with pytest.raises(InvalidVRM):
        vrm_confusion_key(raw)  # type: ignore[arg-type]


def test_package_does_not_import_django() -> None:
    code = (
        "import sys, lantern.engine.normalise as n; "
        "n.normalise_vrm('AB12CDE'); n.normalise_phone('07700 900123'); "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- properties -------------------------------------------------------------------------------


@given(valid_plates)
def test_valid_plates_are_fixed_points(plate: str) -> None:
    assert normalise_vrm(plate) == plate


@given(valid_plates.flatmap(lambda plate: st.tuples(st.just(plate), messy(plate))))
def test_mess_normalises_to_the_plate(pair: tuple[str, str]) -> None:
    plate, raw = pair
    assert normalise_vrm(raw) == plate


@given(valid_plates)
def test_display_round_trip(plate: str) -> None:
    shown = display_vrm(plate)
    assert shown.count(" ") == 1
    assert normalise_vrm(shown) == plate
    assert vrm_format(shown) == vrm_format(plate)


@given(st.text())
def test_arbitrary_text_only_raises_normalisation_error(raw: str) -> None:
    try:
        norm = normalise_vrm(raw)
    except NormalisationError:
        return
    assert normalise_vrm(norm) == norm  # idempotent
    assert norm.isascii() and norm.isalnum() and norm == norm.upper()
    assert len(norm) <= 7


@given(st.text(alphabet=st.characters(codec="ascii")))
def test_arbitrary_ascii_only_raises_normalisation_error(raw: str) -> None:
    try:
        norm = normalise_vrm(raw)
    except NormalisationError:
        return
    assert normalise_vrm(norm) == norm


CONFUSABLE = dict(zip("0O1I5S8B2Z", "O0I1S5B8Z2", strict=True))


@given(valid_plates, st.data())
def test_confusion_key_ignores_anpr_misreads(plate: str, data: st.DataObject) -> None:
    misread = "".join(CONFUSABLE[c] if c in CONFUSABLE and data.draw(st.booleans()) else c for c in plate)
    spaced = data.draw(messy(misread))
    assert vrm_confusion_key(spaced) == vrm_confusion_key(plate)


@given(st.text())
def test_confusion_key_never_raises_except_on_empty(raw: str) -> None:
    try:
        key = vrm_confusion_key(raw)
    except NormalisationError:
        assert not any(c.isalnum() for c in unicodedata.normalize("NFKC", raw))
        return
    assert key
    assert vrm_confusion_key(key) == key
    assert not set(key) & set("OISBZ")


@given(st.from_regex(r"\A[A-Z0-9]{1,8}\Z"))
def test_confusion_key_of_alphanumerics_never_raises(raw: str) -> None:
    assert len(vrm_confusion_key(raw)) == len(raw)
