"""What each role sees on the store's pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lantern.intel import services
from lantern.intel.services import EventInput


@pytest.fixture
def report(db):
    source = services.source_ensure(code="pages-test", name="Pages test", kind="officer")
    return services.event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref="R-PAGES-1",
            occurred_from=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 01:30 BST, before the clocks go back
            summary="Men calling at an address",
            details={
                "text": "Told to me by Mrs X at number 12, who watches from her window",
                "sanitised_text": "Many men calling at an address at night",
                "source_type": "officer",
                "source_evaluation": "2",
                "intelligence_assessment": "B",
                "handling_code": "C",
                "handling_conditions": "Not to be shared outside the force",
            },
            source_details="Mrs X, 12 Example Street, 07700 900999",
        )
    ).obj


def test_officer_sees_the_sanitised_text_only(report, client_for):
    page = client_for("officer").get(report.get_absolute_url()).content.decode()
    assert "Many men calling at an address at night" in page
    assert "Mrs X" not in page and "07700 900999" not in page


@pytest.mark.parametrize("role", ["analyst", "supervisor"])
def test_cleared_roles_see_the_source_details(report, client_for, role):
    page = client_for(role).get(report.get_absolute_url()).content.decode()
    assert "Told to me by Mrs X" in page and "07700 900999" in page


def test_grade_and_handling_conditions_are_shown(report, client_for):
    page = client_for("officer").get(report.get_absolute_url()).content.decode()
    assert "<strong>2BC</strong>" in page and "Not to be shared outside the force" in page


def test_times_are_shown_in_uk_local_time_across_the_clock_change(report, client_for):
    page = client_for("officer").get(report.get_absolute_url()).content.decode()
    assert "Sunday 25 October 2026 01:30" in page  # 00:30 UTC is 01:30 BST
    assert 'datetime="2026-10-25T01:30:00+01:00"' in page


def test_partner_cannot_open_a_report(report, client_for):
    assert client_for("partner").get(report.get_absolute_url()).status_code == 403


def test_who_reported_is_hidden_from_roles_not_cleared_for_sources(db, client_for):
    source = services.source_ensure(code="scheme-test", name="Safety scheme", kind="partner")
    worker = services.person_record(source=source, record_id="W1", given_names="Jadeworker").obj
    client = services.person_record(source=source, record_id="C1", given_names="Robclient").obj
    report = services.event_record(
        EventInput(
            kind="report", source=source, source_ref="UM-1", occurred_from=datetime(2026, 10, 3, tzinfo=UTC),
            summary="A client's behaviour", links=[("reporter", worker), ("subject", client)],
            details={"sanitised_text": "A client's behaviour", "source_type": "sex_worker",
                     "source_evaluation": "2", "intelligence_assessment": "C", "handling_code": "C"},
        )
    ).obj  # fmt: skip
    officer = client_for("officer")
    for url in (report.get_absolute_url(), client.get_absolute_url(), worker.get_absolute_url()):
        page = officer.get(url).content.decode()
        assert "Robclient" in page or url == worker.get_absolute_url()
        assert "Jadeworker" not in page or url == worker.get_absolute_url()
        assert ">Reporter:" not in page and "<td>reporter</td>" not in page
    analyst_page = client_for("analyst").get(report.get_absolute_url()).content.decode()
    assert "Jadeworker" in analyst_page and "Reporter:" in analyst_page
