"""Person resolution with Splink 5: comparisons for police records, blocking, training, clustering.

The comparisons, each a ladder of levels whose match weight the analyst sees for any pair:
- forename: exact, Jaro-Winkler close (typos), a shared formal name (Bob and Robert, from the
  `nicknames` dataset), an initial against a full name;
- surname with the forename, including the two swapped (Splink's ForenameSurnameComparison);
- date of birth: exact, one character apart (transposed digits, a slipped day), same month or year;
- postcode (full, sector, district); address line (Jaro-Winkler); phone, VRM and e-mail exact,
  with term-frequency adjustment so a value many records share (a placeholder number, a hostel's
  address) counts for less.
Blocking rules are checked for their comparison counts before prediction (``check_blocking``), so
a value millions of records share gives a clear error instead of a hung job.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

MODEL_VERSION = "lantern-person-1"
MAX_COMPARISONS_PER_RULE = 200_000_000  # about a minute of Splink scoring on 2 cores
DEFAULT_THRESHOLD = 0.9
TRAINING_SAMPLE = 250_000  # records EM trains on (see train)
DUCKDB_MEMORY = "4GB"  # LANTERN_DUCKDB_MEMORY overrides
log = logging.getLogger(__name__)


class ResolutionError(ValueError):
    """Resolution cannot run as asked; the message says why and what to do."""


def _forename() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name"),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.ArrayIntersectLevel("first_name_forms", 1),
            cll.CustomLevel(
                "(length(first_name_l) = 1 OR length(first_name_r) = 1) "
                "AND substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)",
                label_for_charts="an initial against a name",
            ),
            cll.JaroWinklerLevel("first_name", 0.8),
            cll.ElseLevel(),
        ],
    )


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _forename(),
            # Term frequencies of the whole name: "Emily Scott" agreeing says less than "Oscar Fairley".
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="full_name"
            ).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.88]),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.ExactMatch("vrm").configure(term_frequency_adjustments=True),
            cl.ExactMatch("email"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source", "record_id"],
    )


# Records are compared only within a block sharing these values (a pair in several is scored once).
BLOCKING_COLUMNS: list[tuple[str, ...]] = [
    ("surname", "dob"),
    ("first_name", "dob"),
    ("surname", "postcode"),
    ("surname", "first_initial"),  # forename typos, initials and most nicknames
    ("name_pair",),  # forename and surname, in either order
    ("phone",),
    ("vrm",),
    ("email",),
    ("dob", "postcode"),
    ("postcode", "address"),
]
BLOCKING = [block_on(*columns) for columns in BLOCKING_COLUMNS]


@dataclass
class Resolved:
    pairs: pa.Table  # unique_id_l, unique_id_r, match_probability, match_weight, mw_* per comparison
    model: dict
    engine: str = "duckdb"
    labels_used: int = 0  # analysts' "the same" pairs that trained the m probabilities


# The comparisons whose weights explain a pair, in the order the analyst reads them.
EXPLAINED = {
    "first_name": "forename",
    "first_name_surname": "surname with forename",
    "dob": "date of birth",
    "postcode": "postcode",
    "address": "address",
    "phone": "phone",
    "vrm": "vehicle",
    "email": "e-mail",
}


def field_weights(pair: dict) -> dict[str, float]:
    """The match weight each comparison gave a scored pair (term-frequency adjustment included)."""
    return {
        label: round(float(pair.get(f"mw_{name}") or 0.0) + float(pair.get(f"mw_tf_adj_{name}") or 0.0), 3)
        for name, label in EXPLAINED.items()
    }


def check_blocking(records: pa.Table, limit: int = MAX_COMPARISONS_PER_RULE) -> dict[str, int]:
    """Pairs each blocking rule would compare (sum of n(n-1)/2 over its blocks), counted without
    making them; a rule over ``limit`` is refused, naming the value that explodes it."""
    import duckdb

    con = duckdb.connect()
    con.register("records", records)
    counts = {}
    for columns in BLOCKING_COLUMNS:
        keys = ", ".join(columns)
        present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
        blocks = (
            f"SELECT concat_ws(' / ', {keys}) AS key, count(*) AS n "  # noqa: S608 (fixed column names)
            f"FROM records WHERE {present} GROUP BY {keys}"
        )
        n, biggest, size = con.execute(
            f"SELECT coalesce(sum(n * (n - 1) // 2), 0), arg_max(key, n), max(n) FROM ({blocks})"  # noqa: S608
        ).fetchone()
        counts[keys] = int(n)
        if n > limit:
            raise ResolutionError(
                f"blocking on {keys} would compare {int(n):,} pairs (limit {limit:,}): {int(size):,} records "
                f"share {biggest!r}. Is it a placeholder? Clean it or set it to empty, then resolve again."
            )
    return counts


def database(engine: str = "duckdb"):
    """Splink's database for ``engine``: DuckDB in process, or Spark (local mode unless configured)."""
    if engine == "duckdb":
        import tempfile

        import duckdb

        # Bounded memory: DuckDB spills big joins to disk rather than growing past its limit.
        config = {
            "memory_limit": os.environ.get("LANTERN_DUCKDB_MEMORY", DUCKDB_MEMORY),
            "temp_directory": os.path.join(tempfile.gettempdir(), "lantern-duckdb"),
        }
        return DuckDBAPI(connection=duckdb.connect(config=config))
    if engine == "spark":
        return _spark_database()
    raise ResolutionError(f"engine {engine!r}: choose duckdb or spark.")


