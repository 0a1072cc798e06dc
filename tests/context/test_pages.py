"""The open crime page as an analyst uses it: counts, the map's points, filters, downloads, roles."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date

import openpyxl
import pytest

from lantern.context.importer import import_police_uk
from lantern.context.models import CrimeImport
from lantern.context.selectors import crime_points
from lantern.governance.models import AuditEntry
from tests.engine.test_police_uk import BAD_ROWS, HOSTILE_KEPT, REAL_ROWS, street_csv

URL = "/context/crime/"


@pytest.fixture
def imported(db, real_file):
    import_police_uk(real_file, via="tests")
    return CrimeImport.objects.get()


def _table(page: str, caption_start: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with ``caption_start``, as cell texts."""
    table = re.search(rf"<caption>{re.escape(caption_start)}.*?</table>", page, re.DOTALL)
    assert table, f"no table captioned {caption_start!r}"
    body = table.group(0).split("<tbody>")[1]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def _points(page: str) -> list[dict]:
    return json.loads(html.unescape(re.search(r'data-points="([^"]*)"', page).group(1)))


def test_the_page_counts_by_type_lsoa_and_street_and_maps_each_point(imported, client_for):
    page = client_for("officer").get(URL).content.decode()
    assert "open public data, not intelligence" in page
    assert "Contains public sector information licensed under the Open Government Licence v3.0." in page
    assert _table(page, "Crimes by type") == [
        ["Anti-social behaviour", "3"],
        ["Violence and sexual offences", "2"],
        ["Burglary", "1"],
        ["Shoplifting", "1"],
    ]
    assert _table(page, "Crimes by LSOA") == [
        ["Peterborough 012A", "E01015591", "4"],
        ["Peterborough 012B", "E01015592", "2"],
        ["No location given", "", "1"],
    ]
    assert _table(page, "Crimes by street") == [
        ["Lincoln Road", "3", "1"],
        ["Park Road, Millfield", "2", "1"],
        ["No location given", "1", "0"],
        ["Supermarket", "1", "1"],
    ]
    points = _points(page)
    assert sorted((p["lat"], p["lon"], p["label"]) for p in points) == [
        (52.57987, -0.24981, "Park Road, Millfield: 2 crimes"),
        (52.583452, -0.24503, "Lincoln Road: 3 crimes"),
        (52.58673, -0.24119, "Supermarket: 1 crime"),
    ]
    assert re.search(r'<span class="count">6</span> at a map point', page)
    assert re.search(r'<span class="count">1</span> published with no location', page)
    entry = AuditEntry.objects.filter(action="view", object_type="open_crime").latest("sequence")
    assert entry.summary == "all"


def test_filters_narrow_every_list_and_the_map(imported, client_for):
    client = client_for("analyst")
    page = client.get(URL, {"month_from": "2024-02", "month_to": "2024-02"}).content.decode()
    assert _table(page, "Crimes by type") == [
        ["Anti-social behaviour", "1"],
        ["Violence and sexual offences", "1"],
    ]
    assert [p["label"] for p in _points(page)] == ["Park Road, Millfield: 1 crime"]
    page = client.get(URL, {"crime_type": "Anti-social behaviour", "street": "lincoln"}).content.decode()
    assert _table(page, "Crimes by street") == [["Lincoln Road", "2", "1"]]
    page = client.get(URL, {"lsoa": "012B"}).content.decode()
    assert _table(page, "Crimes by LSOA") == [["Peterborough 012B", "E01015592", "2"]]
    page = client.get(URL, {"month_from": "2024-03", "month_to": "2024-01"}).content.decode()
    assert "The last month is before the first." in page


