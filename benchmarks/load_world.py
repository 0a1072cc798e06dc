"""The load test's world: persons and events at a stated scale, written into PostgreSQL.

    python benchmarks/load_world.py [--persons 1000000] [--events 10000000] [--rebuild]

An "event" is what the store calls one: an intelligence report, an incident, a sighting or a
visit (`intel.Event` and its child table), each linked to the people, vehicles and places in it.
ANPR reads are not events (they live in the Parquet lake). The mix: 25% reports (the last 14
days' still waiting for triage), 15% incidents (one behaviour each), 50% sightings of a vehicle,
10% visits; 70% at a known place; 5% about 1,000 "hot" people (about 500 events each at 10^7),
the rest spread over everyone. Events span five years up to the build day.

The rows are the ones the bulk importer writes (same tables, the same search-key forms:
``name:``, ``dob:``, ``vrm:``, ``ck:``, ``tel:``, ``addr:``, ``pc:``, ``pd:``; labels as the
services make them), but generated inside PostgreSQL with ``INSERT ... SELECT generate_series``
rather than through the importer: the importer files about 3,000 rows a second on 2 cores, an
hour for 10^7 events, and the load test measures reads, not filing. The secondary indexes and
constraints of the big tables are dropped for the load and built again afterwards (one sort each
instead of 10^7 random inserts). The reference data (gazetteer, vocabulary, sources), the users,
orders, alerts and tasks are filed through Django. The database is kept, named by its scale.
"""

# The SQL here is built from constants and integers, never from input.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "load-test-password-7c1e"  # noqa: S105 - the benchmark users', in a throwaway local database
USERS = {"analyst": "load-analyst", "officer": "load-officer", "supervisor": "load-supervisor"}
YEARS = 5

BIG_TABLES = (
    "intel_entity",
    "intel_person",
    "intel_personname",
    "intel_provenance",
    "intel_vehicle",
    "intel_phone",
    "intel_location",
    "intel_searchkey",
    "intel_relationship",
    "intel_event",
    "intel_intelligencereport",
    "intel_incident",
    "intel_incident_behaviours",
    "intel_sighting",
    "intel_visit",
    "intel_eventlink",
)

GIVEN = [
    "amy",
    "anna",
    "ben",
    "chloe",
    "daniel",
    "david",
    "emily",
    "emma",
    "grace",
    "hannah",
    "harry",
    "jack",
    "james",
    "jessica",
    "john",
    "joshua",
    "kate",
    "laura",
    "liam",
    "lucy",
    "mark",
    "mary",
    "matthew",
    "megan",
    "michael",
    "mohammed",
    "nathan",
    "oliver",
    "paul",
    "rachel",
    "rebecca",
    "robert",
    "ryan",
    "samuel",
    "sarah",
    "sophie",
    "thomas",
    "tom",
    "victoria",
    "william",
    "zoe",
    "adam",
    "alice",
    "andrew",
    "beth",
    "callum",
    "connor",
    "dylan",
    "ella",
    "ethan",
    "evie",
    "freya",
    "george",
    "holly",
    "isaac",
    "jacob",
    "jade",
    "kieran",
    "leah",
    "lewis",
    "luke",
    "maria",
    "marta",
    "nicola",
    "oscar",
    "piotr",
    "reece",
    "rosie",
    "scott",
    "shannon",
    "stacey",
    "tyler",
]
FAMILY = [
    "smith",
    "jones",
    "taylor",
    "brown",
    "williams",
    "wilson",
    "johnson",
    "davies",
    "robinson",
    "wright",
    "thompson",
    "evans",
    "walker",
    "white",
    "roberts",
    "green",
    "hall",
    "wood",
    "jackson",
    "clarke",
    "patel",
    "khan",
    "lewis",
    "james",
    "phillips",
    "mason",
    "mitchell",
    "rose",
    "davis",
    "rodriguez",
    "cox",
    "alexander",
    "morgan",
    "moore",
    "martin",
    "price",
    "hughes",
    "ward",
    "baker",
    "harris",
    "young",
    "allen",
    "king",
    "scott",
    "turner",
    "hill",
    "cooper",
    "edwards",
    "collins",
    "stewart",
    "morris",
    "murphy",
    "cook",
    "rogers",
    "morgan",
    "bell",
    "bailey",
    "parker",
    "miller",
    "kowalski",
    "nowak",
    "wisniewski",
    "popescu",
    "ionescu",
    "silva",
    "santos",
    "ahmed",
    "ali",
    "hussain",
    "begum",
    "singh",
    "kaur",
    "shah",
    "akhtar",
    "rahman",
    "chowdhury",
    "ashdown",
    "fenwick",
]
STREETS = [
    "lincoln",
    "park",
    "church",
    "station",
    "mill",
    "london",
    "bridge",
    "queen",
    "king",
    "high",
    "green",
    "north",
    "south",
    "west",
    "east",
    "orchard",
    "thorpe",
    "eastfield",
    "westgate",
    "bishops",
    "cromwell",
    "priestgate",
    "broadway",
    "fletton",
]
STREET_KINDS = ("road", "street", "avenue", "lane", "close", "way")


