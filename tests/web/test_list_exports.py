"""Every list downloads as CSV and XLSX: all its rows under the page's filters, for those who may see
the page, audited, with restricted records left out and text that a spreadsheet will never run."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import openpyxl
import pytest
from django.core.paginator import Page
from django.urls import reverse

from lantern.demo.world import ANCHOR
from lantern.governance.models import AuditAction, AuditEntry, Team
from lantern.governance.restrictions import restrict
from lantern.governance.roles import ROLE_CAPABILITIES, Role
from lantern.intel.models import Person
from tests.conftest import sign_in
from tests.governance.test_url_matrix import (
    _breach_alert,
    _import_run,
    _lantern_patterns,
    _partner_with_a_submission,
    _referral,
    _sample_ids,
    _task,
)

AS_OF = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- preparing each list so it has rows ------------------------------------------------------------


def _scored(_users) -> dict:
    from lantern.risk.models import RiskRun
    from lantern.risk.services import risk_recompute

    if not RiskRun.objects.filter(status=RiskRun.Status.DONE).exists():
        risk_recompute(as_of=AS_OF)
    return {}


def _quarantine(_users) -> dict:
    """An import run with quarantined rows holding hostile, control and overlong values."""
    from lantern.intake.models import ImportRun, QuarantinedRow

    run = ImportRun.objects.get(pk=_import_run())
    values = [*HOSTILE, "bell\x07 here", "x" * 40_000]
    for number, value in enumerate(values, start=1):
        QuarantinedRow.objects.get_or_create(
            run=run,
            row_number=number,
            defaults={"columns": "family_name", "reason": "test", "raw": {"family_name": value}},
        )
    return {"pk": run.pk}


def _imports(users) -> dict:
    _quarantine(users)
    return {}


def _partner(users) -> dict:
    _partner_with_a_submission(users["partner"])
    return {}


def _screening_run(_users) -> dict:
    from lantern.orders.models import ScreeningRun

    ScreeningRun.objects.create(engine="duckdb", status="finished", files=1, reads=10)
    return {}


def _clusters(_users) -> dict:
    """Resolved people named as a spreadsheet would read a formula."""
    from lantern.resolution.models import Cluster

    for label in HOSTILE:
        Cluster.objects.get_or_create(kind="person", label=label, defaults={"size": 2})
    return {}


def _alerts(_users) -> dict:
    """One new alert (the matrix's) and one dismissed, so a status filter has something to leave out."""
    from lantern.orders.models import BreachAlert

    alert = BreachAlert.objects.get(pk=_breach_alert())
    BreachAlert.objects.get_or_create(
        order=alert.order,
        condition_number=99,
        defaults={
            "condition_version": 1,
            "kind": alert.kind,
            "first_at": alert.first_at - timedelta(days=1),
            "last_at": alert.first_at - timedelta(days=1),
            "confidence": 0.5,
            "explanation": "Dismissed test alert",
            "evidence_count": 0,
            "status": BreachAlert.Status.DISMISSED,
        },
    )
    return {}


def _due_reviews(_users) -> dict:
    from lantern.retention.models import ReviewSchedule
    from lantern.retention.services import schedule_missing

    if not ReviewSchedule.objects.exists():
        schedule_missing()
    due = ReviewSchedule.objects.order_by("pk").values_list("pk", flat=True)[:3]
    ReviewSchedule.objects.filter(pk__in=list(due)).update(review_on=date(2020, 1, 1))
    return {}


def _disposal(users) -> dict:
    import uuid

    from lantern.retention.models import Disposal

    Disposal.objects.create(
        record_kind="person",
        object_id=uuid.uuid4(),
        description="person record of the test source",
        reason="=cmd|' /C calc'!A0",
        disposed_by=users["supervisor"],
        disposed_by_username="test-supervisor",
        counts={"persons": 1},
    )
    return {}


def _tasks(_users) -> dict:
    _task()
    return {}


def _referrals(_users) -> dict:
    _referral()
    return {}


def _viewed_person(users) -> dict:
    """A person whose page someone opened, so its access history has entries."""
    person = Person.objects.order_by("pk").first()
    from lantern.governance.audit import audit_record

    audit_record(
        user=users["officer"], action=AuditAction.VIEW, object_type="person", object_id=str(person.pk)
    )
    return {"pk": person.pk}


def _hostile_report(_users) -> dict:
    from lantern.intel import services
    from lantern.intel.services import EventInput

    source = services.source_ensure(code="public-export", name="Public reports (export test)", kind="public")
    for n, text in enumerate(HOSTILE):
        details = {"text": text, "sanitised_text": text, "source_type": "public"}
        details.update(source_evaluation="2", intelligence_assessment="C", handling_code="P")
        services.event_record(
            EventInput(
                kind="report",
                source=source,
                source_ref=f"PUB-EXPORT-{n}",
                occurred_from=datetime(2026, 3, 2, tzinfo=UTC),
                summary=text,
                details=details,
            )
        )
    return {}


def _nothing(_users) -> dict:
    return {}


# ---- the lists -----------------------------------------------------------------------------------


def _paginated(context) -> int:
    return next(v for v in _context_values(context) if isinstance(v, Page)).paginator.count


@dataclass(frozen=True)
class ListPage:
    name: str  # the URL name
    role: str  # a role that may see the page
    refused: str  # a role that may not
    first_header: str
    prepare: Callable[[dict], dict] = _nothing  # makes rows; gives the URL's arguments
    query: dict = field(default_factory=dict)  # filters that keep the total steady during the test
    total: Callable = _paginated  # what the page says it lists
    grows: int = 0  # rows each request adds to the list itself (an access history lists its own visits)

    def url(self, users) -> str:
        return reverse(self.name, kwargs=self.prepare(users) or None)


LISTS = [
    ListPage("intake:triage_queue", "analyst", "officer", "Report id", _hostile_report),
    ListPage("intake:imports", "analyst", "officer", "Import id", _imports),
    ListPage(
        "intake:import_detail",
        "analyst",
        "officer",
        "family_name",
        _quarantine,
        total=lambda context: _context(context, "quarantine").paginator.count,
    ),
    ListPage("intake:partner_portal", "partner", "officer", "Submission id", _partner),
    ListPage("intake:partner_alerts", "partner", "analyst", "Reference", _partner),
    ListPage(
        "intel:search",
        "analyst",
        "partner",
        "Record id",
        query={"q": "smith", "purpose": "investigation"},
        total=lambda context: len(_context(context, "result").entities),
    ),
    ListPage("orders:list", "officer", "partner", "Order id"),
    ListPage("orders:alerts", "officer", "partner", "Alert id", _alerts, query={"status": "new"}),
    ListPage("orders:screening", "officer", "partner", "Run id", _screening_run),
    ListPage("resolution:overview", "officer", "partner", "Cluster id", _clusters),
    ListPage("risk:priorities", "officer", "partner", "Rank", _scored, query={"order": "escalation"}),
    ListPage("risk:premises", "officer", "partner", "Rank", _scored),
    ListPage("risk:people", "officer", "partner", "Rank", _scored),
    ListPage(
        "risk:hotspots",
        "officer",
        "partner",
        "H3 cell",
        _scored,
        total=lambda context: len(_context(context, "spots")["cells"]),
    ),
    ListPage("safeguarding:tasks", "officer", "partner", "Task id", _tasks, query={"state": "all"}),
    ListPage("safeguarding:referrals", "officer", "partner", "Referral id", _referrals),
    ListPage("retention:queue", "supervisor", "analyst", "Review id", _due_reviews, query={"overdue": "on"}),
    ListPage("retention:disposals", "supervisor", "analyst", "Disposal id", _disposal),
    ListPage("governance:log", "administrator", "analyst", "Entry", query={"action": "create"}),
    ListPage("governance:record", "supervisor", "officer", "Entry", _viewed_person, grows=1),
]
BY_NAME = {spec.name: spec for spec in LISTS}

# The older download URLs, kept for links and scripts: each takes ?format=xlsx too.
DOWNLOAD_URLS = {
    "intake:triage_export": "intake:triage_queue",
    "intake:import_quarantine": "intake:import_detail",
    "intake:partner_alerts_csv": "intake:partner_alerts",
    "orders:alerts_csv": "orders:alerts",
}


# ---- reading downloads ---------------------------------------------------------------------------


def _context_values(context):
    for ctx in context if isinstance(context, list) else [context]:
        for layer in ctx.dicts:
            yield from layer.values()


def _context(context, key: str):
    return next(ctx[key] for ctx in (context if isinstance(context, list) else [context]) if key in ctx)


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _xlsx_rows(response) -> list[tuple]:
    return list(_sheet(response).iter_rows(values_only=True))


def _export_entries() -> int:
    return AuditEntry.objects.filter(action=AuditAction.EXPORT).count()


# ---- every list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", LISTS, ids=[spec.name for spec in LISTS])
def test_every_list_downloads_all_its_rows_as_csv_and_xlsx(spec, demo_world, client, users):
    url = spec.url(users)
    sign_in(client, users[spec.role])
    page = client.get(url, spec.query)
    assert page.status_code == 200
    total = spec.total(page.context)
    assert total > 0, f"{spec.name}: the test world gives this list no rows"
    html = page.content.decode()
    assert "format=csv" in html and "format=xlsx" in html, f"{spec.name} offers no download links"

    csv_rows = _csv_rows(client.get(url, {**spec.query, "format": "csv"}))
    sheet = _xlsx_rows(client.get(url, {**spec.query, "format": "xlsx"}))
    assert csv_rows[0][0] == spec.first_header and all(csv_rows[0])
    assert list(sheet[0]) == csv_rows[0]
    assert len(csv_rows) - 1 == total + spec.grows
    assert len(sheet) - 1 == total + 2 * spec.grows


@pytest.mark.parametrize("spec", LISTS, ids=[spec.name for spec in LISTS])
def test_a_role_without_the_page_cannot_download_it(spec, demo_world, client, users):
    url = spec.url(users)
    assert spec.role != spec.refused
    sign_in(client, users[spec.refused])
    before = AuditEntry.objects.count()
    for fmt in ("csv", "xlsx"):
        assert client.get(url, {**spec.query, "format": fmt}).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("old, page", sorted(DOWNLOAD_URLS.items()))
def test_the_older_download_urls_give_the_same_rows_in_either_format(old, page, demo_world, client, users):
    spec = BY_NAME[page]
    kwargs = spec.prepare(users) or None
    sign_in(client, users[spec.role])
    from_page = _xlsx_rows(client.get(reverse(page, kwargs=kwargs), {**spec.query, "format": "xlsx"}))
    as_csv = _csv_rows(client.get(reverse(old, kwargs=kwargs), spec.query))
    as_xlsx = _xlsx_rows(client.get(reverse(old, kwargs=kwargs), {**spec.query, "format": "xlsx"}))
    assert as_xlsx == from_page and len(as_csv) == len(from_page) > 1


def test_the_evidence_and_chronology_downloads_take_both_formats(demo_world, client_for):
    from lantern.orders.models import BreachAlert
    from lantern.risk.models import SubjectRisk

    _scored({})
    alert = BreachAlert.objects.get(pk=_breach_alert())
    subject = SubjectRisk.objects.exclude(person=None).order_by("escalation_rank").first()
    client = client_for("analyst")
    for url, expected in (
        (f"/orders/alerts/{alert.pk}/evidence.csv", alert.evidence.count()),
        (f"/risk/subjects/{subject.person_id}/chronology.csv", len(subject.detail["chronology"])),
    ):
        assert len(_csv_rows(client.get(url))) - 1 == expected
        assert len(_xlsx_rows(client.get(url, {"format": "xlsx"}))) - 1 == expected


# ---- the audit trail -----------------------------------------------------------------------------


def test_an_export_is_audited_naming_the_user_and_what_was_asked(demo_world, client, users):
    _alerts(users)
    sign_in(client, users["officer"])
    client.get("/orders/alerts/", {"status": "new", "format": "xlsx"})
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == AuditAction.EXPORT
    assert entry.user == users["officer"] and entry.username == "test-officer"
    assert entry.object_type == "breach_alerts" and entry.summary == "1 rows as XLSX"
    assert "status=new" in entry.path and entry.detail["format"] == "xlsx"


def test_a_list_longer_than_one_download_holds_is_refused_asking_for_filters(
    demo_world, client, users, monkeypatch
):
    import lantern.web.exports

    monkeypatch.setattr(lantern.web.exports, "EXPORT_ROW_LIMIT", 1)
    _alerts(users)
    sign_in(client, users["officer"])
    before = _export_entries()
    response = client.get("/orders/alerts/", {"format": "csv"})  # two alerts, one allowed
    assert response.status_code == 400
    text = response.content.decode()
    assert "more than 1 rows" in text and "Narrow the filters" in text
    assert 'href="/orders/alerts/"' in text  # back to the list, without the download
    assert _export_entries() == before
    assert client.get("/orders/alerts/", {"format": "csv", "status": "new"}).status_code == 200


# ---- what the rows hold --------------------------------------------------------------------------


def test_filters_are_honoured(demo_world, client, users):
    from lantern.orders.models import BreachAlert

    _alerts(users)
    sign_in(client, users["officer"])
    for status in ("new", "dismissed"):
        rows = _csv_rows(client.get("/orders/alerts/", {"status": status, "format": "csv"}))
        column = rows[0].index("Status")
        wanted = BreachAlert.objects.filter(status=status)
        assert {row[column] for row in rows[1:]} == {BreachAlert.Status(status).label}
        assert sorted(row[0] for row in rows[1:]) == sorted(
            str(pk) for pk in wanted.values_list("pk", flat=True)
        )


@pytest.fixture
def hidden_person(demo_world, make_user):
    """A person at risk restricted to a team: scored, searchable, and invisible to everyone else."""
    from lantern.risk.models import PersonRisk

    supervisor = make_user("supervisor", "sup-export-restrict")
    team = Team.objects.create(code="export-team", name="Export team")
    insider = make_user("officer", "pc-export-insider")
    team.members.add(insider)
    _scored({})
    person = PersonRisk.objects.exclude(person=None).order_by("rank").first().person
    restrict(record=person, kind="person", reason="Exports test", teams=[team], actor=supervisor)
    return {"person": person, "insider": insider, "outsider": make_user("officer", "pc-export-outsider")}


def test_a_restricted_record_is_not_in_anyones_export_but_its_lists(hidden_person, client):
    person = hidden_person["person"]
    searched = {"q": person.family_name or person.given_names, "purpose": "safeguarding"}
    for who, present in (("outsider", False), ("insider", True)):
        sign_in(client, hidden_person[who])
        for url, query in (("/risk/people/", {}), ("/search/", searched)):
            for fmt in ("csv", "xlsx"):
                response = client.get(url, {**query, "format": fmt})
                assert response.status_code == 200
                body = response.content if fmt == "csv" else _xlsx_text(response)
                assert (str(person.pk) in str(body)) is present, f"{who} {url} {fmt}"


def _xlsx_text(response) -> str:
    return " ".join(str(v) for row in _xlsx_rows(response) for v in row if v is not None)


def test_hostile_text_from_reports_and_names_stays_text(demo_world, client, users):
    _hostile_report(users)
    _clusters(users)
    sign_in(client, users["analyst"])
    for url, column in (("/triage/", "Summary"), ("/resolution/", "Person")):
        sheet = _sheet(client.get(url, {"format": "xlsx"}))
        headers = [c.value for c in sheet[1]]
        cells = [row[headers.index(column)] for row in sheet.iter_rows(min_row=2)]
        found = {c.value: c for c in cells if c.value in HOSTILE}
        assert set(found) == set(HOSTILE), url
        for cell in found.values():
            assert cell.data_type == "s" and cell.quotePrefix, (url, cell.value)
        rows = _csv_rows(client.get(url, {"format": "csv"}))
        texts = {row[rows[0].index(column)] for row in rows[1:]}
        assert {"'" + value for value in HOSTILE} <= texts
        assert not texts & set(HOSTILE)


def test_control_characters_and_overlong_values_do_not_break_the_spreadsheet(demo_world, client, users):
    pk = _quarantine(users)["pk"]
    sign_in(client, users["analyst"])
    sheet = _sheet(client.get(f"/imports/{pk}/", {"format": "xlsx"}))
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "bell here" in values
    long = next(v for v in values if v and v.startswith("xxx"))
    assert len(long) == 32_767 and long.endswith("[cut: longer than a spreadsheet cell holds]")
    assert set(HOSTILE) <= set(values)


def test_dates_are_date_cells(demo_world, client, users):
    _alerts(users)
    sign_in(client, users["officer"])
    rows = _xlsx_rows(client.get("/orders/alerts/", {"format": "xlsx"}))
    first = rows[0].index("First evidence")
    assert all(isinstance(row[first], datetime) for row in rows[1:])
    csv_rows = _csv_rows(client.get("/orders/alerts/", {"format": "csv"}))
    assert all(datetime.fromisoformat(row[first]).tzinfo for row in csv_rows[1:])


# ---- no list page without downloads --------------------------------------------------------------

# Pages that render a table or a paginated list but are not lists of records to download, and why.
NOT_LISTS = {
    "web:dashboard": "summary counts and the newest few, each linking to a list that downloads",
    "intake:triage_detail": "one report: its mentions are worked on the page, not downloaded",
    "intake:import_map": "a form mapping a file's columns",
    "intel:person": "one record: its timeline is the subject access export's and the chronology's",
    "intel:vehicle": "one record",
    "intel:phone": "one record",
    "intel:identity": "one record",
    "intel:location": "one record",
    "orders:detail": "one order: its conditions, and its latest alerts (the alert queue downloads)",
    "orders:alert": "one alert: its evidence downloads from orders:alert_evidence_csv",
    "orders:alert_pack": "a printable evidence pack",
    "resolution:cluster": "one resolved person: records and the pairs that joined them",
    "risk:model": "the risk model's configuration",
    "profiles:subject": "one person's profile for an order file (it prints as a PDF)",
    "profiles:problem": "one area's problem profile: its figures print as a PDF or HTML",
    "profiles:problem_html": "the problem profile as one standalone HTML file: a download itself",
}


def _role_for(capability: str) -> str | None:
    if capability in ("public", "signed_in"):
        return Role.SUPERVISOR.value
    for role in (Role.SUPERVISOR, Role.ANALYST, Role.OFFICER, Role.PARTNER, Role.ADMINISTRATOR):
        if capability in ROLE_CAPABILITIES[role]:
            return role.value
    return None


def _looks_like_a_list(response) -> bool:
    has_page = response.context is not None and any(
        isinstance(v, Page) for v in _context_values(response.context)
    )
    return has_page or "<table" in response.content.decode()


def test_every_page_showing_a_table_or_a_paginated_list_offers_both_downloads(demo_world, client, users):
    """A new list page fails here until it downloads in both formats or says why not (NOT_LISTS).

    Pages in LISTS are also checked row by row above; any other page found here (a new app's list)
    must at least link to both formats and answer each with its file."""
    for spec in LISTS:
        spec.prepare(users)
    ids = {**_sample_ids(), **{spec.name: spec.prepare(users).get("pk") for spec in LISTS}}
    found, failing = set(), []
    for name, pattern, view in _lantern_patterns():
        role = _role_for(view.lantern_capability)
        if role is None or name in NOT_LISTS:
            continue
        sign_in(client, users[role])
        url = "/" + pattern.replace("<uuid:pk>", str(ids.get(name)))
        query = BY_NAME[name].query if name in BY_NAME else {}
        response = client.get(url, query)
        html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        if not (html and _looks_like_a_list(response)):
            continue
        found.add(name)
        if not _downloads_both(client, url, query, response.content.decode()):
            failing.append(name)
    assert not failing, f"list pages without a CSV and an XLSX download: {failing}"
    # Search results are a list but neither a table nor paginated: LISTS holds them all the same.
    assert set(BY_NAME) - found <= {"intel:search"}, f"LISTS is out of date: {sorted(set(BY_NAME) - found)}"
    names = {name for name, _, _ in _lantern_patterns()}
    assert set(NOT_LISTS) <= names, f"NOT_LISTS names pages that are gone: {sorted(set(NOT_LISTS) - names)}"


def _downloads_both(client, url: str, query: dict, html: str) -> bool:
    if "format=csv" not in html or "format=xlsx" not in html:
        return False
    as_csv = client.get(url, {**query, "format": "csv"})
    as_xlsx = client.get(url, {**query, "format": "xlsx"})
    return (
        as_csv.status_code == as_xlsx.status_code == 200
        and as_csv["Content-Type"].startswith("text/csv")
        and as_xlsx["Content-Type"] == XLSX
    )


# ---- the command ---------------------------------------------------------------------------------


def test_lantern_export_writes_xlsx_for_an_xlsx_name_and_csv_otherwise(demo_world, users, tmp_path):
    from django.core.management import call_command

    from lantern.orders.exports import ALERT_HEADERS
    from lantern.orders.models import BreachAlert

    _alerts(users)
    call_command("export", "alerts", str(tmp_path / "alerts.xlsx"), stdout=io.StringIO())
    call_command("export", "alerts", str(tmp_path / "alerts.csv"), stdout=io.StringIO())
    sheet = openpyxl.load_workbook(tmp_path / "alerts.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ALERT_HEADERS and len(rows) - 1 == BreachAlert.objects.count()
    assert all(isinstance(row[ALERT_HEADERS.index("first_at")], datetime) for row in rows[1:])
    text = list(csv.DictReader((tmp_path / "alerts.csv").open(encoding="utf-8")))
    assert len(text) == len(rows) - 1
    assert all(
        datetime.fromisoformat(r["first_at"]).tzinfo is not None and "T" in r["first_at"] for r in text
    )
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="alerts").order_by("-sequence")[
        0
    ]
    assert entry.detail["format"] == "csv" and entry.path == "lantern export alerts"
