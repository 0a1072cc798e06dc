"""Read a bulk file (CSV or TSV, XLSX, Parquet) as its headers and rows of text, in chunks.

Every value comes back as text (or ``None`` for an empty cell): types are decided by the field
validators, which can then say exactly which cell was wrong and why. Real files are messy, so:

- CSV is decoded as UTF-8 (with or without a byte-order mark); a file that is not UTF-8 is decoded
  with the encoding charset-normalizer detects (Windows-1252 from Excel is the usual one), and the
  reader says which encoding it used. Bytes that cannot be decoded are never silently dropped.
- The delimiter is sniffed (comma, semicolon, tab, pipe).
- A row with more or fewer cells than the header is returned as it is and flagged by the caller,
  never shifted into the wrong columns. NUL bytes are removed (Python's csv module refuses them).
- XLSX is read with fastexcel (Rust calamine), first sheet; Excel dates arrive as
  ``YYYY-MM-DD HH:MM:SS``. Parquet is read in record batches; dates and numbers arrive as text.

Rows are numbered from 1 (the first data row); the header is row 0.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_COLUMNS = 200
MAX_CELL = 10_000  # characters; longer cells are cut by the validators with a reason
csv.field_size_limit(10 * MAX_CELL)


class TableFormatError(ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass
class TableFile:
    path: Path
    format: str  # "csv", "xlsx" or "parquet"
    headers: list[str]
    encoding: str = ""  # CSV only: the encoding the file was decoded with
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    def chunks(self, size: int, *, skip: int = 0) -> Iterator[list[list[str | None]]]:
        """Rows after the first ``skip`` data rows, ``size`` at a time."""
        chunk: list[list[str | None]] = []
        for index, row in enumerate(_ROW_READERS[self.format](self)):
            if index < skip:
                continue
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def count_rows(self) -> int:
        if self.format == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(self.path).metadata.num_rows
        return sum(1 for _ in _ROW_READERS[self.format](self))


def open_table(path: str | Path) -> TableFile:
    path = Path(path)
    if not path.is_file():
        raise TableFormatError(f"{path}: no such file.")
    with path.open("rb") as handle:
        magic = handle.read(4)
    claimed = path.suffix.lower()
    if claimed in {".xlsx", ".xlsm"} and magic[:2] != b"PK":
        raise TableFormatError(
            f"{path.name}: not an Excel workbook inside; save it from Excel again, or as .csv."
        )
    if claimed == ".parquet" and magic != b"PAR1":
        raise TableFormatError(f"{path.name}: not a Parquet file inside; export it again, or as .csv.")
    if magic == b"PAR1":
        return _open_parquet(path)
    if magic[:2] == b"PK":
        return _open_xlsx(path)
    if path.suffix.lower() in {".xls", ".xlsb", ".ods"}:
        raise TableFormatError(
            f"{path.name}: save it as .xlsx or .csv first (old Excel formats are not read)."
        )
    return _open_csv(path)


# ------------------------------------------------------------------ CSV


def _detect_encoding(path: Path) -> str:
    """UTF-8 if the whole file decodes as UTF-8, else what charset-normalizer finds."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_path

    best = from_path(path, steps=10, chunk_size=4096).best()
    if best is None:
        raise TableFormatError(
            f"{path.name}: the text encoding could not be recognised. Save it as CSV UTF-8 and try again."
        )
    return best.encoding


def _open_csv(path: Path) -> TableFile:
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, errors="strict", newline="") as handle:
        sample = handle.read(64 * 1024)
    if not sample.strip():
        raise TableFormatError(f"{path.name}: the file is empty.")
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    table = TableFile(path, "csv", [], encoding=encoding, delimiter=delimiter)
    header = next(_csv_rows(table, header=True), None)
    table.headers = _clean_headers(header or [], path)
    if encoding not in ("utf-8-sig", "utf-8", "ascii"):
        table.notes.append(f"read as {encoding} (not UTF-8)")
    return table


def _csv_rows(table: TableFile, *, header: bool = False) -> Iterator[list[str | None]]:
    with table.path.open(encoding=table.encoding, errors="strict", newline="") as handle:
        reader = csv.reader((line.replace("\0", "") for line in handle), delimiter=table.delimiter)
        try:
            first = next(reader, None)
            if header:
                yield first or []
                return
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                yield [cell if cell.strip() else None for cell in row]
        except csv.Error as exc:
            raise TableFormatError(f"{table.path.name}, line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise TableFormatError(
                f"{table.path.name}, after line {reader.line_num}: bytes that are not {table.encoding}. "
                "Save the file as CSV UTF-8 and import it again."
            ) from None


# ------------------------------------------------------------------ XLSX


def _open_xlsx(path: Path) -> TableFile:
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
        sheet = reader.load_sheet(0, dtypes="string", n_rows=0)
    except Exception as exc:  # fastexcel raises its own error types for broken workbooks
        raise TableFormatError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from None
    table = TableFile(path, "xlsx", _clean_headers(list(sheet.to_arrow().schema.names), path))
    if len(reader.sheet_names) > 1:
        table.notes.append(f"read the first sheet ({reader.sheet_names[0]!r}) of {len(reader.sheet_names)}")
    return table


def _xlsx_rows(table: TableFile) -> Iterator[list[str | None]]:
    import fastexcel

    batch = fastexcel.read_excel(table.path).load_sheet(0, dtypes="string").to_arrow()
    columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    for row in zip(*columns, strict=True):
        if any(cell is not None and cell.strip() for cell in row):
            yield [cell if cell is not None and cell.strip() else None for cell in row]


# ------------------------------------------------------------------ Parquet


def _open_parquet(path: Path) -> TableFile:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise TableFormatError(f"{path.name}: not a readable Parquet file ({exc}).") from None
    return TableFile(path, "parquet", _clean_headers(list(schema.names), path))


def _parquet_rows(table: TableFile) -> Iterator[list[str | None]]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(table.path).iter_batches(batch_size=50_000):
        columns = []
        for column in batch.columns:
            text = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
            columns.append(text.to_pylist())
        yield from (list(row) for row in zip(*columns, strict=True))


_ROW_READERS = {"csv": _csv_rows, "xlsx": _xlsx_rows, "parquet": _parquet_rows}


def _clean_headers(raw: list, path: Path) -> list[str]:
    headers = [str(h or "").replace("\ufeff", "").strip() for h in raw]
    if not any(headers):
        raise TableFormatError(f"{path.name}: the first row should name the columns; it is empty.")
    if len(headers) > MAX_COLUMNS:
        raise TableFormatError(f"{path.name}: {len(headers)} columns; at most {MAX_COLUMNS} are read.")
    seen: set[str] = set()
    for index, header in enumerate(headers):
        name = header or f"column {index + 1}"
        while name in seen:
            name += "'"
        headers[index] = name
        seen.add(name)
    return headers
