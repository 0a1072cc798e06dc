"""CSV downloads that are safe to open in a spreadsheet (the cell rules are ``engine.safe_csv``).

Every export is recorded in the audit trail by the view that serves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from lantern.engine.safe_csv import csv_text, safe_cell

__all__ = ["csv_response", "csv_text", "safe_cell"]


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A download; UTF-8 with a byte-order mark so Excel reads accents and non-Latin names correctly."""
    response = HttpResponse("\ufeff" + csv_text(headers, rows), content_type="text/csv; charset=utf-8")
    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "export.csv"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response
