"""Forms of the area picture: the area and period filters (dashboard and map), the map's extra
filters, and a new saved area (drawn or uploaded).

The filter forms never fail a page: a bad value is reported next to its field and the default
used in its place (see ``filters.picture_filter``), so a mistyped URL still shows a picture.
"""

from __future__ import annotations

from datetime import date

from django import forms

from lantern.engine.areas import MAX_BOUNDARY_BYTES
from lantern.picture.areas import area_choices

# Earlier or later than this is a typing slip, not a period anyone analyses (and the previous
# period of a year-1 date would fall off the calendar).
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)
MAX_PERIOD_DAYS = 5 * 366
KINDS = [
    ("", "every kind"),
    ("report", "reports"),
    ("incident", "incidents"),
    ("sighting", "sightings"),
    ("visit", "visits"),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PictureFilterForm(forms.Form):
    area = forms.ChoiceField(
        label="Area",
        required=False,
        error_messages={
            "invalid_choice": "There is no area %(value)s: choose one from the list (districts come "
            "from the postcode gazetteer, saved areas from the Areas page)."
        },
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label="To", required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()

    def clean_date_from(self) -> date | None:
        return _in_range(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> date | None:
        return _in_range(self.cleaned_data.get("date_to"))

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            raise forms.ValidationError(
                f"The period ends ({last:%d %b %Y}) before it starts ({first:%d %b %Y}): swap the dates."
            )
        if first and last and (last - first).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError("The period is longer than five years: choose a shorter one.")
        return data


class MapFilterForm(PictureFilterForm):
    kind = forms.ChoiceField(label="Events", choices=KINDS, required=False)
    min_harm = forms.FloatField(
        label="Minimum harm (days)",
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
        help_text="Incidents at or above this harm; other events carry no harm and are left out.",
    )


def _in_range(day: date | None) -> date | None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(f"Give a date between {EARLIEST:%Y} and {LATEST:%Y}.")
    return day


class AreaForm(forms.Form):
    """A new saved area: a name, and either a drawn (or pasted) outline or an uploaded file."""

    name = forms.CharField(
        label="Name", max_length=120, help_text="For example: City centre night-time economy"
    )
    geojson = forms.CharField(
        label="Outline (GeoJSON)",
        required=False,
        max_length=MAX_BOUNDARY_BYTES,
        widget=forms.Textarea(attrs={"rows": 4, "class": "geojson", "spellcheck": "false"}),
        help_text="Click the map to draw the outline, or paste a GeoJSON polygon.",
    )
    boundary_file = forms.FileField(
        label="or upload a boundary file (GeoJSON)",
        required=False,
        help_text=f"A Polygon, MultiPolygon, Feature or FeatureCollection, in longitude/latitude or "
        f"British National Grid, up to {MAX_BOUNDARY_BYTES // 1_000_000} MB.",
    )

    def clean(self) -> dict:
        data = super().clean()
        drawn, upload = (data.get("geojson") or "").strip(), data.get("boundary_file")
        if drawn and upload:
            raise forms.ValidationError("Draw the outline or upload a file, not both.")
        if not drawn and not upload and not self.errors:
            self.add_error("geojson", "Draw the outline on the map, paste GeoJSON, or upload a file.")
        if upload is not None and upload.size > MAX_BOUNDARY_BYTES:
            self.add_error(
                "boundary_file",
                f"The file is {upload.size / 1e6:.1f} MB, more than {MAX_BOUNDARY_BYTES / 1e6:.0f} MB: "
                "simplify the boundary (e.g. mapshaper -simplify 10%) and upload it again.",
            )
        return data

    def boundary(self) -> tuple[str, object, str]:
        """(field, GeoJSON text or bytes, file name) of the outline given."""
        upload = self.cleaned_data.get("boundary_file")
        if upload is not None:
            return "boundary_file", upload.read(MAX_BOUNDARY_BYTES + 1), upload.name or ""
        return "geojson", self.cleaned_data["geojson"], ""
