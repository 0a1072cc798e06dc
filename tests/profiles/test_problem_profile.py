"""Problem profiles: built from what the reader may see, printed as PDF pages a person can read."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, time

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from lantern.demo.world import ANCHOR
from lantern.engine.picture import Period
from lantern.governance.models import AuditEntry
from lantern.governance.restrictions import restrict
from lantern.intel.services import Actor
from lantern.picture.areas import resolve_area
from lantern.profiles.models import ProblemProfile
from lantern.profiles.problem import build_problem_profile
from lantern.profiles.render import render_html, render_pdf
from lantern.risk.models import PersonRisk, RiskRun, SubjectRisk
from lantern.risk.services import risk_recompute
from tests.conftest import sign_in

AS_OF = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)
YEAR = Period.of_days(date(2025, 11, 1), ANCHOR)
SECTIONS = (
    "Scope",
    "Key findings",
    "Hotspot map",
    "Trends",
    "Subjects",
    "Premises",
    "People at risk",
    "Orders and breaches",
    "Open context",
    "Intelligence gaps",
    "Analyst's assessment",
    "Recommendations",
)


@pytest.fixture
def scored(demo_world):
    run = risk_recompute(actor=Actor(via="tests"), as_of=AS_OF)
    assert run.status == RiskRun.Status.DONE, run.message
    return demo_world


def _profile(user, area="PE1"):
    return build_problem_profile(user=user, area=resolve_area(area), period=YEAR)


def test_the_profile_names_the_escalating_subject_and_counts_people_at_risk_without_names(scored, users):
    data = _profile(users["analyst"])
    top = SubjectRisk.objects.filter(escalating=True).get()
    assert data.subjects[0]["label"] == top.label and data.subjects[0]["escalating"]
    assert data.premises and data.premises[0]["high_risk"]
    assert data.at_risk["people"] > 0
    html = render_html(data)
    for section in SECTIONS:
        assert f">{section}" in html.replace("&#x27;", "'")
    at_risk_names = set(PersonRisk.objects.values_list("label", flat=True)) - set(
        SubjectRisk.objects.values_list("label", flat=True)
    )
    assert at_risk_names and not any(name in html for name in at_risk_names)
    assert any(data.area.name in f and "intelligence reports" in f for f in data.findings)


def test_a_restricted_subject_is_left_out_for_readers_off_the_list_and_for_the_command(
    scored, users, tmp_path
):
    top = SubjectRisk.objects.filter(escalating=True).select_related("person").get()
    restrict(record=top.person, kind="person", reason="Covert operation", actor=users["supervisor"])
    assert all(s["person_id"] != top.person_id for s in _profile(users["analyst"]).subjects)
    assert any(s["person_id"] == top.person_id for s in _profile(users["supervisor"]).subjects)
    out = tmp_path / "pe1.html"
    call_command("profile", "--area", "PE1", "--from", "2025-11-01", "--to", "2026-10-31", "--out", str(out))
    assert "Scope" in out.read_text() and top.label not in out.read_text()


def test_the_pdf_pages_show_the_sections_the_map_and_the_charts(scored, users, tmp_path):
    pdf = tmp_path / "profile.pdf"
    pdf.write_bytes(render_pdf(_profile(users["analyst"])))
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    assert len(pages) >= 3
    texts = [_page_text(pdf, n) for n in range(1, len(pages) + 1)]
    for n, (image, text) in enumerate(zip(pages, texts, strict=True), start=1):
        assert "OFFICIAL-SENSITIVE" in text, f"page {n} carries no marking"
        assert f"Page {n} of {len(pages)}" in text
        assert _ink(image) > 0.01, f"page {n} is blank"
    joined = "\n".join(texts)
    for section in SECTIONS:
        assert section in joined, section
    map_page = pages[_page_of(texts, "Hotspot map")]
    assert _pixels(map_page, red=True) > 200  # the harm cells and high-risk premises are red
    first, last = _page_of(texts, "Trends"), _page_of(texts, "Subjects")
    charts = "\n".join(texts[first : last + 1])
    for label in ("Reports", "Incidents", "Incident harm (days)", "Nov 25", "Sep 26", "Mon", "Sun"):
        assert label in charts, f"the trend charts lack {label!r}"
    assert sum(_line_pixels(p) for p in pages[first : last + 1]) > 100  # the reports line is drawn


def _page_text(pdf, n: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _page_of(texts: list[str], phrase: str) -> int:
    return next(i for i, t in enumerate(texts) if phrase in t)


def _ink(path) -> float:
    image = Image.open(path).convert("L")
    dark = sum(1 for v in image.get_flattened_data() if v < 200)
    return dark / (image.width * image.height)


def _line_pixels(path) -> int:
    """Blue pixels of sloping lines: rows that are mostly blue (a heading's rule) are left out."""
    image = Image.open(path).convert("RGB")
    width, data = image.width, list(image.get_flattened_data())
    count = 0
    for y in range(image.height):
        row = sum(1 for r, g, b in data[y * width : (y + 1) * width] if b - max(r, g) > 50)
        count += row if row < width // 10 else 0
    return count


def _pixels(path, *, red: bool) -> int:
    """Pixels clearly red (the harm palette) or clearly blue (the first chart series)."""
    image = Image.open(path).convert("RGB")
    if red:
        return sum(1 for r, g, b in image.get_flattened_data() if r - max(g, b) > 60)
    return sum(1 for r, g, b in image.get_flattened_data() if b - max(r, g) > 50)


def test_the_page_builds_keeps_the_analysts_text_and_escapes_it(scored, users, client):
    analyst = users["analyst"]
    sign_in(client, analyst)
    response = client.post(
        "/profiles/",
        {"title": "PE1 <b>vice</b>", "area": "PE1", "first_day": "2025-11-01", "last_day": "2026-10-31"},
    )
    profile = ProblemProfile.objects.get()
    assert response.status_code == 302 and response["Location"] == profile.get_absolute_url()
    hostile = '<script>alert(1)</script> =HYPERLINK("http://x")'
    client.post(
        profile.get_absolute_url(), {"assessment": hostile, "recommendations": "Visit 41 Tolby Court."}
    )
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;vice&lt;/b&gt;" in page
    profile.refresh_from_db()
    assert profile.assessment == hostile and profile.recommendations == "Visit 41 Tolby Court."
    pdf = client.get(f"{profile.get_absolute_url()}pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = client.get(f"{profile.get_absolute_url()}html")
    assert b"Visit 41 Tolby Court." in html.content and b"<script>alert" not in html.content
    actions = set(AuditEntry.objects.filter(object_type="problem_profile").values_list("action", flat=True))
    assert actions == {"create", "update", "view", "export"}


@pytest.mark.parametrize(
    "form, message",
    [
        ({"area": "PE1", "first_day": "2026-10-31", "last_day": "2026-01-01"}, "ends before it starts"),
        ({"area": "PE1", "first_day": "2020-01-01", "last_day": "2026-01-01"}, "at most three years"),
        ({"area": "ZZ99", "first_day": "2026-01-01", "last_day": "2026-02-01"}, "Select a valid choice"),
        ({"area": "PE1", "first_day": "yesterday", "last_day": "2026-02-01"}, "Enter a valid date"),
    ],
)
def test_bad_requests_say_what_to_do_and_save_nothing(demo_world, client_for, form, message):
    response = client_for("analyst").post("/profiles/", form)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ProblemProfile.objects.exists()


def test_an_oversized_assessment_is_refused(demo_world, client_for):
    client = client_for("analyst")
    profile = ProblemProfile.objects.create(
        title="t", area_spec="PE1", area_name="PE1", first_day=date(2026, 1, 1), last_day=date(2026, 2, 1)
    )
    response = client.post(profile.get_absolute_url(), {"assessment": "x" * 20_001, "recommendations": ""})
    assert "at most 20000 characters" in response.content.decode().replace(",", "")
    profile.refresh_from_db()
    assert profile.assessment == ""


def test_officers_and_partners_cannot_build_profiles(demo_world, client_for):
    assert client_for("officer").get("/profiles/").status_code == 403
    assert client_for("partner").get("/profiles/").status_code == 403


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-10-31", "--to", "2026-01-01"], "Swap --from and --to"),
        (["--from", "31/10/2026", "--to", "2026-01-01"], "YYYY-MM-DD"),
        (["--area", "XX1", "--from", "2026-01-01", "--to", "2026-02-01"], "not a postcode district"),
    ],
)
def test_the_command_explains_bad_arguments(demo_world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("profile", *args, "--out", str(tmp_path / "p.pdf"))


def test_the_command_refuses_an_unknown_format(demo_world, tmp_path):
    with pytest.raises(CommandError, match=r"\.pdf or \.html"):
        call_command(
            "profile", "--from", "2026-01-01", "--to", "2026-02-01", "--out", str(tmp_path / "p.docx")
        )
