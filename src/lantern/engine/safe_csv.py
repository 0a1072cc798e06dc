"""CSV that is safe to open in a spreadsheet (no Django: the engine's exports use it too).

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) would run as a formula when an analyst opens the file:
such cells are prefixed with an apostrophe, which spreadsheets show as text and do not evaluate
(OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, neutralised if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
