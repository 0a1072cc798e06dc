"""Subjects: is a person's behaviour escalating, and how high a priority are they (RFGV)?

Escalation is the trend of incident severity over time: a Theil-Sen slope (the median of the
slopes between every pair of incidents: a few odd reports cannot swing it) and a Mann-Kendall
test of whether the rise could be chance. Both are written as one SQL pipeline in DuckDB rather
than called per subject from a statistics library, because a force holds 10^5 subjects and a
per-subject Python loop would take minutes; tests/engine/test_risk_trend.py checks the SQL
against pymannkendall on random series. Perpetrator priority is recency, frequency, gravity and
victims, each placed in configured bands and weighted; the reason for every rank is written out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from lantern.engine.risk.config import RiskConfig, points_for

LONDON = ZoneInfo("Europe/London")
DAY_SECONDS = 86400.0


@dataclass
class SubjectScores:
    rows: list[dict]
    notes: list[str] = field(default_factory=list)


def score_subjects(con: duckdb.DuckDBPyConnection, config: RiskConfig, as_of: datetime) -> SubjectScores:
    """Score every subject of an incident (``incident_severity`` must exist: see severity.py)."""
    notes = _select_incidents(con, config, as_of)
    _trend(con, config)
    _rfgv_parts(con, config, as_of)
    names = dict(con.execute("SELECT code, name FROM vocabulary").fetchall())
    rows = [_subject_row(r, config, as_of, names) for r in _fetch(con, "SELECT * FROM subject_stats")]
    chronologies = _chronologies(con, config)
    for row in rows:
        row["chronology"] = chronologies.get(row["subject"], [])
        row["escalation_text"] = _escalation_text(row, config, names)
    _rank(rows)
    return SubjectScores(rows, notes)


def _select_incidents(con: duckdb.DuckDBPyConnection, config: RiskConfig, as_of: datetime) -> list[str]:
    lower = as_of - timedelta(days=config.escalation.lookback_days)
    upper = as_of + timedelta(days=1)  # a report filed late on the day of the run is not "future"
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE subject_links AS
        SELECT DISTINCT l.event_id, l.entity AS subject
        FROM event_links l JOIN events e ON e.event_id = l.event_id
        WHERE l.role = 'subject' AND e.kind = 'incident'
        """
    )
    undated, future = con.execute(
        """
        SELECT count(DISTINCT e.event_id) FILTER (WHERE e.occurred_at IS NULL),
               count(DISTINCT e.event_id) FILTER (WHERE e.occurred_at > $upper)
        FROM subject_links l JOIN events e ON e.event_id = l.event_id
        """,
        {"upper": upper},
    ).fetchone()
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE si AS
        SELECT l.subject, e.event_id, e.occurred_at, epoch(e.occurred_at) / 86400.0 AS t,
               s.severity, s.harm, s.codes, e.grade, e.summary,
               row_number() OVER (PARTITION BY l.subject ORDER BY e.occurred_at, e.event_id) AS idx,
               count(*) OVER (PARTITION BY l.subject) AS n
        FROM subject_links l
        JOIN events e ON e.event_id = l.event_id
        JOIN incident_severity s ON s.event_id = e.event_id
        WHERE e.occurred_at IS NOT NULL AND e.occurred_at <= $upper AND e.occurred_at >= $lower
        """,
        {"upper": upper, "lower": lower},
    )
    notes = []
    if undated:
        notes.append(f"{undated} incident(s) with no date were left out: give them a date to count them.")
    if future:
        notes.append(
            f"{future} incident(s) dated in the future were left out: check their dates (a day/month swap?)."
        )
    return notes


def _trend(con: duckdb.DuckDBPyConnection, config: RiskConfig) -> None:
    """Theil-Sen slope, Mann-Kendall S and its variance (with ties), per subject, in SQL."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE tp AS
        SELECT subject, event_id, t, severity,
               row_number() OVER (PARTITION BY subject ORDER BY t, event_id) AS k
        FROM (
            SELECT *, row_number() OVER (PARTITION BY subject ORDER BY t DESC, event_id DESC) AS from_end
            FROM si WHERE severity IS NOT NULL
        ) WHERE from_end <= $max_points
        """,
        {"max_points": config.escalation.max_points},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE trend AS
        WITH pairs AS (
            SELECT a.subject,
                   sum(sign(b.severity - a.severity)) AS s,
                   median((b.severity - a.severity) / (b.t - a.t)) FILTER (WHERE b.t > a.t) AS slope
            FROM tp a JOIN tp b ON a.subject = b.subject AND a.k < b.k
            GROUP BY a.subject
        ), ties AS (
            SELECT subject, sum(c * (c - 1) * (2 * c + 5)) AS tie_term
            FROM (SELECT subject, severity, count(*) AS c FROM tp GROUP BY subject, severity)
            GROUP BY subject
        ), sizes AS (
            SELECT subject, count(*) AS m, min(t) AS t0 FROM tp GROUP BY subject
        )
        SELECT z.subject, z.m AS trend_points, z.t0, p.s, p.slope,
               (z.m * (z.m - 1) * (2 * z.m + 5) - t.tie_term) / 18.0 AS var_s
        FROM sizes z JOIN ties t USING (subject) LEFT JOIN pairs p USING (subject)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE trend_line AS
        SELECT tp.subject, median(tp.severity - tr.slope * (tp.t - tr.t0)) AS intercept
        FROM tp JOIN trend tr USING (subject)
        WHERE tr.slope IS NOT NULL
        GROUP BY tp.subject
        """
    )


