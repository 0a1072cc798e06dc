"""Uploads: names cannot steer where a file lands, sizes are limited, and content is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lantern.intake.bulk.runner import imports_dir
from lantern.orders.models import Order, OrderDocument
from tests.conftest import sign_in

TRAVERSAL = [
    "../../etc/passwd.csv",
    "..\\..\\win.ini.csv",
    "/etc/passwd.csv",
    "/tmp/lantern-escape.csv",
    "C:\\Windows\\lantern-escape.csv",
    "....//....//escape.csv",
    "%2e%2e%2fescape.csv",
    "a\x00b.csv",
    ".csv",
]
CSV = b"System,Nominal ID,Forename,Last Name\nup-rms,U1,Ann,Upload\n"
PDF = b"%PDF-1.4\n%upload test\n"


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@pytest.fixture
def analyst(demo_world, client, users):
    sign_in(client, users["analyst"])
    return client


@pytest.mark.parametrize("name", TRAVERSAL)
def test_an_import_upload_lands_in_its_folder_whatever_its_name(name, analyst, tmp_path):
    folder = imports_dir() / "uploads"
    before = set(folder.glob("*")) if folder.exists() else set()
    response = analyst.post("/imports/new/", {"kind": "persons", "file": SimpleUploadedFile(name, CSV)})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        stored = Path(analyst.session["upload"]["path"])
        assert _inside(stored, folder), stored
        assert stored.name.count(".") == 1 and "/" not in stored.name and "\\" not in stored.name
        page = analyst.get("/imports/map/")
        assert page.status_code == 200
    else:
        assert "file" in response.context["form"].errors
    new = (set(folder.glob("*")) if folder.exists() else set()) - before
    assert all(_inside(path, folder) for path in new)
    assert not Path("/tmp/lantern-escape.csv").exists()
    assert not (Path(imports_dir()).parent / "escape.csv").exists()


def test_an_import_run_keeps_its_copy_inside_the_imports_folder(analyst):
    response = analyst.post(
        "/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("../../../x/people.csv", CSV)}
    )
    assert response.status_code == 302
    mapping = {
        "source": "System",
        "record_id": "Nominal ID",
        "first_name": "Forename",
        "surname": "Last Name",
    }
    response = analyst.post("/imports/map/", mapping)
    assert response.status_code == 302
    from lantern.intake.models import ImportRun

    run = ImportRun.objects.order_by("-created_at").first()
    assert _inside(Path(run.stored_path), imports_dir()), run.stored_path
    assert "/" not in run.file_name and "\\" not in run.file_name and ".." not in run.file_name
    export = analyst.get(f"/imports/{run.pk}/quarantine.csv")
    disposition = export["Content-Disposition"]
    assert "/" not in disposition.split("filename=")[1] and ".." not in disposition


def test_an_import_upload_over_the_limit_is_refused_with_a_clear_message(analyst, settings):
    settings.LANTERN_MAX_UPLOAD_BYTES = 64
    response = analyst.post(
        "/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("big.csv", CSV + b"x" * 100)}
    )
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["file"])
    assert "larger than" in message and "lantern import" in message
    assert "upload" not in analyst.session


def test_the_import_size_message_states_the_real_limit(analyst, settings):
    settings.LANTERN_MAX_UPLOAD_BYTES = 64
    response = analyst.post(
        "/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("big.csv", CSV + b"x" * 100)}
    )
    assert "0 MB" not in " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize(
    "name, content",
    [
        ("people.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8),  # a ZIP
        (
            "people.csv",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 8,
        ),  # an EXE
        ("people.parquet", b"PAR1 but not really"),
        ("people.csv", b"\x00" * 4096),
    ],
)
def test_a_binary_file_posing_as_a_table_gets_a_clear_error(name, content, analyst):
    response = analyst.post("/imports/new/", {"kind": "persons", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, f"{name} {content[:4]!r} was accepted"
    assert response.context["form"].errors["file"]
    assert "upload" not in analyst.session


def test_a_text_file_posing_as_a_workbook_gets_a_clear_error(analyst):
    upload = SimpleUploadedFile("people.xlsx", b"this is not a spreadsheet at all")
    response = analyst.post("/imports/new/", {"kind": "persons", "file": upload})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["people.exe", "people.html", "people.csv.php", "people", "people.svg"])
def test_an_import_of_another_kind_of_file_is_refused(name, analyst):
    response = analyst.post("/imports/new/", {"kind": "persons", "file": SimpleUploadedFile(name, CSV)})
    assert response.status_code == 400


# ---- order documents ------------------------------------------------------------------------


@pytest.fixture
def documents(settings, tmp_path):
    settings.LANTERN_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.LANTERN_DOCUMENTS_DIR


def _document(client, order, name, content, title="Order"):
    return client.post(
        f"/orders/{order.pk}/documents/new/",
        {"title": title, "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\win.ini", "/etc/passwd.pdf", "a\x00b.pdf", "../" * 20 + "x.pdf"]
)
def test_an_order_document_lands_in_its_folder_whatever_its_name(name, analyst, documents, tmp_path):
    order = Order.objects.first()
    response = _document(analyst, order, name, PDF)
    assert response.status_code in (302, 200)
    document = OrderDocument.objects.filter(order=order).order_by("-uploaded_at").first()
    if response.status_code == 302:
        stored = Path(document.stored_path)
        assert _inside(stored, documents / str(order.pk)), stored
        assert stored.name == f"{document.pk}.pdf"
        assert "/" not in document.file_name and "\\" not in document.file_name
        assert document.file_name not in ("..", ".")
        download = analyst.get(f"/orders/documents/{document.pk}/")
        assert download.status_code == 200
        disposition = download["Content-Disposition"]
        assert disposition.startswith("attachment") and "/" not in disposition.split("filename")[1]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(_inside(p, documents) for p in files), files
    assert not Path("/etc/passwd.pdf").exists()


def test_an_order_document_over_the_limit_is_refused_with_a_clear_message(analyst, documents, settings):
    settings.LANTERN_MAX_DOCUMENT_BYTES = 32
    order = Order.objects.first()
    count = OrderDocument.objects.count()
    response = _document(analyst, order, "big.pdf", PDF + b"x" * 100)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "more than the 32 allowed" in message
    assert OrderDocument.objects.count() == count
    assert not any(p.is_file() for p in documents.rglob("*")) if documents.exists() else True


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"\x7fELF\x02\x01\x01",
        b"PK\x03\x04 a zip",
        b"",
        b" %PDF-1.4 after a space",
    ],
)
def test_a_pdf_that_is_not_a_pdf_is_refused(content, analyst, documents):
    order = Order.objects.first()
    count = OrderDocument.objects.count()
    response = _document(analyst, order, "order.pdf", content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert OrderDocument.objects.count() == count
    if documents.exists():
        assert not any(p.is_file() for p in documents.rglob("*"))


def test_a_document_is_always_served_as_a_download_not_a_page(analyst, documents):
    order = Order.objects.first()
    response = _document(analyst, order, "x.html", b"%PDF-1.4\n<html><script>alert(1)</script>")
    assert response.status_code == 302
    document = OrderDocument.objects.filter(order=order).order_by("-uploaded_at").first()
    download = analyst.get(f"/orders/documents/{document.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download.get("X-Content-Type-Options") == "nosniff"


def test_a_zone_file_over_a_megabyte_is_refused(analyst):
    from lantern.intel.models import Person

    big = json.dumps({"type": "Polygon", "coordinates": [[[0, 0]] * 200_000]}).encode()
    assert len(big) > 1024 * 1024
    response = analyst.post(
        "/orders/new/",
        {
            "reference": "ZONE-BIG-1",
            "order_type": "SRO",
            "subject": str(Person.objects.values_list("pk", flat=True).first()),
            "applicant": "x",
            "court": "x",
            "made_on": "2026-01-01",
            "effective_from": "2026-01-01",
            "notify_within_days": "3",
            "zone_file": SimpleUploadedFile("../../zone.geojson", big),
        },
    )
    assert response.status_code == 200
    assert "over 1 MB" in response.content.decode()
    assert not Order.objects.filter(reference="ZONE-BIG-1").exists()
