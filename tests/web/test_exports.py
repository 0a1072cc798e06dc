"""CSV exports neutralise formulas and keep every value readable."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from lantern.web.exports import csv_response, csv_text, safe_cell


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