def _rfgv_parts(con: duckdb.DuckDBPyConnection, config: RiskConfig, as_of: datetime) -> None:
    rfgv, esc = config.rfgv, config.escalation
    now_t = _days(as_of)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE harmed AS
        SELECT DISTINCT si.subject, l.entity AS person, l.role, si.t
        FROM si JOIN event_links l ON l.event_id = si.event_id
        WHERE l.entity <> si.subject AND (list_contains($victim_roles, l.role) OR l.role = 'reporter')
        """,
        {"victim_roles": rfgv.victim_roles},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE subject_stats AS
        WITH base AS (
            SELECT subject, count(*) AS incidents, min(t) AS first_t, max(t) AS last_t,
                   count(*) FILTER (WHERE t >= $now_t - $window) AS recent_incidents,
                   coalesce(sum(harm), 0) AS harm_total,
                   arg_max(event_id, harm) AS gravest_event
            FROM si GROUP BY subject
        ), halves AS (
            SELECT si.subject,
                   count(*) FILTER (WHERE si.t <= (b.first_t + b.last_t) / 2) AS earlier,
                   count(*) FILTER (WHERE si.t > (b.first_t + b.last_t) / 2) AS later
            FROM si JOIN base b USING (subject) GROUP BY si.subject
        ), cut AS (
            SELECT subject, max(k) AS m, floor(max(k) * (1 - $fraction)) AS cut_k FROM tp GROUP BY subject
        ), before_max AS (
            SELECT tp.subject, max(tp.severity) AS earlier_max
            FROM tp JOIN cut USING (subject) WHERE tp.k <= cut.cut_k GROUP BY tp.subject
        ), code_first AS (
            SELECT tp.subject, u.code, min(tp.k) AS first_k, min(tp.t) AS first_t
            FROM tp JOIN incident_severity s ON s.event_id = tp.event_id, unnest(s.codes) AS u(code)
            GROUP BY tp.subject, u.code
        ), new_kinds AS (
            SELECT f.subject, list(f.code ORDER BY c.rung DESC, f.code) AS new_codes
            FROM code_first f JOIN cut USING (subject) JOIN before_max bm USING (subject)
            JOIN code_ladder c ON c.code = f.code
            WHERE cut.cut_k >= 1 AND f.first_k > cut.cut_k AND c.rung > bm.earlier_max
            GROUP BY f.subject
        ), people AS (
            SELECT subject,
                   count(DISTINCT person) FILTER (WHERE role = 'reporter') AS reporters,
                   count(DISTINCT person) FILTER (WHERE list_contains($victim_roles, role)) AS victims
            FROM harmed GROUP BY subject
        ), victim_times AS (
            SELECT DISTINCT subject, person, t FROM harmed WHERE list_contains($victim_roles, role)
        ), serial AS (
            SELECT subject, max(c) AS serial_victims FROM (
                SELECT a.subject, a.t, count(DISTINCT b.person) AS c
                FROM victim_times a JOIN victim_times b
                  ON a.subject = b.subject AND b.t BETWEEN a.t - $serial_days AND a.t
                GROUP BY a.subject, a.t
            ) GROUP BY subject
        )
        SELECT b.*, h.earlier, h.later, tr.trend_points, tr.s, tr.var_s, tr.slope, tr.t0, tl.intercept,
               coalesce(nk.new_codes, []) AS new_codes,
               coalesce(p.reporters, 0) AS reporters, coalesce(p.victims, 0) AS victims,
               coalesce(se.serial_victims, 0) AS serial_victims,
               gs.codes AS gravest_codes
        FROM base b
        JOIN halves h USING (subject)
        LEFT JOIN trend tr USING (subject)
        LEFT JOIN trend_line tl USING (subject)
        LEFT JOIN new_kinds nk USING (subject)
        LEFT JOIN people p USING (subject)
        LEFT JOIN serial se USING (subject)
        LEFT JOIN incident_severity gs ON gs.event_id = b.gravest_event
        """,
        {
            "now_t": now_t,
            "window": float(rfgv.frequency_window_days),
            "fraction": esc.new_kinds_fraction,
            "victim_roles": rfgv.victim_roles,
            "serial_days": rfgv.serial_years * 365.25,
        },
    )


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def mann_kendall_p(s: float | None, var_s: float | None) -> tuple[float | None, float | None]:
    """Two-sided p-value and Z of Mann-Kendall's S (normal approximation with continuity correction)."""
    if s is None or not var_s or var_s <= 0:
        return None, None
    z = (s - 1) / math.sqrt(var_s) if s > 0 else (s + 1) / math.sqrt(var_s) if s < 0 else 0.0
    return math.erfc(abs(z) / math.sqrt(2)), z


