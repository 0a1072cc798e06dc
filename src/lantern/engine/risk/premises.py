"""Premises at risk: the "spot the signs" indicators of exploitation at an address.

Each indicator is a value from 0 to 1 times its configured weight, and each carries the evidence
that set it, so a score of 85 reads as "4 public reports of visitors at all hours (first ...),
5 women linked, 3 moved here from other addresses, one controller behind 4 addresses, ...".
Busy but innocent addresses (a childminder, a student house) earn the visitors sign alone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import duckdb

from lantern.engine.risk.config import PREMISES_INDICATORS, RiskConfig
from lantern.engine.risk.indicators import weigh
from lantern.engine.risk.subjects import local_day

NOT_PREMISES = ("street", "area")


def phrase_pattern(phrases: list[str]) -> str:
    """One case-insensitive regular expression matching any configured phrase literally."""
    return "|".join(re.escape(p.lower()) for p in phrases if p.strip())


def score_premises(
    con: duckdb.DuckDBPyConnection, config: RiskConfig, as_of: datetime, labels: dict[str, str] | None = None
) -> list[dict]:
    cfg = config.premises
    since = as_of - timedelta(days=cfg.lookback_days)
    params = {"since": since, "upper": as_of + timedelta(days=1), "since_day": since.date()}
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE place_events AS
        WITH at_place AS (
            SELECT event_id, location FROM events WHERE location IS NOT NULL
            UNION SELECT event_id, entity FROM event_links WHERE role = 'premises'
        )
        SELECT a.location, e.event_id, e.kind, e.source_type, e.occurred_at,
               ' ' || lower(coalesce(e.text, '')) || ' ' AS txt
        FROM at_place a JOIN events e ON e.event_id = a.event_id
        JOIN places p ON p.location = a.location
        WHERE NOT list_contains($not_premises, p.kind)
          AND e.occurred_at BETWEEN $since AND $upper
        """,
        {"since": params["since"], "upper": params["upper"], "not_premises": list(NOT_PREMISES)},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE recent_stays AS
        SELECT s.* FROM stays s JOIN places p ON p.location = s.location
        WHERE NOT list_contains($not_premises, p.kind) AND (s."end" IS NULL OR s."end" >= $since_day)
        """,
        {"since_day": params["since_day"], "not_premises": list(NOT_PREMISES)},
    )
    _indicator_tables(con, cfg)
    rows = _fetch_indicators(con)
    scored = [_premises_row(r, config, labels or {}) for r in rows]
    scored = [r for r in scored if r["score"] > 0]
    scored.sort(key=lambda r: (-r["score"], r["location"]))
    for i, row in enumerate(scored, 1):
        row["rank"] = i
    return scored


def _indicator_tables(con: duckdb.DuckDBPyConnection, cfg) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE premises_signs AS
        WITH visitors AS (
            SELECT location, count(DISTINCT event_id) AS n,
                   min(occurred_at) AS first_at, max(occurred_at) AS last_at
            FROM place_events
            WHERE kind = 'report' AND regexp_matches(txt, $visitor) GROUP BY location
        ), women AS (
            SELECT x.location, count(DISTINCT x.person) AS n FROM (
                SELECT s.location, s.person FROM recent_stays s
                UNION SELECT pe.location, l.entity FROM place_events pe
                  JOIN event_links l ON l.event_id = pe.event_id
                  WHERE l.role IN ('person_at_risk', 'victim')
            ) x JOIN people p ON p.person = x.person AND p.female
            GROUP BY x.location
        ), moved AS (
            SELECT a.location, count(DISTINCT a.person) AS n
            FROM recent_stays a JOIN stays b ON a.person = b.person AND a.location <> b.location
            WHERE abs(datediff('day', a."end", b.start)) <= $moved
               OR abs(datediff('day', b."end", a.start)) <= $moved
            GROUP BY a.location
        ), behind AS (
            SELECT controller, location FROM (
                SELECT c.controller, c.target AS location
                FROM controls c JOIN places p ON p.location = c.target
                UNION SELECT c.controller, s.location
                FROM controls c JOIN recent_stays s ON s.person = c.target
                UNION SELECT a.phone, s.location
                FROM advert_phones a JOIN recent_stays s ON s.person = a.person
            ) WHERE location IN (SELECT location FROM places WHERE NOT list_contains($not_premises, kind))
        ), spread AS (
            SELECT controller, count(DISTINCT location) AS places
            FROM behind GROUP BY controller HAVING places >= 2
        ), controllers AS (
            SELECT b.location, max(s.places) AS places, arg_max(b.controller, s.places) AS controller,
                   count(DISTINCT b.controller) AS controllers
            FROM behind b JOIN spread s USING (controller) GROUP BY b.location
        ), short_text AS (
            SELECT location, max(occurred_at) AS last_at FROM place_events
            WHERE regexp_matches(txt, $short_let) GROUP BY location
        ), short_stays AS (
            SELECT location, count(*) AS n FROM recent_stays
            WHERE start IS NOT NULL AND "end" IS NOT NULL AND datediff('day', start, "end") < $short_days
            GROUP BY location
        ), concerns AS (
            SELECT location, count(DISTINCT event_id) AS n, max(occurred_at) AS last_at FROM place_events
            WHERE kind = 'visit' AND regexp_matches(txt, $concern) GROUP BY location
        ), candidates AS (
            SELECT location FROM visitors UNION SELECT location FROM women UNION SELECT location FROM moved
            UNION SELECT location FROM controllers UNION SELECT location FROM short_text
            UNION SELECT location FROM short_stays UNION SELECT location FROM concerns
        )
        SELECT c.location,
               coalesce(v.n, 0) AS visitor_reports, v.first_at AS visitors_first, v.last_at AS visitors_last,
               coalesce(w.n, 0) AS women, coalesce(m.n, 0) AS moved,
               coalesce(ct.places, 0) AS controller_places, ct.controller,
               coalesce(ct.controllers, 0) AS controllers,
               st.last_at AS short_let_text_at, coalesce(ss.n, 0) AS short_stays,
               coalesce(cn.n, 0) AS concern_visits, cn.last_at AS concern_last
        FROM candidates c
        LEFT JOIN visitors v USING (location) LEFT JOIN women w USING (location)
        LEFT JOIN moved m USING (location) LEFT JOIN controllers ct USING (location)
        LEFT JOIN short_text st USING (location) LEFT JOIN short_stays ss USING (location)
        LEFT JOIN concerns cn USING (location)
        """,
        {
            "visitor": phrase_pattern(cfg.visitor_phrases),
            "short_let": phrase_pattern(cfg.short_let_phrases),
            "concern": phrase_pattern(cfg.concern_phrases),
            "moved": cfg.moved_within_days,
            "short_days": cfg.short_stay_days,
            "not_premises": list(NOT_PREMISES),
        },
    )