def _spark_database():
    """Splink on the process's Spark session (local, a configured master, or spark-submit's)."""
    from splink.backends.spark import SparkAPI

    from lantern.engine.spark import SparkConfig, checkpoint_dir, has_similarity_jar, spark_session

    config = SparkConfig.from_environ()
    spark = spark_session(config)
    if not has_similarity_jar(spark):  # Splink would only warn, then fail on its first comparison
        raise ResolutionError(
            "Splink's similarity functions are not on Spark's class path: give spark-submit "
            '--jars "$(python -m lantern.spark_submit --jar)" (docs/spark.md).'
        )
    try:
        # Splink breaks long query plans by checkpointing, which needs a folder every executor reaches.
        spark.sparkContext.setCheckpointDir(checkpoint_dir(config, spark))
    except ValueError as exc:
        raise ResolutionError(str(exc)) from None
    return SparkAPI(spark_session=spark)


def _register(db, records: pa.Table, name: str):
    # A Spark session outlives one run, so each run's tables get names of their own.
    table_name = f"{name}_{uuid.uuid4().hex[:12]}"
    if type(db).__name__.startswith("Spark"):
        records = db.spark.createDataFrame(records)
    return db.register(records, dataset_display_name=name, table_name=table_name)


def _linker(db, records: pa.Table, model: dict | None) -> Linker:
    if model is not None:  # Splink refuses keys it does not know
        model = {key: value for key, value in model.items() if key != "lantern_model_version"}
    return Linker(_register(db, records, "persons"), model if model is not None else settings())