def scale_name(persons: int, events: int) -> str:
    return f"lantern_load_{persons}_{events}"


def counts(persons: int) -> dict[str, int]:
    """Vehicles, phones and places in proportion to the people (a tenth each, at least 100)."""
    other = max(persons // 10, 100)
    return {"persons": persons, "vehicles": other, "phones": other, "locations": other}


def person_id(i: int) -> str:
    """The id of the builder's i-th person: the services' own, from its source and record id."""
    from lantern.engine.ids import stable_id

    return str(stable_id("person", "load-police", f"P{i}"))


def ensure(persons: int, events: int, *, rebuild: bool = False) -> tuple[str, float | None]:
    """The load database's URL and its build time (None when it was already built)."""
    name = scale_name(persons, events)
    if rebuild:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif _built(name):
        return f"{PG_SERVER}/{name}", None
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER}/{name}"
    started = time.perf_counter()
    _django(url, "reference")
    _bulk(url, persons, events)
    _django(url, "work")
    seconds = time.perf_counter() - started
    _mark_built(url, persons, events, seconds)
    return url, seconds


# ------------------------------------------------------------------------------ PostgreSQL helpers


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _admin(sql: str) -> None:
    with _connect(f"{PG_SERVER}/postgres") as conn:
        conn.execute(sql)


def _built(name: str) -> bool:
    with _connect(f"{PG_SERVER}/postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
    with _connect(f"{PG_SERVER}/{name}") as conn:
        found = conn.execute("SELECT to_regclass('load_meta')").fetchone()[0]
        return bool(found and conn.execute("SELECT count(*) FROM load_meta").fetchone()[0])


def _mark_built(url: str, persons: int, events: int, seconds: float) -> None:
    with _connect(url) as conn:
        conn.execute("CREATE TABLE load_meta (persons bigint, events bigint, build_seconds float)")
        conn.execute("INSERT INTO load_meta VALUES (%s, %s, %s)", [persons, events, seconds])


def build_seconds(url: str) -> float | None:
    with _connect(url) as conn:
        row = conn.execute("SELECT build_seconds FROM load_meta").fetchone()
        return row[0] if row else None


# ----------------------------------------------------------------------------------- Django steps


def _django(url: str, step: str) -> None:
    """Run a Django step in a child process with DATABASE_URL set (settings are read at import)."""
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="lantern.config.settings")
    env.setdefault("LANTERN_VAR_DIR", str(Path(tempfile.gettempdir()) / "lantern-load-var"))
    if step == "reference":
        lantern = str(Path(sys.executable).parent / "lantern")
        subprocess.run([lantern, "migrate", "-v0"], env=env, check=True, cwd=REPO)
    command = [sys.executable, str(Path(__file__).resolve().parent / "load_django.py"), step]
    subprocess.run(command, env=env, check=True, cwd=REPO)


