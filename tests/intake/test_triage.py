"""Triage: mentions found and matched, linked in one action, graded, assigned, turned into incidents."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.extract import extract_mentions
from lantern.governance.models import AuditAction, AuditEntry
from lantern.intake.models import ExtractedMention
from lantern.intake.services import triage
from lantern.intake.services.triage import TriageError
from lantern.intake.views_triage import highlight
from lantern.intel import services
from lantern.intel.models import (
    EventLink,
    Incident,
    IntelligenceReport,
    Location,
    OnlineIdentity,
    Person,
    Provenance,
    Vehicle,
)
from lantern.intel.services import EventInput

UNKNOWN_VRM = "XY51 KJT"  # a current-format plate the demo world does not hold


@pytest.fixture
def known(demo_world):
    """A vehicle and a person with a name no one else has, both in the demo world."""
    vehicle = Vehicle.objects.order_by("vrm").first()
    person = next(
        p
        for p in Person.objects.exclude(given_names="").exclude(family_name="").order_by("pk")
        if len(triage.name_matches(f"{p.given_names} {p.family_name}".lower(), limit=2)) == 1
    )
    return {"vehicle": vehicle, "person": person}


def _report(known, *, text=None, shared=True, ref="PUB-T-1", source_code="public-test") -> IntelligenceReport:
    source = services.source_ensure(code=source_code, name="Public reports (test)", kind="public")
    vehicle, person = known["vehicle"], known["person"]
    text = text or (
        f"Saw {person.given_names} {person.family_name.title()} get into a silver Golf "
        f"{vehicle.label.lower()} outside 14 Park Rd PE1 2AB. Later a second car {UNKNOWN_VRM}. "
        "He rang 07700 900461 and advertises as @lola_test_x and on instagram: ruby_test_y."
    )
    report = services.event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref=ref,
            occurred_from=datetime(2026, 3, 1, 21, 30, tzinfo=UTC),
            summary="Men calling at an address",
            details={
                "text": text,
                "sanitised_text": "A report of men calling at an address",
                "source_type": "public",
                "source_evaluation": "2",
                "intelligence_assessment": "C",
                "handling_code": "C",
                "handling_conditions": "Police only",
            },
        )
    ).obj
    if not shared:
        IntelligenceReport.objects.filter(pk=report.pk).update(shared_with_police=False)
        report.refresh_from_db()
    return report


@pytest.fixture
def report(known):
    return _report(known)


def _by_kind(mentions) -> dict[str, list[ExtractedMention]]:
    out: dict[str, list[ExtractedMention]] = {}
    for mention in mentions:
        out.setdefault(mention.kind, []).append(mention)
    return out


# --- mentions ------------------------------------------------------------------------------------


def test_mentions_are_found_and_matched_against_the_store(report, known):
    mentions = _by_kind(triage.mentions_ensure(report))
    plates = {m.normalised: m for m in mentions["vrm"]}
    assert plates[known["vehicle"].vrm].entity_id == known["vehicle"].pk
    assert plates[UNKNOWN_VRM.replace(" ", "")].entity_id is None
    assert [m.normalised for m in mentions["phone"]] == ["+447700900461"]
    assert [m.normalised for m in mentions["postcode"]] == ["PE1 2AB"]
    assert {m.normalised for m in mentions["handle"]} == {"lola_test_x", "ruby_test_y"}
    name = mentions["name"][0]
    assert name.entity_id == known["person"].pk
    for mention in triage.mentions_ensure(report):
        assert report.text[mention.start : mention.end] == mention.text


def test_extraction_happens_once_and_is_stored(report):
    first = triage.mentions_ensure(report)
    audits = AuditEntry.objects.count()
    again = triage.mentions_ensure(report)
    assert [m.pk for m in again] == [m.pk for m in first]
    assert ExtractedMention.objects.filter(report=report).count() == len(first)
    assert AuditEntry.objects.count() == audits


def test_a_value_written_twice_is_one_mention(known):
    report = _report(known, text="AB12 CDE then ab12cde again", ref="PUB-T-TWICE")
    assert [(m.kind, m.text) for m in triage.mentions_ensure(report)] == [("vrm", "AB12 CDE")]


def test_an_unmatched_mention_is_matched_once_the_store_learns_it(report):
    plate = UNKNOWN_VRM.replace(" ", "")
    triage.mentions_ensure(report)
    source = services.source_ensure(code="rms-test", name="RMS", kind="police")
    vehicle = services.vehicle_ensure(vrm=plate, source=source).obj
    mention = next(m for m in triage.mentions_ensure(report) if m.normalised == plate)
    assert mention.entity_id == vehicle.pk
    assert ExtractedMention.objects.get(pk=mention.pk).entity_id == vehicle.pk


# --- confirm and dismiss ------------------------------------------------------------------------


def test_confirming_a_matched_mention_links_the_entity_in_one_action(report, known, users):
    mention = next(m for m in triage.mentions_ensure(report) if m.entity_id == known["vehicle"].pk)
    triage.mention_confirm(mention=mention, user=users["analyst"])
    assert EventLink.objects.filter(event_id=report.pk, entity=known["vehicle"], role="vehicle_used").exists()
    mention.refresh_from_db()
    assert (mention.status, mention.decided_by) == ("confirmed", users["analyst"])
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.object_id, entry.username) == ("update", str(report.pk), "test-analyst")
    assert known["vehicle"].label in entry.summary


def test_confirming_an_unknown_plate_files_the_vehicle_from_the_reports_source(report, users):
    plate = UNKNOWN_VRM.replace(" ", "")
    mention = next(m for m in triage.mentions_ensure(report) if m.normalised == plate)
    triage.mention_confirm(mention=mention, user=users["supervisor"])
    vehicle = Vehicle.objects.get(vrm=plate)
    assert EventLink.objects.filter(event_id=report.pk, entity=vehicle, role="vehicle_used").exists()
    said = Provenance.objects.get(entity=vehicle, field="vrm_as_written")
    assert (said.source_id, said.source_ref, said.value) == (report.source_id, report.source_ref, plate)


def test_confirming_other_kinds_files_them_with_sensible_roles(report, users):
    mentions = _by_kind(triage.mentions_ensure(report))
    for mention in mentions["postcode"] + mentions["handle"] + mentions["phone"]:
        triage.mention_confirm(mention=mention, user=users["analyst"])
    place = Location.objects.get(postcode="PE1 2AB", line1="")
    assert place.location_kind == "area"
    roles = dict(EventLink.objects.filter(event_id=report.pk).values_list("entity__label", "role"))
    assert roles[place.label] == "mentioned"
    assert roles["07700 900461"] == "phone_used"
    identities = dict(
        OnlineIdentity.objects.filter(handle__in=["lola_test_x", "ruby_test_y"]).values_list(
            "handle", "platform"
        )
    )
    assert identities == {"lola_test_x": "unspecified", "ruby_test_y": "instagram"}


def test_confirming_a_name_with_another_role(report, known, users):
    name = _by_kind(triage.mentions_ensure(report))["name"][0]
    triage.mention_confirm(mention=name, user=users["analyst"], role="person_at_risk")
    assert EventLink.objects.filter(
        event_id=report.pk, entity=known["person"], role="person_at_risk"
    ).exists()


def test_an_unknown_name_becomes_the_reports_own_person_record(known, users):
    report = _report(known, text="A man called Quentin Zzyzxwick was there.", ref="PUB-T-NAME")
    mention = triage.mentions_ensure(report)[0]
    assert (mention.kind, mention.entity_id) == ("name", None)
    triage.mention_confirm(mention=mention, user=users["analyst"])
    person = Person.objects.get(source=report.source, family_name="Zzyzxwick")
    assert (person.given_names, person.label) == ("Quentin", "Quentin ZZYZXWICK")
    assert EventLink.objects.filter(event_id=report.pk, entity=person, role="subject").exists()


@pytest.mark.parametrize("role", ["premises", "reporter", "subject'; DROP TABLE intel_event;--", "<b>"])
def test_a_role_that_does_not_fit_the_mention_is_refused(report, users, role):
    mention = next(m for m in triage.mentions_ensure(report) if m.kind == "vrm")
    with pytest.raises(TriageError, match="can be linked as vehicle used, mentioned"):
        triage.mention_confirm(mention=mention, user=users["analyst"], role=role)
    assert not EventLink.objects.filter(event_id=report.pk).exists()


@pytest.mark.parametrize("role", ["officer", "partner", "administrator"])
def test_only_triage_roles_may_confirm(report, users, role):
    mention = triage.mentions_ensure(report)[0]
    with pytest.raises(PermissionDenied):
        triage.mention_confirm(mention=mention, user=users[role])
    with pytest.raises(PermissionDenied):
        triage.report_grade(
            report=report,
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
            user=users[role],
        )


def test_nothing_is_done_to_a_report_not_shared_with_police(known, users):
    report = _report(known, shared=False, ref="PUB-T-PRIVATE")
    mention = triage.mentions_ensure(report)[0]
    with pytest.raises(PermissionDenied):
        triage.mention_confirm(mention=mention, user=users["analyst"])
    with pytest.raises(PermissionDenied):
        triage.report_mark_triaged(report=report, user=users["analyst"])


def test_dismissing_and_the_limits_of_dismissing(report, users):
    first, second = triage.mentions_ensure(report)[:2]
    triage.mention_dismiss(mention=first, user=users["analyst"])
    assert ExtractedMention.objects.get(pk=first.pk).status == "dismissed"
    triage.mention_confirm(mention=second, user=users["analyst"])
    with pytest.raises(TriageError, match="already linked"):
        triage.mention_dismiss(mention=second, user=users["analyst"])


# --- grade, assign, triaged ----------------------------------------------------------------------


def test_grading_saves_and_audits(report, users):
    triage.report_grade(
        report=report,
        source_evaluation="1",
        intelligence_assessment="b",
        handling_code="P",
        handling_conditions="",
        user=users["analyst"],
    )
    report.refresh_from_db()
    assert (report.grade, report.handling_conditions) == ("1BP", "")
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.summary == "graded 1BP (was 2CC)"


@pytest.mark.parametrize(
    ("grade", "field", "message"),
    [
        (("4", "A", "P", ""), "source_evaluation", "not one of 1"),
        (("1", "Z", "P", ""), "intelligence_assessment", "not one of A"),
        (("1", "A", "X", ""), "handling_code", "not one of P"),
        (("1", "A", "C", ""), "handling_conditions", "needs the conditions"),
        (("1", "A", "C", "x" * 400), "handling_conditions", "too long"),
        (("1", "A", "P", '=HYPERLINK("http://x")'), "handling_conditions", "choose C"),
    ],
)
def test_invalid_grades_are_refused_with_the_field(report, users, grade, field, message):
    se, ia, hc, conditions = grade
    with pytest.raises(TriageError, match=message) as caught:
        triage.report_grade(
            report=report,
            source_evaluation=se,
            intelligence_assessment=ia,
            handling_code=hc,
            handling_conditions=conditions,
            user=users["analyst"],
        )
    assert caught.value.field == field
    report.refresh_from_db()
    assert report.grade == "2CC"


def test_assigning_to_someone_who_can_triage_only(report, users):
    triage.report_assign(report=report, assignee=users["supervisor"], user=users["analyst"])
    assert IntelligenceReport.objects.get(pk=report.pk).assigned_to == users["supervisor"]
    with pytest.raises(TriageError, match="cannot triage"):
        triage.report_assign(report=report, assignee=users["officer"], user=users["analyst"])
    triage.report_assign(report=report, assignee=None, user=users["analyst"])
    assert IntelligenceReport.objects.get(pk=report.pk).assigned_to is None


def _my_queue(client) -> str:
    return client.get("/triage/", {"source_type": "public", "assigned": "me"}).content.decode()


def test_marking_triaged_takes_it_off_the_queue(report, users, client_for):
    triage.report_assign(report=report, assignee=users["analyst"], user=users["analyst"])
    client = client_for("analyst")
    assert report.source_ref in _my_queue(client)
    triage.report_mark_triaged(report=report, user=users["analyst"])
    assert IntelligenceReport.objects.get(pk=report.pk).status == "triaged"
    assert report.source_ref not in _my_queue(client)


# --- incidents ---------------------------------------------------------------------------------


def test_an_incident_is_recorded_with_behaviours_and_the_reports_links(report, known, users):
    vehicle_mention = next(m for m in triage.mentions_ensure(report) if m.entity_id == known["vehicle"].pk)
    triage.mention_confirm(mention=vehicle_mention, user=users["analyst"])
    reporter = services.person_record(source=report.source, record_id="REP-1", given_names="Reporter").obj
    EventLink.objects.create(event_id=report.pk, entity=reporter, role="reporter")
    incident = triage.report_incident_record(
        report=report,
        behaviours=["threat", "degrading_act"],
        occurred_from=datetime(2026, 3, 1, 21, 0, tzinfo=UTC),
        description="He threatened her",
        user=users["analyst"],
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.from_report_id == report.pk
    assert set(incident.behaviours.values_list("code", flat=True)) == {"threat", "degrading_act"}
    linked = set(EventLink.objects.filter(event=incident).values_list("entity_id", "role"))
    assert linked == {(known["vehicle"].pk, "vehicle_used")}  # not the reporter
    assert incident.summary == "Incident: Degrading act, Threat"
    second = triage.report_incident_record(report=report, behaviours=["threat"], user=users["analyst"])
    assert second.pk != incident.pk and second.source_ref.endswith("/incident-2")


@pytest.mark.parametrize(
    ("behaviours", "when", "message"),
    [
        ([], None, "at least one"),
        (["no_such_thing"], None, "not in the vocabulary"),
        (["threat'; DROP TABLE intel_incident;--"], None, "not in the vocabulary"),
        ("threat", None, "choose from the list"),
        (["threat"], timezone.now() + timedelta(days=2), "future"),
        (["threat"], datetime(2026, 3, 1, 21, 0), "UK time"),  # naive: no offset
    ],
)
def test_incident_input_is_checked(report, users, behaviours, when, message):
    before = Incident.objects.count()
    with pytest.raises(TriageError, match=message):
        triage.report_incident_record(
            report=report, behaviours=behaviours, occurred_from=when, user=users["analyst"]
        )
    assert Incident.objects.count() == before


# --- pages ---------------------------------------------------------------------------------------


def test_the_queue_lists_new_reports_with_mention_counts(report, users, client_for):
    triage.report_assign(report=report, assignee=users["analyst"], user=users["analyst"])
    page = _my_queue(client_for("analyst"))
    assert report.source_ref in page and "Men calling at an address" in page
    found = ExtractedMention.objects.filter(report=report).count()
    matched = ExtractedMention.objects.filter(report=report, entity__isnull=False).count()
    assert found >= 6 and f"{found} found, {matched} in the store" in page
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="triage_queue").exists()


def test_the_queue_hides_reports_not_shared_with_police(known, users, client_for):
    hidden = _report(known, shared=False, ref="PUB-T-HIDDEN")
    IntelligenceReport.objects.filter(pk=hidden.pk).update(assigned_to=users["analyst"])
    assert "PUB-T-HIDDEN" not in _my_queue(client_for("analyst"))
    IntelligenceReport.objects.filter(pk=hidden.pk).update(shared_with_police=True)
    assert "PUB-T-HIDDEN" in _my_queue(client_for("analyst"))


def test_the_queue_is_paginated_oldest_first(client_for):
    client = client_for("analyst")
    first = client.get("/triage/")
    total = first.context["page"].paginator.count
    assert total > 25  # the demo world's reports
    rows = first.context["rows"]
    received = [row["report"].recorded_at for row in rows]
    assert len(rows) == 25 and received == sorted(received)
    last = client.get("/triage/", {"page": first.context["page"].paginator.num_pages})
    assert "Previous page" in last.content.decode()


def test_queue_filters_and_pages_survive_bad_values(report, client_for):
    client = client_for("analyst")
    for query in (
        {"source_type": "<script>alert(1)</script>"},
        {"source_type": "public' OR 1=1--"},
        {"page": "999999"},
        {"page": "-1"},
        {"assigned": "=cmd|' /C calc'!A0"},
    ):
        response = client.get("/triage/", query)
        assert response.status_code == 200, query
        assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("partner", 403), ("administrator", 403)])
def test_roles_without_triage_cannot_open_it(report, client_for, role, status):
    client = client_for(role)
    assert client.get("/triage/").status_code == status
    assert client.get(f"/triage/{report.pk}/").status_code == status
    assert client.post(f"/triage/{report.pk}/", {"action": "triaged"}).status_code == status
    assert IntelligenceReport.objects.get(pk=report.pk).status == "new"


def test_the_csv_export_is_formula_safe_and_audited(known, client_for):
    source = services.source_ensure(code="public-test", name="Public reports (test)", kind="public")
    services.event_record(
        EventInput(
            kind="report", source=source, source_ref="PUB-T-FORMULA",
            occurred_from=datetime(2026, 3, 2, tzinfo=UTC), summary='=HYPERLINK("http://evil","x")',
            details={"text": "x", "sanitised_text": "x", "source_type": "public", "source_evaluation": "2",
                     "intelligence_assessment": "C", "handling_code": "P"},
        )
    )  # fmt: skip
    response = client_for("analyst").get("/triage/export.csv", {"source_type": "public"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.object_type) == (AuditAction.EXPORT, "triage_queue")


def test_the_detail_page_escapes_the_text_and_marks_the_mentions(known, client_for):
    text = "<script>alert('x')</script> <img src=x onerror=alert(1)> saw AB12 CDE & left\nnext line"
    report = _report(known, text=text, ref="PUB-T-XSS")
    page = client_for("analyst").get(f"/triage/{report.pk}/").content.decode()
    assert "<script>alert('x')</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert re.search(
        r'<mark class="mention mention-vrm mention-suggested" id="text-mention-\d+">AB12 CDE</mark>', page
    )
    assert "&amp; left<br>" in page
    assert AuditEntry.objects.filter(action="view", object_type="report", object_id=str(report.pk)).exists()


def test_confirm_without_javascript_redirects_back(report, known, client_for):
    mention = next(m for m in triage.mentions_ensure(report) if m.entity_id == known["vehicle"].pk)
    client = client_for("analyst")
    response = client.post(f"/triage/{report.pk}/", {"action": "confirm", "mention": mention.pk, "role": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"#mention-{mention.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "linked to the report" in page and "Linked to the report" in page
    event_page = client.get(report.get_absolute_url()).content.decode()
    assert known["vehicle"].label in event_page


def test_confirm_with_htmx_swaps_the_row(report, client_for):
    plate = UNKNOWN_VRM.replace(" ", "")
    mention = next(m for m in triage.mentions_ensure(report) if m.normalised == plate)
    response = client_for("analyst").post(
        f"/triage/{report.pk}/", {"action": "confirm", "mention": mention.pk}, HTTP_HX_REQUEST="true"
    )
    row = response.content.decode()
    assert response.status_code == 200 and row.lstrip().startswith(f'<tr id="mention-{mention.pk}"')
    assert "Linked to the report" in row and UNKNOWN_VRM in row


def test_a_mention_of_another_report_is_not_found(report, known, client_for):
    other = _report(known, text="AB12 CDE", ref="PUB-T-OTHER")
    foreign = triage.mentions_ensure(other)[0]
    response = client_for("analyst").post(
        f"/triage/{report.pk}/", {"action": "confirm", "mention": foreign.pk}
    )
    assert response.status_code == 404
    assert ExtractedMention.objects.get(pk=foreign.pk).status == "suggested"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (
            {
                "action": "grade",
                "source_evaluation": "1",
                "intelligence_assessment": "A",
                "handling_code": "C",
            },
            "handling code C needs the conditions written down",
        ),
        (
            {
                "action": "grade",
                "source_evaluation": "9",
                "intelligence_assessment": "A",
                "handling_code": "P",
            },
            "Select a valid choice",
        ),
        (
            {
                "action": "grade",
                "source_evaluation": "1",
                "intelligence_assessment": "A",
                "handling_code": "C",
                "handling_conditions": "x" * 301,
            },
            "at most 300 characters",
        ),
        ({"action": "incident", "occurred_from": "2026-03-01T21:00"}, "Choose at least one behaviour"),
        (
            {"action": "incident", "behaviours": ["nope"], "occurred_from": "2026-03-01T21:00"},
            "Select a valid choice",
        ),
        (
            {"action": "incident", "behaviours": ["threat"], "occurred_from": "yesterday"},
            "Enter a valid date/time",
        ),
        (
            {"action": "incident", "behaviours": ["threat"], "occurred_from": "2099-01-01T10:00"},
            "cannot be in the future",
        ),
        (
            {
                "action": "incident",
                "behaviours": ["threat"],
                "occurred_from": "2026-03-01T21:00",
                "description": "a\x00b",
            },
            "Null characters are not allowed",
        ),
        ({"action": "assign", "assignee": "test-officer"}, "Select a valid choice"),
        ({"action": "confirm", "mention": "1 OR 1=1"}, "Choose a mention from the table"),
        ({"action": "drop_table"}, "not one this page offers"),
    ],
)
def test_bad_posts_answer_with_the_error_next_to_the_field(report, client_for, data, shown):
    response = client_for("analyst").post(f"/triage/{report.pk}/", data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and shown in page
    report.refresh_from_db()
    assert (report.grade, report.status) == ("2CC", "new")
    assert not Incident.objects.filter(from_report=report).exists()


def test_grade_assign_incident_and_triaged_through_the_page(report, users, client_for):
    client = client_for("analyst")
    url = f"/triage/{report.pk}/"
    grade = {
        "action": "grade",
        "source_evaluation": "1",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": "Not to be shared outside the force",
    }
    assert client.post(url, grade).status_code == 302
    assert client.post(url, {"action": "assign", "assignee": "test-supervisor"}).status_code == 302
    incident = {
        "action": "incident",
        "behaviours": ["threat", "harassment"],
        "occurred_from": "2026-03-01T21:15",
        "description": "<script>x</script> '; DROP TABLE x;-- =SUM(A1)",
    }
    assert client.post(url, incident).status_code == 302
    assert client.post(url, {"action": "triaged"})["Location"] == "/triage/"
    report.refresh_from_db()
    assert (report.grade, report.assigned_to, report.status) == ("1BC", users["supervisor"], "triaged")
    made = Incident.objects.get(from_report=report)
    assert made.description == "<script>x</script> '; DROP TABLE x;-- =SUM(A1)"  # kept as written
    assert timezone.localtime(made.occurred_from).strftime("%H:%M") == "21:15"


def test_a_report_not_shared_with_police_has_no_triage_page(known, client_for):
    report = _report(known, shared=False, ref="PUB-T-NOPAGE")
    assert client_for("analyst").get(f"/triage/{report.pk}/").status_code == 404


# --- highlighting ----------------------------------------------------------------------------------


@given(st.text(max_size=300))
def test_highlighting_never_lets_markup_through_and_keeps_the_text(text):
    mentions = [
        ExtractedMention(
            pk=i + 1, kind=m.kind, text=m.text, normalised=m.normalised, start=m.start, end=m.end
        )
        for i, m in enumerate(extract_mentions(text))
    ]
    shown = str(highlight(text, mentions))
    without_marks = re.sub(r'<mark class="[^"<>]*" id="text-mention-\d+">|</mark>', "", shown)
    assert "<" not in without_marks.replace("<br>", "")
    assert html.unescape(without_marks.replace("<br>\n", "\n")) == text.replace("\r\n", "\n")


def test_a_stale_span_is_not_marked():
    stale = ExtractedMention(pk=1, kind="vrm", text="AB12 CDE", normalised="AB12CDE", start=0, end=8)
    assert "<mark" not in str(highlight("The text was edited since", [stale]))


def test_a_refused_link_is_explained_next_to_its_row_without_javascript(report, client_for):
    mention = next(m for m in triage.mentions_ensure(report) if m.kind == "vrm")
    response = client_for("analyst").post(
        f"/triage/{report.pk}/", {"action": "confirm", "mention": mention.pk, "role": "premises"}
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert (
        f'<a href="#mention-{mention.pk}">{mention.text}: role: a vehicle registration can be linked' in page
    )
    row = page[page.index(f'<tr id="mention-{mention.pk}"') :]
    assert "can be linked as vehicle used, mentioned" in row[: row.index("</tr>")]
    assert ExtractedMention.objects.get(pk=mention.pk).status == "suggested"


def test_text_sent_in_another_encoding_is_refused_with_a_clear_message(report, client_for):
    body = b"action=incident&behaviours=threat&occurred_from=2026-03-01T21%3A00&description=caf%E9+%FF%FE"
    response = client_for("analyst").post(
        f"/triage/{report.pk}/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "Some characters could not be read" in html.unescape(response.content.decode())
    assert not Incident.objects.filter(from_report=report).exists()


def test_finding_mentions_for_someone_who_cannot_triage_is_refused(report, users):
    with pytest.raises(PermissionDenied):
        triage.mentions_ensure(report, user=users["officer"])
    assert not ExtractedMention.objects.filter(report=report).exists()


def test_a_restricted_vehicle_is_neither_shown_nor_linked_for_someone_off_its_list(
    report, known, users, client_for
):
    from lantern.governance.restrictions import restrict

    restrict(record=known["vehicle"], kind="vehicle", reason="Covert", actor=users["supervisor"])
    mention = next(m for m in triage.mentions_ensure(report) if m.entity_id == known["vehicle"].pk)
    with pytest.raises(TriageError, match="ask a supervisor"):
        triage.mention_confirm(mention=mention, user=users["analyst"])
    assert not EventLink.objects.filter(event_id=report.pk, entity=known["vehicle"]).exists()
    response = client_for("analyst").get(f"/triage/{report.pk}/")
    assert response.status_code == 200 and known["vehicle"].vrm[:4] in response.content.decode().replace(
        " ", ""
    )
    assert f"/vehicles/{known['vehicle'].pk}/" not in response.content.decode()
    triage.mention_confirm(mention=mention, user=users["supervisor"])  # on the list: links it
    assert EventLink.objects.filter(event_id=report.pk, entity=known["vehicle"]).exists()
