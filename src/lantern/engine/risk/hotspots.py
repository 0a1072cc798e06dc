"""Hotspots: harm-weighted events in H3 cells, a day-of-week by hour matrix, and the change
against the previous period of the same length.

Incidents weigh their harm (days); reports with no recorded behaviour weigh the configured
``report_weight``. Times are read in UK local time, because "Friday 23:00" is what patrols plan by.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import h3

from lantern.engine.risk.config import RiskConfig

LONDON = ZoneInfo("Europe/London")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hotspots(con: duckdb.DuckDBPyConnection, config: RiskConfig, as_of: datetime) -> dict:
    cfg = config.hotspots
    period = timedelta(days=cfg.period_days)
    start, previous = as_of - period, as_of - 2 * period
    rows = con.execute(
        """
        SELECT e.latitude, e.longitude, e.occurred_at,
               CASE WHEN e.kind = 'incident' AND s.harm > 0 THEN s.harm ELSE $report_weight END AS weight,
               e.occurred_at >= $start AS current
        FROM events e LEFT JOIN incident_severity s ON s.event_id = e.event_id
        WHERE e.kind IN ('incident', 'report') AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
          AND e.occurred_at BETWEEN $previous AND $end
        """,
        {"report_weight": float(cfg.report_weight), "start": start, "previous": previous, "end": as_of},
    ).fetchall()
    cells: dict[str, dict] = {}
    matrix = [[0.0] * 24 for _ in range(7)]
    for lat, lon, at, weight, current in rows:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        cell = cells.setdefault(
            h3.latlng_to_cell(lat, lon, cfg.h3_resolution),
            {"harm": 0.0, "events": 0, "harm_previous": 0.0, "events_previous": 0},
        )
        if current:
            cell["harm"] += weight
            cell["events"] += 1
            local = at.replace(tzinfo=UTC).astimezone(LONDON)
            matrix[local.weekday()][local.hour] += weight
        else:
            cell["harm_previous"] += weight
            cell["events_previous"] += 1
    out = []
    for cell_id, c in cells.items():
        lat, lon = h3.cell_to_latlng(cell_id)
        out.append(
            {
                "cell": cell_id,
                "latitude": lat,
                "longitude": lon,
                "boundary": [list(p) for p in h3.cell_to_boundary(cell_id)],
                **c,
                "change": c["harm"] - c["harm_previous"],
            }
        )
    out.sort(key=lambda c: (-c["harm"], c["cell"]))
    return {
        "period_start": start.isoformat(),
        "period_end": as_of.isoformat(),
        "previous_start": previous.isoformat(),
        "resolution": cfg.h3_resolution,
        "cells": out,
        "matrix": {
            "days": list(DAYS),
            "hours": list(range(24)),
            "harm": [[round(v, 1) for v in r] for r in matrix],
        },
    }