# ------------------------------------------------------------------------------ the set-based load


def _bulk(url: str, persons: int, events: int) -> None:
    n = counts(persons)
    with _connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        saved = _drop_secondary(conn)
        for label, statements in _steps(conn, n, events):
            started = time.perf_counter()
            for sql in statements:
                conn.execute(sql)
            print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    _restore_secondary(url, saved)
    print(f"  indexes and constraints: {time.perf_counter() - started:.1f} s", flush=True)
    with _connect(url) as conn:
        conn.execute("VACUUM ANALYZE")


def _drop_secondary(conn) -> list[str]:
    """Drop the big tables' foreign keys, unique constraints and plain indexes (not primary keys);
    return the statements that make them again."""
    tables = list(BIG_TABLES)
    constraints = conn.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
        "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f','u')",
        [tables],
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p','u'))",
        [tables],
    ).fetchall()
    for table, name, _, _ in sorted(constraints, key=lambda c: c[3] != "f"):  # foreign keys first
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    uniques = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "u"]
    foreign = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "f"]
    return [*(d for _, d in indexes), *uniques, "-- foreign keys", *foreign]


def _restore_secondary(url: str, saved: list[str]) -> None:
    """Indexes and unique constraints on two connections (two cores), then the foreign keys."""
    split = saved.index("-- foreign keys")

    def run(sql: str) -> None:
        with _connect(url) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute(sql)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, saved[:split]))
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, saved[split + 1 :]))


