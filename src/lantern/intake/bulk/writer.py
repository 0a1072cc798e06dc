"""Set-based filing of a built chunk: every table written with one statement per chunk.

The services in ``lantern.intel.services`` file one record in a dozen queries: right for a form,
far too slow for a person index of a million rows (~250 rows a second). ``build`` makes the rows
the services would make; this writes each table with one ``INSERT ... ON CONFLICT`` over the whole
chunk (SQLite: ``executemany`` on one prepared statement; PostgreSQL: ``COPY`` into a temporary
table, then ``INSERT ... SELECT``). The conflict rules are the services' rules in SQL:

- a source re-sending its own person record overwrites, but a blank never erases;
- a shared entity (a vehicle, phone, address, e-mail) keeps its first non-blank values;
- provenance widens first/last seen; names, keys and relationships are inserted once.

It runs inside the caller's transaction (one per chunk); the runner writes one audit entry per
chunk, with the counts, instead of one per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from lantern.intake.bulk.build import Chunk, person_label
from lantern.intel.models import (
    Entity,
    Location,
    OnlineIdentity,
    Person,
    PersonName,
    Phone,
    Postcode,
    Provenance,
    Relationship,
    SearchKey,
    Source,
    Vehicle,
)

_IN_BATCH = 900  # bound parameters per IN (...) query, under every SQLite build's limit
# The SQL below is assembled from model metadata (table and column names, quoted by the backend)
# and fixed fragments; every value travels as a bound parameter or through COPY, hence the S608 noqas.
_PERSON_COLUMNS = ("source_id", "source_record_id", "given_names", "family_name", "date_of_birth", "gender")
_LOCATION_COLUMNS = ("line1", "line2", "town", "postcode", "latitude", "longitude", "uprn", "location_kind")
_SEEN = ("first_seen", "last_seen")


def _first_two(row: tuple) -> tuple:
    return row[0], row[1]


_DATES = ("recorded_at", "start", "end")
_OVERWRITE = "CASE WHEN EXCLUDED.{c} <> '' THEN EXCLUDED.{c} ELSE {t}.{c} END"
_OVERWRITE_NULL = "COALESCE(EXCLUDED.{c}, {t}.{c})"
_FILL = "CASE WHEN {t}.{c} = '' THEN EXCLUDED.{c} ELSE {t}.{c} END"
_FILL_NULL = "COALESCE({t}.{c}, EXCLUDED.{c})"


@dataclass
class Written:
    filed: int
    known: int
    missing_keepers: list[tuple] = field(default_factory=list)  # (row, source, keeper, vrm as written)


class ChunkWriter:
    """Writes built chunks for one import run; ``seen`` is when the source said it."""

    def __init__(self, *, seen: datetime, user_id: int | None, source_kind: str = Source.Kind.POLICE):
        self.user_id = user_id
        self.source_kind = source_kind
        self.postgres = connection.vendor == "postgresql"
        self.sources: dict[str, int] = {}
        self._centroids: dict[str, tuple[float, float] | None] = {}
        self.now = seen if self.postgres else connection.ops.adapt_datetimefield_value(seen)
        if self.postgres:
            with connection.cursor() as cursor:  # as for SQLite below: no wait for the WAL flush
                cursor.execute("SET synchronous_commit = off")
        else:
            with connection.cursor() as cursor:
                # A bigger page cache (random-id index inserts thrash the default 2 MB), and no
                # fsync per chunk: a crash can lose only the last chunks, which the resumable
                # run repeats; the database stays consistent (WAL). Both last for this connection.
                cursor.execute("PRAGMA cache_size = -131072")
                if not connection.in_atomic_block:  # SQLite refuses it inside a transaction
                    cursor.execute("PRAGMA synchronous = OFF")

    def write(self, chunk: Chunk) -> Written:
        self._resolve_sources(chunk)
        missing = self._drop_missing_keepers(chunk)
        known = len(self._supersede(chunk) if chunk.persons else self._existing(Entity, chunk.primary))
        self._geocode(chunk)
        self._write(chunk)
        return Written(len(chunk.primary) - known, known, missing)

    # ---------------------------------------------------------------- lookups

    def _resolve_sources(self, chunk: Chunk) -> None:
        codes = {v["source"] for v in chunk.persons.values()}
        codes |= {claim[3] for claim in chunk.claims} | {rel[3] for rel in chunk.relationships.values()}
        for code in codes - self.sources.keys():
            from lantern.intel.services import Actor, source_ensure

            source = source_ensure(
                code=code, name=code, kind=self.source_kind, actor=Actor(via="bulk import")
            )
            self.sources[code] = source.pk

    def _drop_missing_keepers(self, chunk: Chunk) -> list[tuple]:
        """A keeper naming no person record: the vehicle is filed, the link is reported to fix later."""
        if not chunk.keepers:
            return []
        keepers = {chunk.relationships[rel][1] for rel in chunk.keepers}
        found = self._existing(Person, keepers)
        missing = []
        for rel, about in chunk.keepers.items():
            if chunk.relationships[rel][1] not in found:
                del chunk.relationships[rel]
                missing.append(about)
        return missing

    def _geocode(self, chunk: Chunk) -> None:
        wanted = list(
            {v["postcode"] for v in chunk.locations.values() if v["postcode"]} - self._centroids.keys()
        )
        for start in range(0, len(wanted), _IN_BATCH):
            batch = wanted[start : start + _IN_BATCH]
            rows = Postcode.objects.filter(postcode__in=batch).values_list(
                "postcode", "latitude", "longitude"
            )
            found = {pc: (lat, lon) for pc, lat, lon in rows}
            self._centroids.update({pc: found.get(pc) for pc in batch})
        for values in chunk.locations.values():
            centroid = self._centroids.get(values["postcode"])
            if centroid:
                values["latitude"], values["longitude"] = centroid

    def _supersede(self, chunk: Chunk) -> set[str]:
        """Person records already filed: keep in provenance the values this chunk replaces (as the
        services do); returns their ids."""
        columns = ("given_names", "family_name", "date_of_birth", "gender")
        found = self._select(Person, ("source_record_id", *columns), set(chunk.persons))
        for pk, (ref, *stored) in found.items():
            new = chunk.persons[pk]
            kept = {}
            for name, old in zip(columns, stored, strict=True):
                value = new[name]
                old_text = "" if old is None else str(old)
                kept[name] = value if value not in ("", None) else old_text
                if value not in ("", None) and old_text and old_text != value:
                    chunk.claims.setdefault((pk, name, old_text[:500], new["source"]), ref)
            # the label names the record as it will stand, blanks in this file not erasing it
            chunk.entities[pk] = ("person", person_label(kept["given_names"], kept["family_name"]))
        return set(found)

    def _select(self, model, columns: tuple[str, ...], ids: set[str]) -> dict[str, tuple]:
        """{id: (columns...)} for the ids that have a row in ``model``'s table."""
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        wanted = ", ".join([pk, *(quote(c) for c in columns)])
        cast = "::uuid" if self.postgres else ""
        found: dict[str, tuple] = {}
        ordered = list(ids)
        with connection.cursor() as cursor:
            for start in range(0, len(ordered), _IN_BATCH):
                batch = ordered[start : start + _IN_BATCH]
                marks = ", ".join([f"%s{cast}"] * len(batch))
                cursor.execute(f"SELECT {wanted} FROM {table} WHERE {pk} IN ({marks})", batch)  # noqa: S608
                for row in cursor.fetchall():
                    found[row[0] if isinstance(row[0], str) else row[0].hex] = row[1:]
        return found

    def _existing(self, model, ids: set[str]) -> set[str]:
        """The ids (32 hex digits) that already have a row in ``model``'s table."""
        return set(self._select(model, (), ids))

    # ---------------------------------------------------------------- SQL

    def _write(self, chunk: Chunk) -> None:
        now, src = self.now, self.sources
        self._upsert(
            Entity,
            ["id", "kind", "label", "created_at", "updated_at"],
            [(pk, kind, label, now, now) for pk, (kind, label) in chunk.entities.items()],
            ["id"],
            # a source's own person record takes its new label; shared entities keep theirs
            {"label": "CASE WHEN {t}.kind = 'person' THEN EXCLUDED.label ELSE {t}.label END"},
        )
        self._upsert(
            Person,
            # protected characteristics are not read from bulk files yet: recorded as not known
            ["entity_ptr_id", *_PERSON_COLUMNS, "description", "ethnicity", "nationality", "religion"],
            [
                (pk, src[v["source"]], *(v[c] for c in _PERSON_COLUMNS[1:]), "", "", "", "")
                for pk, v in chunk.persons.items()
            ],
            ["entity_ptr_id"],
            {c: _OVERWRITE_NULL if c == "date_of_birth" else _OVERWRITE for c in _PERSON_COLUMNS[2:]},
        )
        for model, rows, columns in (
            (Vehicle, chunk.vehicles, ["vrm", "confusion_key", "make", "model", "colour"]),
            (Phone, chunk.phones, ["e164"]),
            (OnlineIdentity, chunk.identities, ["platform", "handle", "url"]),
            (Location, chunk.locations, list(_LOCATION_COLUMNS)),
        ):
            fill = {c: (_FILL_NULL if c in ("latitude", "longitude") else _FILL) for c in columns}
            rows_out = [(pk, *(v[c] for c in columns)) for pk, v in rows.items()]
            self._upsert(model, ["entity_ptr_id", *columns], rows_out, ["entity_ptr_id"], fill)
        self._upsert(PersonName, ["person_id", "name", "kind"], list(chunk.names), None)
        self._upsert(SearchKey, ["entity_id", "key"], list(chunk.keys), None)
        least, greatest = ("LEAST", "GREATEST") if self.postgres else ("MIN", "MAX")
        self._upsert(
            Provenance,
            [
                "entity_id",
                "field",
                "value",
                "source_id",
                "source_ref",
                "recorded_by_id",
                "recorded_at",
                *_SEEN,
            ],
            [
                (e, f, v, src[s], ref, self.user_id, now, now, now)
                for (e, f, v, s), ref in chunk.claims.items()
            ],
            ["entity_id", "field", "value", "source_id"],
            {
                "first_seen": least + "({t}.first_seen, EXCLUDED.first_seen)",
                "last_seen": greatest + "({t}.last_seen, EXCLUDED.last_seen)",
            },
        )
        self._upsert(
            Relationship,
            [
                "id",
                "kind",
                "entity_a_id",
                "entity_b_id",
                "source_id",
                "source_ref",
                "recorded_by_id",
                *_DATES,
            ],
            [
                (pk, kind, a, b, src[s], ref, self.user_id, now, None, None)
                for pk, (kind, a, b, s, ref) in chunk.relationships.items()
            ],
            None,
        )

    def _upsert(self, model, columns: list[str], rows: list[tuple], conflict: list[str] | None, update=None):
        """INSERT the rows; on a conflict on ``conflict`` apply ``update`` ({column: SQL}), else skip."""
        if not rows:
            return
        rows.sort(key=_first_two)  # neighbouring keys land on the same B-tree pages
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        if conflict and update:
            sets = ", ".join(f"{quote(c)} = {sql.format(t=table, c=quote(c))}" for c, sql in update.items())
            tail = f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {sets}"
        else:
            tail = "ON CONFLICT DO NOTHING"
        if self.postgres:
            self._copy_then_insert(model, columns, rows, tail)
            return
        quoted = ", ".join(quote(c) for c in columns)
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['?'] * len(columns))}) {tail}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.cursor.executemany(sql, rows)  # the sqlite3 cursor itself: no per-call query rewriting

    def _copy_then_insert(self, model, columns: list[str], rows: list[tuple], tail: str) -> None:
        """PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT with the conflict rule.

        COPY is PostgreSQL's bulk path (an order of magnitude faster than parameterised inserts);
        INSERT ... SELECT keeps the same ON CONFLICT rules as SQLite.
        """
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        staging = quote(f"bulk_{model._meta.db_table}")
        quoted = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS SELECT {quoted} FROM {table} LIMIT 0"  # noqa: S608
            )
            raw.execute(f"TRUNCATE {staging}")
            with raw.copy(f"COPY {staging} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM {staging} {tail}")  # noqa: S608
