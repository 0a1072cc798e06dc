"""How serious each incident was: a ladder position (1-10) and a harm weight in days.

Behaviours that are not crimes sit on the severity ladder; offences carry Crime Harm Index style
days and are placed on the ladder by the configured bands, so a trend can mix both. An incident
with no recorded behaviour or offence has no severity: it counts for frequency, never for a trend.
"""

from __future__ import annotations

import duckdb

from lantern.engine.risk.config import Band, RiskConfig


def ladder_case(column: str, bands: list[Band]) -> str:
    """A SQL CASE placing ``column`` in the bands (numbers come from a validated config)."""
    arms = [
        f"WHEN {column} <= {float(b.upto)!r} THEN {float(b.points)!r}" for b in bands if b.upto is not None
    ]
    return f"(CASE {' '.join(arms)} ELSE {float(bands[-1].points)!r} END)"


def build_incident_severity(con: duckdb.DuckDBPyConnection, config: RiskConfig) -> None:
    """Create ``code_ladder`` (each code on the ladder) and ``incident_severity`` (each incident)."""
    per_step = float(config.severity.harm_days_per_step)
    offence_rung = ladder_case("harm_days", config.severity.offence_ladder)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE code_ladder AS
        SELECT code, name, category, harm_days,
               CASE WHEN category = 'behaviour' THEN CAST(severity AS DOUBLE) ELSE {offence_rung} END AS rung,
               CASE WHEN category = 'behaviour' THEN {per_step!r} * severity ELSE harm_days END AS harm
        FROM vocabulary
        """  # noqa: S608 - numbers from a validated configuration
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE incident_severity AS
        SELECT e.event_id,
               max(c.rung) AS severity,
               greatest(coalesce(sum(c.harm) FILTER (WHERE c.category = 'offence'), 0),
                        coalesce(max(c.harm) FILTER (WHERE c.category = 'behaviour'), 0)) AS harm,
               list(DISTINCT c.code ORDER BY c.code) FILTER (WHERE c.code IS NOT NULL) AS codes
        FROM events e
        LEFT JOIN event_behaviours b ON b.event_id = e.event_id
        LEFT JOIN code_ladder c ON c.code = b.code
        WHERE e.kind = 'incident'
        GROUP BY e.event_id
        """
    )
