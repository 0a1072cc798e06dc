"""The map and saved areas. Thin: filters come from ``filters``, layers from ``selectors``.

Drawing or uploading an area needs only ``view_intel``: an area is an outline and a name, holds
no record, and lets the user ask of a neighbourhood only what they could already see; saving one
is audited, and a saved area is shared with everyone who reads the picture.
"""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lantern.engine.areas import AreaError
from lantern.engine.picture import area_picture
from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability, has_capability
from lantern.picture import selectors
from lantern.picture.areas import area_save, outline_shapes
from lantern.picture.filters import picture_filter
from lantern.picture.forms import AreaForm
from lantern.picture.models import Area as SavedArea
from lantern.picture.models import DistrictOutline
from lantern.picture.snapshot import picture_inputs
from lantern.risk.services import active_model
from lantern.web.exports import export_format, table_response

TABLE_ROWS = 50
MAP_HEADERS = [
    "Kind",
    "When",
    "Summary",
    "Place",
    "Postcode",
    "Latitude",
    "Longitude",
    "Harm (days)",
    "Event id",
]
AREA_HEADERS = ["Name", "Kind", "File", "Saved by", "Saved at", "Postcodes", "Id (for ?area=)"]


@requires(Capability.VIEW_INTEL)
def area_map(request: HttpRequest) -> HttpResponse:
    flt = picture_filter(request.GET, request.user, for_map=True)
    config, _ = active_model()
    inputs = picture_inputs(request.user, flt.period, with_previous=False)
    harm = selectors.incident_harm(inputs, config)
    shown = selectors.filtered_inputs(inputs, harm, kind=flt.kind, min_harm=flt.min_harm)
    picture = area_picture(shown, flt.area, flt.period, config)
    events = selectors.map_events(shown, picture["event_ids"], harm)
    if export_format(request):
        return table_response(
            request,
            name="map-events",
            headers=MAP_HEADERS,
            rows=_event_rows(events),
            object_type="area_map",
            object_id=flt.area_value,
            detail={"first_day": str(flt.period.first_day), "last_day": str(flt.period.last_day)},
        )
    record_view(
        request,
        object_type="area_map",
        object_id=flt.area_value,
        summary=f"{flt.area.name}, {flt.period.first_day} to {flt.period.last_day}",
    )
    layers = _layers(request.user, flt, inputs, picture, events, config)
    return render(
        request,
        "picture/map.html",
        {
            "filter": flt,
            "form": flt.form,
            "events": events,
            "table": events.rows[:TABLE_ROWS],
            "layers": layers,
            "layers_json": json.dumps(layers),
            "outlines_json": json.dumps(selectors.district_layer()),
            "boundary_json": json.dumps(flt.area.geojson()),
            "links_json": json.dumps(_links()),
            "kinds": selectors.KINDS,
            "bands": selectors.BANDS,
        },
    )


def _layer(key: str, title: str, kind: str, items: list, *, on: bool = True, **extra) -> dict:
    """One overlay for ``area_map.js``: ``kind`` is points, cells or shapes; ``link`` names where a
    click goes (see ``_links``); ``colour`` is the points' colour unless each item has its own."""
    return {"key": key, "title": title, "type": kind, "on": on, "items": items, **extra}


def _layers(user, flt, inputs, picture, events, config) -> list[dict]:
    """Overlays in the order the layer control lists them; only those the user's role allows."""
    layers = [
        _layer(kind, selectors.KINDS[kind][0], "points", items, colour=selectors.KINDS[kind][1], link="event")
        for kind, items in selectors.event_points(events).items()
        if items
    ]
    layers.append(
        _layer("cells", "Harm hotspots (H3 cells)", "cells", selectors.cell_shapes(picture["cells"]))
    )
    if has_capability(user, Capability.VIEW_RISK):
        premises = selectors.premises_points(user, flt.area, config)
        layers.append(_layer("premises", "Premises by risk", "points", premises, link="location"))
    if has_capability(user, Capability.VIEW_ORDERS):
        zones = selectors.zones_in_force(user, flt.area, flt.period)
        layers.append(_layer("zones", "Order zones in force", "shapes", zones, link="order"))
    if has_capability(user, Capability.REVIEW_ALERTS):
        alerts = selectors.alert_points(user, inputs, flt.area, flt.period)
        layers.append(_layer("alerts", "Breach alerts", "points", alerts, colour="#e65100", link="alert"))
    crimes = selectors.crime_points(inputs, flt.area)
    if crimes:  # public context: off until asked for
        layers.append(
            _layer("crimes", "Police.uk crimes (open data)", "points", crimes, on=False, colour="#424242")
        )
    return layers


def _links() -> dict[str, str]:
    """Where a click on an item goes: a URL with ``{id}`` for the script to fill in."""
    zero = UUID(int=0)
    names = {
        "event": "intel:event",
        "location": "intel:location",
        "order": "orders:detail",
        "alert": "orders:alert",
    }
    return {key: reverse(name, args=[zero]).replace(str(zero), "{id}") for key, name in names.items()}


def _event_rows(events: selectors.MapEvents):
    for r in events.rows:
        yield [
            selectors.KINDS[r["kind"]][0][:-1],
            r["at"],
            r["summary"],
            r["place"],
            r["postcode"],
            r["lat"],
            r["lon"],
            r["harm"],
            r["event_id"],
        ]


@requires(Capability.VIEW_INTEL)
def areas(request: HttpRequest) -> HttpResponse:
    outline_shapes()  # builds the outlines once, when the gazetteer was loaded before this app
    saved = SavedArea.objects.select_related("created_by")
    districts = DistrictOutline.objects.only("code", "postcodes")
    if export_format(request):
        rows = _area_rows(saved, districts)
        return table_response(request, name="areas", headers=AREA_HEADERS, rows=rows, object_type="areas")
    return render(request, "picture/areas.html", {"saved": saved, "districts": districts})


def _area_rows(saved, districts):
    for a in saved:
        by = a.created_by.get_username() if a.created_by else ""
        yield [a.name, a.get_kind_display(), a.source_name, by, a.created_at, None, str(a.pk)]
    for d in districts:
        yield [d.code, "postcode district (outline approximate)", "", "", None, d.postcodes, d.code]


@requires(Capability.VIEW_INTEL)
def area_new(request: HttpRequest) -> HttpResponse:
    form = AreaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        field, boundary, file_name = form.boundary()
        kind = SavedArea.Kind.BOUNDARY if field == "boundary_file" else SavedArea.Kind.POLYGON
        try:
            saved = area_save(
                name=form.cleaned_data["name"],
                kind=kind,
                geojson=boundary,
                user=request.user,
                source_name=file_name,
            )
        except AreaError as exc:
            form.add_error(field, f"The outline cannot be used: {exc}")
        else:
            messages.success(request, f"Area “{saved.name}” saved.")
            return redirect(f"{reverse('picture:map')}?area={saved.pk}")
    return render(
        request,
        "picture/area_new.html",
        {"form": form, "outlines_json": json.dumps(selectors.district_layer())},
    )
