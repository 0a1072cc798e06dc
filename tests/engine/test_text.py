from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.normalise.text import clean_text, clean_text_arguments


def test_control_characters_go_and_layout_stays():
    assert clean_text("Ann\x00 Lee\x1b[31m\r\n\tok") == "Ann Lee[31m\r\n\tok"


def test_nfc_makes_one_character_of_a_composed_letter():
    assert clean_text("Zoe\u0308") == "Zoë"


@given(st.text())
def test_cleaned_text_has_no_nul_and_is_stable(text):
    cleaned = clean_text(text)
    assert "\x00" not in cleaned
    assert clean_text(cleaned) == cleaned


def test_arguments_are_cleaned_through_lists_and_dicts():
    @clean_text_arguments
    def echo(**kwargs):
        return kwargs

    assert echo(a="x\x00", b=["y\x00"], c={"d": "z\x07"}, e=3) == {
        "a": "x",
        "b": ["y"],
        "c": {"d": "z"},
        "e": 3,
    }
