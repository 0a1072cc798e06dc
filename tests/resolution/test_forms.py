"""The chart and save forms take anything a browser (or an attacker) sends and never crash."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.resolution.forms import NODE_ID, ChartForm, SaveChartForm

ANY_TEXT = st.text(max_size=80)


@settings(max_examples=200, deadline=None)
@given(st.lists(ANY_TEXT, max_size=5), ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_the_chart_form_accepts_only_entity_ids_and_real_dates(nodes, since, until, hops):
    form = ChartForm({"since": since, "until": until, "hops": hops}, nodes=nodes)
    if form.is_valid():
        assert all(NODE_ID.match(n) for n in form.cleaned_data["nodes"])
        assert 1 <= form.cleaned_data["hops"] <= 3
    else:
        assert form.errors


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3).map(json.dumps)), ANY_TEXT)
def test_the_save_form_never_saves_a_chart_of_something_else(name, nodes, filters):
    form = SaveChartForm({"name": name, "nodes": nodes, "filters": filters})
    if form.is_valid():
        assert all(NODE_ID.match(n) for n in form.cleaned_data["nodes"])
        assert set(form.cleaned_data["filters"]) <= {"kinds", "since", "until", "hops"}


def test_a_chart_of_too_many_entities_is_refused_with_what_to_do():
    ids = [f"00000000-0000-0000-0000-{i:012d}" for i in range(401)]
    form = ChartForm({}, nodes=ids)
    assert not form.is_valid() and "at most 400" in str(form.errors)
