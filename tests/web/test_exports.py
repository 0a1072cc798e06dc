"""CSV and XLSX exports: formulas stay text, every value stays readable, types stay typed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.web.exports import csv_response, csv_text, safe_cell, xlsx_bytes


def test_formula_cells_are_neutralised():
    for hostile in ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]:
        assert safe_cell(hostile).startswith("'")
    assert safe_cell("PE1 2AB") == "PE1 2AB"
    assert safe_cell(None) == ""
    assert safe_cell(-3) == "'-3"  # a negative number is shown as text, never evaluated


@given(st.lists(st.lists(st.text(max_size=30), min_size=2, max_size=2), max_size=20))
def test_no_exported_cell_can_start_a_formula_and_nothing_is_lost(rows):
    text = csv_text(["a", "b"], rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert len(read) == len(rows) + 1
    for written, original in zip(read[1:], rows, strict=True):
        for cell, value in zip(written, original, strict=True):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert cell in (value, "'" + value)


def test_response_is_a_named_download_with_a_bom():
    response = csv_response('bad"name<script>.csv', ["h"], [["=1"]])
    assert response["Content-Disposition"] == 'attachment; filename="badnamescript.csv"'
    assert response.content.decode("utf-8").startswith("\ufeffh\r\n'=1")


# ---- XLSX -------------------------------------------------------------------------------------------

XLSX_CELL_LIMIT = 32_767
CUT_MARK = " [cut: longer than a spreadsheet cell holds]"


def _read_xlsx(data: bytes):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data)).active


def _as_stored(text: str) -> str | None:
    """What a text cell should hold: CR as newline, other control characters gone, cut if too long."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    text = "".join(ch for ch in text if ch not in "\ufffe\uffff" and not "\ud800" <= ch <= "\udfff")
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return text or None


CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1", "_x0041_", "a\r\nb"]),
    st.sampled_from(["a\ufffeb", "a\uffff", "a\ud800b", "\x00\x1f"]),  # not XML characters
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=15))
def test_xlsx_cells_round_trip_with_every_text_a_text_cell(rows):
    sheet = _read_xlsx(xlsx_bytes("Sheet", ["a", "b", "c"], rows))
    assert [c.value for c in sheet[1]] == ["a", "b", "c"]
    for r, original in enumerate(rows, start=2):
        for c, value in enumerate(original, start=1):
            cell = sheet.cell(row=r, column=c)  # a row of blanks is not stored at all: read as blank
            if isinstance(value, str) and _as_stored(value) is not None:
                assert cell.data_type == "s" and cell.quotePrefix
                assert cell.value == _as_stored(value)
            elif isinstance(value, int | float):
                assert cell.data_type == "n" and cell.value == pytest.approx(value)
            else:
                assert cell.value is None


@given(st.text(max_size=120, alphabet="ab\x00\x07\r\n").map(lambda tail: "x" * (XLSX_CELL_LIMIT - 60) + tail))
@settings(max_examples=20)
def test_an_overlong_or_control_filled_value_is_cut_with_the_marker(text):
    cell = _read_xlsx(xlsx_bytes("Sheet", ["a"], [[text]]))["A2"]
    assert cell.value == _as_stored(text)
    assert len(cell.value or "") <= XLSX_CELL_LIMIT


def test_xlsx_keeps_dates_numbers_and_blanks_typed():
    when = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)
    sheet = _read_xlsx(
        xlsx_bytes("t", ["when", "day", "n", "flag", "none"], [[when, date(2026, 7, 2), 3, True, None]])
    )
    row = list(sheet[2])
    assert row[0].value == datetime(2026, 7, 1, 22, 30)  # UK summer time, as the pages show it
    assert row[0].is_date and row[1].is_date and row[1].value == datetime(2026, 7, 2)
    assert row[2].data_type == "n" and row[3].value == "yes" and row[4].value is None
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E2"


def test_sheet_and_file_names_are_made_safe():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("a/b:c*d?[e]" + "x" * 40, ["h"], [])))
    assert book.sheetnames == [("abcde" + "x" * 40)[:31]]
