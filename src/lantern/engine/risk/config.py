"""The risk model as data: weights, bands and thresholds a force can change and version.

Nothing here is a law of nature. Every number is a default a deployment is expected to review;
the configuration page shows the version in force, and every score records the version it used.
A configuration with a negative or missing weight is refused with a message naming the field,
never read as zero.
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

NonNegative = Annotated[float, Field(ge=0)]


class RiskConfigError(ValueError):
    """A risk configuration that cannot be used; the message names each bad field."""


class Band(BaseModel):
    """A value up to ``upto`` (inclusive) earns ``points``; the last band has no upper limit."""

    model_config = ConfigDict(extra="forbid")
    upto: float | None = Field(description="upper limit (inclusive); empty for the last band")
    points: NonNegative


def _check_bands(bands: list[Band]) -> list[Band]:
    if not bands:
        raise ValueError("needs at least one band")
    limits = [b.upto for b in bands[:-1]]
    if any(limit is None for limit in limits):
        raise ValueError("only the last band may be open-ended")
    if limits != sorted(limits):
        raise ValueError("bands must be in ascending order of their upper limits")
    return bands


class Severity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    harm_source: str = Field(min_length=3, description="where the offence harm weights come from")
    # An offence with no ladder position is placed on the ladder by its harm weight, so a trend
    # can mix intelligence about behaviour with crimes.
    offence_ladder: list[Band] = Field(description="harm days of an offence -> ladder position (1-10)")
    harm_days_per_step: NonNegative = Field(description="harm days one ladder step of behaviour counts as")

    @field_validator("offence_ladder")
    @classmethod
    def _bands(cls, bands: list[Band]) -> list[Band]:
        return _check_bands(bands)


class Escalation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_incidents: int = Field(ge=3, description="fewer incidents than this are never called a trend")
    significance: float = Field(gt=0, lt=1, description="Mann-Kendall p-value below which a trend counts")
    lookback_days: int = Field(ge=30)
    acceleration_ratio: float = Field(gt=1, description="later half / earlier half incident count")
    new_kinds_fraction: float = Field(
        gt=0, lt=1, description="share of the latest incidents checked for new kinds"
    )
    citations: int = Field(ge=1, le=100, description="incidents cited in an explanation")
    max_points: int = Field(ge=3, le=2000, description="latest incidents a trend is measured on")


class Rfgv(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, NonNegative]
    recency_days: list[Band]
    frequency_window_days: int = Field(ge=1)
    frequency: list[Band]
    gravity_harm_days: list[Band]
    victims: list[Band]
    victim_roles: list[str] = Field(min_length=1)
    serial_victims: int = Field(ge=2)
    serial_years: float = Field(gt=0)

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = {"recency", "frequency", "gravity", "victims"} - set(weights)
        if missing:
            raise ValueError(f"missing weight for {', '.join(sorted(missing))}")
        if not sum(weights.values()):
            raise ValueError("at least one weight must be above zero")
        return weights

    @field_validator("recency_days", "frequency", "gravity_harm_days", "victims")
    @classmethod
    def _bands(cls, bands: list[Band]) -> list[Band]:
        return _check_bands(bands)


PREMISES_INDICATORS = (
    "reported_visitors",
    "several_women",
    "women_moved",
    "shared_controller",
    "short_let",
    "visit_concerns",
)


class Premises(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, NonNegative]
    visitor_phrases: list[str] = Field(min_length=1)
    short_let_phrases: list[str] = Field(min_length=1)
    concern_phrases: list[str] = Field(min_length=1)
    visitor_reports_full: int = Field(ge=1, description="reports of visitors that earn the full weight")
    women_full: int = Field(
        ge=3, description="women linked to the address that earn the full weight (from 3)"
    )
    moved_within_days: int = Field(ge=1, description="a stay elsewhere this close counts as being moved")
    moved_full: int = Field(ge=1, description="people moved between addresses that earn the full weight")
    short_stay_days: int = Field(ge=1)
    short_stays_full: int = Field(ge=1)
    lookback_days: int = Field(ge=30)
    high_risk_score: NonNegative = Field(description="score from which an address counts as high risk")

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = set(PREMISES_INDICATORS) - set(weights)
        unknown = set(weights) - set(PREMISES_INDICATORS)
        if missing:
            raise ValueError(f"missing weight for {', '.join(sorted(missing))}")
        if unknown:
            raise ValueError(f"unknown indicator {', '.join(sorted(unknown))}")
        return weights


PEOPLE_INDICATORS = ("repeat_victimisation", "high_risk_premises", "controlled", "harmed_by_priority_subject")


class People(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, NonNegative]
    repeat_window_days: int = Field(ge=1)
    repeat_full: int = Field(ge=2)
    referral_threshold: NonNegative = Field(description="score from which an NRM or MS1 is prompted")
    priority_subject_score: NonNegative

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = set(PEOPLE_INDICATORS) - set(weights)
        if missing:
            raise ValueError(f"missing weight for {', '.join(sorted(missing))}")
        return weights


class Hotspots(BaseModel):
    model_config = ConfigDict(extra="forbid")
    h3_resolution: int = Field(ge=5, le=11)
    period_days: int = Field(ge=7)
    report_weight: NonNegative = Field(description="harm days a report with no recorded behaviour counts as")


class RiskConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, max_length=40)
    note: str = ""
    severity: Severity
    escalation: Escalation
    rfgv: Rfgv
    premises: Premises
    people: People
    hotspots: Hotspots

    @model_validator(mode="after")
    def _serial_fits(self) -> RiskConfig:
        if self.rfgv.serial_years * 365 > 50 * 365:
            raise ValueError("rfgv.serial_years is longer than fifty years")
        return self


def parse_config(data: dict | str | bytes) -> RiskConfig:
    """Validate a configuration; every problem is listed with the field it is in."""
    try:
        raw = json.loads(data) if isinstance(data, str | bytes) else data
    except json.JSONDecodeError as exc:
        raise RiskConfigError(
            f"The configuration is not valid JSON: {exc.msg} at line {exc.lineno}."
        ) from exc
    if not isinstance(raw, dict):
        raise RiskConfigError("The configuration must be a JSON object.")
    try:
        return RiskConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'configuration'}: {_message(err)}"
            for err in exc.errors()
        )
        raise RiskConfigError(f"The risk configuration was refused: {problems}.") from exc


def _message(err: dict) -> str:
    if err["type"] == "missing":
        return "missing (every weight and band must be given; none is read as zero)"
    if err["type"] == "greater_than_equal" and err.get("ctx", {}).get("ge") == 0:
        return "must be 0 or more"
    return err["msg"].removeprefix("Value error, ")


def points_for(value: float, bands: list[Band]) -> float:
    """The points the first band holding ``value`` gives."""
    for band in bands:
        if band.upto is None or value <= band.upto:
            return band.points
    return bands[-1].points


DEFAULT_CONFIG: dict = {
    "version": "2026.1",
    "note": "Lantern's illustrative defaults: review every weight with your force's analysts before use.",
    "severity": {
        "harm_source": (
            "Cambridge Crime Harm Index style: days of custody at the sentencing guideline's starting "
            "point for a first offender (Sherman, Neyroud and Neyroud 2016); illustrative values, "
            "loaded with the behaviour vocabulary"
        ),
        "offence_ladder": [
            {"upto": 0, "points": 1},
            {"upto": 9, "points": 3},
            {"upto": 90, "points": 5},
            {"upto": 364, "points": 7},
            {"upto": 1000, "points": 8},
            {"upto": None, "points": 10},
        ],
        "harm_days_per_step": 5,
    },
    "escalation": {
        "min_incidents": 4,
        "significance": 0.05,
        "lookback_days": 1095,
        "acceleration_ratio": 1.5,
        "new_kinds_fraction": 0.34,
        "citations": 20,
        "max_points": 200,
    },
    "rfgv": {
        "weights": {"recency": 1, "frequency": 1, "gravity": 1.5, "victims": 1.5},
        "recency_days": [
            {"upto": 30, "points": 5},
            {"upto": 90, "points": 4},
            {"upto": 180, "points": 3},
            {"upto": 365, "points": 2},
            {"upto": None, "points": 1},
        ],
        "frequency_window_days": 365,
        "frequency": [
            {"upto": 1, "points": 1},
            {"upto": 2, "points": 2},
            {"upto": 4, "points": 3},
            {"upto": 8, "points": 4},
            {"upto": None, "points": 5},
        ],
        "gravity_harm_days": [
            {"upto": 10, "points": 1},
            {"upto": 50, "points": 2},
            {"upto": 200, "points": 3},
            {"upto": 500, "points": 4},
            {"upto": None, "points": 5},
        ],
        "victims": [
            {"upto": 0, "points": 0},
            {"upto": 1, "points": 1},
            {"upto": 2, "points": 3},
            {"upto": 4, "points": 4},
            {"upto": None, "points": 5},
        ],
        "victim_roles": ["victim", "person_at_risk"],
        "serial_victims": 2,
        "serial_years": 3,
    },
    "premises": {
        "weights": {
            "reported_visitors": 20,
            "several_women": 20,
            "women_moved": 15,
            "shared_controller": 20,
            "short_let": 10,
            "visit_concerns": 15,
        },
        "visitor_phrases": [
            "calling at",
            "coming and going",
            "all hours",
            "day and night",
            "short visit",
            "minutes",
            "men visiting",
            "dropping men",
            "visitors",
            "through the night",
        ],
        "short_let_phrases": [
            "short let",
            "short-let",
            "by the week",
            "letting site",
            "airbnb",
            "different names",
        ],
        "concern_phrases": [
            "scared",
            "passport",
            " id ",
            "id is held",
            "cannot leave",
            "can't leave",
            "limited english",
            "nrm",
            "declined support",
            "no keys",
        ],
        "visitor_reports_full": 3,
        "women_full": 4,
        "moved_within_days": 14,
        "moved_full": 2,
        "short_stay_days": 60,
        "short_stays_full": 3,
        "lookback_days": 730,
        "high_risk_score": 50,
    },
    "people": {
        "weights": {
            "repeat_victimisation": 30,
            "high_risk_premises": 30,
            "controlled": 25,
            "harmed_by_priority_subject": 15,
        },
        "repeat_window_days": 365,
        "repeat_full": 3,
        "referral_threshold": 50,
        "priority_subject_score": 60,
    },
    "hotspots": {"h3_resolution": 8, "period_days": 90, "report_weight": 1},
}


def default_config() -> RiskConfig:
    return RiskConfig.model_validate(DEFAULT_CONFIG)
