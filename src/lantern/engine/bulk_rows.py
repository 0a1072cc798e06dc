"""The columns each bulk file kind takes, how headers are matched to them, and per-row validation.

Plain Python (no Django). A row is validated as a whole: every problem is reported with the column
it came from and a reason a person can act on, so a quarantined row can be fixed and imported
again. Placeholders that records systems write for "not known" (``N/K``, ``unknown``, ``-``) are
read as empty, not as errors: refusing them would quarantine half of a real person index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from lantern.engine.normalise import (
    NormalisationError,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
)
from lantern.engine.normalise.text import clean_text


@dataclass(frozen=True)
class FieldSpec:
    name: str
    help: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


PERSON_FIELDS = (
    FieldSpec("source", "the system the record comes from (a short code)", True, ("system", "sourcesystem")),
    FieldSpec(
        "record_id",
        "the record's id in that system",
        True,
        ("id", "recordid", "ref", "reference", "personid", "urn", "nominalid", "pncid", "personref"),
    ),
    FieldSpec(
        "first_name", "forename(s)", False, ("forename", "forenames", "firstname", "givenname", "given")
    ),
    FieldSpec("surname", "family name", False, ("lastname", "familyname", "surname", "last")),
    FieldSpec(
        "dob",
        "date of birth, YYYY-MM-DD or DD/MM/YYYY",
        False,
        ("dateofbirth", "birthdate", "born", "birthday"),
    ),
    FieldSpec("gender", "female, male, other or empty", False, ("sex",)),
    FieldSpec("address", "the address as written", False, ("address1", "addressline1", "street", "addr")),
    FieldSpec("postcode", "UK postcode", False, ("postalcode", "zip", "post")),
    FieldSpec("phone", "a phone number", False, ("telephone", "tel", "mobile", "phonenumber", "telno")),
    FieldSpec(
        "vrm", "a vehicle registration", False, ("registration", "reg", "vehicle", "numberplate", "plate")
    ),
    FieldSpec("email", "an e-mail address", False, ("emailaddress", "mail")),
)
VEHICLE_FIELDS = (
    FieldSpec("source", "the system the record comes from (a short code)", True, ("system",)),
    FieldSpec("vrm", "the vehicle registration", True, ("registration", "reg", "numberplate", "plate")),
    FieldSpec("make", "make", False, ("manufacturer",)),
    FieldSpec("model", "model", False),
    FieldSpec("colour", "colour", False, ("color",)),
    FieldSpec(
        "keeper_record_id",
        "the record_id of the person (same source) who keeps or uses it",
        False,
        ("keeper", "owner", "personid", "ownerid", "keeperid", "user"),
    ),
)
REPORT_FIELDS = (
    FieldSpec("source", "the system the report comes from (a short code)", True, ("system",)),
    FieldSpec("record_id", "the report's reference in that system", True, ("id", "ref", "reference", "urn")),
    FieldSpec(
        "occurred_at",
        "when: 2026-10-03T22:15+01:00 (with a UTC offset), or 03/10/2026 22:15 in UK time",
        True,
        ("date", "datetime", "when", "occurred", "time", "reportdate", "dateandtime"),
    ),
    FieldSpec("text", "the report as received", True, ("report", "details", "body", "narrative", "intel")),
    FieldSpec(
        "sanitised_text",
        "the text safe to share; if empty, officers see no text until an analyst sanitises it",
        False,
        ("sanitised", "sanitized", "sanitisedtext", "sanitizedtext"),
    ),
    FieldSpec(
        "grade",
        "3x5x2 (2CP, 1A C) or 5x5x5 (B23, B/2/3), mapped to 3x5x2",
        True,
        ("grading", "evaluation", "intelgrade", "3x5x2", "5x5x5"),
    ),
    FieldSpec(
        "handling_conditions", "conditions on sharing (needed for handling code C)", False, ("conditions",)
    ),
    FieldSpec("postcode", "where (postcode)", False),
    FieldSpec("address", "where (address)", False, ("location", "place")),
)
FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "persons": PERSON_FIELDS,
    "vehicles": VEHICLE_FIELDS,
    "reports": REPORT_FIELDS,
}


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """{field: header} for the headers that name a field (exactly, or by a common synonym)."""
    by_key = {header_key(h): h for h in headers}
    mapping: dict[str, str] = {}
    for spec in FIELDS[kind]:
        for candidate in (spec.name, *spec.synonyms):
            header = by_key.get(header_key(candidate))
            if header is not None and header not in mapping.values():
                mapping[spec.name] = header
                break
    return mapping


def check_mapping(kind: str, mapping: dict[str, str], headers: list[str]) -> list[str]:
    """What is wrong with a mapping, as sentences (empty when it can be used)."""
    problems = []
    fields = {spec.name: spec for spec in FIELDS[kind]}
    for name, header in mapping.items():
        if name not in fields:
            problems.append(f"{name!r} is not a field of a {kind} file ({', '.join(fields)}).")
        elif header not in headers:
            problems.append(f"{name}: the file has no column {header!r}.")
    missing = [spec.name for spec in FIELDS[kind] if spec.required and not mapping.get(spec.name)]
    if missing:
        problems.append(f"choose the column for {', '.join(missing)} (required).")
    return problems


# ------------------------------------------------------------------ cell readers

MAX_REPORT = 20_000  # characters of report text
_NOT_KNOWN = frozenset(
    {"n/k", "nk", "n/a", "na", "none", "null", "nil", "unknown", "not known", "-", "--", "?"}
)
_NAME_NOT_KNOWN = frozenset({"n/k", "nk", "not known", "unknown", "null", "-", "--", "?"})
_SOURCE = re.compile(r"[^a-z0-9]+")
_GENDERS = {
    "f": "female",
    "female": "female",
    "woman": "female",
    "w": "female",
    "m": "male",
    "male": "male",
    "man": "male",
    "x": "other",
    "other": "other",
    "nonbinary": "other",
    "non-binary": "other",
    "u": "",
    "unknown": "",
    "not known": "",
    "not stated": "",
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y")


class CellError(ValueError):
    """One cell's problem; the message is the reason shown in the quarantine."""


