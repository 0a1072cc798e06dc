"""Risk exports: the ranked lists (for `lantern export`) and a subject's evidence chronology."""

from __future__ import annotations

from lantern.engine.risk.subjects import local_day
from lantern.risk.models import PremisesRisk, SubjectRisk

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
