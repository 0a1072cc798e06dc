"""data.police.uk street files are read as they really come: archives, odd encodings, broken rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine import police_uk
from lantern.engine.police_uk import PoliceUkFormatError, open_source, street_of

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
FORCE = "Cambridgeshire Constabulary"
ID_A = "5f0b3a6e2c1d4b7a9e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
ID_B = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1e"
ID_C = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
ID_D = "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"
# As data.police.uk writes a month: a byte-order mark (when saved from Excel), CRLF line ends, a
# location with a comma (quoted), anti-social behaviour with no Crime ID (two identical rows: two
# incidents at one map point), and a crime published with no location.
REAL_ROWS = [
    f",2024-01,{FORCE},{FORCE},-0.245030,52.583452,On or near Lincoln Road,E01015591,Peterborough 012A,"
    "Anti-social behaviour,,",
    f",2024-01,{FORCE},{FORCE},-0.245030,52.583452,On or near Lincoln Road,E01015591,Peterborough 012A,"
    "Anti-social behaviour,,",
    f"{ID_A},2024-01,{FORCE},{FORCE},-0.245030,52.583452,On or near Lincoln Road,E01015591,"
    "Peterborough 012A,Violence and sexual offences,Under investigation,",
    f"{ID_B},2024-01,{FORCE},{FORCE},-0.241190,52.586730,On or near Supermarket,E01015591,"
    "Peterborough 012A,Shoplifting,Investigation complete; no suspect identified,",
    f'{ID_C},2024-01,{FORCE},{FORCE},-0.249810,52.579870,"On or near Park Road, Millfield",E01015592,'
    "Peterborough 012B,Burglary,Unable to prosecute suspect,",
    f"{ID_D},2024-02,{FORCE},{FORCE},,,No Location,,,Violence and sexual offences,Under investigation,",
    f',2024-02,{FORCE},{FORCE},-0.249810,52.579870,"On or near Park Road, Millfield",E01015592,'
    "Peterborough 012B,Anti-social behaviour,,",
]


def street_csv(rows: list[str], *, bom: bool = True, newline: str = "\r\n", header: str = HEADER) -> bytes:
    text = newline.join([header, *rows]) + newline
    return ("\ufeff" if bom else "").encode() + text.encode()


def read_all(path):
    source = open_source(path)
    source.check_columns()
    rows, bad, lines = [], [], 0
    for chunk in source.chunks(3):
        rows += chunk.rows
        bad += chunk.bad
        lines += chunk.lines
    return source, rows, bad, lines


@pytest.fixture
def real_file(tmp_path):
    path = tmp_path / "2024-01-cambridgeshire-street.csv"
    path.write_bytes(street_csv(REAL_ROWS))
    return path


def test_a_real_looking_month_gives_every_row_with_its_street_lsoa_and_type(real_file):
    _, rows, bad, lines = read_all(real_file)
    assert bad == [] and len(rows) == 7 and lines == 7
    assert Counter(r.crime_type for r in rows) == {
        "Anti-social behaviour": 3,
        "Violence and sexual offences": 2,
        "Shoplifting": 1,
        "Burglary": 1,
    }
    assert Counter(r.street for r in rows) == {
        "Lincoln Road": 3,
        "Park Road, Millfield": 2,
        "Supermarket": 1,
        "": 1,
    }
    assert Counter(r.lsoa_code for r in rows) == {"E01015591": 4, "E01015592": 2, "": 1}
    unlocated = [r for r in rows if r.longitude is None]
    assert [(u.crime_id, u.location, u.latitude, u.month) for u in unlocated] == [
        (ID_D, "No Location", None, date(2024, 2, 1))
    ]
    assert rows[0].crime_id == "" and rows[0].month == date(2024, 1, 1)
    assert (rows[0].longitude, rows[0].latitude) == (-0.24503, 52.583452)


def test_identical_asb_rows_are_two_incidents_and_keys_are_stable(real_file, tmp_path):
    _, rows, _, _ = read_all(real_file)
    assert len({r.key for r in rows}) == len(rows)  # the two identical ASB rows kept apart
    assert [r.key for r in read_all(real_file)[1]] == [r.key for r in rows]
    # A later release changes an outcome: the crime keeps its key (the importer updates it).
    later = tmp_path / "later-street.csv"
    later.write_bytes(
        street_csv([REAL_ROWS[2].replace("Under investigation", "Unable to prosecute suspect")], bom=False)
    )
    assert read_all(later)[1][0].key == rows[2].key


def test_street_names_come_from_the_location():
    assert street_of("On or near Lincoln Road") == "Lincoln Road"
    assert street_of("on or near  Parking Area ") == "Parking Area"
    assert street_of("No Location") == ""
    assert street_of("Bourges Boulevard") == "Bourges Boulevard"


def _archive(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_the_download_archive_reads_street_files_and_names_the_rest(tmp_path):
    path = tmp_path / "download.zip"
    outcomes = HEADER.replace("Crime type,Last outcome category,Context", "Outcome type") + "\n"
    _archive(
        path,
        {
            "2024-01/2024-01-cambridgeshire-street.csv": street_csv(REAL_ROWS[:5], bom=False, newline="\n"),
            "2024-02/2024-02-cambridgeshire-street.csv": street_csv(REAL_ROWS[5:], bom=False, newline="\n"),
            "2024-01/2024-01-cambridgeshire-outcomes.csv": outcomes.encode(),
            "2024-01/2024-01-cambridgeshire-stop-and-search.csv": b"Type,Date\n",
            "__MACOSX/2024-01/._2024-01-cambridgeshire-street.csv": b"\x00\x05\x16\x07",
        },
    )
    source, rows, bad, _ = read_all(path)
    assert len(rows) == 7 and bad == []
    assert [m.name for m in source.files] == [
        "2024-01/2024-01-cambridgeshire-street.csv",
        "2024-02/2024-02-cambridgeshire-street.csv",
    ]
    reasons = dict(source.skipped)
    assert "outcomes are not imported" in reasons["2024-01/2024-01-cambridgeshire-outcomes.csv"]
    assert "searches are not crimes" in reasons["2024-01/2024-01-cambridgeshire-stop-and-search.csv"]
    assert "metadata" in reasons["__MACOSX/2024-01/._2024-01-cambridgeshire-street.csv"]
    assert source.count_lines() == 7


def test_a_folder_of_monthly_files_is_read_like_the_archive(tmp_path):
    for month, rows in (("2024-01", REAL_ROWS[:5]), ("2024-02", REAL_ROWS[5:])):
        (tmp_path / month).mkdir()
        (tmp_path / month / f"{month}-cambridgeshire-street.csv").write_bytes(street_csv(rows))
    (tmp_path / "notes.txt").write_text("downloaded 2024-03-01")
    source, rows, _, _ = read_all(tmp_path)
    assert len(rows) == 7 and dict(source.skipped)["notes.txt"].startswith("not a street-level")


def test_an_archive_with_no_street_file_says_what_it_holds(tmp_path):
    path = tmp_path / "outcomes.zip"
    _archive(path, {"2024-01/2024-01-cambridgeshire-outcomes.csv": b"Crime ID,Outcome type\n"})
    with pytest.raises(PoliceUkFormatError, match=r"holds no street-level crime file.*outcomes\.csv"):
        open_source(path)


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (
            b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
            b"Outcome type\nabc,2024-01,x,x,-0.2,52.5,On or near A,E01015591,P,Local resolution\n",
            "outcomes file",
        ),
        (
            b"Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
            b"Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search\n",
            "stop and search",
        ),
        (b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n", "a web page"),
        (b"source,record_id,surname\nrms,1,Smith\n", "'source', 'record_id', 'surname'"),
    ],
)
def test_a_file_without_the_columns_names_them_and_says_what_it_is(tmp_path, content, looks_like):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(PoliceUkFormatError) as caught:
        open_source(path).check_columns()
    message = str(caught.value)
    assert "no column" in message and "'Crime type'" in message and looks_like in message


def test_an_empty_file_is_refused_as_empty(tmp_path):
    path = tmp_path / "empty-street.csv"
    path.write_bytes(b"")
    with pytest.raises(PoliceUkFormatError, match="empty"):
        open_source(path).check_columns()


def test_headers_match_whatever_their_case_and_spacing(tmp_path):
    path = tmp_path / "x-street.csv"
    header = (
        "crime id, MONTH ,Reported_by,Falls Within,longitude,LATITUDE,location,Lsoa Code,lsoa name,CRIME TYPE"
    )
    path.write_bytes(street_csv(REAL_ROWS[:1], header=header + ",Last outcome category,Context"))
    assert read_all(path)[1][0].lsoa_code == "E01015591"


def test_windows_1252_and_semicolons_from_a_spreadsheet_are_read(tmp_path):
    path = tmp_path / "excel-street.csv"
    place = "St Peter\u2019s Road"  # a curly apostrophe: byte 0x92 in Windows-1252
    row = f";2024-03;{FORCE};{FORCE};-0.24;52.58;On or near {place};E01015591;Peterborough 012A;Drugs;;"
    path.write_bytes((HEADER.replace(",", ";") + "\r\n" + row + "\r\n").encode("cp1252"))
    rows = read_all(path)[1]
    assert [r.street for r in rows] == [place]


def test_the_first_pass_reads_blocks_right_whatever_falls_on_their_edges(tmp_path, monkeypatch):
    """Lines, the longest line and the encoding are found over many small blocks (the real ones
    are 8 MB): here a Windows-1252 byte comes only in the last block."""
    monkeypatch.setattr(police_uk, "SCAN_BLOCK", 37)
    path = tmp_path / "late-street.csv"
    late = f",2024-03,{FORCE},{FORCE},-0.24,52.58,On or near St Peter\u2019s Road,E01015591,P,Drugs,,"
    lines = [HEADER, *REAL_ROWS, late]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    found = police_uk.scan(police_uk.Member(path.name, lambda: path.open("rb")))
    assert (found.lines, found.encoding) == (len(lines), "cp1252")
    assert found.longest == max(len(line.encode("cp1252")) for line in lines) + 2  # with its CRLF
    assert read_all(path)[1][-1].street == "St Peter\u2019s Road"


BAD_ROWS = {
    "Month": f"{ID_A},Jan-24,{FORCE},{FORCE},-0.24,52.58,On or near A,E01015591,P,Drugs,,",
    "swapped": f"{ID_A},2024-01,{FORCE},{FORCE},52.58,-0.24,On or near A,E01015591,P,Drugs,,",
    "placeholder": f"{ID_A},2024-01,{FORCE},{FORCE},0,0,On or near A,E01015591,P,Drugs,,",
    "outside": f"{ID_A},2024-01,{FORCE},{FORCE},-74.0,40.7,On or near A,E01015591,P,Drugs,,",
    "Latitude is empty": f"{ID_A},2024-01,{FORCE},{FORCE},-0.24,,On or near A,E01015591,P,Drugs,,",
    "not a number": f"{ID_A},2024-01,{FORCE},{FORCE},west,52.58,On or near A,E01015591,P,Drugs,,",
    "Crime type is empty": f"{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,On or near A,E01015591,P,,,",
    "not an ONS area code": f"{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,On or near A,=1+1,P,Drugs,,",
    "characters long": (
        f"{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,On or near {'A' * 50_000},E01015591,P,Drugs,,"
    ),
    "cells where the header has 12": f"{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,On or near A, B,E01015591",
}
HOSTILE_KEPT = [
    f',2024-01,{FORCE},{FORCE},-0.24,52.58,"=HYPERLINK(""http://evil.example"",""x"")",E01015591,P,Drugs,,',
    f",2024-01,{FORCE},{FORCE},-0.24,52.58,On or near <script>alert(1)</script>,E01015591,P,Drugs,,",
    f",2024-01,{FORCE},{FORCE},-0.24,52.58,On or near Nul\x00Road,E01015591,P,Drugs,,",
    f",2024-01,{FORCE},{FORCE},-0.24,52.58,On or near A,E01015591,P,Drugs,,{'context ' * 200}",
]


def test_malformed_and_hostile_rows_are_quarantined_with_reasons_and_nothing_is_lost(tmp_path):
    path = tmp_path / "messy-street.csv"
    long_line = (
        f"{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,On or near A,E01015591,P,Drugs,,{'x' * 3_000_000}"
    )
    rows_in = [*REAL_ROWS[:2], *BAD_ROWS.values(), *HOSTILE_KEPT, long_line, "", ",,,,,,,,,,,", REAL_ROWS[2]]
    path.write_bytes(street_csv(rows_in))
    _, rows, bad, lines = read_all(path)
    assert len(rows) + len(bad) == len(rows_in) - 2  # the blank line and the commas-only one are not rows
    assert lines == len(rows_in)
    reasons = [b.reason for b in bad]
    for expected, reason in zip(BAD_ROWS, reasons, strict=False):
        assert expected in reason, (expected, reason)
    assert "Context is 3,000,000 characters long" in reasons[-1]
    # line numbers as an editor shows them: the header is line 1
    assert [b.line for b in bad] == [4 + i for i in range(len(BAD_ROWS))] + [
        4 + len(BAD_ROWS) + len(HOSTILE_KEPT)
    ]
    assert bad[0].raw["Month"] == "Jan-24"
    assert bad[-2].raw == {"line": BAD_ROWS["cells where the header has 12"]}
    assert bad[-1].raw["Context"].endswith("[cut: 3,000,000 characters in all]")
    kept = {r.location for r in rows}
    assert '=HYPERLINK("http://evil.example","x")' in kept and "On or near NulRoad" in kept
    assert "On or near <script>alert(1)</script>" in kept


def test_an_unclosed_quote_quarantines_what_it_swallowed_and_keeps_the_lines_right(tmp_path):
    path = tmp_path / "quote-street.csv"
    broken = f'{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,"On or near A,E01015591,P,Drugs,,'
    path.write_bytes(street_csv([REAL_ROWS[0], broken, REAL_ROWS[1], REAL_ROWS[2]], bom=False))
    _, rows, bad, lines = read_all(path)
    assert len(rows) == 1 and len(bad) == 1 and lines == 4
    assert bad[0].line == 3 and "quote may be unclosed" in bad[0].reason
    assert ID_A in bad[0].raw["line"] and "Violence" in bad[0].raw["line"]  # the swallowed rows, kept


def test_an_unclosed_quote_running_to_the_end_is_one_quarantined_row(tmp_path, monkeypatch):
    """The rest of the file is one row, longer than pyarrow's block would be sized from lines."""
    monkeypatch.setattr(police_uk, "MIN_BLOCK", 1024)
    path = tmp_path / "quote-street.csv"
    broken = f'{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,"On or near A,E01015591,P,Drugs,,'
    unquoted = REAL_ROWS[:4]
    path.write_bytes(street_csv(unquoted * 10 + [broken] + unquoted * 300, bom=False))
    _, rows, bad, lines = read_all(path)
    assert len(rows) == 40 and len(bad) == 1 and lines == 40 + 1 + 1200
    assert bad[0].line == 42 and bad[0].raw["line"].endswith("characters in all]")


