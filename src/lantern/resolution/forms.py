"""Forms of the resolution and link-chart pages: every value checked, every limit stated."""

from __future__ import annotations

import json
import re

from django import forms

from lantern.intel.models import LinkRole, Relationship

NODE_ID = re.compile(r"^(event:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_CHART_NODES = 400
LINK_KINDS = [*Relationship.Kind.choices, *LinkRole.choices, ("at", "event at a place")]


class ClusterActionForm(forms.Form):
    ACTIONS = [("confirm", "Confirm"), ("split", "Not this person: split out"), ("not_same", "Not the same")]
    action = forms.ChoiceField(choices=ACTIONS)
    record = forms.UUIDField()
    other = forms.UUIDField(required=False)  # for "not the same" between two records of the cluster
    note = forms.CharField(max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "not_same" and not data.get("other"):
            raise forms.ValidationError("Choose the other record that this one is not the same as.")
        return data


class DecideForm(forms.Form):
    kind = forms.ChoiceField(choices=[("same", "the same"), ("not_same", "not the same")])
    left = forms.UUIDField()
    right = forms.UUIDField()
    note = forms.CharField(max_length=500, required=False)


class ChartForm(forms.Form):
    """The chart's filters. Node ids come from the page itself; anything else is refused."""

    node = forms.CharField(required=False, max_length=60 * MAX_CHART_NODES)
    kinds = forms.MultipleChoiceField(choices=LINK_KINDS, required=False, label="Link types")
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    hops = forms.IntegerField(min_value=1, max_value=3, required=False, initial=2, label="Steps out")

    def __init__(self, data=None, nodes: list[str] | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.raw_nodes = nodes or []

    def clean(self):
        data = super().clean()
        nodes = [n.strip().lower() for n in self.raw_nodes if n.strip()]
        bad = [n for n in nodes if not NODE_ID.match(n)]
        if bad:
            raise forms.ValidationError(
                f"{bad[0][:60]!r} is not a chart entity id; open the chart from a record."
            )
        if len(nodes) > MAX_CHART_NODES:
            raise forms.ValidationError(f"A chart holds at most {MAX_CHART_NODES} entities; filter it first.")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("'From' is after 'To': swap the dates.")
        data["nodes"] = list(dict.fromkeys(nodes))
        data["hops"] = data.get("hops") or 2
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "kinds": set(data.get("kinds") or []) or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


class SaveChartForm(forms.Form):
    name = forms.CharField(max_length=200, label="Chart name")
    nodes = forms.CharField(max_length=60 * MAX_CHART_NODES, widget=forms.HiddenInput)
    filters = forms.CharField(max_length=5000, required=False, widget=forms.HiddenInput)

    def clean_nodes(self):
        try:
            nodes = json.loads(self.cleaned_data["nodes"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                "The chart's entities could not be read; reload the chart and save again."
            ) from exc
        if not isinstance(nodes, list) or not nodes or len(nodes) > MAX_CHART_NODES:
            raise forms.ValidationError(f"A saved chart holds 1 to {MAX_CHART_NODES} entities.")
        if not all(isinstance(n, str) and NODE_ID.match(n) for n in nodes):
            raise forms.ValidationError("The chart holds an id that is not an entity's; reload the chart.")
        return nodes

    def clean_filters(self):
        raw = self.cleaned_data.get("filters") or "{}"
        try:
            filters = json.loads(raw)
        except json.JSONDecodeError:
            filters = {}
        allowed = {
            k: v
            for k, v in (filters if isinstance(filters, dict) else {}).items()
            if k in {"kinds", "since", "until", "hops"}
        }
        return allowed
