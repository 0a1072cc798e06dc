"""People at risk: harmed again and again, living at a high-risk address, controlled by someone,
or harmed by a priority subject. A person's sex, ethnicity, nationality and religion are never
read here: the inputs do not hold them (see inputs.py). An address counts as high risk here on its
score without the one sex-based sign ("several women"), so no person's score depends on anyone's
recorded sex, their own or their neighbours'.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from lantern.engine.risk.config import PEOPLE_INDICATORS, RiskConfig
from lantern.engine.risk.indicators import weigh
from lantern.engine.risk.subjects import local_day


def score_people(
    con: duckdb.DuckDBPyConnection,
    config: RiskConfig,
    as_of: datetime,
    premises: list[dict],
    subjects: list[dict],
    labels: dict[str, str] | None = None,
) -> list[dict]:
    cfg, labels = config.people, labels or {}
    con.register(
        "premises_scores",
        pa.Table.from_pylist(
            [
                {"location": p["location"], "score": p["score_without_sex"]}
                for p in premises
                if p["score_without_sex"] >= config.premises.high_risk_score
            ],
            schema=pa.schema([("location", pa.string()), ("score", pa.float64())]),
        ),
    )
    priority = [
        {"subject": s["subject"]}
        for s in subjects
        if s["escalating"] or s["priority"] >= cfg.priority_subject_score
    ]
    con.register(
        "priority_subjects", pa.Table.from_pylist(priority, schema=pa.schema([("subject", pa.string())]))
    )
    cursor = con.execute(
        """
        WITH harmed_events AS (
            SELECT DISTINCT l.entity AS person, e.event_id, e.occurred_at
            FROM event_links l JOIN events e ON e.event_id = l.event_id
            WHERE list_contains($roles, l.role) AND e.occurred_at BETWEEN $since AND $upper
        ), repeat AS (
            SELECT person, count(*) AS n, min(occurred_at) AS first_at, max(occurred_at) AS last_at
            FROM harmed_events GROUP BY person
        ), at_premises AS (
            SELECT s.person, max(p.score) AS score, arg_max(s.location, p.score) AS location
            FROM stays s JOIN premises_scores p ON p.location = s.location
            WHERE s."end" IS NULL OR s."end" >= $since_day
            GROUP BY s.person
        ), controlled AS (
            SELECT target AS person, count(DISTINCT controller) AS n, min(controller) AS controller
            FROM controls GROUP BY target
        ), by_priority AS (
            SELECT h.person, count(DISTINCT h.subject) AS n, min(h.subject) AS subject
            FROM harmed h JOIN priority_subjects p ON p.subject = h.subject
            WHERE list_contains($roles, h.role)
            GROUP BY h.person
        ), candidates AS (
            SELECT person FROM repeat WHERE n >= 2 UNION SELECT person FROM at_premises
            UNION SELECT person FROM controlled UNION SELECT person FROM by_priority
        )
        SELECT c.person, coalesce(r.n, 0) AS harmed, r.first_at, r.last_at,
               ap.score AS premises_score, ap.location, coalesce(ct.n, 0) AS controllers, ct.controller,
               coalesce(bp.n, 0) AS priority_subjects, bp.subject
        FROM candidates c
        LEFT JOIN repeat r USING (person) LEFT JOIN at_premises ap USING (person)
        LEFT JOIN controlled ct USING (person) LEFT JOIN by_priority bp USING (person)
        """,
        {
            "roles": config.rfgv.victim_roles,
            "since": as_of - timedelta(days=cfg.repeat_window_days),
            "since_day": (as_of - timedelta(days=config.premises.lookback_days)).date(),
            "upper": as_of + timedelta(days=1),
        },
    )
    columns = [d[0] for d in cursor.description]
    rows = [_person_row(dict(zip(columns, r, strict=True)), config, labels) for r in cursor.fetchall()]
    rows.sort(key=lambda r: (-r["score"], r["person"]))
    for i, row in enumerate(rows, 1):
        row["rank"] = i
    return rows


def _person_row(r: dict, config: RiskConfig, labels: dict[str, str]) -> dict:
    cfg = config.people
    harmed = r["harmed"]
    values = {
        "repeat_victimisation": (
            0.0 if harmed < 2 else min(harmed / cfg.repeat_full, 1.0),
            f"harmed or at risk in {harmed} incidents in {cfg.repeat_window_days} days"
            + (f" ({local_day(r['first_at'])} to {local_day(r['last_at'])})" if harmed >= 2 else ""),
        ),
        "high_risk_premises": (
            1.0 if r["premises_score"] is not None else 0.0,
            f"linked to a high-risk address ({labels.get(r['location'], 'premises')}, "
            f"score {r['premises_score']:g})"
            if r["premises_score"] is not None
            else "",
        ),
        "controlled": (
            1.0 if r["controllers"] else 0.0,
            f"recorded as controlled by {labels.get(r['controller'], 'another person')}"
            if r["controllers"]
            else "",
        ),
        "harmed_by_priority_subject": (
            1.0 if r["priority_subjects"] else 0.0,
            f"harmed by a priority or escalating subject ({labels.get(r['subject'], 'a subject')})"
            if r["priority_subjects"]
            else "",
        ),
    }
    indicators, score, shown = weigh(values, cfg.weights, PEOPLE_INDICATORS)
    return {
        "person": r["person"],
        "score": score,
        "indicators": indicators,
        "prompt_referral": score >= cfg.referral_threshold,
        "explanation": (f"Score {score:g}: " + "; ".join(shown) + ".") if shown else "No current indicators.",
    }
