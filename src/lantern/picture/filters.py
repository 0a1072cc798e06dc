"""The area and period a page is drawn for, read from its GET form.

Both the dashboard and the map default to the twelve months up to the latest event the user may
see: a store whose data stops (the demo's ends on 31 October 2026, an import may be weeks old)
still shows something, and the period is stated on the page. A bad value is reported and its
default used, so the page never fails on a hand-edited URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.http import QueryDict
from django.utils import timezone

from lantern.engine.areas import Area, AreaError, everywhere
from lantern.engine.picture import Period
from lantern.intel.selectors import visible_events
from lantern.picture.areas import resolve_area
from lantern.picture.forms import MapFilterForm, PictureFilterForm


@dataclass
class PictureFilter:
    form: PictureFilterForm
    area_value: str
    area: Area
    period: Period
    kind: str = ""
    min_harm: float = 0.0

    @property
    def errors(self) -> bool:
        return bool(self.form.errors)


def default_last_day(user) -> date:
    """The UK day of the latest event ``user`` may see (today when there is none)."""
    latest = visible_events(user).aggregate(latest=Max("occurred_from"))["latest"]
    return timezone.localtime(latest).date() if latest else timezone.localdate()


def year_to(last: date) -> date:
    """The first day of the twelve months ending on ``last``."""
    try:
        return last.replace(year=last.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return last.replace(year=last.year - 1, day=28) + timedelta(days=1)


def picture_filter(query: QueryDict, user, *, for_map: bool = False) -> PictureFilter:
    form_class = MapFilterForm if for_map else PictureFilterForm
    form = form_class(query or None)
    data = _valid_values(form)
    area_value, area = _area(form, data.get("area") or "all")
    last = data.get("date_to") or default_last_day(user)
    first = data.get("date_from") or year_to(last)
    last = max(last, first)  # "from" alone, later than the latest event: that one day
    if not form.is_bound:  # show the defaults in the form (one form: its area choices are queries)
        form.initial = {"area": area_value, "date_from": first, "date_to": last}
    return PictureFilter(
        form=form,
        area_value=area_value,
        area=area,
        period=Period.of_days(first, last),
        kind=data.get("kind") or "",
        min_harm=float(data.get("min_harm") or 0),
    )


def _valid_values(form: PictureFilterForm) -> dict:
    """The values that passed their checks; a period error (reversed, too long) drops both dates."""
    if not form.is_bound or form.is_valid():
        return dict(form.cleaned_data) if form.is_bound else {}
    data = dict(form.cleaned_data)
    if form.non_field_errors():
        data.pop("date_from", None)
        data.pop("date_to", None)
    return data


def _area(form: PictureFilterForm, value: str) -> tuple[str, Area]:
    try:
        return value, resolve_area(value)
    except AreaError as exc:  # a saved area deleted, or a district gone with a new gazetteer
        if form.is_bound:
            form.add_error("area", str(exc))
        return "all", everywhere()
