"""The open crime page's filters (GET): months as YYYY-MM, the rest as text or a choice of what is held."""

from __future__ import annotations

from datetime import date

from django import forms

from lantern.context.selectors import CrimeFilter
from lantern.engine.police_uk import parse_month

MONTH_WIDGET = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what a browser's month input sends); the first of it."""

    def __init__(self, **kwargs):
        super().__init__(max_length=7, required=False, widget=MONTH_WIDGET, **kwargs)

    def clean(self, value) -> date | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        month, why = parse_month(text)
        if month is None:
            raise forms.ValidationError(f"Give the month as YYYY-MM, e.g. 2026-10 ({why.split(':')[0]}).")
        return month


class CrimeFilterForm(forms.Form):
    month_from = MonthField(label="From month")
    month_to = MonthField(label="To month")
    crime_type = forms.ChoiceField(label="Crime type", required=False)
    lsoa = forms.CharField(label="LSOA (code or name)", required=False, max_length=100)
    street = forms.CharField(label="Street or place", required=False, max_length=100)
    falls_within = forms.ChoiceField(label="Force area", required=False)

    def __init__(self, data=None, *, crime_types: list[str], forces: list[str]):
        super().__init__(data)
        self.fields["crime_type"].choices = [("", "All crime types"), *((t, t) for t in crime_types)]
        self.fields["falls_within"].choices = [("", "All force areas"), *((f, f) for f in forces)]

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and start > end:
            self.add_error("month_to", "The last month is before the first.")
        return data

    def crime_filter(self) -> CrimeFilter:
        """The filter the valid fields give (an invalid field filters nothing)."""
        data = self.cleaned_data if self.is_bound else {}
        return CrimeFilter(
            month_from=data.get("month_from") if "month_from" not in self.errors else None,
            month_to=data.get("month_to") if "month_to" not in self.errors else None,
            crime_type=data.get("crime_type") or "",
            lsoa=(data.get("lsoa") or "").strip(),
            street=(data.get("street") or "").strip(),
            falls_within=data.get("falls_within") or "",
        )
