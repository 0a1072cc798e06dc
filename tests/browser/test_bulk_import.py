"""An analyst imports a small persons file through the Imports pages and reads why a row was refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import current_code

pytestmark = pytest.mark.browser

CSV = (
    "source,record_id,first_name,surname,dob,phone\n"
    "web-rms,B1,Ann,Lee,1990-02-03,07700 900561\nweb-rms,B2,Bo,Ng,31/02/1990,\n"
)


def test_analyst_imports_a_file_and_sees_the_quarantine(
    live_server, demo_world, make_user, page, screenshot, axe_violations, tmp_path, settings
):
    # The test database is SQLite in shared-cache memory, where a background writer locks whole
    # tables against the page's reads; a real (file, WAL) database has no such limit.
    settings.LANTERN_JOBS_INLINE = True
    analyst = make_user("analyst", "analyst-import")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(analyst.username)
    page.get_by_label("Password").fill(analyst.plain_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(current_code(analyst))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Imports").click()
    page.get_by_role("link", name=re.compile("Import a file")).click()
    assert axe_violations() == []
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    page.get_by_label("persons").check()
    page.get_by_label("File (CSV, XLSX or Parquet)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(page.get_by_role("heading", name="Map the columns of people.csv")).to_be_visible()
    screenshot("import-mapping")
    assert axe_violations() == []
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("Finished: 2 of 2 rows read", timeout=30_000)
    expect(page.get_by_role("cell", name=re.compile("is not a date"))).to_be_visible()
    screenshot("import-run")
    assert axe_violations() == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download quarantined rows (CSV)").click()
    assert "31/02/1990" in download.value.path().read_text(encoding="utf-8-sig")
