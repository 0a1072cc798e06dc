"""Risk and escalation: subjects (escalation, RFGV priority), premises, people at risk, hotspots.

``score_all(inputs, config, as_of)`` runs everything in one DuckDB session over Arrow inputs and
returns plain rows; the Django app stores them and explains them on its pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from lantern.engine.risk.config import RiskConfig, RiskConfigError, default_config, parse_config
from lantern.engine.risk.hotspots import hotspots
from lantern.engine.risk.inputs import PROTECTED, SCHEMAS, RiskInputs, empty_inputs
from lantern.engine.risk.people import score_people
from lantern.engine.risk.premises import score_premises
from lantern.engine.risk.severity import build_incident_severity
from lantern.engine.risk.subjects import score_subjects


@dataclass
class RiskResult:
    subjects: list[dict]
    premises: list[dict]
    people: list[dict]
    hotspots: dict
    notes: list[str] = field(default_factory=list)


def score_all(
    inputs: RiskInputs, config: RiskConfig, as_of: datetime, labels: dict[str, str] | None = None
) -> RiskResult:
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    as_of = as_of.astimezone(UTC).replace(tzinfo=None)  # the session's times are naive UTC
    con = inputs.session()
    try:
        build_incident_severity(con, config)
        subjects = score_subjects(con, config, as_of)
        premises = score_premises(con, config, as_of, labels)
        people = score_people(con, config, as_of, premises, subjects.rows, labels)
        spots = hotspots(con, config, as_of)
    finally:
        con.close()
    return RiskResult(subjects.rows, premises, people, spots, subjects.notes)


__all__ = [
    "PROTECTED",
    "SCHEMAS",
    "RiskConfig",
    "RiskConfigError",
    "RiskInputs",
    "RiskResult",
    "default_config",
    "empty_inputs",
    "parse_config",
    "score_all",
]
