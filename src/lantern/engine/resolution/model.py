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
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

MODEL_VERSION = "lantern-person-1"
MAX_COMPARISONS_PER_RULE = 200_000_000  # about a minute of Splink scoring on 2 cores
DEFAULT_THRESHOLD = 0.9
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
            cl.ForenameSurnameComparison("first_name", "surname").configure(term_frequency_adjustments=True),
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
    ("first_name", "surname"),
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
    clusters: pa.Table  # unique_id, source, record_id, cluster_id
    model: dict


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


def _linker(db: DuckDBAPI, records: pa.Table, model: dict | None) -> Linker:
    frame = db.register(records, dataset_display_name="persons")
    return Linker(frame, model if model is not None else settings())


def train(db: DuckDBAPI, records: pa.Table, seed: int = 1) -> Linker:
    """Unsupervised: u from random pairs, m by expectation maximisation on two independent blockings."""
    linker = _linker(db, records, None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "dob"), block_on("phone"), block_on("vrm")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    # Not surname alone: a common surname makes tens of millions of training pairs.
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname", "first_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    return linker


def resolve(records: pa.Table, model: dict | None = None, threshold: float = DEFAULT_THRESHOLD) -> Resolved:
    """Pairs above ``threshold`` and clusters of the prepared records, training a model if none is given."""
    if records.num_rows < 2:
        raise ResolutionError("there are fewer than two records to compare.")
    check_blocking(records)
    db = DuckDBAPI()
    linker = train(db, records) if model is None else _linker(db, records, model)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    saved = linker.misc.save_model_to_json()
    saved["lantern_model_version"] = MODEL_VERSION
    return Resolved(predictions.as_pyarrow_table(), clusters.as_pyarrow_table(), saved)


def save_model(model: dict, path: Path) -> None:
    path.write_text(json.dumps(model, indent=2, sort_keys=True))


def load_model(path: Path) -> dict:
    model = json.loads(path.read_text())
    if model.get("lantern_model_version") != MODEL_VERSION:
        raise ResolutionError(f"{path} is model {model.get('lantern_model_version')!r}, not {MODEL_VERSION}.")
    return model
