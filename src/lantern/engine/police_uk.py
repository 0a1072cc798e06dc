"""data.police.uk street-level crime files: found, read in chunks, checked row by row, keyed.

The public monthly format (https://data.police.uk/about/#columns) has the columns ``Crime ID,
Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name, Crime type,
Last outcome category, Context``. A download is one such CSV, a folder of them, or the zip archive
data.police.uk serves (``YYYY-MM/YYYY-MM-<force>-street.csv`` beside ``-outcomes.csv`` and
``-stop-and-search.csv``): street files are read, every other member is named as skipped with the
reason.

Real files are messy, so:

- Cells are read by pyarrow as text, one block at a time, so memory stays bounded whatever the
  file's size. The block is sized from a first pass over the bytes that also counts the lines (the
  progress bar's total) and checks the encoding: UTF-8 (with or without a byte-order mark) is read
  as it is; anything else is transcoded from Windows-1252 (or Latin-1, which decodes any byte), so
  no byte is dropped. A line of any length fits its block.
- Headers are matched ignoring case, spaces and underscores; a file without the columns that make
  a street file fails before any row is stored, naming the missing columns and saying what the
  file looks like instead (an outcomes file, stop and search, a web page, ...).
- A row is kept or quarantined whole, with every problem named and the physical line it starts on
  (quoted values spanning lines are counted). Rows with no location (blank Longitude and Latitude,
  "No Location") are normal: kept, counted, not mapped. So is an empty Crime ID (anti-social
  behaviour has none). NUL characters are removed from stored values (PostgreSQL refuses them) and
  shown as U+2400 in quarantined ones; over-long cells quarantine the row rather than being cut.
- A row with more or fewer cells than the header (a comma without its quotes, a truncated line, an
  unclosed quote) is quarantined with its raw text.

No Django here: ``lantern.context`` stores what this module yields.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# (field, the header as data.police.uk writes it, the most characters a stored value may have)
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("crime_id", "Crime ID", 200),
    ("month", "Month", 20),
    ("reported_by", "Reported by", 200),
    ("falls_within", "Falls within", 200),
    ("longitude", "Longitude", 40),
    ("latitude", "Latitude", 40),
    ("location", "Location", 300),
    ("lsoa_code", "LSOA code", 20),
    ("lsoa_name", "LSOA name", 200),
    ("crime_type", "Crime type", 100),
    ("last_outcome", "Last outcome category", 200),
    ("context", "Context", 5000),
)
HEADERS = {name: header for name, header, _ in COLUMNS}
LIMITS = {name: limit for name, _, limit in COLUMNS}
# Without these a file is not a street file; the others are blank when absent (older or trimmed files).
REQUIRED = ("month", "longitude", "latitude", "location", "lsoa_code", "crime_type")

# Broad bounds of the UK (Scilly to Shetland, Northern Ireland to Lowestoft), as the lake uses.
LATITUDE_RANGE = (49.0, 61.0)
LONGITUDE_RANGE = (-9.0, 2.5)
MONTH = re.compile(r"(\d{4})-(\d{2})")
LSOA_CODE = re.compile(r"[A-Z]\d{8}")
NO_LOCATION = "no location"
ON_OR_NEAR = "on or near"

MAX_RAW_CELL = 10_000  # characters of a quarantined cell kept (the marker says how long it was)
MAX_LINE_BYTES = 1 << 30  # pyarrow's block must hold a whole row; past this, refuse the file
MIN_BLOCK = 1 << 20
SCAN_BLOCK = 8 << 20


class PoliceUkFormatError(ValueError):
    """The file (or a file in the folder or archive) cannot be read as street-level crime data."""


@dataclass(frozen=True, slots=True)
class CrimeRow:
    key: str
    crime_id: str
    month: date
    reported_by: str
    falls_within: str
    longitude: float | None
    latitude: float | None
    location: str
    street: str
    lsoa_code: str
    lsoa_name: str
    crime_type: str
    last_outcome: str
    context: str


@dataclass(frozen=True, slots=True)
class BadRow:
    file: str
    line: int
    reason: str
    raw: dict[str, str]  # header -> cell as read; {"line": text} when the row could not be split


@dataclass
class Chunk:
    rows: list[CrimeRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    lines: int = 0  # physical lines consumed, for the progress bar


@dataclass
class Scan:
    lines: int
    longest: int  # bytes of the longest row
    encoding: str  # "" = UTF-8 as it is
    delimiter: str = ","


@dataclass(frozen=True)
class Member:
    """One street-level CSV: a file on disk, or a member of an archive."""

    name: str
    opener: Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass
class Source:
    path: Path
    files: list[Member]
    skipped: list[tuple[str, str]]  # (name, why it was not read)
    _scans: dict[str, Scan] = field(default_factory=dict)

    def check_columns(self) -> None:
        """Every street file has the columns it needs; raises before anything is stored."""
        for member in self.files:
            _columns(member, self._scan(member))

    def count_lines(self) -> int:
        return sum(max(self._scan(m).lines - 1, 0) for m in self.files)

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Kept and quarantined rows of every street file, about ``size`` rows at a time."""
        chunk = Chunk()
        for member in self.files:
            for part in _read_member(member, self._scan(member)):
                chunk.rows += part.rows
                chunk.bad += part.bad
                chunk.lines += part.lines
                if len(chunk.rows) + len(chunk.bad) >= size:
                    yield chunk
                    chunk = Chunk()
        if chunk.rows or chunk.bad or chunk.lines:
            yield chunk

    def _scan(self, member: Member) -> Scan:
        if member.name not in self._scans:
            self._scans[member.name] = scan(member)
        return self._scans[member.name]