def _fetch_indicators(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cursor = con.execute("SELECT * FROM premises_signs")
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _premises_row(r: dict, config: RiskConfig, labels: dict[str, str]) -> dict:
    cfg = config.premises
    values: dict[str, tuple[float, str]] = {
        "reported_visitors": (
            min(r["visitor_reports"] / cfg.visitor_reports_full, 1.0),
            f"{r['visitor_reports']} report(s) of many callers or visitors"
            + (
                f", {local_day(r['visitors_first'])} to {local_day(r['visitors_last'])}"
                if r["visitor_reports"]
                else ""
            ),
        ),
        "several_women": (
            # two women at one address is a household as often as not: the sign starts at three
            0.0 if r["women"] < 3 else min((r["women"] - 2) / (cfg.women_full - 2), 1.0),
            f"{r['women']} women linked to the address",
        ),
        "women_moved": (
            min(r["moved"] / cfg.moved_full, 1.0),
            f"{r['moved']} people moved between this and another address within {cfg.moved_within_days} days",
        ),
        "shared_controller": (
            1.0 if r["controller_places"] >= 2 else 0.0,
            f"one person or phone ({labels.get(r['controller'], 'a controller')}) is behind "
            f"{r['controller_places']} addresses"
            if r["controller_places"] >= 2
            else "no controller behind other addresses",
        ),
        "short_let": (
            1.0 if r["short_let_text_at"] is not None or r["short_stays"] >= cfg.short_stays_full else 0.0,
            _short_let_evidence(r, cfg),
        ),
        "visit_concerns": (
            1.0 if r["concern_visits"] else 0.0,
            f"concerns recorded at {r['concern_visits']} visit(s), latest {local_day(r['concern_last'])}"
            if r["concern_visits"]
            else "no concerns recorded at visits",
        ),
    }
    indicators, score, shown = weigh(values, cfg.weights, PREMISES_INDICATORS)
    return {
        "location": r["location"],
        "score": score,
        "indicators": indicators,
        "high_risk": score >= cfg.high_risk_score,
        # for people at risk: the score without the one sign that reads anyone's sex
        "score_without_sex": round(score - indicators["several_women"]["points"], 1),
        "explanation": f"Score {score:g}: " + "; ".join(shown) + "." if shown else "No signs.",
    }


def _short_let_evidence(r: dict, cfg) -> str:
    if r["short_let_text_at"] is not None:
        return f"reported as a short let ({local_day(r['short_let_text_at'])})"
    if r["short_stays"] >= cfg.short_stays_full:
        return f"{r['short_stays']} stays shorter than {cfg.short_stay_days} days (churn)"
    return "no sign of a short let"
