"""Removing a disposed person's rows from the Parquet lake, one file at a time, atomically.

The lake (``settings.LAKE_DIR``) holds ``reads/date=*/part-*.parquet`` (ANPR reads: ``vrm``) and
``tracks/date=*/part-*.parquet`` (GPS fixes: ``subject_record_id``, the order subject's source
record id or Lantern id). A file holding matching rows is rewritten without them under a temporary
name beside it (same schema, zstd); ``commit()`` then renames each over the original (an atomic
replace on one file system), so a reader sees the old file or the new one, never half a file.
``discard()`` removes the temporary files when the disposal is abandoned.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

COLUMNS = {"reads": "vrm", "tracks": "subject_record_id"}


@dataclass
class LakeRewrite:
    pending: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, original)
    removed: dict[str, int] = field(default_factory=dict)  # rows per kind
    files: int = 0

    def commit(self) -> list[Path]:
        done = []
        for temporary, original in self.pending:
            os.replace(temporary, original)
            done.append(original)
        self.pending = []
        return done

    def discard(self) -> None:
        for temporary, _ in self.pending:
            temporary.unlink(missing_ok=True)
        self.pending = []


def _matches(table: pa.Table, column: str, values: list[str]) -> pa.Array:
    data = table.column(column)
    if pa.types.is_dictionary(data.type):
        data = data.cast(pa.string())
    return pc.fill_null(pc.is_in(data, value_set=pa.array(values, pa.string())), False)


def prepare(lake_dir: Path, *, vrms: set[str], subject_records: set[str]) -> LakeRewrite:
    """Write the rewritten files (temporary names); nothing in the lake changes until ``commit``."""
    result = LakeRewrite()
    wanted = {"reads": sorted(vrms), "tracks": sorted(subject_records)}
    for kind, column in COLUMNS.items():
        values = wanted[kind]
        result.removed[kind] = 0
        root = Path(lake_dir) / kind
        if not values or not root.is_dir():
            continue
        for path in sorted(root.rglob("*.parquet")):
            if path.name.startswith("."):
                continue
            parquet = pq.ParquetFile(path)
            if column not in parquet.schema_arrow.names:
                continue
            hit = _matches(parquet.read(columns=[column]), column, values)
            count = pc.sum(hit).as_py() or 0
            if not count:
                continue
            table = parquet.read()
            kept = table.filter(pc.invert(_matches(table, column, values)))
            temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")
            try:
                pq.write_table(kept, temporary, compression="zstd")
            except BaseException:
                temporary.unlink(missing_ok=True)
                result.discard()
                raise
            result.pending.append((temporary, path))
            result.removed[kind] += count
            result.files += 1
    return result
