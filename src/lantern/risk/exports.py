"""Risk exports: the ranked lists (for `lantern export`, and the pages' downloads over the pages'
own querysets) and a subject's evidence chronology."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from lantern.engine.risk.subjects import local_day
from lantern.risk.models import PersonRisk, PremisesRisk, SubjectRisk

PRIORITIES_HEADERS = ["person_id", "name", "priority_score", "escalating", "explanation"]
PREMISES_HEADERS = ["location_id", "address", "postcode", "risk_score", "explanation"]
CHRONOLOGY_HEADERS = [
    "date",
    "time",
    "severity",
    "harm_days",
    "behaviours_and_offences",
    "grading",
    "summary",
    "event_id",
]


def priorities_rows() -> tuple[list[str], list[list]]:
    rows = [
        [
            s.person_id,
            s.label,
            s.priority,
            "yes" if s.escalating else "no",
            f"{s.priority_text} {s.explanation}",
        ]
        for s in SubjectRisk.objects.order_by("priority_rank").iterator(5_000)
    ]
    return PRIORITIES_HEADERS, rows


def premises_rows() -> tuple[list[str], list[list]]:
    rows = [
        [
            p.location_id,
            p.location.address if p.location else p.label,
            p.location.postcode if p.location else "",
            p.score,
            p.explanation,
        ]
        for p in PremisesRisk.objects.select_related("location").order_by("rank").iterator(5_000)
    ]
    return PREMISES_HEADERS, rows


def chronology_rows(subject: SubjectRisk, names: dict[str, str]) -> list[list]:
    """Dated incidents with their source grading, oldest first: the evidence chronology for an order."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    out = []
    for c in subject.detail.get("chronology", []):
        at = datetime.fromisoformat(c["at"]).astimezone(london)
        out.append(
            [
                local_day(c["at"]),
                at.strftime("%H:%M"),
                c["severity"] if c["severity"] is not None else "",
                c["harm"],
                "; ".join(names.get(code, code) for code in c["codes"]),
                c["grade"],
                c["summary"],
                c["event_id"],
            ]
        )
    return out


SUBJECT_HEADERS = [
    "Rank", "Person id", "Subject", "Priority score", "Priority rank", "Escalation rank", "Escalating",
    "Serial", "Incidents", "Slope per 30 days", "Mann-Kendall p", "Why (priority)", "Why (escalation)",
]  # fmt: skip


def subject_rows(subjects: QuerySet[SubjectRisk], *, order: str = "priority") -> Iterator[list]:
    """The priorities page's subjects; "Rank" is the rank the page is ordered by."""
    for s in subjects.iterator(chunk_size=2_000):
        yield [
            s.escalation_rank if order == "escalation" else s.priority_rank,
            str(s.person_id or ""),
            s.label,
            round(s.priority, 1),
            s.priority_rank,
            s.escalation_rank,
            s.escalating,
            s.serial,
            s.incidents,
            s.slope_per_30_days,
            s.mk_p,
            s.priority_text,
            s.explanation,
        ]


PREMISES_LIST_HEADERS = ["Rank", "Location id", "Address", "Postcode", "Score", "High risk", "Why"]


def premises_list_rows(premises: QuerySet[PremisesRisk]) -> Iterator[list]:
    for p in premises.iterator(chunk_size=2_000):
        place = p.location
        yield [
            p.rank,
            str(p.location_id or ""),
            place.address if place else p.label,
            place.postcode if place else "",
            round(p.score, 1),
            p.high_risk,
            p.explanation,
        ]


PEOPLE_HEADERS = ["Rank", "Person id", "Person", "Score", "Referral prompted", "Why"]


def people_rows(people: QuerySet[PersonRisk]) -> Iterator[list]:
    for p in people.iterator(chunk_size=2_000):
        yield [p.rank, str(p.person_id or ""), p.label, round(p.score, 1), p.prompt_referral, p.explanation]


HOTSPOT_HEADERS = [
    "H3 cell", "Latitude", "Longitude", "Harm (days)", "Events", "Harm in the previous period (days)",
    "Events in the previous period", "Change in harm (days)",
]  # fmt: skip


def hotspot_rows(cells: Iterable[dict]) -> Iterator[list]:
    """Every cell of the run, most harm first (the page's table shows the first 20)."""
    for c in cells:
        yield [
            c["cell"],
            round(c["latitude"], 6),
            round(c["longitude"], 6),
            round(c["harm"], 1),
            c["events"],
            round(c["harm_previous"], 1),
            c.get("events_previous", ""),
            round(c["change"], 1),
        ]
