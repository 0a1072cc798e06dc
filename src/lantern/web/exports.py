"""Downloads of lists as CSV or XLSX, safe to open in a spreadsheet, and audited.

CSV cells that a spreadsheet would run as a formula are neutralised (``engine.safe_csv``). XLSX
cells are written with their type (numbers as numbers, dates as dates) and text is always a text
cell with Excel's own "quote prefix", so ``=HYPERLINK(...)`` shows as the text it is and stays
text when someone edits the cell. Every download is recorded in the audit trail here, so no view
can forget to. A download holds at most ``EXPORT_ROW_LIMIT`` rows: a longer list is refused with a
page asking for narrower filters, never silently cut short.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lantern.engine.safe_csv import csv_text, safe_cell
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_ROW_LIMIT",
    "batches",
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
# One download, whatever the list: enough for any working list, small enough to build in memory.
EXPORT_ROW_LIMIT = 100_000


def export_format(request: HttpRequest) -> str:
    """``csv`` or ``xlsx`` when the query asks for a download, else ``""`` (show the page)."""
    wanted = request.GET.get("format", "").strip().lower()
    return wanted if wanted in EXPORT_FORMATS else ""


def batches(items: Iterable, size: int = 2_000) -> Iterator[list]:
    """``items`` in lists of ``size``: rows that need a lookup per batch (counts, labels) stay lazy."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


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
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
) -> HttpResponse:
    """The list as a CSV or XLSX download (``fmt``, default from ``?format=``), audited as an export.

    ``rows`` may be a generator: at most ``EXPORT_ROW_LIMIT`` + 1 are read, and a longer list is
    refused (400) without an audit entry, since nothing left the system.
    """
    fmt = fmt or export_format(request) or "csv"
    rows = list(islice(rows, EXPORT_ROW_LIMIT + 1))
    if len(rows) > EXPORT_ROW_LIMIT:
        return _too_many(request)
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(name, headers, rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{_safe_filename(name, "xlsx")}"'
    else:
        response = csv_response(name, headers, ([_csv_value(v) for v in row] for row in rows))
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type=(object_type or name)[:40],
        object_id=object_id,
        summary=f"{len(rows)} rows as {fmt.upper()}",
        path=request.get_full_path(),
        detail={"rows": len(rows), "format": fmt, **(detail or {})},
    )
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    query.pop("format", None)
    back = request.path + (f"?{query.urlencode()}" if query else "")
    context = {"limit": f"{EXPORT_ROW_LIMIT:,}", "back": back}
    return render(request, "web/export_too_large.html", context, status=400)


def _csv_value(value: object) -> object:
    # A time in a CSV is UK local time with its offset, as the XLSX shows it: unambiguous either way.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


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
    elif fitted := _fit(str(value)):
        ws.write_string(row, col, fitted, text)
    else:  # nothing left once the characters a spreadsheet cannot hold are gone
        ws.write_blank(row, col, None)


def _fit(value: str) -> str:
    # XML 1.0 refuses control characters other than tab and newline, lone surrogates and U+FFFE/F:
    # drop them (xlsxwriter would store escapes like _x0007_ that not every reader undoes). A
    # carriage return becomes a newline for the same reason.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if _xml_char(ch))
    if len(value) > XLSX_CELL_LIMIT:
        return value[: XLSX_CELL_LIMIT - len(_CUT_MARK)] + _CUT_MARK
    return value


def _xml_char(ch: str) -> bool:
    return (ch >= " " or ch in "\t\n") and not ("\ud800" <= ch <= "\udfff") and ch not in "\ufffe\uffff"


def _sheet_name(name: str) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\").strip("'")
    return (cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned)[:31] or "Export"


def _safe_filename(name: str, ext: str) -> str:
    stem = name.rsplit(".", 1)[0] if name.lower().endswith((".csv", ".xlsx")) else name
    safe = "".join(ch for ch in stem if ch.isalnum() or ch in "-_.") or "export"
    return f"{safe[:80]}.{ext}"
