from __future__ import annotations

from django import forms

MAX_CONFIG_CHARS = 100_000


class RiskModelForm(forms.Form):
    config = forms.CharField(
        label="Configuration (JSON)",
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        max_length=MAX_CONFIG_CHARS,
        help_text="Edit the weights, bands and thresholds and give the configuration a new version; "
        "it is checked before it is put in force, and the previous version is kept.",
    )


class ListFilterForm(forms.Form):
    order = forms.ChoiceField(
        choices=[("priority", "perpetrator priority (RFGV)"), ("escalation", "escalation")], required=False
    )
    flagged = forms.BooleanField(required=False, label="Flagged only")
