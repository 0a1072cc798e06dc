# ruff: noqa: RUF001  (look-alike Unicode characters are the point of these tests)
"""E-mail addresses and online handles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.normalise import (
    InvalidEmail,
    NormalisationError,
    normalise_email,
    normalise_handle,
)
from lantern.engine.normalise.errors import InvalidHandle


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("jane@example.com", "jane@example.com"),
        ("  Jane.Doe@Example.COM  ", "jane.doe@example.com"),
        ("jane.doe+tag@example.co.uk", "jane.doe+tag@example.co.uk"),  # dots and tags are kept
        ("j.a.n.e@gmail.com", "j.a.n.e@gmail.com"),
        ("Jane Doe <Jane@Example.com>", "jane@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("mailto:JANE@EXAMPLE.COM", "jane@example.com"),
        ('"jane@example.com"', "jane@example.com"),
        ("(jane@example.com).", "jane@example.com"),
        ("'jane@example.com'", "jane@example.com"),
        ("'jane@example.com.'", "jane@example.com"),
        ("'jane'@example.com", "'jane'@example.com"),
        ("jane@example.com,", "jane@example.com"),
        ("jane@example.com.", "jane@example.com"),
        ("jane@sub-domain.example.org", "jane@sub-domain.example.org"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("jane@münchen.de", "jane@münchen.de"),  # internationalised domain kept as written
        ("ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "jane@example.com"),  # fullwidth
        ("jane\u200b@example.com", "jane@example.com"),  # zero-width space
        ("\tjane@example.com\r\n", "jane@example.com"),
    ],
)
def test_normalise_email(raw: str, norm: str) -> None:
    assert normalise_email(raw) == norm


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "it is empty"),
        ("  ", "it is empty"),
        ("jane", "it has no @"),
        ("jane(at)example.com", "it has no @"),
        ("a@b@example.com", "it has more than one @"),
        ("@example.com", "there is nothing before the @"),
        ("jane@", "its domain '' has no dot"),
        ("jane@localhost", "its domain 'localhost' has no dot"),
        ("jane@.com", "its domain '.com' is not a domain name"),
        ("jane@example..com", "is not a domain name"),
        ("jane@-example.com", "is not a domain name"),
        ("jane@exa_mple.com", "is not a domain name"),
        ("jane@127.0.0.1", "is not a domain name"),
        ("jane doe@example.com", "the part before the @ contains ' '"),
        ("<script>@example.com", "the part before the @ contains '>'"),
        ("jane@example.com'; DROP TABLE emails;--", "is not a domain name"),
        ("jane\x00@example.com", "the part before the @ contains '\\x00'"),
        ("j" * 65 + "@example.com", "it is too long"),
        ("j" * 600 + "@example.com", "it is too long (612 characters)"),
        (None, "expected text, got NoneType"),
    ],
)
def test_email_rejections_say_what_is_wrong(raw: object, problem: str) -> None:
    with pytest.raises(InvalidEmail) as caught:
        normalise_email(raw)  # type: ignore[arg-type]
    assert problem in str(caught.value)
    assert "is not an e-mail address" in str(caught.value)
    assert "expected a form such as name@example.com" in str(caught.value)
    assert caught.value.value is raw


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("@Some_User", "some_user"),
        ("some_user", "some_user"),
        ("  @@Some_User  ", "some_user"),
        ("@ Some  User", "some user"),
        ("Some\tUser\n", "some user"),
        ("Ｓｏｍｅ＿Ｕｓｅｒ", "some_user"),
        ("@jöhn.doe", "jöhn.doe"),
        ("snap\u200bchat_user", "snapchat_user"),
        ("user@example.com", "user@example.com"),
    ],
)
def test_normalise_handle(raw: str, norm: str) -> None:
    assert normalise_handle(raw) == norm


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("", "it is empty"), ("@", "it is empty"), ("  @ @  ", "it is empty"), ("\u200b", "it is empty"),
     ("x" * 300, "too long"), (None, "expected text")],
)  # fmt: skip
def test_handle_rejections(raw: object, problem: str) -> None:
    with pytest.raises(NormalisationError, match=problem) as caught:
        normalise_handle(raw)  # type: ignore[arg-type]
    assert isinstance(caught.value, InvalidHandle)
    assert "is not an online handle" in str(caught.value)


# --- properties -------------------------------------------------------------------------------

emails = st.emails()


@given(emails)
def test_generated_emails_normalise_and_are_idempotent(raw: str) -> None:
    try:
        norm = normalise_email(raw)
    except InvalidEmail:
        # st.emails() follows RFC 5322 loosely; only quoted-string style local parts may be refused.
        assert (
            any(c in raw.split("@")[0] for c in '<>()[]\\,;:"') or raw.split("@")[1].split(".")[-1].isdigit()
        )
        return
    assert norm == raw.lower()
    assert normalise_email(norm) == norm


@given(emails, st.sampled_from(["", " ", "<", '"', "("]), st.booleans())
def test_wrapping_and_case_do_not_matter(raw: str, wrap: str, upper: bool) -> None:
    closing = {"": "", " ": " ", "<": ">", '"': '"', "(": ")."}[wrap]
    try:
        norm = normalise_email(raw)
    except InvalidEmail:
        return
    wrapped = f"{wrap}{raw.upper() if upper else raw}{closing}"
    assert normalise_email(wrapped) == norm


@given(st.text())
def test_email_arbitrary_text_only_raises_normalisation_error(raw: str) -> None:
    try:
        norm = normalise_email(raw)
    except NormalisationError:
        return
    assert normalise_email(norm) == norm
    assert norm.count("@") == 1


@given(st.text())
def test_handle_arbitrary_text_only_raises_normalisation_error(raw: str) -> None:
    try:
        norm = normalise_handle(raw)
    except NormalisationError:
        return
    assert normalise_handle(norm) == norm
    assert norm and not norm.startswith("@") and norm == norm.strip()