# ------------------------------------------------------------------ finding the street files


def open_source(path: str | Path) -> Source:
    """A CSV, a folder or a data.police.uk zip archive, with the street files found in it."""
    path = Path(path)
    if path.is_dir():
        names = sorted(p for p in path.rglob("*") if p.is_file())
        entries = [(str(p.relative_to(path)), _file_opener(p)) for p in names]
        return _source(path, entries, container="folder")
    if not path.is_file():
        raise PoliceUkFormatError(f"{path}: no such file or folder.")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic[:2] == b"PK":
        return _zip_source(path)
    return Source(path, [Member(path.name, _file_opener(path))], [])


def _file_opener(path: Path) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    return lambda: path.open("rb")


def _zip_source(path: Path) -> Source:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise PoliceUkFormatError(f"{path.name}: not a readable zip archive ({exc}).") from None
    names = [info.filename for info in infos]
    if any(name.startswith("xl/") for name in names):
        raise PoliceUkFormatError(
            f"{path.name}: an Excel workbook, not a data.police.uk download. Import the CSV files "
            "as downloaded, or save the sheet as CSV."
        )
    entries = [(info.filename, _zip_opener(path, info.filename)) for info in infos]
    return _source(path, entries, container="archive")


def _zip_opener(path: Path, name: str) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    @contextmanager
    def _open() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as archive:
            try:
                handle = archive.open(name)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile) as exc:  # encrypted, say
                raise PoliceUkFormatError(f"{path.name}: cannot open {name} ({exc}).") from None
            with handle:
                yield handle

    return _open


def _source(path: Path, entries: list[tuple[str, Callable]], *, container: str) -> Source:
    files, skipped = [], []
    for name, opener in entries:
        why = skip_reason(name)
        if why:
            skipped.append((name, why))
        else:
            files.append(Member(name, opener))
    if not files:
        held = ", ".join(name for name, _ in entries[:10]) or "nothing"
        raise PoliceUkFormatError(
            f"{path.name}: the {container} holds no street-level crime file (YYYY-MM-<force>-street.csv); "
            f"it holds {held}{' ...' if len(entries) > 10 else ''}."
        )
    return Source(path, files, skipped)