def _words(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _pick(array: list[str], expr: str) -> str:
    """The element of a SQL array literal chosen by a non-negative integer expression."""
    return f"({_words(array)})[1 + ({expr}) % {len(array)}]"


def _hash(column: str, salt: int) -> str:
    """A cheap deterministic scramble of a bigint (Knuth's multiplicative hash), 0 .. 2^31-1."""
    return f"((({column} + {salt}) * 2654435761) % 2147483648)"


def _steps(conn, n: dict[str, int], events: int):
    sources = dict(conn.execute("SELECT code, id FROM intel_source").fetchall())
    behaviours = [r[0] for r in conn.execute("SELECT code FROM intel_behaviourtype ORDER BY code")]
    yield "staging", _staging(n, events)
    yield "persons", _persons(sources["load-police"])
    yield "vehicles, phones, places", _objects(sources["load-police"])
    yield "relationships", _relationships(n, sources["load-police"])
    yield "events", _events(sources)
    yield "event details", _event_details(behaviours)
    yield "event links", _links()
    yield "drop staging", ["DROP TABLE load_p, load_v, load_ph, load_l, load_e", "DROP FUNCTION load_uuid5"]


UUID5 = """CREATE OR REPLACE FUNCTION load_uuid5(VARIADIC parts text[]) RETURNS uuid AS $$
    SELECT encode(set_byte(set_byte(d, 6, (get_byte(d, 6) & 15) | 80), 8, (get_byte(d, 8) & 63) | 128),
                  'hex')::uuid
    FROM (SELECT substring(digest('\\x6f1c2a4e6b0e5d7a9c3b1a2b3c4d5e6f'::bytea
          || convert_to(array_to_string(parts, chr(31)), 'UTF8'), 'sha1') FROM 1 FOR 16) AS d) AS s
    $$ LANGUAGE sql IMMUTABLE PARALLEL SAFE"""


def _staging(n: dict[str, int], events: int) -> list[str]:
    """Numbered staging rows. Ids are the services' own (``engine.ids.stable_id``: UUIDv5 of the
    kind and natural key, here through pgcrypto), so a report filed during the test that names a
    plate, phone or address already held joins that entity rather than colliding with it."""
    p, v, ph, loc = n["persons"], n["vehicles"], n["phones"], n["locations"]
    h = _hash
    event_source = (
        "CASE kind WHEN 'report' THEN 'load-public' WHEN 'sighting' THEN 'load-anpr' ELSE 'load-police' END"
    )
    return [
        "CREATE EXTENSION IF NOT EXISTS pgcrypto",
        UUID5,
        f"""CREATE UNLOGGED TABLE load_p AS SELECT i, load_uuid5('person', 'load-police', 'P' || i) AS id,
            {_pick(GIVEN, h("i", 1))} AS given, {_pick(FAMILY, h("i", 2))} AS family,
            date '1950-01-01' + ({h("i", 3)} % 20000)::int AS dob
            FROM generate_series(1, {p}) i""",
        # Plates AA00AAA: two letters, two digits, three letters, all from i, so each is unique.
        f"""CREATE UNLOGGED TABLE load_v AS SELECT i, vrm, load_uuid5('vehicle', vrm) AS id FROM (
            SELECT i, chr(65 + (i / 26 / 100 / 17576) % 26) || chr(65 + (i / 100 / 17576) % 26)
            || lpad(((i / 17576) % 100)::text, 2, '0')
            || chr(65 + (i / 676) % 26) || chr(65 + (i / 26) % 26) || chr(65 + i % 26) AS vrm
            FROM generate_series(1, {v}) i) s""",
        f"""CREATE UNLOGGED TABLE load_ph AS SELECT i, e164, load_uuid5('phone', e164) AS id FROM (
            SELECT i, '+447' || lpad(i::text, 9, '0') AS e164 FROM generate_series(1, {ph}) i) s""",
        f"""CREATE UNLOGGED TABLE load_l AS SELECT s.*, load_uuid5('location', 'address', postcode,
            lower(number || ' ' || street || ' ' || street_kind)) AS id FROM (
            SELECT i, (1 + {h("i", 4)} % 300)::text AS number, {_pick(STREETS, h("i", 5))} AS street,
            {_pick(list(STREET_KINDS), h("i", 6))} AS street_kind, g.postcode, g.latitude, g.longitude
            FROM generate_series(1, {loc}) i
            JOIN (SELECT row_number() OVER (ORDER BY postcode) - 1 AS n, * FROM intel_postcode) g
              ON g.n = {h("i", 7)} % (SELECT count(*) FROM intel_postcode)) s""",
        # the same number, street and postcode drawn twice is one place
        "DELETE FROM load_l a USING load_l b WHERE a.id = b.id AND a.i > b.i",
        f"""CREATE UNLOGGED TABLE load_e AS SELECT s.*,
            load_uuid5('event', {event_source}, 'E' || i) AS id FROM (SELECT i,
            (ARRAY['report','report','report','report','report','incident','incident','incident',
                   'sighting','sighting','sighting','sighting','sighting','sighting','sighting',
                   'sighting','sighting','sighting','visit','visit'])[1 + {h("i", 8)} % 20] AS kind,
            date_trunc('day', now()) - ({h("i", 9)} % ({YEARS} * 365 * 86400)) * interval '1 second'
              AS at,
            CASE WHEN {h("i", 10)} % 10 < 7 THEN 1 + {h("i", 11)} % {loc} END AS place,
            CASE WHEN {h("i", 12)} % 20 = 0 THEN 1 + {h("i", 13)} % least(1000, {p})
                 ELSE 1 + {h("i", 13)} % {p} END AS person,
            1 + {h("i", 14)} % {v} AS vehicle
            FROM generate_series(1, {events}) i) s""",
        "CREATE INDEX ON load_p (i)",
        "CREATE INDEX ON load_v (i)",
        "CREATE INDEX ON load_l (i)",
        "ANALYZE load_p, load_v, load_ph, load_l, load_e",
    ]


def _persons(source: int) -> list[str]:
    label = "initcap(given) || ' ' || upper(family)"
    return [
        f"""INSERT INTO intel_entity (id, kind, label, created_at, updated_at)
            SELECT id, 'person', {label}, now(), now() FROM load_p""",
        f"""INSERT INTO intel_person (entity_ptr_id, source_id, source_record_id, given_names,
            family_name, date_of_birth, gender, description, ethnicity, nationality, religion)
            SELECT id, {source}, 'P' || i, initcap(given), initcap(family), dob,
            (ARRAY['female','male',''])[1 + i % 3], '', '', '', '' FROM load_p""",
        """INSERT INTO intel_personname (person_id, name, kind)
            SELECT id, initcap(given) || ' ' || initcap(family), 'primary' FROM load_p""",
        f"""INSERT INTO intel_provenance (entity_id, field, value, source_id, source_ref, recorded_at,
            first_seen, last_seen) SELECT id, 'family_name', initcap(family), {source}, 'P' || i,
            now(), now(), now() FROM load_p""",
        """INSERT INTO intel_searchkey (entity_id, key)
            SELECT id, 'name:' || given FROM load_p
            UNION ALL SELECT id, 'name:' || family FROM load_p WHERE family <> given
            UNION ALL SELECT id, 'dob:' || dob::text FROM load_p""",
    ]


def _objects(source: int) -> list[str]:
    del source  # vehicles, phones and places carry no source of their own
    address = "number || ' ' || initcap(street) || ' ' || initcap(street_kind)"
    return [
        """INSERT INTO intel_entity (id, kind, label, created_at, updated_at)
            SELECT id, 'vehicle', vrm, now(), now() FROM load_v
            UNION ALL SELECT id, 'phone', '07' || substr(e164, 5, 3) || ' ' || substr(e164, 8),
              now(), now() FROM load_ph
            UNION ALL SELECT id, 'location', """
        + address
        + """ || ', Peterborough, ' || postcode, now(), now() FROM load_l""",
        """INSERT INTO intel_vehicle (entity_ptr_id, vrm, confusion_key, make, model, colour)
            SELECT id, vrm, translate(vrm, 'OISBZ', '01582'),
            (ARRAY['Ford','Vauxhall','BMW','Audi','Toyota'])[1 + i % 5], '',
            (ARRAY['black','silver','white','blue','red'])[1 + i % 5] FROM load_v""",
        "INSERT INTO intel_phone (entity_ptr_id, e164) SELECT id, e164 FROM load_ph",
        f"""INSERT INTO intel_location (entity_ptr_id, line1, line2, town, postcode, latitude,
            longitude, uprn, location_kind)
            SELECT id, {address}, '', 'Peterborough', postcode, latitude, longitude, '',
            (ARRAY['residence','residence','premises','business'])[1 + i % 4] FROM load_l""",
        """INSERT INTO intel_searchkey (entity_id, key)
            SELECT id, 'vrm:' || vrm FROM load_v
            UNION ALL SELECT id, 'ck:' || translate(vrm, 'OISBZ', '01582') FROM load_v
            UNION ALL SELECT id, 'tel:' || e164 FROM load_ph
            UNION ALL SELECT id, 'addr:' || number FROM load_l
            UNION ALL SELECT id, 'addr:' || street FROM load_l
            UNION ALL SELECT id, 'addr:' || street_kind FROM load_l
            UNION ALL SELECT id, 'pc:' || postcode FROM load_l
            UNION ALL SELECT id, 'pd:' || split_part(postcode, ' ', 1) FROM load_l""",
    ]


def _relationships(n: dict[str, int], source: int) -> list[str]:
    """A tenth of the people use a phone; a fifth live at a known place."""
    return [
        f"""INSERT INTO intel_relationship (id, kind, entity_a_id, entity_b_id, source_id,
            source_ref, recorded_at)
            SELECT load_uuid5('relationship', 'uses_phone', p.id::text, ph.id::text, 'load-police', ''),
            'uses_phone', p.id, ph.id, {source}, '', now()
            FROM load_p p JOIN load_ph ph ON ph.i = p.i WHERE p.i <= {n["phones"]}""",
        f"""INSERT INTO intel_relationship (id, kind, entity_a_id, entity_b_id, source_id,
            source_ref, recorded_at)
            SELECT load_uuid5('relationship', 'lives_at', p.id::text, l.id::text, 'load-police', ''),
            'lives_at', p.id, l.id, {source}, '', now()
            FROM load_p p JOIN load_l l ON l.i = 1 + p.i % {n["locations"]} WHERE p.i % 5 = 0""",
    ]


def _events(sources: dict[str, int]) -> list[str]:
    source = (
        f"CASE e.kind WHEN 'report' THEN {sources['load-public']} WHEN 'sighting' THEN "
        f"{sources['load-anpr']} ELSE {sources['load-police']} END"
    )
    summary = (
        "CASE e.kind WHEN 'report' THEN 'Report of men calling at an address' "
        "WHEN 'incident' THEN 'Incident: approach to a woman on the street' "
        "WHEN 'sighting' THEN 'Vehicle seen in the area' ELSE 'Welfare visit' END"
    )
    return [
        f"""INSERT INTO intel_event (id, kind, source_id, source_ref, occurred_from, location_id,
            summary, recorded_at)
            SELECT e.id, e.kind, {source}, 'E' || e.i, e.at, l.id, {summary}, e.at
            FROM load_e e LEFT JOIN load_l l ON l.i = e.place"""
    ]


def _event_details(behaviours: list[str]) -> list[str]:
    return [
        """INSERT INTO intel_intelligencereport (event_ptr_id, text, sanitised_text, source_type,
            source_evaluation, intelligence_assessment, handling_code, handling_conditions, status,
            shared_with_police)
            SELECT id, 'Several men calling at the address late at night; cars waiting outside.',
            'Several men calling at an address late at night.', 'public', '2', 'C', 'P', '',
            CASE WHEN at > now() - interval '14 days' THEN 'new' ELSE 'triaged' END, true
            FROM load_e WHERE kind = 'report'""",
        "INSERT INTO intel_incident (event_ptr_id, description) "
        "SELECT id, 'Approached a woman from a car.' FROM load_e WHERE kind = 'incident'",
        f"""INSERT INTO intel_incident_behaviours (incident_id, behaviourtype_id)
            SELECT id, {_pick(behaviours, _hash("i", 15))} FROM load_e WHERE kind = 'incident'""",
        "INSERT INTO intel_sighting (event_ptr_id, via, confidence, camera_id, read_id) "
        "SELECT id, 'officer', 0.9, '', '' FROM load_e WHERE kind = 'sighting'",
        "INSERT INTO intel_visit (event_ptr_id, visit_type, outcome) "
        "SELECT id, 'welfare', 'Spoke to the occupant.' FROM load_e WHERE kind = 'visit'",
    ]


def _links() -> list[str]:
    role = "CASE e.kind WHEN 'visit' THEN 'person_at_risk' ELSE 'subject' END"
    return [
        f"""INSERT INTO intel_eventlink (event_id, entity_id, role)
            SELECT e.id, p.id, {role} FROM load_e e JOIN load_p p ON p.i = e.person""",
        """INSERT INTO intel_eventlink (event_id, entity_id, role)
            SELECT e.id, v.id, 'vehicle_used' FROM load_e e JOIN load_v v ON v.i = e.vehicle
            WHERE e.kind = 'sighting'""",
        """INSERT INTO intel_eventlink (event_id, entity_id, role)
            SELECT e.id, l.id, 'premises' FROM load_e e JOIN load_l l ON l.i = e.place
            WHERE e.kind <> 'sighting'""",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url, seconds = ensure(args.persons, args.events, rebuild=args.rebuild)
    print(url, "built in" if seconds else "already built", f"{seconds:.0f} s" if seconds else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
