"""Saved areas: drawn or uploaded, checked before anything is kept, audited, and listed safely."""

from __future__ import annotations

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lantern.engine.areas import MAX_BOUNDARY_BYTES
from lantern.governance.models import AuditEntry
from lantern.picture.models import Area

SQUARE = [[-0.25, 52.57], [-0.23, 52.57], [-0.23, 52.58], [-0.25, 52.58], [-0.25, 52.57]]


def _polygon(ring=SQUARE) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def _upload(content: bytes, name: str = "beat.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def _error_next_to(response, field: str) -> str:
    """The error shown beside ``field`` (empty when none)."""
    text = response.content.decode()
    marker = f'id="id_{field}_error"'
    if marker not in text:
        return ""
    return html.unescape(text.split(marker, 1)[1].split("</p>", 1)[0])


def test_a_drawn_area_is_saved_audited_and_opens_on_the_map(demo_world, client_for):
    client = client_for("officer")
    assert client.get("/picture/areas/new/").status_code == 200
    response = client.post("/picture/areas/new/", {"name": "Lincoln Road", "geojson": json.dumps(_polygon())})
    area = Area.objects.get(name="Lincoln Road")
    assert response.status_code == 302 and response["Location"] == f"/picture/map/?area={area.pk}"
    assert area.kind == "polygon" and area.created_by.username == "test-officer"
    assert AuditEntry.objects.filter(object_type="area", object_id=str(area.pk), action="create").exists()
    page = client.get(response["Location"])
    assert "Area “Lincoln Road” saved." in page.content.decode()
    assert b"Showing <strong>Lincoln Road</strong>" in page.content


def test_an_uploaded_boundary_is_saved_with_its_file_name(demo_world, client_for):
    feature = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": _polygon()}],
    }
    response = client_for("analyst").post(
        "/picture/areas/new/", {"name": "Beat 4", "boundary_file": _upload(json.dumps(feature).encode())}
    )
    assert response.status_code == 302
    area = Area.objects.get(name="Beat 4")
    assert (area.kind, area.source_name) == ("boundary", "beat.geojson")


def test_british_national_grid_coordinates_are_converted(demo_world, client_for):
    ring = [[518000, 298000], [520000, 298000], [520000, 300000], [518000, 300000], [518000, 298000]]
    client_for("analyst").post(
        "/picture/areas/new/", {"name": "Grid", "boundary_file": _upload(json.dumps(_polygon(ring)).encode())}
    )
    lon, lat = Area.objects.get(name="Grid").geojson["coordinates"][0][0]
    assert -0.3 < lon < -0.2 and 52.5 < lat < 52.6  # Peterborough


def test_a_self_intersecting_outline_is_repaired_not_refused(demo_world, client_for):
    bow_tie = [[-0.25, 52.57], [-0.23, 52.58], [-0.23, 52.57], [-0.25, 52.58], [-0.25, 52.57]]
    response = client_for("analyst").post(
        "/picture/areas/new/", {"name": "Bow tie", "geojson": json.dumps(_polygon(bow_tie))}
    )
    assert response.status_code == 302
    from shapely.geometry import shape

    repaired = shape(Area.objects.get(name="Bow tie").geojson)
    assert repaired.is_valid and repaired.area > 0


LAT_LON = [[52.57, -0.25], [52.57, -0.23], [52.58, -0.23], [52.58, -0.25], [52.57, -0.25]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\xff\xfe zipped shapefile", "not UTF-8 text"),
        (b"name,lat,lon\nbeat,52.5,-0.2\n", "does not parse as JSON"),
        (json.dumps({"type": "Point", "coordinates": [-0.24, 52.57]}).encode(), "holds no Polygon"),
        (json.dumps(_polygon(LAT_LON)).encode(), "look like [latitude, longitude]"),
        (b'{"type": "Polygon", "coordinates": [[[-0.25, 52.57]\x00]]}', "does not parse as JSON"),
        (
            json.dumps(_polygon([[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]])).encode(),
            "outside the UK",
        ),
        (b" " * (MAX_BOUNDARY_BYTES + 1), "more than 5 MB"),
    ],
    ids=["binary", "csv", "points-only", "lat-lon-swapped", "nul-bytes", "paris", "huge"],
)
def test_a_hostile_upload_is_refused_beside_its_field_and_nothing_is_saved(
    content, message, demo_world, client_for
):
    before = Area.objects.count()
    response = client_for("analyst").post(
        "/picture/areas/new/", {"name": "Hostile", "boundary_file": _upload(content)}
    )
    assert response.status_code == 200
    assert message in _error_next_to(response, "boundary_file")
    assert Area.objects.count() == before
    assert not AuditEntry.objects.filter(object_type="area", summary__startswith="area Hostile").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Nothing"}, "geojson", "Draw the outline on the map"),
        ({"name": "Bad", "geojson": "{not json"}, "geojson", "does not parse as JSON"),
        (
            {"name": "Nul\x00name", "geojson": json.dumps(_polygon())},
            "name",
            "Null characters are not allowed",
        ),
        ({"name": "", "geojson": json.dumps(_polygon())}, "name", "This field is required"),
        ({"name": "x" * 121, "geojson": json.dumps(_polygon())}, "name", "at most 120 characters"),
    ],
)
def test_a_bad_form_is_refused_beside_its_field(data, field, message, demo_world, client_for):
    before = Area.objects.count()
    response = client_for("analyst").post("/picture/areas/new/", data)
    assert message in _error_next_to(response, field)
    assert Area.objects.count() == before


def test_drawing_and_uploading_at_once_is_refused(demo_world, client_for):
    response = client_for("analyst").post(
        "/picture/areas/new/",
        {
            "name": "Both",
            "geojson": json.dumps(_polygon()),
            "boundary_file": _upload(json.dumps(_polygon()).encode()),
        },
    )
    assert "not both" in response.content.decode()
    assert not Area.objects.filter(name="Both").exists()


def test_an_html_name_is_kept_as_text_everywhere_it_is_shown(demo_world, client_for):
    client = client_for("analyst")
    name = '<script>alert("area")</script><img src=x onerror=alert(1)>'
    client.post("/picture/areas/new/", {"name": name, "geojson": json.dumps(_polygon())})
    area = Area.objects.get(name=name)
    for url in ("/picture/areas/", f"/picture/map/?area={area.pk}", f"/?area={area.pk}"):
        page = client.get(url).content
        assert b"<script>alert" not in page and b"<img src=x" not in page, url
        assert b"&lt;script&gt;alert(" in page, url


def test_the_list_shows_saved_areas_and_districts_with_links(demo_world, client_for):
    client = client_for("officer")
    client.post("/picture/areas/new/", {"name": "Millfield", "geojson": json.dumps(_polygon())})
    area = Area.objects.get(name="Millfield")
    page = client.get("/picture/areas/")
    text = page.content.decode()
    assert "Millfield" in text and f'href="/picture/map/?area={area.pk}"' in text
    assert 'href="/picture/map/?area=PE1"' in text and 'href="/?area=PE1"' in text
    assert "approximations" in text
    rows = client.get("/picture/areas/", {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Name,Kind") and any(r.startswith("Millfield,") for r in rows)
    assert any(r.startswith("PE1,postcode district") for r in rows)
    assert b"Postcode district PE1" in client.get("/picture/map/").content  # the filter offers districts
    assert b"Millfield (drawn on the map)" in client.get("/picture/map/").content  # and saved areas
