"""The area picture: what happened in an area over a period, against the period before it.

No Django. Inputs are Arrow tables (see ``SCHEMAS``) that the caller has already limited to what
the acting user may see; the area is an ``engine.areas.Area``. One DuckDB session does the
counting: trends by week or month, harm by incident (the risk model's severity, so a profile and
the priorities list weigh an incident alike), the day-of-week by hour matrix in UK time, harm in
H3 cells for the map, and the open context crimes by type, LSOA and street.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import h3
import numpy as np
import pyarrow as pa

from lantern.engine.areas import Area
from lantern.engine.risk.config import RiskConfig
from lantern.engine.risk.severity import build_incident_severity

LONDON = ZoneInfo("Europe/London")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
H3_RESOLUTION = 8
# Up to this many days the trend is drawn by week; longer periods by month.
WEEKLY_UP_TO_DAYS = 120

SCHEMAS = {
    "events": pa.schema(
        [
            ("event_id", pa.string()),
            ("kind", pa.string()),  # report | incident | sighting | visit
            ("occurred_at", pa.timestamp("us", tz="UTC")),
            ("longitude", pa.float64()),
            ("latitude", pa.float64()),
            ("postcode", pa.string()),
            ("location_id", pa.string()),
        ]
    ),
    "event_behaviours": pa.schema([("event_id", pa.string()), ("code", pa.string())]),
    "vocabulary": pa.schema(
        [
            ("code", pa.string()),
            ("name", pa.string()),
            ("category", pa.string()),
            ("severity", pa.float64()),
            ("harm_days", pa.float64()),
        ]
    ),
    "alerts": pa.schema(
        [
            ("alert_id", pa.string()),
            ("raised_at", pa.timestamp("us", tz="UTC")),
            ("status", pa.string()),
            ("order_type", pa.string()),
            ("longitude", pa.float64()),
            ("latitude", pa.float64()),
        ]
    ),
    "crimes": pa.schema(
        [
            ("month", pa.date32()),
            ("longitude", pa.float64()),
            ("latitude", pa.float64()),
            ("crime_type", pa.string()),
            ("lsoa_code", pa.string()),
            ("lsoa_name", pa.string()),
            ("street", pa.string()),
        ]
    ),
}


@dataclass
class PictureInputs:
    events: pa.Table
    event_behaviours: pa.Table
    vocabulary: pa.Table
    alerts: pa.Table
    crimes: pa.Table

    @classmethod
    def from_rows(cls, **tables: list[dict]) -> PictureInputs:
        """Build from lists of dicts (the store's values() rows); missing tables are empty."""
        return cls(
            **{
                name: pa.Table.from_pylist(tables.get(name) or [], schema=schema)
                for name, schema in SCHEMAS.items()
            }
        )


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware

    @classmethod
    def of_days(cls, first: date, last: date) -> Period:
        """The UK-local days ``first`` to ``last`` inclusive."""
        if last < first:
            raise ValueError(f"the period ends ({last}) before it starts ({first}).")
        start = datetime(first.year, first.month, first.day, tzinfo=LONDON)
        end = datetime(last.year, last.month, last.day, tzinfo=LONDON) + timedelta(days=1)
        return cls(start.astimezone(UTC), end.astimezone(UTC))

    @property
    def previous(self) -> Period:
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def days(self) -> int:
        return max(1, round((self.end - self.start).total_seconds() / 86400))

    @property
    def first_day(self) -> date:
        return self.start.astimezone(LONDON).date()

    @property
    def last_day(self) -> date:
        return (self.end.astimezone(LONDON) - timedelta(seconds=1)).date()


def area_picture(inputs: PictureInputs, area: Area, period: Period, config: RiskConfig) -> dict:
    """Everything the dashboard and the problem profile draw, as plain data."""
    con = duckdb.connect()
    try:
        _register(con, inputs, area)
        build_incident_severity(con, config)
        bucket = "week" if period.days <= WEEKLY_UP_TO_DAYS else "month"
        return {
            "area": area.name,
            "period": {"first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat()},
            "totals": _totals(con, period),
            "previous": _totals(con, period.previous),
            "unlocated": _unlocated(con, period),
            "series": _series(con, period, bucket, config),
            "matrix": _matrix(con, period, config),
            "cells": _cells(con, period, config),
            "alerts_by_status": _alerts_by_status(con, period),
            "context": _context(con),
            "event_ids": [r[0] for r in con.execute(_IN_PERIOD_IDS, _window(period)).fetchall()],
        }
    finally:
        con.close()


_IN_PERIOD_IDS = "SELECT event_id FROM events WHERE in_area AND occurred_at >= $start AND occurred_at < $end"


def _register(con: duckdb.DuckDBPyConnection, inputs: PictureInputs, area: Area) -> None:
    events = inputs.events
    inside = area.contains(
        _floats(events, "longitude"), _floats(events, "latitude"), events.column("postcode").to_pylist()
    )
    # Times are compared and returned as naive UTC (DuckDB hands back aware times only through pytz).
    con.execute("SET TimeZone = 'UTC'")
    con.register("events_in", events.append_column("in_area", pa.array(inside, pa.bool_())))
    con.execute(
        "CREATE TEMP TABLE events AS SELECT * REPLACE (occurred_at::TIMESTAMP AS occurred_at) FROM events_in"
    )
    con.register("event_behaviours", inputs.event_behaviours)
    con.register("vocabulary", inputs.vocabulary)
    alerts = inputs.alerts
    con.register(
        "alerts_in",
        alerts.append_column(
            "in_area", pa.array(area.contains(_floats(alerts, "longitude"), _floats(alerts, "latitude")))
        ),
    )
    con.execute(
        "CREATE TEMP TABLE alerts AS SELECT * REPLACE (raised_at::TIMESTAMP AS raised_at) FROM alerts_in"
    )
    crimes = inputs.crimes
    con.register(
        "crimes",
        crimes.append_column(
            "in_area", pa.array(area.contains(_floats(crimes, "longitude"), _floats(crimes, "latitude")))
        ),
    )


def _floats(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).to_numpy(zero_copy_only=False).astype("float64")


def _window(period: Period) -> dict:
    return {"start": _naive_utc(period.start), "end": _naive_utc(period.end)}


def _naive_utc(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None)


def _totals(con: duckdb.DuckDBPyConnection, period: Period) -> dict:
    row = con.execute(
        """
        SELECT count(*) FILTER (WHERE e.kind = 'report'),
               count(*) FILTER (WHERE e.kind = 'incident'),
               coalesce(sum(s.harm) FILTER (WHERE e.kind = 'incident'), 0),
               count(*) FILTER (WHERE e.kind = 'sighting'),
               count(*) FILTER (WHERE e.kind = 'visit')
        FROM events e LEFT JOIN incident_severity s USING (event_id)
        WHERE e.in_area AND e.occurred_at >= $start AND e.occurred_at < $end
        """,
        _window(period),
    ).fetchone()
    alerts = con.execute(
        "SELECT count(*) FROM alerts WHERE in_area AND raised_at >= $start AND raised_at < $end",
        _window(period),
    ).fetchone()[0]
    return {
        "reports": row[0],
        "incidents": row[1],
        "harm": round(float(row[2]), 1),
        "sightings": row[3],
        "visits": row[4],
        "alerts": alerts,
    }


def _unlocated(con: duckdb.DuckDBPyConnection, period: Period) -> dict:
    """Events in the period with no place at all: they are in no area, so the profile names them."""
    row = con.execute(
        """
        SELECT count(*) FILTER (WHERE kind = 'report'), count(*) FILTER (WHERE kind = 'incident')
        FROM events
        WHERE (latitude IS NULL OR longitude IS NULL) AND coalesce(postcode, '') = ''
          AND occurred_at >= $start AND occurred_at < $end
        """,
        _window(period),
    ).fetchone()
    return {"reports": row[0], "incidents": row[1]}


def _series(con: duckdb.DuckDBPyConnection, period: Period, bucket: str, config: RiskConfig) -> dict:
    starts = _bucket_starts(period, bucket)
    index = {d: i for i, d in enumerate(starts)}
    series = {name: [0.0] * len(starts) for name in ("reports", "incidents", "harm", "alerts")}
    rows = _reports_and_incidents(con, period)
    for kind, at, harm in rows:
        i = index.get(_bucket_of(at, bucket))
        if i is None:
            continue
        series["reports" if kind == "report" else "incidents"][i] += 1
        if kind == "incident":
            series["harm"][i] += float(harm)
    for (at,) in con.execute(
        "SELECT raised_at FROM alerts WHERE in_area AND raised_at >= $start AND raised_at < $end",
        _window(period),
    ).fetchall():
        i = index.get(_bucket_of(at, bucket))
        if i is not None:
            series["alerts"][i] += 1
    return {
        "bucket": bucket,
        "starts": [d.isoformat() for d in starts],
        **{k: [round(v, 1) for v in values] for k, values in series.items()},
    }


def _reports_and_incidents(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple]:
    """(kind, occurred_at, harm) of the reports and incidents in the area and period."""
    return con.execute(
        """
        SELECT e.kind, e.occurred_at, coalesce(s.harm, 0)
        FROM events e LEFT JOIN incident_severity s USING (event_id)
        WHERE e.in_area AND e.kind IN ('report', 'incident')
          AND e.occurred_at >= $start AND e.occurred_at < $end
        """,
        _window(period),
    ).fetchall()


def _bucket_starts(period: Period, bucket: str) -> list[date]:
    first, last = period.first_day, period.last_day
    day = _bucket_of_day(first, bucket)
    out = []
    while day <= last:
        out.append(day)
        day = day + timedelta(days=7) if bucket == "week" else _next_month(day)
    return out


def _bucket_of(at: datetime, bucket: str) -> date:
    return _bucket_of_day(_local(at).date(), bucket)


def _bucket_of_day(day: date, bucket: str) -> date:
    return day - timedelta(days=day.weekday()) if bucket == "week" else day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _local(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LONDON)


def _matrix(con: duckdb.DuckDBPyConnection, period: Period, config: RiskConfig) -> dict:
    """Reports and incidents by UK day of week and hour, counted and weighted by harm."""
    counts = [[0] * 24 for _ in range(7)]
    harm = [[0.0] * 24 for _ in range(7)]
    report_weight = float(config.hotspots.report_weight)
    rows = _reports_and_incidents(con, period)
    for kind, at, h in rows:
        local = _local(at)
        counts[local.weekday()][local.hour] += 1
        harm[local.weekday()][local.hour] += float(h) if kind == "incident" and h else report_weight
    return {"days": list(DAYS), "hours": list(range(24)), "counts": counts, "harm": harm}


def _cells(con: duckdb.DuckDBPyConnection, period: Period, config: RiskConfig) -> list[dict]:
    report_weight = float(config.hotspots.report_weight)
    rows = con.execute(
        """
        SELECT e.latitude, e.longitude, e.kind, coalesce(s.harm, 0)
        FROM events e LEFT JOIN incident_severity s USING (event_id)
        WHERE e.in_area AND e.kind IN ('report', 'incident') AND e.latitude IS NOT NULL
          AND e.longitude IS NOT NULL AND e.occurred_at >= $start AND e.occurred_at < $end
        """,
        _window(period),
    ).fetchall()
    cells: dict[str, dict] = {}
    for lat, lon, kind, h in rows:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        cell = cells.setdefault(h3.latlng_to_cell(lat, lon, H3_RESOLUTION), {"harm": 0.0, "events": 0})
        cell["harm"] += float(h) if kind == "incident" and h else report_weight
        cell["events"] += 1
    out = []
    for cell_id, c in cells.items():
        lat, lon = h3.cell_to_latlng(cell_id)
        boundary = [list(p) for p in h3.cell_to_boundary(cell_id)]
        out.append({"cell": cell_id, "latitude": lat, "longitude": lon, "boundary": boundary, **c})
    out.sort(key=lambda c: (-c["harm"], c["cell"]))
    return out


def _alerts_by_status(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple[str, int]]:
    return con.execute(
        """
        SELECT status, count(*) FROM alerts WHERE in_area AND raised_at >= $start AND raised_at < $end
        GROUP BY status ORDER BY count(*) DESC, status
        """,
        _window(period),
    ).fetchall()


def _context(con: duckdb.DuckDBPyConnection) -> dict:
    """Open crime data (data.police.uk), which comes by month: the caller passes the months of the
    period only, so every row given is counted."""
    where = "in_area"
    total = con.execute("SELECT count(*) FROM crimes WHERE in_area").fetchone()[0]

    def top(column: str, label: str = "") -> list[tuple]:
        label = label or column  # column names are constants of this module, never user input
        sql = (
            f"SELECT {label}, count(*) AS n FROM crimes WHERE {where} "  # noqa: S608
            f"AND coalesce({column}, '') <> '' GROUP BY {label} ORDER BY n DESC, {label} LIMIT 10"
        )
        return con.execute(sql).fetchall()

    return {
        "total": total,
        "by_type": top("crime_type"),
        "by_lsoa": top("lsoa_code", "lsoa_code, lsoa_name"),
        "by_street": top("street"),
    }