def text(value: str | None, limit: int, *, names: bool = False) -> str:
    if value is None:
        return ""
    cleaned = clean_text(value).strip()
    if cleaned[:1] == "'" and cleaned[1:2] in ("=", "+", "-", "@"):
        # A spreadsheet's "treat as text" mark (Lantern's own CSV exports add it before these
        # characters so they are never run as formulas): the value is what follows it.
        cleaned = cleaned[1:]
    if cleaned.lower() in (_NAME_NOT_KNOWN if names else _NOT_KNOWN):
        return ""
    if len(cleaned) > limit:
        raise CellError(f"longer than {limit} characters ({len(cleaned)})")
    return cleaned


def source_code(value: str | None) -> str:
    code = _SOURCE.sub("-", text(value, 64).lower()).strip("-")
    if not code:
        raise CellError("empty: every row needs the code of the system it comes from")
    return code


def record_id(value: str | None) -> str:
    ref = text(value, 100)
    if not ref:
        raise CellError("empty: every row needs its id in the source system")
    return ref


def birth_date(value: str | None, today: date) -> date | None:
    raw = text(value, 40)
    if not raw:
        return None
    raw = raw.removesuffix(" 00:00:00").removesuffix("T00:00:00")
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(raw, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise CellError(f"{raw!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY")
    if not date(1900, 1, 1) <= parsed <= today:
        raise CellError(f"{parsed.isoformat()} is not between 1900-01-01 and today")
    return parsed


def gender(value: str | None) -> str:
    raw = text(value, 20).lower()
    if not raw:
        return ""
    if raw not in _GENDERS:
        raise CellError(f"{raw!r} is not a gender Lantern records: use female, male, other or leave empty")
    return _GENDERS[raw]


def normalised(normaliser: Callable[[str], str], value: str | None, limit: int = 200) -> tuple[str, str]:
    """(normalised, as written); ('', '') for an empty cell."""
    raw = text(value, limit)
    if not raw:
        return "", ""
    try:
        return normaliser(raw), raw
    except NormalisationError as exc:
        raise CellError(str(exc)) from None


# ------------------------------------------------------------------ rows


@dataclass(frozen=True, slots=True)
class PersonRow:
    row_number: int
    source: str
    record_id: str
    given_names: str
    family_name: str
    date_of_birth: date | None
    gender: str
    address: str
    postcode: str
    postcode_as_written: str
    phone: str
    phone_as_written: str
    vrm: str
    vrm_as_written: str
    email: str
    email_as_written: str


@dataclass(frozen=True, slots=True)
class VehicleRow:
    row_number: int
    source: str
    vrm: str
    vrm_as_written: str
    make: str
    model: str
    colour: str
    keeper_record_id: str


Problems = list[tuple[str, str]]  # (column header, reason)


class RowReader:
    """Reads rows of one kind through a mapping, collecting every problem of a row at once."""

    def __init__(self, mapping: dict[str, str], headers: list[str], *, today: date):
        self.positions = {name: headers.index(header) for name, header in mapping.items() if header}
        self.mapping = mapping
        self.width = len(headers)
        self.today = today

    def cells(self, row: list[str | None]) -> dict[str, str | None]:
        return {name: (row[i] if i < len(row) else None) for name, i in self.positions.items()}

    def shape_problem(self, row: list[str | None]) -> Problems:
        if len(row) > self.width and any(cell is not None for cell in row[self.width :]):
            return [("(row)", f"has {len(row)} cells but the header names {self.width}: an unquoted comma?")]
        return []

    def read(self, row: list[str | None], readers: dict[str, Callable]) -> tuple[dict, Problems]:
        problems = self.shape_problem(row)
        cells = self.cells(row)
        values = {}
        for name, reader in readers.items():
            try:
                values[name] = reader(cells.get(name))
            except CellError as exc:
                problems.append((self.mapping.get(name, name), str(exc)))
        return values, problems


def read_person(
    reader: RowReader, row: list[str | None], row_number: int
) -> tuple[PersonRow | None, Problems]:
    values, problems = reader.read(
        row,
        {
            "source": source_code,
            "record_id": record_id,
            "first_name": lambda v: text(v, 200, names=True),
            "surname": lambda v: text(v, 200, names=True),
            "dob": lambda v: birth_date(v, reader.today),
            "gender": gender,
            "address": lambda v: text(v, 200),
            "postcode": lambda v: normalised(normalise_postcode, v, 20),
            "phone": lambda v: normalised(normalise_phone, v, 64),
            "vrm": lambda v: normalised(normalise_vrm, v, 20),
            "email": lambda v: normalised(normalise_email, v, 254),
        },
    )
    if not problems and not (values["first_name"] or values["surname"]):
        column = reader.mapping.get("surname") or reader.mapping.get("first_name") or "surname"
        problems.append((column, "no name: give at least a forename or a surname"))
    if problems:
        return None, problems
    postcode, phone, vrm, email = values["postcode"], values["phone"], values["vrm"], values["email"]
    return PersonRow(
        row_number,
        values["source"],
        values["record_id"],
        values["first_name"],
        values["surname"],
        values["dob"],
        values["gender"],
        values["address"],
        postcode[0],
        postcode[1],
        phone[0],
        phone[1],
        vrm[0],
        vrm[1],
        email[0],
        email[1],
    ), []


def read_vehicle(
    reader: RowReader, row: list[str | None], row_number: int
) -> tuple[VehicleRow | None, Problems]:
    values, problems = reader.read(
        row,
        {
            "source": source_code,
            "vrm": lambda v: normalised(normalise_vrm, v, 20),
            "make": lambda v: text(v, 60),
            "model": lambda v: text(v, 60),
            "colour": lambda v: text(v, 40).lower(),
            "keeper_record_id": lambda v: text(v, 100),
        },
    )
    if not problems and not values["vrm"][0]:
        problems.append((reader.mapping.get("vrm", "vrm"), "empty: every row needs a registration"))
    if problems:
        return None, problems
    return VehicleRow(
        row_number,
        values["source"],
        values["vrm"][0],
        values["vrm"][1],
        values["make"],
        values["model"],
        values["colour"],
        values["keeper_record_id"],
    ), []


@dataclass(frozen=True, slots=True)
class ReportRow:
    row_number: int
    source: str
    record_id: str
    occurred_at: datetime  # aware
    text: str
    sanitised_text: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str
    grade_as_written: str
    postcode: str
    address: str


_LOCAL_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y")
_UK = ZoneInfo("Europe/London")


def occurred(value: str | None, now: datetime) -> datetime:
    """A time with a UTC offset as given, or a UK wall-clock time (date alone: midnight) in Europe/London."""
    raw = text(value, 40)
    if not raw:
        raise CellError("empty: every report needs when it happened (or was reported)")
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _LOCAL_FORMATS:
            try:
                parsed = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise CellError(f"{raw!r} is not a time: use 2026-10-03T22:15+01:00 or 03/10/2026 22:15 (UK time)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_UK)  # in the hour the clocks go back, the first (BST) reading
    if not datetime(1900, 1, 1, tzinfo=UTC) <= parsed <= now:
        raise CellError(f"{parsed.isoformat()} is not between 1900 and now")
    return parsed


def read_report(
    reader: RowReader, row: list[str | None], row_number: int
) -> tuple[ReportRow | None, Problems]:
    from lantern.engine.grading import GradeError, grade_validate, parse_grade

    now = datetime.now(UTC)
    values, problems = reader.read(
        row,
        {
            "source": source_code,
            "record_id": record_id,
            "occurred_at": lambda v: occurred(v, now),
            "text": lambda v: text(v, MAX_REPORT),
            "sanitised_text": lambda v: text(v, MAX_REPORT),
            "grade": lambda v: text(v, 40),
            "handling_conditions": lambda v: text(v, 300),
            "postcode": lambda v: normalised(normalise_postcode, v, 20)[0],
            "address": lambda v: text(v, 200),
        },
    )
    if "text" in values and not values["text"]:
        problems.append((reader.mapping.get("text", "text"), "empty: a report needs its text"))
    grade_column = reader.mapping.get("grade", "grade")
    grade = None
    if "grade" in values:
        try:
            parsed = parse_grade(values["grade"])
            given = values.get("handling_conditions", "")
            conditions = "; ".join(c for c in (parsed.grade.handling_conditions, given) if c)
            g = parsed.grade
            grade = grade_validate(
                g.source_evaluation, g.intelligence_assessment, g.handling_code, conditions
            )
        except GradeError as exc:
            problems.append((grade_column, str(exc)))
    if problems:
        return None, problems
    return ReportRow(
        row_number,
        values["source"],
        values["record_id"],
        values["occurred_at"],
        values["text"],
        values["sanitised_text"],
        grade.source_evaluation,
        grade.intelligence_assessment,
        grade.handling_code,
        grade.handling_conditions,
        values["grade"],
        values["postcode"],
        values["address"],
    ), []
