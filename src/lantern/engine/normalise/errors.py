"""Errors raised by the normalisers.

Every normaliser raises a subclass of :class:`NormalisationError` (itself a ``ValueError``) for bad
input, including non-text input such as ``None`` or a float NaN from a data frame, so a row-level
loader needs exactly one ``except NormalisationError``. The message names the value, what is wrong
and what was expected; the raw input is kept on ``.value``.

Messages quote (a truncated ``repr`` of) the raw value, which may be personal data: log them with
the same care as the data itself.
"""

from __future__ import annotations

from typing import ClassVar

_PREVIEW_CHARS = 60


def _preview(value: object) -> str:
    """``repr`` of the value, cut short so a megabyte of junk does not end up in a log line."""
    if isinstance(value, str) and len(value) > _PREVIEW_CHARS:
        return f"{value[:_PREVIEW_CHARS]!r}... ({len(value)} characters)"
    return repr(value)


class NormalisationError(ValueError):
    """A value could not be normalised. ``.value`` is the raw input, ``.problem`` the specific fault."""

    what: ClassVar[str] = "a valid value"
    expected: ClassVar[str] = ""

    def __init__(self, value: object, problem: str = "") -> None:
        self.value = value
        self.problem = problem
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{_preview(self.value)} is not {self.what}"
        detail = "; ".join(
            part for part in (self.problem, self.expected and f"expected {self.expected}") if part
        )
        return f"{head}: {detail}" if detail else head

    def __reduce__(self) -> tuple[type[NormalisationError], tuple[object, str]]:
        # The default pickling re-calls cls(*args) with the message; keep value and problem
        # instead so the error survives multiprocessing pools intact.
        return (type(self), (self.value, self.problem))


class InvalidVRM(NormalisationError):
    what = "a UK vehicle registration"
    expected = "a format such as AB12 CDE, A123 BCD, ABC 123D or 1234 AB"


class InvalidPhone(NormalisationError):
    what = "a phone number"
    expected = "a UK number such as 07700 900123 or an international number such as +33 1 23 45 67 89"


class InvalidPostcode(NormalisationError):
    what = "a UK postcode"
    expected = "a format such as PE1 1AA, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT or SW1A 1AA"


class InvalidEmail(NormalisationError):
    what = "an e-mail address"
    expected = "a form such as name@example.com"


class InvalidHandle(NormalisationError):
    what = "an online handle"
    expected = "a user name such as @example_user"


class InvalidName(NormalisationError):
    """Only for non-text input: normalise_name accepts any text."""

    what = "a name"


def require_text(value: object, error: type[NormalisationError]) -> str:
    """Return ``value`` if it is a ``str``; otherwise raise ``error`` (nulls arrive as None/NaN)."""
    if isinstance(value, str):
        return value
    raise error(value, f"expected text, got {type(value).__name__}")
