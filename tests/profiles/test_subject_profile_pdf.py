"""The subject profile as a PDF: a real document (pages drawn, text extractable), marked, audited,
and with hostile text printed as text: no link, script or action inside."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from lantern.governance.models import AuditEntry
from lantern.intel.services import person_record
from lantern.profiles import views_subject
from lantern.profiles.pdf import PdfUnavailable
from tests.profiles.test_subject_profile import (
    HOSTILE,
    SECTIONS,
    add_alerts,
    make_source,
    prepare_robert,
    report,
)


@pytest.fixture
def robert(demo_world):
    main = prepare_robert(demo_world)
    add_alerts(main)
    return main


@pytest.fixture
def source(db):
    return make_source()


PDF_ACTIONS = (b"/URI", b"/JavaScript", b"/JS", b"/Launch", b"/SubmitForm", b"/OpenAction", b"/Annots")


def download(client, person) -> bytes:
    response = client.get(f"/profiles/subjects/{person.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="subject-profile-[0-9a-f]{8}-\d{8}\.pdf"', response["Content-Disposition"]
    )
    assert response.content.startswith(b"%PDF-")
    return response.content


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "profile.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())  # lines wrap where the page does; words stay in order


def first_page_ink(pdf: bytes, tmp_path: Path) -> float:
    """The share of the first page's pixels that are not white (0 for a blank page)."""
    path = tmp_path / "profile.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:200])
    return dark / (image.width * image.height)


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with every compressed stream inflated (WeasyPrint packs objects into streams)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            inflated.append(match.group(1))
    return pdf + b"".join(inflated)


def test_the_pdf_is_a_real_document_with_the_sections_his_name_and_the_marking(
    robert, client_for, users, tmp_path
):
    pdf = download(client_for("analyst"), robert)
    assert first_page_ink(pdf, tmp_path) > 0.01
    text = pdf_text(pdf, tmp_path)
    for heading in SECTIONS:
        assert heading in text
    assert "Subject profile: Robert James ASHDOWN" in text
    assert "Bob Ashdown" in text and "AV18 MRZ" in text
    assert text.count("OFFICIAL-SENSITIVE — handling code P") >= 2  # in the page's header and footer
    # printed without the site around it: no navigation, no "Download PDF" link
    assert "Download PDF" not in text and "Sign out" not in text
    entry = AuditEntry.objects.filter(object_type="subject_profile", object_id=str(robert.pk)).last()
    assert entry.action == "export" and entry.user == users["analyst"]
    assert entry.detail["format"] == "pdf" and str(robert.pk) in entry.detail["records"]


def test_hostile_text_is_printed_as_text_with_no_link_or_script_in_the_pdf(
    source, demo_world, client_for, tmp_path
):
    person = person_record(source=source, record_id="H1", given_names=HOSTILE, family_name="Hostile").obj
    report(source, "H-1", f"Summary {HOSTILE}", [("subject", person)])
    pdf = download(client_for("analyst"), person)
    text = pdf_text(pdf, tmp_path)
    assert "<script>alert(1)</script>=HYPERLINK(" in text.replace(" ", "")
    objects = pdf_objects(pdf)
    assert [action for action in PDF_ACTIONS if action in objects] == []


def test_the_pdf_objects_check_would_find_a_link(tmp_path):
    """The check above can fail: a PDF with a link holds a /URI action the inflation reveals."""
    from lantern.profiles.pdf import html_to_pdf

    pdf = html_to_pdf('<p><a href="http://evil.example/x">x</a></p>')
    assert b"/URI" not in pdf and b"/URI" in pdf_objects(pdf)


def test_without_the_pdf_libraries_the_download_says_what_to_do_and_audits_nothing(
    robert, client_for, monkeypatch
):
    def unavailable(html):
        raise PdfUnavailable("PDF output needs the Pango text libraries: run `make system-packages`")

    monkeypatch.setattr(views_subject, "html_to_pdf", unavailable)
    response = client_for("analyst").get(f"/profiles/subjects/{robert.pk}/pdf")
    assert response.status_code == 503 and b"make system-packages" in response.content
    assert not AuditEntry.objects.filter(object_type="subject_profile", action="export").exists()


def test_an_officers_pdf_names_no_source(robert, source, client_for, tmp_path):
    jane = person_record(source=source, record_id="J1", given_names="Jane", family_name="COVERTSOURCE").obj
    report(
        source,
        "R-1",
        "Seen driving slowly on Lincoln Road",
        [("subject", robert), ("reporter", jane)],
        text="Jane Covertsource told me",
        source_details="Handler: DC Handlername",
    )
    text = pdf_text(download(client_for("officer"), robert), tmp_path)
    assert "Seen driving slowly on Lincoln Road" in text
    assert "COVERTSOURCE" not in text and "Handlername" not in text
