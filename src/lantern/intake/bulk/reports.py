"""Filing bulk report rows: through the audited event services, one report at a time.

Report files are orders of magnitude smaller than person indexes, and each report enters the
triage queue, so the services' per-record path (its audit entry per report included) is used
rather than a set-based one. Imported reports are ``source_type`` bulk, status new.
"""

from __future__ import annotations

from datetime import datetime

from lantern.engine.bulk_rows import ReportRow
from lantern.intake.bulk.writer import Written
from lantern.intel.models import IntelligenceReport, Source
from lantern.intel.services import Actor, EventInput, event_record, location_ensure, source_ensure


class ReportWriter:
    def __init__(self, *, seen: datetime, user=None, source_kind: str = Source.Kind.POLICE):
        self.actor = Actor(user=user, via="bulk import")
        self.source_kind = source_kind
        self.sources: dict[str, Source] = {}

    def write(self, rows: list[ReportRow]) -> Written:
        filed = known = 0
        for row in rows:
            if self._file(row) == "created":
                filed += 1
            else:
                known += 1
        return Written(filed, known)

    def _file(self, row: ReportRow) -> str:
        source = self.sources.get(row.source)
        if source is None:
            source = source_ensure(code=row.source, name=row.source, kind=self.source_kind, actor=self.actor)
            self.sources[row.source] = source
        location = None
        if row.address or row.postcode:
            place = location_ensure(
                line1=row.address,
                postcode=row.postcode,
                source=source,
                source_ref=row.record_id,
                actor=self.actor,
            )
            location = place.obj
        # The summary shows on timelines to every police role: never the unsanitised text.
        summary = (
            row.sanitised_text.split("\n", 1)[0] or f"Imported report {row.record_id} (not yet sanitised)"
        )
        result = event_record(
            EventInput(
                kind="report",
                source=source,
                source_ref=row.record_id,
                occurred_from=row.occurred_at,
                summary=summary[:120],
                location=location,
                details={
                    "text": row.text,
                    "sanitised_text": row.sanitised_text,
                    "source_type": IntelligenceReport.SourceType.BULK,
                    "source_evaluation": row.source_evaluation,
                    "intelligence_assessment": row.intelligence_assessment,
                    "handling_code": row.handling_code,
                    "handling_conditions": row.handling_conditions,
                },
            ),
            actor=self.actor,
        )
        return result.status
