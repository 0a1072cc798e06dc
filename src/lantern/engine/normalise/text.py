"""Free text made safe to store: no NUL or other control characters, Unicode in NFC form."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import wraps

# C0 and C1 control characters except tab, newline and carriage return. PostgreSQL refuses NUL in
# text, and the rest only ever arrive by accident or to cause trouble in a later export.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """The text without control characters, in NFC form (so "é" is one character however typed)."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", value))


def clean_value(value):
    """``clean_text`` applied through strings, lists and tuples of strings, and dict values."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return type(value)(clean_text(item) for item in value)
    if isinstance(value, dict):
        return {key: clean_value(item) for key, item in value.items()}
    return value


def clean_text_arguments(function: Callable) -> Callable:
    """Clean every keyword argument's text before a write function sees it."""

    @wraps(function)
    def wrapped(*args, **kwargs):
        return function(*args, **{name: clean_value(value) for name, value in kwargs.items()})

    return wrapped
