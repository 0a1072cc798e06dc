"""A risk configuration with a negative, missing or senseless value is refused, naming the field."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.risk.config import DEFAULT_CONFIG, RiskConfigError, parse_config, points_for


def _with(path: str, value):
    data = copy.deepcopy(DEFAULT_CONFIG)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return data


def test_the_defaults_are_valid():
    assert parse_config(DEFAULT_CONFIG).version == DEFAULT_CONFIG["version"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("rfgv.weights.gravity", -1, "rfgv.weights.gravity: must be 0 or more"),
        ("rfgv.weights.gravity", KeyError, "missing weight for gravity"),
        ("premises.weights.short_let", KeyError, "missing weight for short_let"),
        ("premises.weights.short_let", -0.5, "must be 0 or more"),
        ("escalation.significance", 1.5, "escalation.significance"),
        ("severity.harm_source", KeyError, "severity.harm_source: missing"),
        (
            "rfgv.recency_days",
            [{"upto": 90, "points": 4}, {"upto": 30, "points": 5}, {"upto": None, "points": 1}],
            "ascending",
        ),
        ("hotspots.h3_resolution", 20, "hotspots.h3_resolution"),
        ("people.weights", {"controlled": 1}, "missing weight"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(path, value, message):
    with pytest.raises(RiskConfigError) as error:
        parse_config(_with(path, value))
    assert message in str(error.value)


def test_all_zero_weights_are_refused_not_read_as_no_priority():
    weights = {"recency": 0, "frequency": 0, "gravity": 0, "victims": 0}
    with pytest.raises(RiskConfigError, match="at least one weight"):
        parse_config(_with("rfgv.weights", weights))


def test_not_json_and_not_an_object_are_explained():
    with pytest.raises(RiskConfigError, match="not valid JSON"):
        parse_config("{weights: 1")
    with pytest.raises(RiskConfigError, match="JSON object"):
        parse_config("[1, 2]")


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=20,
    )
)
def test_arbitrary_json_is_refused_cleanly(data):
    with pytest.raises(RiskConfigError):
        parse_config(json.dumps(data))


def test_bands_place_values():
    config = parse_config(DEFAULT_CONFIG)
    assert points_for(0, config.rfgv.recency_days) == 5
    assert points_for(31, config.rfgv.recency_days) == 4
    assert points_for(10_000, config.rfgv.recency_days) == 1
