"""The forms that start a job from /jobs/: their cleaned data becomes the job's (JSON) parameters."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from lantern.engine.resolution.model import DEFAULT_THRESHOLD

ENGINES = [("duckdb", "DuckDB (this server)"), ("spark", "Spark")]
MAX_SCREEN_DAYS = 366


def json_params(cleaned: dict) -> dict:
    """Dates as ISO text, everything else as it is: the job table keeps JSON."""
    return {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in cleaned.items() if v not in (None, "")
    }


class ScreenForm(forms.Form):
    since = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: only evidence not yet screened. With dates, each day is screened again in turn.",
    )
    until = forms.DateField(
        required=False, label="Up to (not including)", widget=forms.DateInput(attrs={"type": "date"})
    )
    engine = forms.ChoiceField(choices=ENGINES, initial="duckdb")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if until and not since:
            raise forms.ValidationError("Give the first day too, or leave both dates empty.")
        if since:
            until = until or date.today() + timedelta(days=1)
            cleaned["until"] = until
            if until <= since:
                raise forms.ValidationError("The last day is before the first: swap the dates.")
            if (until - since).days > MAX_SCREEN_DAYS:
                raise forms.ValidationError(f"Screen at most {MAX_SCREEN_DAYS} days in one job.")
        return cleaned


class ResolveForm(forms.Form):
    engine = forms.ChoiceField(choices=ENGINES, initial="duckdb")
    mode = forms.ChoiceField(
        choices=[
            ("auto", "New records only, once a model is trained"),
            ("full", "Retrain the model and rescore every record"),
        ],
        initial="auto",
    )
    threshold = forms.FloatField(min_value=0.5, max_value=0.999, initial=DEFAULT_THRESHOLD)


class RiskForm(forms.Form):
    """A risk run takes no choices: every score is computed again as of now."""
