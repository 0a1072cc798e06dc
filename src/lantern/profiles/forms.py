"""Forms of the problem profile: what it covers, and what the analyst writes in it."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from lantern.profiles.models import TEXT_LIMIT

MAX_PERIOD_DAYS = 3 * 366  # a profile of more than three years is a different product
EARLIEST = date(1990, 1, 1)


class ProblemProfileForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, help_text="Default: “Problem profile: <area>”.")
    area = forms.ChoiceField(
        help_text="A postcode district, the whole force area, or an area drawn or uploaded on the map pages."
    )
    first_day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].replace("\x00", "").split())

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if last < first:
                raise forms.ValidationError("The period ends before it starts: swap the dates.")
            if first < EARLIEST or last > date.today() + timedelta(days=1):
                raise forms.ValidationError(f"Choose dates between {EARLIEST:%Y} and today.")
            if (last - first).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError("A profile covers at most three years; choose a shorter period.")
        return cleaned


class AnalystTextForm(forms.Form):
    assessment = forms.CharField(
        label="Analyst's assessment",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
    )
    recommendations = forms.CharField(
        required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 8, "cols": 90})
    )

    def clean_assessment(self) -> str:
        return self.cleaned_data["assessment"].replace("\x00", "").strip()

    def clean_recommendations(self) -> str:
        return self.cleaned_data["recommendations"].replace("\x00", "").strip()
