"""Addresses that are one place: the same normalised postcode and address lines that read alike.

Free-text addresses differ in case, punctuation, abbreviations ("Rd", "Road") and flat prefixes;
``address_key`` folds those, and Jaro-Winkler on the folded lines (within a postcode, so the work
stays bounded) catches what is left: typos and a dropped town. House and flat numbers must agree
exactly (12 and 14 High Road read alike but are two doors). A pair is scored by the similarity.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from lantern.engine.normalise.address import address_key
from lantern.engine.normalise.errors import NormalisationError
from lantern.engine.normalise.postcode import normalise_postcode

SIMILAR = 0.93
MAX_PER_POSTCODE = 2_000  # a postcode with more addresses than this is a data fault: compared exactly only


def _key(line: str | None) -> str | None:
    try:
        return address_key(line or "") or None
    except NormalisationError:
        return None


def _postcode(value: str | None) -> str | None:
    try:
        return normalise_postcode(value or "")
    except NormalisationError:
        return None


def similar_addresses(places: pa.Table, threshold: float = SIMILAR) -> pa.Table:
    """``places`` has ``id, line1, postcode``; returns ``id_l, id_r, similarity`` (id_l < id_r)."""
    keyed = pa.table(
        {
            "id": places.column("id"),
            "line": [_key(v) for v in places.column("line1").to_pylist()],
            "postcode": [_postcode(v) for v in places.column("postcode").to_pylist()],
        }
    )
    con = duckdb.connect()
    con.register("places", keyed)
    numbers = r"regexp_extract_all({side}.line, '[0-9]+[a-z]?')"
    return con.sql(
        f"""
        WITH usable AS (
            SELECT *, count(*) OVER (PARTITION BY postcode) AS n
            FROM places WHERE line IS NOT NULL AND postcode IS NOT NULL
        )
        SELECT l.id AS id_l, r.id AS id_r, jaro_winkler_similarity(l.line, r.line) AS similarity
        FROM usable l JOIN usable r ON l.postcode = r.postcode AND l.id < r.id
        WHERE (l.n <= {int(MAX_PER_POSTCODE)} OR l.line = r.line)
          AND {numbers.format(side="l")} = {numbers.format(side="r")}
          AND jaro_winkler_similarity(l.line, r.line) >= {float(threshold)}
        """  # noqa: S608 (numbers we format ourselves)
    ).to_arrow_table()