def skip_reason(name: str) -> str:
    """Why a file in a folder or archive is not read ("" for a street file)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if "__macosx/" in name.lower() or base.startswith("._") or base in {".ds_store", "thumbs.db"}:
        return "operating-system metadata, not data"
    if base.endswith("-street.csv"):
        return ""
    if base.endswith("-outcomes.csv"):
        return "outcomes file: outcomes are not imported (each street row carries its last outcome)"
    if base.endswith("-stop-and-search.csv"):
        return "stop and search file: searches are not crimes and are not imported"
    return "not a street-level crime file (its name does not end -street.csv)"


# ------------------------------------------------------------------ the first pass over the bytes


def scan(member: Member) -> Scan:
    """Lines, the longest row in bytes and the encoding, in one pass of bounded memory.

    pyarrow's block must hold a whole row, and a quoted value may span lines (an unclosed quote
    can run to the end of the file), so rows are measured, not lines: a newline ends a row when an
    even number of quotes comes before it (an escaped quote is two)."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    lines, longest, run, inside, first, last = 0, 0, 0, 0, b"", b""
    with member.opener() as handle:
        while block := handle.read(SCAN_BLOCK):
            first, last = first or block[: 1 << 16].split(b"\n", 1)[0], block[-1:]
            data = np.frombuffer(block, dtype=np.uint8)
            newlines, quotes = np.flatnonzero(data == 10), np.flatnonzero(data == 34)
            ends = newlines[(inside + np.searchsorted(quotes, newlines)) % 2 == 0]
            if len(ends):
                longest = max(longest, run + int(ends[0]) + 1, int(np.diff(ends).max(initial=0)))
                run = len(block) - int(ends[-1]) - 1
            else:
                run += len(block)
            inside = (inside + len(quotes)) % 2
            lines += len(newlines)
            is_utf8 = is_utf8 and _decodes(utf8, block)
    longest = max(longest, run)
    lines += bool(last) and last != b"\n"
    if longest > MAX_LINE_BYTES:
        raise PoliceUkFormatError(
            f"{member.name}: a row is over 1 GB long (an unclosed quote?); this is not a street file."
        )
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif is_utf8 and _decodes(utf8, b"", final=True):
        encoding = ""
    else:  # a second pass, only for the rare file that is not UTF-8
        encoding = "cp1252" if _all_decode(member, "cp1252") else "latin-1"
    return Scan(lines=lines, longest=longest, encoding=encoding, delimiter=_delimiter(first))


