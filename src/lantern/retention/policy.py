"""The retention policy as data: MoPI-style review groups, their periods, and how a record gets one.

Management of Police Information (MoPI) reviews records against retention criteria, in groups
with review periods. The periods below are Lantern's *defaults*, not law: each force sets its own
by pointing ``LANTERN_RETENTION_POLICY`` at a JSON file of the same shape (validated when first
read; a bad file is a ``PolicyError`` naming the field). Nothing is ever disposed of automatically:
every disposal is a person's decision on the review page, whatever the group.

Default groups:

1. Certain public protection matters (the subject of a civil order such as an SRO or SHPO, and
   events about such a subject): reviewed every 10 years, never a candidate for disposal
   without a review (``auto_dispose`` false, as for every group here).
2. Other sexual, violent or serious offences (an incident with an offence whose harm weight is at
   least ``serious_harm_days``, 182 by default: the Cambridge Crime Harm Index's "other sexual
   offences"): reviewed every 10 years.
3. All other offences and intelligence: first reviewed after 6 years.
4. Safeguarding only (people recorded only as at risk, victims, witnesses or reporters; welfare
   visits; sex-worker and partner safety reports): first reviewed after 6 years. This group is
   Lantern's own, not MoPI's.
"""

from __future__ import annotations

import calendar
import json
import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

ENV = "LANTERN_RETENTION_POLICY"

DEFAULT_POLICY: dict = {
    "version": "lantern-default-1",
    "note": "Lantern defaults after MoPI groups; a force sets its own in LANTERN_RETENTION_POLICY.",
    "queue_window_days": 30,
    "review_from": "recorded",
    "serious_harm_days": 182,
    "groups": [
        {
            "code": "1",
            "name": "Certain public protection matters",
            "review_years": 10,
            "auto_dispose": False,
        },
        {
            "code": "2",
            "name": "Other sexual, violent or serious offences",
            "review_years": 10,
            "auto_dispose": False,
        },
        {
            "code": "3",
            "name": "All other offences and intelligence",
            "review_years": 6,
            "auto_dispose": False,
        },
        {
            "code": "4",
            "name": "Safeguarding only (people at risk, victims, witnesses, safety reports)",
            "review_years": 6,
            "auto_dispose": False,
        },
    ],
    # Which group each finding puts a record in (a record takes the lowest-numbered group found).
    "assign": {
        "order_subject": "1",
        "serious_offence": "2",
        "offence_or_intelligence": "3",
        "safeguarding_only": "4",
    },
}


class PolicyError(ValueError):
    """The retention policy file is not usable: the message names the field and what to write."""


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    review_years: int
    auto_dispose: bool


@dataclass(frozen=True)
class Policy:
    version: str
    note: str
    queue_window_days: int
    review_from: str  # "recorded" (when Lantern recorded it) or "occurred" (an event's own date)
    serious_harm_days: int
    groups: dict[str, Group]
    assign: dict[str, str]

    def group(self, code: str) -> Group:
        return self.groups[code]

    def review_after(self, code: str, start: date) -> date:
        return add_years(start, self.groups[code].review_years)


ASSIGN_KEYS = ("order_subject", "serious_offence", "offence_or_intelligence", "safeguarding_only")


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years (29 February becomes 28 February in a common year)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _int(data: dict, name: str, *, low: int, high: int, where: str = "") -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PolicyError(f"{where}{name} must be a whole number from {low} to {high} (got {value!r})")
    return value


def parse_policy(data: object) -> Policy:
    """Validate a policy document (the shape of ``DEFAULT_POLICY``) and return it typed."""
    if not isinstance(data, dict):
        raise PolicyError("the retention policy must be a JSON object like DEFAULT_POLICY")
    unknown = set(data) - set(DEFAULT_POLICY)
    if unknown:
        raise PolicyError(f"unknown field(s) in the retention policy: {', '.join(sorted(unknown))}")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > 40:
        raise PolicyError("version must be a short text (1-40 characters) naming this policy")
    review_from = data.get("review_from", "recorded")
    if review_from not in ("recorded", "occurred"):
        raise PolicyError(f'review_from must be "recorded" or "occurred" (got {review_from!r})')
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise PolicyError("groups must be a non-empty list of {code, name, review_years, auto_dispose}")
    groups: dict[str, Group] = {}
    for i, raw in enumerate(raw_groups):
        where = f"groups[{i}]."
        if not isinstance(raw, dict):
            raise PolicyError(f"groups[{i}] must be an object")
        code, name = raw.get("code"), raw.get("name")
        if not isinstance(code, str) or not code.strip() or len(code) > 8:
            raise PolicyError(f"{where}code must be a short text (1-8 characters)")
        if code in groups:
            raise PolicyError(f"{where}code {code!r} is used twice")
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            raise PolicyError(f"{where}name must be a text of 1-120 characters")
        auto = raw.get("auto_dispose", False)
        if not isinstance(auto, bool):
            raise PolicyError(f"{where}auto_dispose must be true or false")
        groups[code] = Group(code, name, _int(raw, "review_years", low=1, high=100, where=where), auto)
    assign = data.get("assign")
    if not isinstance(assign, dict) or set(assign) != set(ASSIGN_KEYS):
        raise PolicyError(f"assign must map exactly {', '.join(ASSIGN_KEYS)} to group codes")
    for key, code in assign.items():
        if code not in groups:
            raise PolicyError(f"assign.{key} names group {code!r}, which is not in groups")
    return Policy(
        version=version,
        note=str(data.get("note", ""))[:500],
        queue_window_days=_int(data, "queue_window_days", low=0, high=3650),
        review_from=review_from,
        serious_harm_days=_int(data, "serious_harm_days", low=1, high=100_000),
        groups=groups,
        assign=dict(assign),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> Policy:
    if not path:
        return parse_policy(DEFAULT_POLICY)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{ENV}={path}: the file cannot be read ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"{ENV}={path}: not JSON (line {exc.lineno}: {exc.msg})") from exc
    try:
        return parse_policy(data)
    except PolicyError as exc:
        raise PolicyError(f"{ENV}={path}: {exc}") from exc


def current_policy() -> Policy:
    """The policy in force: the file named by ``LANTERN_RETENTION_POLICY``, else the defaults."""
    return _load(os.environ.get(ENV, "").strip())
