"""The SQL trend (Theil-Sen slope, Mann-Kendall test) agrees with pymannkendall on any series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pymannkendall
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.engine.risk import RiskInputs, default_config, empty_inputs, score_all

START = datetime(2025, 1, 1, 22, tzinfo=UTC)
AS_OF = datetime(2026, 10, 31, 23, tzinfo=UTC)
LADDER = [
    {"code": f"rung{i}", "name": f"Rung {i}", "category": "behaviour", "severity": i, "harm_days": 0}
    for i in range(1, 11)
]


def _inputs(severities: list[int], subject: str = "s1", gap_days: int = 20) -> RiskInputs:
    base = empty_inputs()
    events, behaviours, links = [], [], []
    for i, sev in enumerate(severities):
        event_id = f"{subject}-e{i}"
        events.append(
            {
                "event_id": event_id,
                "kind": "incident",
                "occurred_at": START + timedelta(days=gap_days * i),
                "grade": "graded 2BC",
                "summary": "",
                "source_type": "",
                "text": "",
                "location": None,
                "latitude": None,
                "longitude": None,
            }
        )
        behaviours.append({"event_id": event_id, "code": f"rung{sev}"})
        links.append({"event_id": event_id, "entity": subject, "role": "subject"})
        links.append({"event_id": event_id, "entity": f"v{i % 3}", "role": "victim"})
    return RiskInputs(
        vocabulary=LADDER,
        events=events,
        event_behaviours=behaviours,
        event_links=links,
        stays=base.stays,
        controls=base.controls,
        advert_phones=base.advert_phones,
        places=base.places,
        people=base.people,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10), min_size=4, max_size=25))
def test_slope_and_p_value_match_pymannkendall(severities):
    row = score_all(_inputs(severities), default_config(), AS_OF).subjects[0]
    reference = pymannkendall.original_test(severities)
    assert row["mk_s"] == reference.s
    if reference.var_s > 0:
        assert row["mk_p"] == pytest.approx(reference.p, abs=1e-9)
        assert row["mk_z"] == pytest.approx(reference.z, abs=1e-9)
    # pymannkendall's Sen slope is per step; ours is per day, steps here are 20 days apart
    assert row["slope_per_30_days"] == pytest.approx(reference.slope / 20 * 30, abs=1e-9)


def test_a_clear_rise_is_escalating_and_a_flat_series_is_not():
    rising = score_all(_inputs([1, 2, 2, 3, 4, 5, 5, 7, 8, 10]), default_config(), AS_OF).subjects[0]
    assert rising["escalating"] and rising["mk_p"] < 0.05
    flat = score_all(_inputs([5, 3, 6, 4, 5, 3, 6, 4]), default_config(), AS_OF).subjects[0]
    assert not flat["escalating"]
    assert "No clear rising trend" in flat["escalation_text"]


def test_one_incident_is_explained_not_scored_as_a_trend():
    row = score_all(_inputs([9]), default_config(), AS_OF).subjects[0]
    assert not row["escalating"] and row["mk_p"] is None
    assert "Too few incidents" in row["escalation_text"] and "4 needed" in row["escalation_text"]


def test_undated_and_future_incidents_are_left_out_with_a_note():
    inputs = _inputs([1, 2, 3, 4, 5, 6])
    rows = inputs.events.to_pylist()
    rows[0]["occurred_at"] = None
    rows[1]["occurred_at"] = AS_OF + timedelta(days=400)
    result = score_all(RiskInputs(**{**inputs.__dict__, "events": rows}), default_config(), AS_OF)
    assert result.subjects[0]["incidents"] == 4
    assert any("no date" in n for n in result.notes)
    assert any("future" in n for n in result.notes)


def test_new_more_serious_kinds_are_named():
    row = score_all(_inputs([1, 1, 2, 2, 3, 3, 10, 10]), default_config(), AS_OF).subjects[0]
    assert row["new_kinds"] == ["Rung 10"]
    assert "rung 10" in row["escalation_text"]


def test_serial_flag_needs_two_victims_within_the_window():
    row = score_all(_inputs([3, 3, 3]), default_config(), AS_OF).subjects[0]
    assert row["serial"] and row["serial_victims"] == 3
    config = default_config()
    config.rfgv.serial_victims = 4
    assert not score_all(_inputs([3, 3, 3]), config, AS_OF).subjects[0]["serial"]
