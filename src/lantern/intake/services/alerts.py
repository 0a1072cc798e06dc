"""Receipt references, and the sanitised warning a sex-worker safety report gives other workers.

An alert must not identify the reporter or the venue: it is built from the structured fields
(the kind of incident, the day and part of the day, a broad area reduced to a postcode district,
the description of the person, their phone, vehicle and advert handle), and the free-text fields
that go into it are scrubbed of the reporter's working name and contact route, the venue, full
postcodes, house-number-and-street addresses, e-mail addresses and any phone number other than
the offender's.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from lantern.engine.normalise import NormalisationError, find_postcodes, normalise_phone, postcode_district
from lantern.intake.inputs import INCIDENT_TYPES, SafetyReportInput

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L or U: read aloud over a phone
_UK = ZoneInfo("Europe/London")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE_LIKE = re.compile(r"(?:\+|\b)\d[\d ()-]{8,16}\d\b")
_STREET = re.compile(
    r"\b(?:flat|apartment|room|unit)?\s*\d+[a-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}"
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|way|drive|dr|court|ct|place|pl|crescent|terrace|grove|gardens|walk|hill|park)\b\.?",
    re.IGNORECASE,
)
REMOVED = "[removed]"


def new_reference(prefix: str = "LAN") -> str:
    """A receipt reference such as ``LAN-7K3F-9QXM``: random, short, unambiguous when read aloud."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def part_of_day(moment: datetime) -> str:
    hour = moment.astimezone(_UK).hour
    return (
        "night"
        if hour < 6 or hour >= 22
        else "morning"
        if hour < 12
        else "afternoon"
        if hour < 18
        else "evening"
    )


def broad_area(area: str, place: str) -> str:
    """A postcode district ("PE1") from the area or the venue, or the area words if they hold no postcode."""
    for text in (area, place):
        codes = find_postcodes(text or "")
        if codes:
            return postcode_district(codes[0])
    words = scrub(area, secrets_=(place,))
    return words[:60]


def scrub(text: str, *, secrets_: tuple[str, ...] = (), keep_phone: str = "") -> str:
    """Free text with anything that could identify the reporter or the venue taken out."""
    out = text or ""
    for secret in sorted((s.strip() for s in secrets_ if s and len(s.strip()) >= 2), key=len, reverse=True):
        out = re.sub(re.escape(secret), REMOVED, out, flags=re.IGNORECASE)
    for code in find_postcodes(out):
        out = re.sub(
            re.escape(code).replace(r"\ ", r"\s*"), postcode_district(code), out, flags=re.IGNORECASE
        )
    out = _EMAIL.sub(REMOVED, out)
    out = _STREET.sub(REMOVED, out)
    return _PHONE_LIKE.sub(lambda m: m.group(0) if _same_phone(m.group(0), keep_phone) else REMOVED, out)


def _same_phone(candidate: str, keep: str) -> bool:
    if not keep:
        return False
    try:
        return normalise_phone(candidate) == normalise_phone(keep)
    except NormalisationError:
        return False


def alert_text(data: SafetyReportInput) -> str:
    """The warning for other workers, in plain words, with nothing about the reporter or the venue."""
    hidden = (data.working_name, data.contact_route, data.place)
    when = data.occurred_at.astimezone(_UK)
    lines = [
        f"Warning: {INCIDENT_TYPES.get(data.incident_type, 'an incident')}, "
        f"{when.strftime('%A')} {when.day} {when.strftime('%B %Y')}, {part_of_day(when)}.",
    ]
    area = broad_area(data.area, data.place)
    if area:
        lines.append(f"Area: {area}.")
    if data.person_description.strip():
        lines.append(f"The person: {scrub(data.person_description, secrets_=hidden, keep_phone=data.phone)}")
    for label, value in (
        ("Phone", data.phone),
        ("Vehicle", data.vrm),
        ("Advert or handle", data.advert_handle),
    ):
        if value.strip():
            lines.append(f"{label}: {scrub(value, secrets_=hidden, keep_phone=data.phone)}")
    return "\n".join(line.strip() for line in lines)
