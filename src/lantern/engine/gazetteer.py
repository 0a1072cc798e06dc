"""Postcode centroid gazetteer: reads the ONS postcode lookups (NSPL / ONSPD) or the PE extract.

The national file has about 2.7 million rows, so everything is done with pyarrow compute kernels;
only the postcode column and the two coordinate columns are parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lantern.engine.normalise import InvalidPostcode, normalise_postcode

POSTCODE_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025. "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025. "
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
)

# In order of preference: the PE extract, then the ONS columns (pcds is the "PE1 1AA" form).
POSTCODE_COLUMNS = ("Postcode", "pcds", "pcd", "pcd2")
LATITUDE_COLUMNS = ("lat", "latitude")
LONGITUDE_COLUMNS = ("long", "longitude", "lon")
# ONS writes this latitude for postcodes with no grid reference (terminated, or never located).
ONS_NO_LOCATION_LAT = 99.999999

SCHEMA = pa.schema([("postcode", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64())])


class GazetteerFormatError(ValueError):
    """The file is not a postcode lookup this reader understands."""


@dataclass
class GazetteerRead:
    table: pa.Table  # postcode, latitude, longitude
    skipped: int
    skipped_reasons: dict[str, int] = field(default_factory=dict)


def read_postcode_centroids(path: str | Path) -> GazetteerRead:
    """Read postcode centroids from a CSV (optionally .gz); skip rows with no usable location."""
    path = Path(path)
    header = _read_header(path)
    pc_col = _pick(header, POSTCODE_COLUMNS, "postcode")
    lat_col = _pick(header, LATITUDE_COLUMNS, "latitude")
    lon_col = _pick(header, LONGITUDE_COLUMNS, "longitude")
    convert = pacsv.ConvertOptions(
        include_columns=[pc_col, lat_col, lon_col],
        column_types={pc_col: pa.string(), lat_col: pa.float64(), lon_col: pa.float64()},
        strings_can_be_null=True,
    )
    try:
        raw = pacsv.read_csv(path, convert_options=convert)
    except pa.ArrowInvalid as exc:  # e.g. text in a coordinate column
        raise GazetteerFormatError(f"{path.name}: cannot parse as a postcode lookup: {exc}") from exc
    return _clean(raw.column(pc_col), raw.column(lat_col), raw.column(lon_col))


def _read_header(path: Path) -> list[str]:
    opts = pacsv.ReadOptions(block_size=1 << 16)
    try:
        reader = pacsv.open_csv(path, read_options=opts)
    except pa.ArrowInvalid as exc:
        raise GazetteerFormatError(f"{path.name}: not a CSV file: {exc}") from exc
    return list(reader.schema.names)


def _pick(header: list[str], wanted: tuple[str, ...], what: str) -> str:
    by_lower = {name.strip().lower(): name for name in header}
    for name in wanted:
        if name.lower() in by_lower:
            return by_lower[name.lower()]
    raise GazetteerFormatError(
        f"no {what} column: expected one of {', '.join(wanted)}; found {', '.join(header) or 'nothing'}"
    )


def _clean(raw_pc: pa.ChunkedArray, lat: pa.ChunkedArray, lon: pa.ChunkedArray) -> GazetteerRead:
    postcode = normalise_postcodes(raw_pc)
    lat_np = lat.to_numpy(zero_copy_only=False)  # nulls become NaN
    lon_np = lon.to_numpy(zero_copy_only=False)
    # Each skipped row is counted once, under the first reason that applies.
    missing = np.isnan(lat_np) | np.isnan(lon_np)
    no_location = ~missing & (lat_np >= ONS_NO_LOCATION_LAT - 1e-6)
    invalid = ~(missing | no_location) & postcode.is_null().to_numpy(zero_copy_only=False)
    bad = missing | no_location | invalid
    out_of_range = ~bad & ((np.abs(lat_np) > 90.0) | (np.abs(lon_np) > 180.0))
    reasons = {
        "missing_coordinates": missing,
        "no_location_99.999999": no_location,
        "invalid_postcode": invalid,
        "coordinates_out_of_range": out_of_range,
    }
    counts = {name: int(mask.sum()) for name, mask in reasons.items() if mask.any()}
    keep = pa.array(~(bad | out_of_range))
    table = pa.table({"postcode": postcode, "latitude": lat, "longitude": lon}, schema=SCHEMA).filter(keep)
    return GazetteerRead(table=table, skipped=sum(counts.values()), skipped_reasons=counts)


def normalise_postcodes(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """:func:`normalise_postcode` over a column; null where it raises.

    A postcode is valid exactly when its outward code (all but the last three characters) and its
    inward code (the last three) are, and each is normalised on its own; so the normaliser runs
    once per distinct outward code (~3,000 nationally) and inward code (~4,000) rather than per
    postcode (2.7 million), then the parts are joined vectorised. Values that fail that way get
    the normaliser itself, one distinct value at a time (GIR 0AA, stray punctuation, rejects).
    """
    values = pa.chunked_array([values]) if isinstance(values, pa.Array) else values
    squashed = pc.utf8_upper(pc.replace_substring_regex(values, r"\s+", ""))
    outward = _map_unique(
        pc.utf8_slice_codeunits(squashed, 0, -3), lambda o: normalise_postcode(o + "1AA")[:-4]
    )
    inward = _map_unique(pc.utf8_slice_codeunits(squashed, -3), lambda i: normalise_postcode("PE1" + i)[-3:])
    joined = pc.binary_join_element_wise(outward, inward, " ")
    retry = pc.and_(pc.is_null(joined), pc.is_valid(values))
    if not pc.any(retry).as_py():
        return joined.combine_chunks()
    fixed = _map_unique(values, normalise_postcode)
    return pc.if_else(retry, fixed, joined).combine_chunks()


def _map_unique(values: pa.ChunkedArray, fn) -> pa.ChunkedArray:
    """``fn`` applied once per distinct value (null where it raises InvalidPostcode)."""
    distinct = pc.unique(values)
    mapped = []
    for raw in distinct.to_pylist():
        try:
            mapped.append(None if raw is None else fn(raw))
        except InvalidPostcode:
            mapped.append(None)
    return pa.array(mapped, pa.string()).take(pc.index_in(values, value_set=distinct))
