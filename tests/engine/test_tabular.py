"""Bulk files are read as they really come: encodings, delimiters, ragged rows, Excel, Parquet."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lantern.engine.tabular import TableFormatError, open_table


def _rows(table):
    return [row for chunk in table.chunks(1000) for row in chunk]


def test_utf8_with_bom_and_blank_cells(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("\ufeffsource,record_id,surname\r\nrms,1,Zoë\r\nrms,2,\r\n\r\n".encode())
    table = open_table(path)
    assert table.headers == ["source", "record_id", "surname"]
    assert _rows(table) == [["rms", "1", "Zoë"], ["rms", "2", None]]
    assert table.count_rows() == 2
    assert table.notes == []


def test_windows_1252_is_detected_and_said(tmp_path):
    path = tmp_path / "excel.csv"
    text = (
        "source;record_id;surname;address\n"
        + "rms;1;Gómez;12 Café Street\nrms;2;Müller;Flat 3 \u2013 Lincoln Road\n" * 20
    )
    path.write_bytes(text.encode("cp1252"))
    table = open_table(path)
    assert table.delimiter == ";"
    assert _rows(table)[:2] == [
        ["rms", "1", "Gómez", "12 Café Street"],
        ["rms", "2", "Müller", "Flat 3 \u2013 Lincoln Road"],
    ]
    assert table.notes and "not UTF-8" in table.notes[0]


def test_tabs_quotes_and_embedded_newlines(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text('source\trecord_id\tnote\nrms\t1\t"two\nlines"\n', encoding="utf-8")
    assert _rows(open_table(path)) == [["rms", "1", "two\nlines"]]


def test_ragged_rows_come_back_as_they_are(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b\n1,2,3\n4\n", encoding="utf-8")
    assert _rows(open_table(path)) == [["1", "2", "3"], ["4"]]


def test_nul_bytes_are_dropped_not_fatal(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"a,b\n1,x\x00y\n")
    assert _rows(open_table(path)) == [["1", "xy"]]


def test_duplicate_and_empty_headers_get_distinct_names(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,a,,b\n1,2,3,4\n", encoding="utf-8")
    assert open_table(path).headers == ["a", "a'", "column 3", "b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n", "empty"), (b",,,\n1,2,3,4\n", "name the columns")],
)
def test_unreadable_files_say_why(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(TableFormatError, match=message):
        open_table(path)


def test_old_excel_and_broken_workbooks_are_refused_with_advice(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(TableFormatError, match=r"save it as \.xlsx or \.csv"):
        open_table(old)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(TableFormatError, match=r"not a readable \.xlsx"):
        open_table(broken)


def test_xlsx_dates_numbers_and_text_arrive_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["source", "record_id", "dob", "phone"])
    sheet.append(["rms", 17, dt.date(1980, 2, 3), "07700 900123"])
    sheet.append([None, None, None, None])
    sheet.append(["rms", "0018", "03/04/1990", 7700900124])
    path = tmp_path / "p.xlsx"
    book.save(path)
    table = open_table(path)
    assert table.format == "xlsx"
    assert _rows(table) == [
        ["rms", "17", "1980-02-03 00:00:00", "07700 900123"],
        ["rms", "0018", "03/04/1990", "7700900124"],
    ]


def test_parquet_types_are_read_as_text(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(
        pa.table(
            {
                "source": ["rms", "rms"],
                "record_id": pa.array([1, 2], pa.int64()),
                "dob": pa.array([dt.date(1980, 2, 3), None], pa.date32()),
            }
        ),
        path,
    )
    table = open_table(path)
    assert table.format == "parquet" and table.count_rows() == 2
    assert _rows(table) == [["rms", "1", "1980-02-03"], ["rms", "2", None]]


def test_chunks_resume_after_skipped_rows(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(1, 26)), encoding="utf-8")
    chunks = list(open_table(path).chunks(10, skip=12))
    assert [len(c) for c in chunks] == [10, 3]
    assert chunks[0][0] == ["13"]
