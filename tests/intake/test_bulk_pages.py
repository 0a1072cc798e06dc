"""The Imports pages: upload, map, follow the run, download the quarantine, fix it and import it again."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lantern.governance.models import AuditEntry
from lantern.intake.models import ColumnMapping, ImportRun
from lantern.intel.models import Person, Phone

CSV = (
    "System,Nominal ID,Forename,Last Name,DOB,Mobile\n"
    "page-rms,W1,Zoë,<script>alert(1)</script>,1990-02-03,+44 7700 900555\n"
    "page-rms,W2,Adam,Stone,31/02/1990,+44 7700 900556\n"
    'page-rms,W3,"=HYPERLINK(""http://x"")",Lee,,\n'
)


def _upload(client, content: bytes, name: str = "people.csv", kind: str = "persons"):
    return client.post("/imports/new/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def _import(client, content: bytes, **mapping_extra):
    assert _upload(client, content).status_code == 302
    page = client.get("/imports/map/")
    assert page.status_code == 200
    mapping = {
        "source": "System",
        "record_id": "Nominal ID",
        "first_name": "Forename",
        "surname": "Last Name",
    }
    mapping |= {"dob": "DOB", "phone": "Mobile"} | mapping_extra
    response = client.post("/imports/map/", mapping)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportRun.objects.order_by("-created_at").first(), response


def test_an_analyst_uploads_maps_and_sees_the_summary(client_for):
    client = client_for("analyst")
    map_page = (_upload(client, CSV.encode()), client.get("/imports/map/"))[1].content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in map_page and "<script>alert(1)" not in map_page
    assert 'value="Forename" selected' in map_page  # matched from the header's name
    run, response = _import(client, CSV.encode(), save_as="Force RMS export")
    assert (run.status, run.filed, run.quarantined) == ("finished", 2, 1)
    page = client.get(response["Location"]).content.decode()
    assert "3 of 3 rows read" in page and "is not a date" in page
    assert Person.objects.get(source_record_id="W1").family_name == "<script>alert(1)</script>"
    assert Phone.objects.filter(e164="+447700900555").exists()
    assert (
        ColumnMapping.objects.get(kind="persons", name="Force RMS export").mapping["surname"] == "Last Name"
    )


def test_the_quarantine_downloads_safely_and_imports_again_once_fixed(client_for):
    client = client_for("analyst")
    run, _ = _import(client, CSV.encode())
    download = client.get(f"/imports/{run.pk}/quarantine.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert AuditEntry.objects.filter(action="export", object_id=str(run.pk)).exists()
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "System",
        "Nominal ID",
        "Forename",
        "Last Name",
        "DOB",
        "Mobile",
        "quarantine_row",
        "quarantine_columns",
        "quarantine_reason",
    ]
    assert rows[1][:2] == ["page-rms", "W2"] and rows[1][5] == "'+44 7700 900556"  # neutralised for Excel
    rows[1][4] = "28/02/1990"  # the fix
    fixed = io.StringIO()
    csv.writer(fixed).writerows(rows)
    again, _ = _import(client, fixed.getvalue().encode("utf-8-sig"))
    assert (again.filed, again.quarantined) == (1, 0)
    adam = Person.objects.get(source_record_id="W2")
    assert str(adam.date_of_birth) == "1990-02-28"
    assert Phone.objects.filter(e164="+447700900556").exists()  # the apostrophe mark was read as text


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "photo.png", "Choose a .csv, .xlsx or .parquet"),
        (b"PK\x03\x04 not a workbook", "broken.xlsx", "not a readable .xlsx"),
        (b",,,\n1,2,3,4\n", "noheader.csv", "name the columns"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_the_reason(client_for, content, name, message):
    response = _upload(client_for("analyst"), content, name)
    assert response.status_code == 400 and message in response.content.decode()


def test_an_oversized_upload_is_refused(client_for, settings):
    settings.LANTERN_MAX_UPLOAD_BYTES = 100
    response = _upload(client_for("analyst"), CSV.encode() * 10)
    assert response.status_code == 400 and "larger than 100 bytes" in response.content.decode()


def test_a_mapping_without_a_required_field_imports_nothing(client_for):
    client = client_for("analyst")
    _upload(client, CSV.encode())
    response = client.post("/imports/map/", {"surname": "Last Name"})
    assert response.status_code == 400
    assert "choose the column for source, record_id (required)" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_windows_1252_files_are_read_and_said(client_for):
    client = client_for("analyst")
    rows = "".join(f"page-rms,W{n},Müller,Café Street\n" for n in range(20))
    _upload(client, ("System,Nominal ID,Last Name,Address\n" + rows).encode("cp1252"))
    page = client.get("/imports/map/").content.decode()
    assert "Müller" in page and "Café Street" in page and "not UTF-8" in page


@pytest.mark.parametrize("role", ["officer", "partner", "administrator"])
def test_only_importing_roles_may_use_the_pages(client_for, role):
    assert client_for(role).get("/imports/new/").status_code == 403


def test_the_command_writes_the_quarantine(db, tmp_path, client_for):
    from django.core.management import CommandError, call_command

    run, _ = _import(client_for("analyst"), CSV.encode())
    out = tmp_path / "q.csv"
    call_command("quarantine", str(run.pk), "--out", str(out))
    assert "31/02/1990" in out.read_text(encoding="utf-8-sig")
    with pytest.raises(CommandError, match="No import run"):
        call_command("quarantine", "not-a-run")
