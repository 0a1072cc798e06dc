# ruff: noqa: RUF001  (look-alike Unicode characters are the point of these tests)
"""Person names: matching keys, tokens, splitting full names, initials."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lantern.engine.normalise import (
    InvalidName,
    NormalisationError,
    initials,
    name_tokens,
    normalise_name,
    split_full_name,
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("John Smith", "john smith"),
        ("JOHN   SMITH", "john smith"),
        ("Zoë", "zoe"),
        ("Zoe\u0308", "zoe"),  # decomposed diaeresis
        ("Łukasz", "lukasz"),
        ("Søren Ørsted", "soren orsted"),
        ("Straße", "strasse"),
        ("Ægir Œdipus", "aegir oedipus"),
        ("Đorđe", "dorde"),
        ("Işıl", "isil"),
        ("İlknur", "ilknur"),  # Turkish dotted capital I
        ("Þóra Guðmundsdóttir", "thora gudmundsdottir"),
        ("François Müller-Lüdenscheidt", "francois muller ludenscheidt"),
        ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
        ("Ǆemal", "dzemal"),
        ("Ｊｏｈｎ Ｓｍｉｔｈ", "john smith"),  # fullwidth
        ("ﬁona", "fiona"),  # ligature
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),  # typographic apostrophe
        ("D`Arcy", "darcy"),
        ("Smith-Jones", "smith jones"),
        ("Smith–Jones", "smith jones"),  # en dash
        ("Mr John Smith", "john smith"),
        ("MRS. JANE SMITH", "jane smith"),
        ("Dr. John Smith Jr.", "john smith"),
        ("Rev Dr Martin Luther King III", "martin luther king"),
        ("Mx Sam Jones", "sam jones"),
        ("Miss Jane Doe", "jane doe"),
        ("SMITH, Mr John", "smith john"),
        ("Peter Lord", "peter lord"),  # a title word as a surname is kept
        ("Lady Jane Grey", "jane grey"),
        ("John Smith II", "john smith"),
        ("J.P. Smith", "j p smith"),
        ("John 'Jonny' Smith", "john jonny smith"),
        ("\x00John\tSmith\r\n", "john smith"),
        ("John\u200bSmith", "johnsmith"),  # zero-width space is invisible, not a separator
        ("John\u00a0Smith", "john smith"),
        ("Иван Петров", "иван петров"),  # other scripts are kept, not dropped
        ("Ёлка", "елка"),
        ("김민준", "김민준"),
        ("कुमार", "कुमार"),  # Devanagari vowel signs are part of the letters
        ("محمد", "محمد"),
        ("<script>alert('x')</script>", "script alert x script"),
        ("Robert'); DROP TABLE Students;--", "robert drop table students"),
        ("", ""),
        ("   ", ""),
        ("Mr", ""),
        ("Mr.  Jr.", ""),
        ("!!!", ""),
    ],
)
def test_normalise_name(raw: str, key: str) -> None:
    assert normalise_name(raw) == key


def test_hyphenated_matches_spaced() -> None:
    assert normalise_name("Anna Smith-Jones") == normalise_name("anna smith jones")
    assert normalise_name("O'Brien") == normalise_name("OBrien")


def test_name_tokens() -> None:
    assert name_tokens("Mrs Zoë O'Brien-Łukasz") == ["zoe", "obrien", "lukasz"]
    assert name_tokens("") == []


@pytest.mark.parametrize(
    ("raw", "given", "family"),
    [
        ("John Smith", "john", "smith"),
        ("John Paul Smith", "john paul", "smith"),
        ("SMITH, John", "john", "smith"),
        ("Smith,John Paul", "john paul", "smith"),
        ("SMITH, Mr John", "john", "smith"),
        ("LORD, Peter", "peter", "lord"),
        ("Smith Jr, John", "john", "smith"),
        ("John Smith, Jr.", "john", "smith"),
        ("SMITH John Paul", "john paul", "smith"),  # police style: surname in capitals first
        ("VAN DER BERG Anna", "anna", "van der berg"),
        ("JOHN SMITH", "john", "smith"),
        ("John SMITH", "john", "smith"),
        ("JP Smith", "jp", "smith"),  # capitals without a vowel are initials
        ("Mr John Smith", "john", "smith"),
        ("Dr. John Smith Jr.", "john", "smith"),
        ("Peter Lord", "peter", "lord"),
        ("Anna Smith-Jones", "anna", "smith jones"),
        ("Ludwig van Beethoven", "ludwig", "van beethoven"),
        ("Maria de la Cruz", "maria", "de la cruz"),
        ("Van Morrison", "van", "morrison"),
        ("John 'Jonny' Smith", "john", "smith"),
        ('John "JJ" Smith', "john", "smith"),
        ("SMITH, John (aka Jonny)", "john", "smith"),
        ("Seán Ó Briain", "sean", "o briain"),
        ("Madonna", "", "madonna"),
        ("Mr", "", ""),
        ("", "", ""),
        ("Иван Петров", "иван", "петров"),
    ],
)
def test_split_full_name(raw: str, given: str, family: str) -> None:
    assert split_full_name(raw) == (given, family)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("john paul", "jp"),
        ("John Paul", "jp"),
        ("Jean-Luc", "jl"),
        ("Mr John", "j"),
        ("", ""),
        ("Élodie", "e"),
    ],
)
def test_initials(given: str, expected: str) -> None:
    assert initials(given) == expected


@pytest.mark.parametrize("raw", [None, 12, b"John"])
def test_non_text_raises_normalisation_error(raw: object) -> None:
    for function in (normalise_name, name_tokens, split_full_name, initials):
        with pytest.raises(NormalisationError, match="expected text") as caught:
            function(raw)  # type: ignore[arg-type]
        assert isinstance(caught.value, InvalidName)


# --- properties -------------------------------------------------------------------------------

latin_words = st.lists(st.from_regex(r"\A[A-Za-zÀ-ÖØ-öø-ÿ]{2,10}\Z"), min_size=1, max_size=4)


@given(st.text())
def test_never_raises_and_is_idempotent(raw: str) -> None:
    key = normalise_name(raw)
    assert normalise_name(key) == key
    assert key == key.strip()
    assert "  " not in key
    assert name_tokens(raw) == key.split()


@given(st.text(alphabet=st.characters(codec="latin-1", exclude_characters="µ")))  # µ is Greek mu
def test_latin_text_folds_to_ascii(raw: str) -> None:
    key = normalise_name(raw)
    assert key.isascii()
    assert key == key.lower()


@given(latin_words)
def test_hyphen_space_and_case_equivalent(words: list[str]) -> None:
    assert (
        normalise_name("-".join(words))
        == normalise_name(" ".join(words))
        == normalise_name(" ".join(words).upper())
    )


@given(st.text())
def test_split_and_initials_never_raise(raw: str) -> None:
    given_names, family = split_full_name(raw)
    for part in (given_names, family):
        assert part == " ".join(part.split())
        assert set(normalise_name(part).split()) <= set(part.split())
    assert len(initials(given_names)) == len(name_tokens(given_names))


@given(latin_words, st.from_regex(r"\A[A-Za-z]{2,12}\Z"))
def test_comma_form_splits_at_the_comma(given_words: list[str], surname: str) -> None:
    given_names = " ".join(given_words)
    assume(normalise_name(given_names) and normalise_name(surname) == surname.lower())  # no bare titles
    assert split_full_name(f"{surname.upper()}, {given_names}") == (
        normalise_name(given_names),
        surname.lower(),
    )