def test_a_month_typed_wrongly_is_refused_with_the_form_not_an_error(imported, client_for):
    response = client_for("analyst").get(URL, {"month_from": "January", "crime_type": "<script>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the month as YYYY-MM" in page and "<script>" not in page.split("<main")[1]


@pytest.mark.parametrize("who", ["partner", "administrator"])
def test_roles_without_the_store_get_403(imported, client_for, who):
    client = client_for(who)
    assert client.get(URL).status_code == 403
    assert client.get(f"/context/crime/imports/{imported.pk}/quarantine/").status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(imported, client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("which", "headers", "first"),
    [
        ("types", ["crime type", "crimes"], ["Anti-social behaviour", "3"]),
        ("lsoas", ["LSOA code", "LSOA name", "crimes"], ["E01015591", "Peterborough 012A", "4"]),
        ("streets", ["street or place", "crimes", "LSOAs"], ["Lincoln Road", "3", "1"]),
    ],
)
def test_each_list_downloads_as_csv_and_xlsx_with_the_filters_kept(
    imported, client_for, which, headers, first
):
    client = client_for("analyst")
    page = client.get(URL, {"month_from": "2024-01"}).content.decode()
    assert f"?month_from=2024-01&amp;list={which}&amp;format=csv" in page
    response = client.get(URL, {"list": which, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == headers and rows[1] == first
    response = client.get(URL, {"list": which, "format": "xlsx", "month_from": "2024-02"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == headers and len(values) >= 2
    assert AuditEntry.objects.filter(action="export", object_type__startswith="open-crime").count() == 2


def test_the_imports_list_downloads_with_its_counts(imported, client_for):
    response = client_for("supervisor").get(URL, {"list": "imports", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = ([cell.value for cell in r] for r in sheet.iter_rows(max_row=2))
    record = dict(zip(header, row, strict=True))
    assert (record["file"], record["rows read"], record["new"], record["quarantined"]) == (
        imported.file_name,
        7,
        7,
        0,
    )


def test_quarantined_rows_are_listed_escaped_and_download_in_the_files_columns(db, client_for, tmp_path):
    path = tmp_path / "messy-street.csv"
    path.write_bytes(street_csv([*REAL_ROWS, *BAD_ROWS.values(), *HOSTILE_KEPT]))
    import_police_uk(path)
    run = CrimeImport.objects.get()
    client = client_for("officer")
    crimes_page = client.get(URL).content.decode()
    assert f"/context/crime/imports/{run.pk}/quarantine/" in crimes_page
    page = client.get(f"/context/crime/imports/{run.pk}/quarantine/").content.decode()
    assert "Jan-24 is" not in page and "Month &#x27;Jan-24&#x27; is not YYYY-MM" in page
    assert "=1+1" in page and page.count("<tr>") == len(BAD_ROWS) + 1
    assert AuditEntry.objects.filter(
        action="view", object_type="open_crime_quarantine", object_id=str(run.pk)
    ).exists()
    response = client.get(f"/context/crime/imports/{run.pk}/quarantine/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(BAD_ROWS)
    assert rows[0]["Month"] == "Jan-24" and rows[0]["line"] == "9"
    assert rows[7]["LSOA code"] == "'=1+1"  # a formula stays text in a spreadsheet
    assert rows[-1]["line as read"].startswith("5f0b3a6e") and rows[-1]["Month"] == ""
    xlsx = client.get(f"/context/crime/imports/{run.pk}/quarantine/", {"format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == len(BAD_ROWS) + 1


def test_hostile_text_is_shown_as_text(db, client_for, tmp_path):
    path = tmp_path / "hostile-street.csv"
    path.write_bytes(street_csv(HOSTILE_KEPT))
    import_police_uk(path)
    page = client_for("analyst").get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unknown_import_is_not_found(db, client_for):
    assert (
        client_for("analyst")
        .get("/context/crime/imports/00000000-0000-0000-0000-000000000000/quarantine/")
        .status_code
        == 404
    )


def test_before_any_import_the_page_says_how_to_get_data(db, client_for):
    page = client_for("analyst").get(URL).content.decode()
    assert "lantern import police-uk FILE" in page


def test_crime_points_for_the_profile_are_located_crimes_in_the_months(imported):
    points = crime_points(month_from=date(2024, 1, 15), month_to=date(2024, 1, 31))
    assert len(points) == 5
    assert (-0.24503, 52.583452, "Anti-social behaviour", "E01015591", "Lincoln Road") in points
    everything = crime_points(month_from=None, month_to=None)
    assert len(everything) == 6  # the crime with no location has no point


def test_an_import_with_no_quarantine_still_offers_its_empty_downloads(imported, client_for):
    client = client_for("analyst")
    url = f"/context/crime/imports/{imported.pk}/quarantine/"
    page = client.get(url).content.decode()
    assert "None: every row was stored." in page and "format=xlsx" in page
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["file", "line", "reason"] and len(rows) == 1
