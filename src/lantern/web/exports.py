"""Downloads of lists as CSV or XLSX, safe to open in a spreadsheet, and audited.

CSV cells that a spreadsheet would run as a formula are neutralised (``engine.safe_csv``). XLSX
cells are written with their type (numbers as numbers, dates as dates) and text is always a text
cell with Excel's own "quote prefix", so ``=HYPERLINK(...)`` shows as the text it is and stays
text when someone edits the cell. Every download is recorded in the audit trail here, so no view
can forget to.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from lantern.engine.safe_csv import csv_text, safe_cell
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction

__all__ = [
    "EXPORT_FORMATS",
    "csv_response",
    "csv_text",
    "export_format",
    "safe_cell",
    "table_response",
    "xlsx_bytes",
]

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses a cell of more than 32,767 characters; a longer value is cut with a marker.
XLSX_CELL_LIMIT = 32_767
_CUT_MARK = " [cut: longer than a spreadsheet cell holds]"


def export_format(request: HttpRequest) -> str:
    """``csv`` or ``xlsx`` when the query asks for a download, else ``""`` (show the page)."""
    wanted = request.GET.get("format", "").strip().lower()
    return wanted if wanted in EXPORT_FORMATS else ""


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A download; UTF-8 with a byte-order mark so Excel reads accents and non-Latin names correctly."""
    response = HttpResponse("\ufeff" + csv_text(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename, "csv")}"'
    return response


def xlsx_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One worksheet with a bold, frozen header row and a filter on every column."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    text = book.add_format({"quote_prefix": True})
    bold = book.add_format({"bold": True, "quote_prefix": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    ws = book.add_worksheet(_sheet_name(sheet))
    for col, header in enumerate(headers):
        ws.write_string(0, col, _fit(str(header)), bold)
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _write_cell(ws, n, col, value, text=text, when=when, day=day)
    ws.freeze_panes(1, 0)
    if headers:
        ws.autofilter(0, 0, max(n, 1), len(headers) - 1)
        ws.set_column(0, len(headers) - 1, 18)
    book.close()
    return out.getvalue()


def table_response(
    request: HttpRequest,
    *,
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    fmt: str = "",
) -> HttpResponse:
    """The list as a CSV or XLSX download (``fmt``, default from ``?format=``), audited as an export."""
    fmt = fmt or export_format(request) or "csv"
    rows = list(rows)
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(name, headers, rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{_safe_filename(name, "xlsx")}"'
    else:
        response = csv_response(name, headers, rows)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type=name[:60],
        summary=f"{len(rows)} rows as {fmt.upper()}",
        path=request.get_full_path(),
    )
    return response


def _write_cell(ws, row: int, col: int, value: object, *, text, when, day) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
    elif isinstance(value, bool):
        ws.write_string(row, col, "yes" if value else "no", text)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        ws.write_datetime(row, col, local.replace(tzinfo=None), when)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    else:
        ws.write_string(row, col, _fit(str(value)), text)


def _fit(value: str) -> str:
    # Excel and XML refuse control characters other than tab and newlines: drop them.
    value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    if len(value) > XLSX_CELL_LIMIT:
        return value[: XLSX_CELL_LIMIT - len(_CUT_MARK)] + _CUT_MARK
    return value


def _sheet_name(name: str) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\").strip("'")
    return (cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned)[:31] or "Export"


def _safe_filename(name: str, ext: str) -> str:
    stem = name.rsplit(".", 1)[0] if name.lower().endswith((".csv", ".xlsx")) else name
    safe = "".join(ch for ch in stem if ch.isalnum() or ch in "-_.") or "export"
    return f"{safe[:80]}.{ext}"
