"""The tables the risk engine reads, as Arrow schemas, and the DuckDB session it reads them in.

Entities are plain string keys (a resolved cluster's id, or a record's id where nothing was
resolved): the engine never learns names, sex, ethnicity, nationality or religion of a person.
Only the premises table ``people`` carries one flag, ``female``, because "several women linked to
an address" is a sign about a place, never an input to any person's score.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    # the behaviour and offence vocabulary: ladder severity 1-10 (behaviours), harm days (offences)
    "vocabulary": pa.schema(
        [
            ("code", pa.string()),
            ("name", pa.string()),
            ("category", pa.string()),
            ("severity", pa.int32()),
            ("harm_days", pa.float64()),
        ]
    ),
    # incidents (and, for hotspots, reports) with where and when
    "events": pa.schema(
        [
            ("event_id", pa.string()),
            ("kind", pa.string()),
            ("occurred_at", TS),
            ("grade", pa.string()),
            ("summary", pa.string()),
            ("source_type", pa.string()),
            ("text", pa.string()),
            ("location", pa.string()),
            ("latitude", pa.float64()),
            ("longitude", pa.float64()),
        ]
    ),
    "event_behaviours": pa.schema([("event_id", pa.string()), ("code", pa.string())]),
    # who was linked to each event, and how (subject, victim, person_at_risk, reporter, premises, ...)
    "event_links": pa.schema([("event_id", pa.string()), ("entity", pa.string()), ("role", pa.string())]),
    # a person's stays at addresses (lives_at, works_at), with dates where known
    "stays": pa.schema(
        [("person", pa.string()), ("location", pa.string()), ("start", pa.date32()), ("end", pa.date32())]
    ),
    # who controls whom or what: a person -> a location or a person
    "controls": pa.schema([("controller", pa.string()), ("target", pa.string())]),
    # phones shown on adverts for a person (an advert's phone, the person it advertises)
    "advert_phones": pa.schema([("phone", pa.string()), ("person", pa.string())]),
    # addresses and their kind (premises, residence, business, street, area): streets are not premises
    "places": pa.schema([("location", pa.string()), ("kind", pa.string())]),
    # premises signs only: whether a person linked to an address is recorded as female
    "people": pa.schema([("person", pa.string()), ("female", pa.bool_())]),
}

# Attributes that must never reach a person's score (see tests/risk/test_fairness.py).
PROTECTED = ("ethnicity", "nationality", "religion", "sex", "gender")


@dataclass
class RiskInputs:
    vocabulary: pa.Table
    events: pa.Table
    event_behaviours: pa.Table
    event_links: pa.Table
    stays: pa.Table
    controls: pa.Table
    advert_phones: pa.Table
    places: pa.Table
    people: pa.Table

    def __post_init__(self) -> None:
        for f in fields(self):
            table = getattr(self, f.name)
            expected = SCHEMAS[f.name]
            if not isinstance(table, pa.Table):
                table = pa.Table.from_pylist(list(table), schema=expected)
            missing = set(expected.names) - set(table.column_names)
            if missing:
                raise ValueError(f"risk input {f.name}: missing column(s) {', '.join(sorted(missing))}")
            setattr(self, f.name, table.select(expected.names).cast(expected))

    def session(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB session with every input registered under its own name."""
        con = duckdb.connect()
        for f in fields(self):
            table = getattr(self, f.name)
            if f.name == "events":  # naive UTC inside the session: DuckDB's TIMESTAMPTZ needs pytz
                naive = table.schema.set(
                    table.schema.get_field_index("occurred_at"), pa.field("occurred_at", pa.timestamp("us"))
                )
                table = table.cast(naive)
            con.register(f.name, table)
        return con


def empty_inputs() -> RiskInputs:
    return RiskInputs(**{name: schema.empty_table() for name, schema in SCHEMAS.items()})