def test_a_quoted_value_over_two_lines_keeps_later_line_numbers_right(tmp_path):
    path = tmp_path / "multi-street.csv"
    two_lines = f'{ID_A},2024-01,{FORCE},{FORCE},-0.24,52.58,"On or near A\nB",E01015591,P,Drugs,,'
    path.write_bytes(street_csv([two_lines, BAD_ROWS["Month"]], bom=False, newline="\n"))
    _, rows, bad, _ = read_all(path)
    assert rows[0].street == "A B" and bad[0].line == 4


cell = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(
    [
        "",
        "2024-01",
        "-0.24",
        "52.58",
        "No Location",
        "On or near A",
        "E01015591",
        "Burglary",
        "0",
        "nan",
        "1e400",
    ]
)


@given(st.lists(st.lists(cell, min_size=1, max_size=14), min_size=1, max_size=30))
def test_any_rows_are_kept_or_quarantined_never_an_exception(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz-street.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    # the first cell starts with a letter, so no row is blank (blank lines are not rows)
    writer.writerows([["x" + row[0], *row[1:]] for row in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    _, kept, bad, _ = read_all(path)
    assert len(kept) + len(bad) == len(rows)
    assert all(b.reason for b in bad)
    assert [b.line for b in bad] == sorted(b.line for b in bad)
    for row in kept:
        assert "\x00" not in row.location + row.crime_type + row.context and row.crime_type
        assert row.longitude is None or -9 <= row.longitude <= 2.5