def _subject_row(r: dict, config: RiskConfig, as_of: datetime, names: dict[str, str]) -> dict:
    esc, rfgv = config.escalation, config.rfgv
    p, z = mann_kendall_p(r["s"], r["var_s"])
    slope = r["slope"]
    trend_points = r["trend_points"] or 0
    escalating = bool(
        trend_points >= esc.min_incidents
        and slope is not None
        and slope > 0
        and p is not None
        and p < esc.significance
    )
    recency = max(0.0, _days(as_of) - r["last_t"])
    points = {
        "recency": points_for(recency, rfgv.recency_days),
        "frequency": points_for(r["recent_incidents"], rfgv.frequency),
        "gravity": points_for(r["harm_total"], rfgv.gravity_harm_days),
        "victims": points_for(r["victims"], rfgv.victims),
    }
    top = {
        "recency": max(b.points for b in rfgv.recency_days),
        "frequency": max(b.points for b in rfgv.frequency),
        "gravity": max(b.points for b in rfgv.gravity_harm_days),
        "victims": max(b.points for b in rfgv.victims),
    }
    weight_sum = sum(rfgv.weights[k] * top[k] for k in points) or 1.0
    priority = round(100 * sum(rfgv.weights[k] * points[k] for k in points) / weight_sum, 1)
    serial = r["serial_victims"] >= rfgv.serial_victims
    row = {
        "subject": r["subject"],
        "incidents": r["incidents"],
        "trend_points": trend_points,
        "first_at": _from_days(r["first_t"]),
        "last_at": _from_days(r["last_t"]),
        "slope_per_30_days": None if slope is None else slope * 30,
        "mk_s": r["s"],
        "mk_z": z,
        "mk_p": p,
        "escalating": escalating,
        "earlier": r["earlier"],
        "later": r["later"],
        "accelerating": r["incidents"] >= esc.min_incidents
        and r["later"] >= esc.acceleration_ratio * r["earlier"],
        "new_kinds": [names.get(c, c) for c in r["new_codes"]],
        "reporters": r["reporters"],
        "victims": r["victims"],
        "recency_days": round(recency),
        "recent_incidents": r["recent_incidents"],
        "harm_total": r["harm_total"],
        "gravest": [names.get(c, c) for c in (r["gravest_codes"] or [])],
        "points": points,
        "priority": priority,
        "serial": serial,
        "serial_victims": r["serial_victims"],
        "trend": None
        if slope is None
        else {"t0": _from_days(r["t0"]).isoformat(), "intercept": r["intercept"], "slope_per_day": slope},
    }
    row["priority_text"] = _priority_text(row, config)
    return row


def _days(at: datetime) -> float:
    """Days since the epoch of a naive UTC time (the session's convention)."""
    return at.replace(tzinfo=UTC).timestamp() / DAY_SECONDS


def _from_days(t: float) -> datetime:
    return datetime.fromtimestamp(t * DAY_SECONDS, tz=UTC)


