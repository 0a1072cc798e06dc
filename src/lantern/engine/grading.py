"""Intelligence grades: the 3x5x2 every record carries, and the older 5x5x5 mapped onto it.

3x5x2 (College of Policing APP, intelligence management):

* source evaluation: 1 reliable, 2 untested, 3 not reliable;
* intelligence assessment: A known directly to the source, B known indirectly but corroborated,
  C known indirectly, D not known, E suspected to be false;
* handling code: P lawful sharing permitted, C lawful sharing permitted with conditions (the
  conditions must then be written down: a C without them cannot be acted on).

5x5x5 (the National Intelligence Model's older form, still the default of some analysis tools):

* source: A always reliable, B mostly reliable, C sometimes reliable, D unreliable, E untested;
* intelligence: 1 known to be true without reservation, 2 known personally to the source but not to
  the officer, 3 not personally known to the source but corroborated, 4 cannot be judged,
  5 suspected to be false or malicious;
* handling: 1 may go to other UK law enforcement and prosecuting agencies, 2 to UK non-prosecuting
  parties, 3 to non-EU law enforcement, 4 within the originating agency only, 5 no further
  dissemination (refer to the originator).

The mapping used here (``map_5x5x5``). We found the 3x5x2 definitions in APP but no published
conversion table to follow, so this is Lantern's reading of the two sets of definitions, chosen
never to raise confidence (check it against your force's policy):

* source A -> 1. B and C -> 2: a source with a record of being wrong is not "reliable", but it is
  not known to be unreliable either. D -> 3. **E -> 2**: in the UK 5x5x5, E is an *untested*
  source, which is exactly 3x5x2's 2 (the military Admiralty code's E, "unreliable", would be 3;
  that is not the scale police 5x5x5 forms use).
* intelligence 1 and 2 -> A (known directly to the source); 3 -> B (indirect, corroborated);
  4 -> D ("cannot be judged": how the source knows is not known); 5 -> E.
* handling: every 5x5x5 code becomes **C**, with the 5x5x5 code's meaning written as the condition.
  Codes 1, 2 and 3 permit sharing, but each only with named kinds of recipient, which is a
  condition; 4 and 5 restrict sharing outright. Mapping any of them to P would drop a restriction
  the originator set, so none is. An analyst who knows the restriction no longer applies regrades.

The tables are data (``SOURCE_5X5X5`` and the two beside it), so a force whose policy differs
changes them in one place. Plain Python: no Django imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE_EVALUATIONS = {"1": "reliable", "2": "untested", "3": "not reliable"}
INTELLIGENCE_ASSESSMENTS = {
    "A": "known directly to the source",
    "B": "known indirectly to the source, corroborated",
    "C": "known indirectly to the source",
    "D": "not known",
    "E": "suspected to be false",
}
HANDLING_CODES = {"P": "lawful sharing permitted", "C": "lawful sharing permitted with conditions"}

SOURCE_5X5X5 = {"A": "1", "B": "2", "C": "2", "D": "3", "E": "2"}
INTELLIGENCE_5X5X5 = {"1": "A", "2": "A", "3": "B", "4": "D", "5": "E"}
HANDLING_5X5X5 = {
    "1": "may be disseminated to other UK law enforcement and prosecuting agencies",
    "2": "may be disseminated to UK non-prosecuting parties (with authority, and recorded)",
    "3": "may be disseminated to non-EU law enforcement agencies (special conditions apply)",
    "4": "may be disseminated within the originating agency only",
    "5": "no further dissemination: refer to the originator",
}

MAX_CONDITIONS = 300  # the store's column width


class GradeError(ValueError):
    """A grade that cannot be recorded, with a message saying which part and what is allowed."""


@dataclass(frozen=True)
class Grade:
    """A 3x5x2 grade. Build it with ``grade_validate`` (checked) or ``parse_grade`` (see there)."""

    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str = ""

    @property
    def code(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    @property
    def needs_conditions(self) -> bool:
        """True for a C read from a bare code such as "2BC": the conditions must still be asked for."""
        return self.handling_code == "C" and not self.handling_conditions

    def meaning(self) -> str:
        """In words: "source untested; intelligence known directly to the source; lawful sharing..."."""
        text = (
            f"source {SOURCE_EVALUATIONS[self.source_evaluation]}; intelligence "
            f"{INTELLIGENCE_ASSESSMENTS[self.intelligence_assessment]}; "
            f"{HANDLING_CODES[self.handling_code]}"
        )
        return f"{text} ({self.handling_conditions})" if self.handling_conditions else text

    def describe(self) -> str:
        return f"{self.code}: {self.meaning()}"


@dataclass(frozen=True)
class Grade5x5x5:
    source: str  # A-E
    intelligence: str  # 1-5
    handling: str  # 1-5

    @property
    def code(self) -> str:
        return f"{self.source}{self.intelligence}{self.handling}"


def grade_validate(
    source_evaluation: object,
    intelligence_assessment: object,
    handling_code: object,
    handling_conditions: object = "",
) -> Grade:
    """A checked 3x5x2 grade; case and surrounding spaces do not matter. Raises :class:`GradeError`."""
    se = _part(source_evaluation, SOURCE_EVALUATIONS, "source evaluation")
    ia = _part(intelligence_assessment, INTELLIGENCE_ASSESSMENTS, "intelligence assessment")
    hc = _part(handling_code, HANDLING_CODES, "handling code")
    if not isinstance(handling_conditions, str):
        raise GradeError("handling conditions: expected text.")
    conditions = " ".join(handling_conditions.split())
    if len(conditions) > MAX_CONDITIONS:
        raise GradeError(
            f"handling conditions: {len(conditions)} characters is too long; keep them under "
            f"{MAX_CONDITIONS} and put the detail in the report."
        )
    if hc == "C" and not conditions:
        raise GradeError("handling conditions: handling code C needs the conditions written down.")
    if hc == "P" and conditions:
        raise GradeError(
            "handling conditions: handling code P means sharing without conditions; "
            "choose C to attach these conditions, or remove them."
        )
    return Grade(se, ia, hc, conditions)


def _part(value: object, allowed: dict[str, str], name: str) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if text not in allowed:
        options = ", ".join(f"{key} ({meaning})" for key, meaning in allowed.items())
        shown = repr(value)[:40] if value not in (None, "") else "nothing"
        raise GradeError(f"{name}: {shown} is not one of {options}.")
    return text


def map_5x5x5(source: str, intelligence: str, handling: str) -> Grade:
    """The 3x5x2 grade for a 5x5x5 one (see the module docstring for the table and why)."""
    old = _check_5x5x5(source, intelligence, handling)
    conditions = f"5x5x5 handling code {old.handling}: {HANDLING_5X5X5[old.handling]}"
    return Grade(SOURCE_5X5X5[old.source], INTELLIGENCE_5X5X5[old.intelligence], "C", conditions)


def _check_5x5x5(source: object, intelligence: object, handling: object) -> Grade5x5x5:
    s = source.strip().upper() if isinstance(source, str) else ""
    i = intelligence.strip() if isinstance(intelligence, str) else ""
    h = handling.strip() if isinstance(handling, str) else ""
    if s not in SOURCE_5X5X5:
        raise GradeError(f"5x5x5 source evaluation: {source!r} is not one of A, B, C, D, E.")
    if i not in INTELLIGENCE_5X5X5:
        raise GradeError(f"5x5x5 intelligence evaluation: {intelligence!r} is not one of 1, 2, 3, 4, 5.")
    if h not in HANDLING_5X5X5:
        raise GradeError(f"5x5x5 handling code: {handling!r} is not one of 1, 2, 3, 4, 5.")
    return Grade5x5x5(s, i, h)


# Separators people put between the parts: spaces, hyphens, slashes, dots, commas, "x".
_SEPARATORS = re.compile(r"[\s\-/.,:;|_]+")
_MAX_RAW = 40


@dataclass(frozen=True)
class ParsedGrade:
    grade: Grade  # always 3x5x2
    system: str  # "3x5x2" or "5x5x5", as it was written
    original: str  # the grade as written, compacted ("B23", "1AP")


def parse_grade(raw: object) -> ParsedGrade:
    """Read a grade typed or imported in either system.

    3x5x2 starts with its digit ("1AP", "2 C C", "1-a-p"); 5x5x5 with its letter ("B2 3", "B23",
    "b-2-3", "B/2/3"). A 3x5x2 grade with handling code C read this way has no conditions yet:
    ``parse_grade`` returns it with conditions "to be set" rather than failing, and the caller must
    ask for them (``Grade.needs_conditions``; ``grade_validate`` refuses a C without conditions).
    """
    if not isinstance(raw, str):
        raise GradeError(f"grade: expected text such as 1AP or B23, got {type(raw).__name__}.")
    text = raw.strip()
    if not text:
        raise GradeError("grade: it is empty; write it as 1AP (3x5x2) or B23 (5x5x5).")
    if len(text) > _MAX_RAW:
        raise GradeError(f"grade: {len(text)} characters is too long for a grade such as 1AP or B23.")
    compact = _SEPARATORS.sub("", text).upper()
    if len(compact) != 3:
        raise GradeError(
            f"grade: {text!r} does not have three parts; write 3x5x2 as 1AP (source 1-3, intelligence "
            "A-E, handling P or C) or 5x5x5 as B23 (source A-E, intelligence 1-5, handling 1-5)."
        )
    if compact[0].isdigit():
        se = _part(compact[0], SOURCE_EVALUATIONS, "source evaluation")
        ia = _part(compact[1], INTELLIGENCE_ASSESSMENTS, "intelligence assessment")
        hc = _part(compact[2], HANDLING_CODES, "handling code")
        return ParsedGrade(Grade(se, ia, hc, ""), "3x5x2", compact)
    return ParsedGrade(map_5x5x5(compact[0], compact[1], compact[2]), "5x5x5", compact)


def parse_5x5x5(raw: object) -> ParsedGrade:
    """Like ``parse_grade`` but only a 5x5x5 grade is accepted (an import column declared as 5x5x5)."""
    parsed = parse_grade(raw)
    if parsed.system != "5x5x5":
        raise GradeError(
            f"grade: {parsed.original!r} is a 3x5x2 grade; a 5x5x5 grade starts with its source "
            "letter A-E, such as B23."
        )
    return parsed
