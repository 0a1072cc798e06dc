"""Normalisers for identifiers that link records: plates, phones, postcodes, names, e-mail, handles.

Plain Python (no Django): pure functions, safe to run per row over millions of rows. Each
``normalise_*`` returns one canonical string or raises a :class:`NormalisationError` subclass,
including for non-text input such as ``None``; ``normalise_name`` never fails on text.
"""

from .contact import normalise_email, normalise_handle
from .errors import (
    InvalidEmail,
    InvalidHandle,
    InvalidName,
    InvalidPhone,
    InvalidPostcode,
    InvalidVRM,
    NormalisationError,
)
from .names import initials, name_tokens, normalise_name, split_full_name
from .phone import display_phone, normalise_phone
from .postcode import (
    find_postcodes,
    normalise_postcode,
    postcode_area,
    postcode_district,
    postcode_sector,
)
from .vrm import display_vrm, normalise_vrm, vrm_confusion_key, vrm_format

__all__ = [
    "InvalidEmail",
    "InvalidHandle",
    "InvalidName",
    "InvalidPhone",
    "InvalidPostcode",
    "InvalidVRM",
    "NormalisationError",
    "display_phone",
    "display_vrm",
    "find_postcodes",
    "initials",
    "name_tokens",
    "normalise_email",
    "normalise_handle",
    "normalise_name",
    "normalise_phone",
    "normalise_postcode",
    "normalise_vrm",
    "postcode_area",
    "postcode_district",
    "postcode_sector",
    "split_full_name",
    "vrm_confusion_key",
    "vrm_format",
]