def _delimiter(header: bytes) -> str:
    """Commas, unless a spreadsheet saved the file with semicolons or tabs (and no comma)."""
    if b"," in header:
        return ","
    counts = {";": header.count(b";"), "\t": header.count(b"\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _all_decode(member: Member, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with member.opener() as handle:
        while block := handle.read(SCAN_BLOCK):
            if not _decodes(decoder, block):
                return False
    return _decodes(decoder, b"", final=True)


def _decodes(decoder, block: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(block, final=final)
    except UnicodeDecodeError:
        return False
    return True


# ------------------------------------------------------------------ reading a street file


def _reader(handle: IO[bytes], scan_: Scan, on_bad: Callable) -> pacsv.CSVStreamingReader:
    block = max(MIN_BLOCK, 2 * scan_.longest + 1024)
    read = pacsv.ReadOptions(
        use_threads=False,
        block_size=block,
        autogenerate_column_names=True,  # the header comes back as the first row, as text
        encoding=scan_.encoding or "utf8",
    )
    parse = pacsv.ParseOptions(
        delimiter=scan_.delimiter,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=on_bad,
    )
    convert = pacsv.ConvertOptions(
        column_types={f"f{i}": pa.string() for i in range(256)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    try:
        return pacsv.open_csv(handle, read_options=read, parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, UnicodeError) as exc:
        raise PoliceUkFormatError(f"not readable as CSV ({_short(str(exc), 200)}).") from None


@dataclass
class _Columns:
    headers: list[str]
    index: dict[str, int]  # field -> cell position (present columns only)


def _columns(member: Member, scan_: Scan) -> _Columns:
    if scan_.lines == 0:
        raise PoliceUkFormatError(f"{member.name}: the file is empty.")
    with member.opener() as handle:
        try:
            reader = _reader(handle, scan_, lambda row: "skip")
            batch = reader.read_next_batch()
        except StopIteration:
            raise PoliceUkFormatError(f"{member.name}: the file is empty.") from None
        except PoliceUkFormatError as exc:
            raise PoliceUkFormatError(f"{member.name}: {exc}") from None
        except pa.ArrowInvalid as exc:
            raise PoliceUkFormatError(
                f"{member.name}: not readable as CSV ({_short(str(exc), 200)})."
            ) from None
    headers = [_clean(column[0].as_py()) for column in batch.columns] if batch.num_rows else []
    return _match(member.name, headers)


def fold(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header.replace("\ufeff", "")).lower()


def _match(name: str, headers: list[str]) -> _Columns:
    wanted = {fold(header): field_ for field_, header, _ in COLUMNS}
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        field_ = wanted.get(fold(header))
        if field_ and field_ not in index:
            index[field_] = position
    missing = [HEADERS[f] for f in REQUIRED if f not in index]
    if missing:
        raise PoliceUkFormatError(
            f"{name}: not a data.police.uk street-level crime file: no column "
            f"{', '.join(repr(m) for m in missing)}. It looks like {looks_like(headers)}. Street files "
            f"have the columns {', '.join(header for _, header, _ in COLUMNS)}."
        )
    return _Columns(headers, index)


def looks_like(headers: list[str]) -> str:
    """What a file that is not a street file seems to be, from its first row."""
    folded = {fold(h) for h in headers}
    first = headers[0].lower().lstrip() if headers else ""
    if not any(headers):
        return "an empty file"
    if "outcometype" in folded:
        return "a data.police.uk outcomes file (it has 'Outcome type'): import the -street.csv file instead"
    if {"objectofsearch", "partofapolicingoperation", "legislation"} & folded:
        return "a data.police.uk stop and search file: searches are not crimes"
    if first.startswith(("<!doctype html", "<html", "<?xml")):
        return "a web page or XML document, not a CSV: download the CSV file itself"
    if first.startswith("%pdf"):
        return "a PDF document"
    if len(headers) == 1 and any(sep in headers[0] for sep in ";\t|"):
        return f"a file split by another character than commas ({_short(headers[0], 120)!r})"
    shown = ", ".join(repr(_short(h, 40)) for h in headers[:15])
    return f"a table with the columns {shown}{' ...' if len(headers) > 15 else ''}"


def _read_member(member: Member, scan_: Scan) -> Iterator[Chunk]:
    columns = _columns(member, scan_)
    rows = _Rows(member.name, columns)
    with member.opener() as handle:
        reader = _reader(handle, scan_, rows.on_bad)
        first = True
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise PoliceUkFormatError(
                    f"{member.name}, after line {rows.line}: not readable as CSV ({_short(str(exc), 200)})."
                ) from None
            yield rows.batch(batch, skip_header=first)
            first = False
    yield rows.finish()


class _Rows:
    """Turns pyarrow batches into kept and quarantined rows, in file order, with line numbers.

    pyarrow numbers rows (the header is 1) and hands a row with the wrong number of cells to
    ``on_bad`` while parsing, before the batch holding the rows around it; the two streams are
    merged here by that number. A row's line is the rows before it plus the newlines inside
    their quoted values.
    """

    def __init__(self, name: str, columns: _Columns):
        self.name, self.columns = name, columns
        self.row = 1  # pyarrow's number of the last row placed: the header
        self.line = 1  # physical lines consumed: the header's
        self.reported = 0  # data lines already counted in a chunk (for the progress bar)
        self.pending: deque[tuple[int, int, str]] = deque()  # (row number, cells, text)
        self.ordinals: dict[str, int] = {}

    def on_bad(self, invalid) -> str:
        self.pending.append((invalid.number or 0, invalid.actual_columns, invalid.text or ""))
        return "skip"

    def batch(self, batch: pa.RecordBatch, *, skip_header: bool) -> Chunk:
        chunk = Chunk()
        newlines, blank = _newlines(batch), _blank(batch)
        present = {f: _cleaned(batch.column(i)) for f, i in self.columns.index.items()}
        absent = {f: "" for f in HEADERS if f not in present}
        for i in range(1 if skip_header else 0, batch.num_rows):
            self._place_bad(chunk, up_to=self.row + 1)
            self.row += 1
            line, self.line = self.line + 1, self.line + 1 + int(newlines[i])
            if blank[i]:
                continue  # a blank line, or one of commas only: not a row
            cell = {**absent, **{f: values[i] for f, values in present.items()}}
            row, reason = check_row(cell, self.ordinals)
            if row:
                chunk.rows.append(row)
            else:
                raw = {
                    h: raw_cell(c[i].as_py())
                    for h, c in zip(self.columns.headers, batch.columns, strict=True)
                }
                chunk.bad.append(BadRow(self.name, line, reason, raw))
        return self._counted(chunk)

    def finish(self) -> Chunk:
        chunk = Chunk()
        self._place_bad(chunk, up_to=None)
        return self._counted(chunk)

    def _counted(self, chunk: Chunk) -> Chunk:
        chunk.lines, self.reported = self.line - 1 - self.reported, self.line - 1
        return chunk

    def _place_bad(self, chunk: Chunk, *, up_to: int | None) -> None:
        """Quarantine the rows pyarrow could not split that come before row ``up_to`` (all: None)."""
        while self.pending and (up_to is None or self.pending[0][0] <= up_to):
            _, cells, text = self.pending.popleft()
            self.row += 1
            line, self.line = self.line + 1, self.line + 1 + text.count("\n")
            reason = (
                f"the row has {cells} cells where the header has {len(self.columns.headers)}: a value "
                "holding a comma may have lost its quotes, a quote may be unclosed, or the line is cut short"
            )
            chunk.bad.append(BadRow(self.name, line, reason, {"line": raw_cell(text)}))


def _cleaned(column: pa.Array) -> list[str]:
    """Values without NUL characters (PostgreSQL refuses them) or surrounding spaces."""
    return pc.utf8_trim_whitespace(pc.replace_substring(column, "\x00", "")).to_pylist()


def _blank(batch: pa.RecordBatch) -> np.ndarray:
    filled = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        filled += pc.utf8_length(pc.utf8_trim_whitespace(column)).to_numpy(zero_copy_only=False)
    return filled == 0


def _newlines(batch: pa.RecordBatch) -> np.ndarray:
    """Newlines inside each row's values (a quoted value may span lines)."""
    total = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        total += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
    return total


# ------------------------------------------------------------------ one row


def check_row(cell: dict[str, str], ordinals: dict[str, int]) -> tuple[CrimeRow | None, str]:
    """The row to keep (with its key), or None and every problem named.

    ``cell`` holds every field, trimmed, NUL-free ("" for a column the file does not have)."""
    problems = _too_long(cell)
    month, why = parse_month(cell["month"])
    problems += [why] if why else []
    (lon, lat), why = parse_position(cell["longitude"], cell["latitude"])
    problems += [why] if why else []
    if not cell["crime_type"]:
        problems.append("Crime type is empty: every row names one (e.g. Anti-social behaviour, Burglary)")
    if cell["lsoa_code"] and not LSOA_CODE.fullmatch(cell["lsoa_code"]):
        problems.append(f"LSOA code {_short(cell['lsoa_code'], 40)!r} is not an ONS area code like E01015591")
    if problems:
        return None, "; ".join(problems)
    return _row(cell, month, lon, lat, row_key(cell, ordinals)), ""


def _too_long(cell: dict[str, str]) -> list[str]:
    return [
        f"{HEADERS[f]} is {len(value):,} characters long; at most {LIMITS[f]:,} are kept "
        "(check a stray quote has not joined it to the lines after it)"
        for f, value in cell.items()
        if len(value) > LIMITS[f]
    ]


def _row(cell: dict[str, str], month: date, lon, lat, key: str) -> CrimeRow:
    return CrimeRow(
        key=key,
        crime_id=cell["crime_id"],
        month=month,
        reported_by=cell["reported_by"],
        falls_within=cell["falls_within"],
        longitude=lon,
        latitude=lat,
        location=cell["location"],
        street=street_of(cell["location"]),
        lsoa_code=cell["lsoa_code"],
        lsoa_name=cell["lsoa_name"],
        crime_type=cell["crime_type"],
        last_outcome=cell["last_outcome"],
        context=cell["context"],
    )


def row_key(cell: dict[str, str], ordinals: dict[str, int]) -> str:
    """A key that is the same each time the same file is imported, so re-imports add nothing.

    The Crime ID when there is one: it is the crime's own identity, and stays when a later release
    changes the row's outcome (the importer then updates the outcome). Anti-social behaviour has no
    Crime ID, and two reports at the same anonymised point in the same month are identical rows
    that are still two incidents: so the key is a hash of the row's content (all but the outcome,
    the one value a later release changes) plus the ordinal of that content within this file. A
    second copy of the same month's file gives the same keys, so it adds nothing. The ordinal
    also applies to a Crime ID repeated within a file, so no row of a file is ever lost.
    """
    if cell["crime_id"]:
        base = "id\x1f" + cell["crime_id"]
    else:
        content = "\x1f".join(cell[f] for f in HEADERS if f not in ("crime_id", "last_outcome"))
        base = "row\x1f" + hashlib.sha256(content.encode()).hexdigest()
    ordinal = ordinals.get(base, 0)
    ordinals[base] = ordinal + 1
    return hashlib.sha256(f"{base}\x1f{ordinal}".encode()).hexdigest()


def parse_month(text: str) -> tuple[date | None, str]:
    if not text:
        return None, "Month is empty: give the month as YYYY-MM (e.g. 2024-01)"
    match = MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12:
        return None, (
            f"Month {_short(text, 40)!r} is not YYYY-MM (e.g. 2024-01): a spreadsheet may have changed "
            "it; take the month from the file's name (YYYY-MM-force-street.csv)"
        )
    if int(match[1]) < 2000:
        return None, f"Month {text} is before 2000 (data.police.uk begins in December 2010)"
    return date(int(match[1]), int(match[2]), 1), ""


def parse_position(lon_text: str, lat_text: str) -> tuple[tuple[float | None, float | None], str]:
    """Both blank (a crime with no location) or both numbers inside the UK."""
    none = (None, None)
    if not lon_text and not lat_text:
        return none, ""
    if not lon_text or not lat_text:
        given, empty = ("Longitude", "Latitude") if lon_text else ("Latitude", "Longitude")
        return none, (
            f"{given} is given but {empty} is empty: give both, or leave both empty for a crime with "
            "no location"
        )
    lon, lat = _number(lon_text), _number(lat_text)
    bad = [n for n, v, t in (("Longitude", lon, lon_text), ("Latitude", lat, lat_text)) if v is None]
    if bad:
        shown = {"Longitude": lon_text, "Latitude": lat_text}
        return none, "; ".join(
            f"{n} {_short(shown[n], 40)!r} is not a number in decimal degrees" for n in bad
        )
    if lon == 0 and lat == 0:
        return none, "Longitude and Latitude are 0, 0: a placeholder, not a place; leave both empty"
    if _in_uk(lat, lon):
        return (lon, lat), ""
    if _in_uk(lon, lat):
        return none, (
            f"Longitude and Latitude look swapped ({lon_text}, {lat_text}): Longitude runs east-west "
            "(about -8 to 2 in the UK), Latitude north-south (about 50 to 60)"
        )
    return none, (
        f"{_short(lon_text, 40)}, {_short(lat_text, 40)} is outside the UK (Longitude -9 to 2.5, "
        "Latitude 49 to 61): check the coordinates"
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _in_uk(lat: float, lon: float) -> bool:
    return LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]


def street_of(location: str) -> str:
    """ "On or near Lincoln Road" -> "Lincoln Road"; "No Location" -> "" (police.uk's own wording)."""
    text = " ".join(location.split())
    if text.lower() == NO_LOCATION:
        return ""
    if text.lower().startswith(ON_OR_NEAR):
        return text[len(ON_OR_NEAR) :].strip()
    return text


# ------------------------------------------------------------------ text


def _clean(value: str | None) -> str:
    return (value or "").replace("\x00", "")


def raw_cell(value: str) -> str:
    """A cell as read, for the quarantine: NUL shown as U+2400, and cut past MAX_RAW_CELL."""
    value = value.replace("\x00", "\u2400")
    if len(value) > MAX_RAW_CELL:
        return value[:MAX_RAW_CELL] + f" [cut: {len(value):,} characters in all]"
    return value


def _short(text: str, limit: int) -> str:
    text = text.replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"