def train(db, records: pa.Table, labels: list[tuple[str, str]] = (), seed: int = 1) -> dict:
    """Unsupervised: the prior and u from all the records (u by random pairs), m by expectation
    maximisation on three independent blockings of a sample; then, when analysts have confirmed
    pairs, m re-estimated from those labels too. The saved model (Splink's settings) is returned.

    EM runs on a sample because its pairs grow with the square of the records while m (how often
    a field agrees for one person) does not depend on how many records there are; the prior does,
    so it is estimated on every record."""
    linker = _linker(db, records, None)
    # The prior from rules that rarely join two people: not a shared phone or car, which in a big
    # index (hostels, families, a controller's phone) would make it many times too high.
    linker.training.estimate_probability_two_random_records_match(
        [block_on("full_name", "dob"), block_on("email")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    model = linker.misc.save_model_to_json()
    sample = _training_sample(records, {uid for pair in labels for uid in pair}, seed)
    trainer = _linker(db, sample, model)
    trainer.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    # Not surname alone: a common surname makes tens of millions of training pairs.
    trainer.training.estimate_parameters_using_expectation_maximisation(block_on("surname", "first_name"))
    trainer.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    if labels:
        table = pa.table(
            {
                "source_dataset_l": ["persons"] * len(labels),
                "unique_id_l": [a for a, _ in labels],
                "source_dataset_r": ["persons"] * len(labels),
                "unique_id_r": [b for _, b in labels],
            }
        )
        trainer.training.estimate_m_from_pairwise_labels(_register(db, table, "labels"))
    trained = trainer.misc.save_model_to_json()
    trained["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return trained


def _training_sample(records: pa.Table, keep: set[str], seed: int) -> pa.Table:
    """About TRAINING_SAMPLE records, chosen at random (seeded), always with the labelled ones."""
    import numpy as np
    import pyarrow.compute as pc

    if records.num_rows <= TRAINING_SAMPLE:
        return records
    chosen = np.random.default_rng(seed).random(records.num_rows) < TRAINING_SAMPLE / records.num_rows
    if keep:
        chosen |= pc.is_in(records.column("unique_id"), pa.array(sorted(keep), pa.string())).to_numpy(
            zero_copy_only=False
        )
    return records.filter(pa.array(chosen))


def resolve(
    records: pa.Table,
    model: dict | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    engine: str = "duckdb",
    labels: list[tuple[str, str]] = (),
    new: set[str] | None = None,
) -> Resolved:
    """Scored pairs above ``threshold`` among the prepared records, training a model if none is given.

    ``labels`` are pairs analysts confirmed as the same person (used in training). With ``new``
    (an incremental run, which needs a ``model``) only pairs involving those records are scored.
    """
    if records.num_rows < 2:
        raise ResolutionError("there are fewer than two records to compare.")
    if new is not None and model is None:
        raise ResolutionError("an incremental run needs the saved model: run a full resolution first.")
    check_blocking(records)
    db = database(engine)
    known = {uid for pair in labels for uid in pair}
    present = set(records.column("unique_id").to_pylist()) if known else set()
    labels = [pair for pair in labels if set(pair) <= present]
    if model is None:
        model = train(db, records, labels)
        labels_used = len(labels)
    else:
        labels_used = 0
    linker = _linker(db, records, model)
    if new is None:
        predictions = linker.inference.predict(threshold_match_probability=threshold)
    else:
        predictions = _predict_new(db, linker, records, new, threshold)
    saved = linker.misc.save_model_to_json()
    saved["lantern_model_version"] = MODEL_VERSION
    pairs = named_alike(predictions.as_pyarrow_table())
    return Resolved(pairs, saved, engine, labels_used)


def named_alike(pairs: pa.Table) -> pa.Table:
    """Drop pairs whose forenames plainly differ, unless the names are swapped or the dates of birth
    agree exactly. In this work a shared phone, car or address is how *different* people are linked
    (a controller and the women he controls), so it must never make them one person on its own."""
    import pyarrow.compute as pc

    if pairs.num_rows == 0:
        return pairs
    column = pairs.column

    def same(a: str, b: str):
        return pc.fill_null(pc.equal(column(a), column(b)), False)

    keep = pc.or_(
        pc.not_equal(column("gamma_first_name"), 0),
        pc.or_(
            same("dob_l", "dob_r"),
            pc.and_(same("first_name_l", "surname_r"), same("surname_l", "first_name_r")),
        ),
    )
    return pairs.filter(keep)


def _predict_new(db, linker: Linker, records: pa.Table, new: set[str], threshold: float):
    """New records against the existing ones and among themselves; existing pairs are not rescored."""
    import pyarrow.compute as pc

    is_new = pc.is_in(records.column("unique_id"), pa.array(sorted(new), pa.string()))
    fresh, existing = records.filter(is_new), records.filter(pc.invert(is_new))
    for column in ("first_name", "surname", "phone", "vrm"):  # frequencies from every record
        linker.table_management.compute_tf_table(column)
    fresh_frame = _register(db, fresh, "fresh")
    within = linker.inference.predict_within(fresh_frame, threshold_match_probability=threshold)
    within_pairs = within.as_pyarrow_table()
    if existing.num_rows == 0:
        return _Table(within_pairs)
    between = linker.inference.predict_between(
        _register(db, existing, "existing"), fresh_frame, threshold_match_probability=threshold
    ).as_pyarrow_table()
    return _Table(pa.concat_tables([within_pairs, between.select(within_pairs.column_names)]))


class _Table:
    def __init__(self, table: pa.Table):
        self.table = table

    def as_pyarrow_table(self) -> pa.Table:
        return self.table


def save_model(model: dict, path: Path) -> None:
    path.write_text(json.dumps(model, indent=2, sort_keys=True))


def load_model(path: Path) -> dict:
    model = json.loads(path.read_text())
    if model.get("lantern_model_version") != MODEL_VERSION:
        raise ResolutionError(f"{path} is model {model.get('lantern_model_version')!r}, not {MODEL_VERSION}.")
    return model