def _chronologies(con: duckdb.DuckDBPyConnection, config: RiskConfig) -> dict[str, list[dict]]:
    """Every subject's incidents in order (the latest ``citations`` of them)."""
    rows = con.execute(
        """
        SELECT subject, event_id, occurred_at, severity, harm, codes, grade, summary FROM si
        WHERE idx > n - $cap ORDER BY subject, idx
        """,
        {"cap": config.escalation.max_points},
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for subject, event_id, at, severity, harm, codes, grade, summary in rows:
        out.setdefault(subject, []).append(
            {
                "event_id": event_id,
                "at": at.replace(tzinfo=UTC).isoformat(),
                "severity": severity,
                "harm": harm,
                "codes": list(codes or []),
                "grade": grade or "",
                "summary": summary or "",
            }
        )
    return out


def local_day(iso: str | datetime) -> str:
    """A date as people in the UK would say it (naive times are UTC)."""
    at = datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(LONDON).strftime("%-d %b %Y")


def _kinds(codes: list[str], names: dict[str, str]) -> str:
    words = [names.get(c, c).lower() for c in codes]
    if not words:
        return "no behaviour recorded"
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _escalation_text(row: dict, config: RiskConfig, names: dict[str, str]) -> str:
    esc = config.escalation
    n = row["incidents"]
    span = f"{n} incident{'s' if n != 1 else ''}"
    if n > 1:
        span += f" between {local_day(row['first_at'])} and {local_day(row['last_at'])}"
    else:
        span += f" on {local_day(row['first_at'])}"
    parts = [f"{span}, reported by {row['reporters']} people, harming {row['victims']}."]
    if row["trend_points"] < esc.min_incidents:
        parts.append(
            f"Too few incidents with a recorded behaviour for a trend ({row['trend_points']}; "
            f"{esc.min_incidents} needed)."
        )
    elif row["escalating"]:
        parts.append(
            f"Escalating: severity rose about {row['slope_per_30_days']:.1f} ladder steps a month "
            f"(Theil-Sen slope), a rise unlikely to be chance (Mann-Kendall p = {row['mk_p']:.3f})."
        )
    else:
        slope = row["slope_per_30_days"] or 0.0
        p = row["mk_p"]
        parts.append(
            f"No clear rising trend: slope {slope:+.1f} ladder steps a month, "
            f"Mann-Kendall p = {p:.2f} (below {esc.significance} needed)."
            if p is not None
            else "No trend can be measured (every incident on the same rung)."
        )
    if row["accelerating"]:
        parts.append(
            f"Incidents came faster: {row['later']} in the later half of the period against {row['earlier']}."
        )
    if row["new_kinds"]:
        parts.append(f"New and more serious kinds lately: {', '.join(k.lower() for k in row['new_kinds'])}.")
    cited = row["chronology"][-esc.citations :]
    if cited:
        lead = "In order" if len(cited) == len(row["chronology"]) else f"The latest {len(cited)}, in order"
        items = [
            f"{local_day(c['at'])}: {_kinds(c['codes'], names)}" + (f" ({c['grade']})" if c["grade"] else "")
            for c in cited
        ]
        parts.append(f"{lead}: " + "; ".join(items) + ".")
    return " ".join(parts)


def _priority_text(row: dict, config: RiskConfig) -> str:
    pts = row["points"]
    gravest = f"; gravest: {', '.join(g.lower() for g in row['gravest'])}" if row["gravest"] else ""
    text = (
        f"Priority {row['priority']:.0f}/100. Recency {pts['recency']:g} (last incident "
        f"{row['recency_days']} days ago); frequency {pts['frequency']:g} ({row['recent_incidents']} "
        f"in {config.rfgv.frequency_window_days} days); gravity {pts['gravity']:g} (harm "
        f"{row['harm_total']:g} days{gravest}); victims {pts['victims']:g} ({row['victims']} people harmed)."
    )
    if row["serial"]:
        text += (
            f" Serial: {row['serial_victims']} victims within {config.rfgv.serial_years:g} years "
            f"({config.rfgv.serial_victims} make a serial perpetrator)."
        )
    return text


def _or_low(value: float | None) -> float:
    """No trend sorts below any measured one (zero included)."""
    return -1e9 if value is None else value


def _rank(rows: list[dict]) -> None:
    by_escalation = sorted(
        rows,
        key=lambda r: (
            not r["escalating"],
            -_or_low(r["mk_z"]),
            -_or_low(r["slope_per_30_days"]),
            r["subject"],
        ),
    )
    for i, row in enumerate(by_escalation, 1):
        row["escalation_rank"] = i
    by_priority = sorted(
        rows, key=lambda r: (-r["priority"], not r["escalating"], -r["incidents"], r["subject"])
    )
    for i, row in enumerate(by_priority, 1):
        row["priority_rank"] = i
