"""Stored and reflected XSS: payloads typed into every displayed text field never come back as markup.

Stored: records are created through the real entry points (the public and safety report forms, the
intelligence log, triage, orders, documents, alerts, safeguarding tasks and referrals, the Imports
page, resolution decisions, saved charts, the risk model's note, partner names), then every page a
role can open is fetched with those records' ids and scanned for markup that would run.

Reflected: every GET page is requested with the payloads in every query parameter the pages read.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lantern.governance.roles import ROLE_CAPABILITIES, Role
from lantern.intake.models import ImportRun, Submission
from lantern.intel.models import BehaviourType, Event, IntelligenceReport, Person
from lantern.orders.models import Order, OrderDocument
from lantern.safeguarding.models import Referral, Task
from tests.conftest import sign_in
from tests.governance.test_url_matrix import _breach_alert, _sample_ids
from tests.security.conftest import (
    IMG,
    PAYLOAD,
    PAYLOADS,
    SCRIPT,
    fill,
    get_patterns,
    map_tooltip_markup,
    shown_escaped,
    tagged,
    unsafe_markup,
)

ZONE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.57], [-0.23, 52.57], [-0.23, 52.59], [-0.25, 52.59], [-0.25, 52.57]]],
}
UUID_NAMES = {
    "intel:person",
    "intel:vehicle",
    "intel:phone",
    "intel:identity",
    "intel:location",
    "intel:event",
}
# Query parameters any page reads (from the views): each gets the payload in the reflected test.
QUERY_PARAMETERS = [
    "q",
    "purpose",
    "purpose_other",
    "page",
    "status",
    "mine",
    "state",
    "kind",
    "order",
    "flagged",
    "username",
    "action",
    "object_type",
    "since",
    "until",
    "subject",
    "person",
    "node",
    "hops",
    "kinds",
    "saved",
    "source_type",
    "assigned",
    "add",
    "next",
]


def _ok(response, what: str) -> None:
    """A form that was meant to be accepted redirected (it did not come back with errors)."""
    assert response.status_code in (200, 302), f"{what}: {response.status_code}"
    if response.status_code == 200 and response.context is not None:
        form = response.context.get("form")
        assert not (form is not None and form.errors), f"{what}: {form.errors.as_text()[:500]}"


class World:
    """What the stored-XSS test created: ids per URL name, and the tags of every field filled."""

    def __init__(self):
        self.ids: dict[str, set] = {}
        self.tags: dict[str, str] = {}  # tag -> "entry point: field"
        self.counter = 0

    def tag(self, where: str, limit: int | None = None) -> str:
        self.counter += 1
        tag = f"Z{self.counter:02d}"
        self.tags[tag] = where
        return tagged(tag, limit)

    def add(self, name: str, pk) -> None:
        if pk is not None:
            self.ids.setdefault(name, set()).add(str(pk))


def _public_reports(client, w: World) -> None:
    client.logout()
    response = client.post(
        "/report/",
        {
            "what_happened": w.tag("public report: what happened") + " at PE1 1AA, car AB12 CDE",
            "address": w.tag("public report: address", 200),
            "postcode": "PE1 1AA",
            "people": w.tag("public report: people"),
            "vehicles": "AB12CDE",
            "phones": "07700 900123",
            "contact": "contact",
            "contact_name": w.tag("public report: contact name", 100),
            "contact_phone": "07700 900124",
            "contact_email": "",
        },
    )
    _ok(response, "public report")
    response = client.post(
        "/report/safety/",
        {
            "incident_type": "threats",
            "when_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "when_time": "22:00",
            "account": w.tag("safety report: account"),
            "place": w.tag("safety report: place", 300),
            "area": w.tag("safety report: area", 100),
            "person_description": w.tag("safety report: person description"),
            "phone": "07700 900125",
            "vrm": "CD34EFG",
            "advert_handle": w.tag("safety report: advert handle", 200),
            "share_with_police": "yes",
            "contact": "contactable",
            "working_name": w.tag("safety report: working name", 100),
            "contact_route": w.tag("safety report: contact route", 200),
            "warn_others": "yes",
        },
    )
    _ok(response, "safety report")


def _intel_log(client, w: World, person_pk) -> None:
    response = client.post(
        "/log/new/",
        {
            "occurred_at": (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "text": w.tag("intel log: text"),
            "sanitised_text": w.tag("intel log: sanitised text"),
            "source_details": w.tag("intel log: source details"),
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "C",
            "handling_conditions": w.tag("intel log: handling conditions", 300),
            "grade_5x5x5": "",
            "confirmed_5x5x5": "",
            "link_ref": [str(person_pk), ""],
            "link_role": ["subject", "subject"],
        },
    )
    _ok(response, "intelligence log")
    assert response.status_code == 302
    w.add("intel:event", response["Location"].rstrip("/").rsplit("/", 1)[-1])


def _triage(client, w: World) -> None:
    references = Submission.objects.values_list("reference", flat=True)
    for report in IntelligenceReport.objects.filter(source_ref__in=list(references), shared_with_police=True):
        w.add("intake:triage_detail", report.pk)
        w.add("intel:event", report.pk)
        w.add("governance:record", report.pk)
    report = IntelligenceReport.objects.filter(
        source_ref__in=list(references), shared_with_police=True
    ).first()
    assert report is not None, "the public report was not filed"
    client.get(f"/triage/{report.pk}/")  # extraction on first sight
    response = client.post(
        f"/triage/{report.pk}/",
        {
            "action": "grade",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "C",
            "handling_conditions": w.tag("triage: handling conditions", 300),
        },
    )
    _ok(response, "triage grade")
    response = client.post(
        f"/triage/{report.pk}/",
        {
            "action": "incident",
            "behaviours": [BehaviourType.objects.values_list("code", flat=True).first()],
            "occurred_from": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": w.tag("triage: incident description"),
        },
    )
    _ok(response, "triage incident")


def _orders(client, w: World, person_pk) -> None:
    today = timezone.localdate()
    response = client.post(
        "/orders/new/",
        {
            "reference": w.tag("order: reference", 60),
            "order_type": "SRO",
            "subject": str(person_pk),
            "applicant": w.tag("order: applicant", 200),
            "court": w.tag("order: court", 200),
            "made_on": (today - timedelta(days=30)).isoformat(),
            "effective_from": (today - timedelta(days=30)).isoformat(),
            "expires_on": "",
            "officer_in_charge": "",
            "zone_name": w.tag("order: zone name", 200),
            "zone_geojson": json.dumps(ZONE),
            "windows": "",
            "zone_wording": w.tag("order: zone wording"),
            "vehicles": "",
            "notify_within_days": "3",
            "other_conditions": w.tag("order: other condition") + "\n" + w.tag("order: other condition 2"),
        },
    )
    _ok(response, "order new")
    order = Order.objects.get(subject_id=person_pk)
    w.add("orders:detail", order.pk)
    response = client.post(
        f"/orders/{order.pk}/vary/",
        {
            "effective_on": (today - timedelta(days=5)).isoformat(),
            "number": "2",
            "action": "replace",
            "kind": "other",
            "wording": w.tag("order vary: wording"),
            "notify_within_days": "3",
        },
    )
    _ok(response, "order vary")
    response = client.post(
        f"/orders/{order.pk}/documents/new/",
        {
            "title": w.tag("order document: title", 200),
            "file": SimpleUploadedFile(
                w.tag("order document: file name", 60) + ".pdf", b"%PDF-1.4\n%xss\n", "application/pdf"
            ),
        },
    )
    _ok(response, "order document")
    for document in OrderDocument.objects.filter(order=order):
        w.add("orders:document", document.pk)
    alert_pk = _breach_alert()
    w.add("orders:alert", alert_pk)
    response = client.post(
        f"/orders/alerts/{alert_pk}/", {"action": "dismissed", "reason": w.tag("alert review: reason")}
    )
    _ok(response, "alert review")
    response = client.post(
        f"/orders/{order.pk}/discharge/",
        {"on": today.isoformat(), "reason": w.tag("order discharge: reason")},
    )
    _ok(response, "order discharge")


def _safeguarding(client, w: World, person_pk) -> None:
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    for kind in ("welfare_visit", "warrant"):
        response = client.post(
            "/safeguarding/tasks/new/",
            {
                "subject": str(person_pk),
                "kind": kind,
                "title": w.tag(f"task {kind}: title", 200),
                "due_on": due,
                "owner": "",
                "notes": w.tag(f"task {kind}: notes"),
            },
        )
        _ok(response, "task new")
    first, *_ = Task.objects.filter(subject_id=person_pk).order_by("created_at")
    for task in Task.objects.filter(subject_id=person_pk):
        w.add("safeguarding:task", task.pk)
    response = client.post(
        f"/safeguarding/tasks/{first.pk}/",
        {"action": "done", "outcome": w.tag("task close: outcome"), "visited_at": ""},
    )
    _ok(response, "task close")
    common = {
        "age_band": "25_34",
        "exploitation_types": ["sexual"],
        "indicators": w.tag("referral: indicators"),
        "nationality": w.tag("referral: nationality", 100),
        "first_responder": w.tag("referral: first responder", 200),
    }
    response = client.post(
        "/safeguarding/referrals/new/?kind=nrm",
        {**common, "person": str(person_pk), "is_child": "no", "consent": "on"},
    )
    _ok(response, "referral nrm")
    response = client.post(
        "/safeguarding/referrals/new/?kind=ms1",
        {**common, "indicators": w.tag("ms1: indicators"), "about": ""},
    )
    _ok(response, "referral ms1")
    for referral in Referral.objects.all():
        w.add("safeguarding:referral", referral.pk)
    nrm = Referral.objects.filter(kind="nrm", person_id=person_pk).first()
    response = client.post(
        f"/safeguarding/referrals/{nrm.pk}/",
        {"status": "submitted", "reference": w.tag("referral status: reference", 100)},
    )
    _ok(response, "referral status")


def _bulk(client, w: World) -> None:
    persons = (
        "System,Nominal ID,Forename,Last Name,Address,Postcode\n"
        f'xss-rms,X1,"{w.tag("bulk persons: forename").replace(chr(34), chr(34) * 2)}",Payloadson,'
        f'"{w.tag("bulk persons: address").replace(chr(34), chr(34) * 2)}",PE1 1AA\n'
        f'xss-rms,X2,Payloadine,"{w.tag("bulk persons: surname").replace(chr(34), chr(34) * 2)}",,\n'
    )
    response = client.post(
        "/imports/new/",
        {
            "kind": "persons",
            "file": SimpleUploadedFile(w.tag("bulk: file name", 40) + ".csv", persons.encode()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        "/imports/map/",
        {
            "source": "System",
            "record_id": "Nominal ID",
            "first_name": "Forename",
            "surname": "Last Name",
            "address": "Address",
            "postcode": "Postcode",
            "save_as": w.tag("bulk: saved mapping name", 100),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reports = (
        "source,record_id,occurred_at,text,sanitised_text,grade,handling_conditions\n"
        f'xss-rms,R1,2026-01-03T22:15+00:00,"{w.tag("bulk reports: text").replace(chr(34), chr(34) * 2)}",'
        f'"{w.tag("bulk reports: sanitised").replace(chr(34), chr(34) * 2)}",2BC,'
        f'"{w.tag("bulk reports: conditions", 300).replace(chr(34), chr(34) * 2)}"\n'
        f'xss-rms,R2,not a date,"{w.tag("bulk quarantined row").replace(chr(34), chr(34) * 2)}",,2BP,\n'
    )
    response = client.post(
        "/imports/new/", {"kind": "reports", "file": SimpleUploadedFile("reports.csv", reports.encode())}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mapping = {k: k for k in ("source", "record_id", "occurred_at", "text", "sanitised_text", "grade")}
    response = client.post("/imports/map/", {**mapping, "handling_conditions": "handling_conditions"})
    assert response.status_code == 302, response.content.decode()[:2000]
    for run in ImportRun.objects.all():
        w.add("intake:import_detail", run.pk)
    for person in Person.objects.filter(source_record_id__in=["X1", "X2"]):
        w.add("intel:person", person.pk)
        w.add("governance:record", person.pk)
        w.add("governance:subject_access", person.pk)
    for event in IntelligenceReport.objects.filter(source_ref__in=["R1", "R2"]):
        w.add("intel:event", event.pk)


def _resolution_and_charts(client, w: World, person_pk, other_pk) -> None:
    response = client.post(
        "/resolution/proposals/",
        {
            "kind": "not_same",
            "left": str(person_pk),
            "right": str(other_pk),
            "note": w.tag("resolution decision: note", 500),
        },
    )
    assert response.status_code in (200, 302)
    response = client.post(
        "/charts/",
        {
            "name": w.tag("saved chart: name", 200),
            "nodes": json.dumps([str(person_pk), str(other_pk)]),
            "filters": json.dumps({"kinds": [PAYLOAD], "since": PAYLOAD}),
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    w.add("charts:saved", response["Location"].rstrip("/").rsplit("/", 1)[-1])


def _risk_model(client, w: World) -> None:
    page = client.get("/risk/model/new/")
    config = json.loads(page.context["form"].initial["config"])
    config["version"] = "xss-1"
    config["note"] = w.tag("risk model: note")
    response = client.post("/risk/model/new/", {"config": json.dumps(config)})
    _ok(response, "risk model")


def _partner(client, w: World, partner) -> None:
    from lantern.intake.services.partners import member_add, organisation_ensure

    project = organisation_ensure(code="xss-project", name=w.tag("partner organisation: name", 200))
    member_add(user=partner, organisation=project)
    sign_in(client, partner)
    response = client.post(
        "/partner/safety/new/",
        {
            "incident_type": "violence",
            "when_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "account": w.tag("partner safety: account"),
            "place": w.tag("partner safety: place", 300),
            "area": w.tag("partner safety: area", 100),
            "person_description": w.tag("partner safety: description"),
            "advert_handle": w.tag("partner safety: handle", 200),
            "share_with_police": "yes",
            "contact": "contactable",
            "working_name": w.tag("partner safety: working name", 100),
            "contact_route": w.tag("partner safety: contact route", 200),
            "warn_others": "yes",
        },
    )
    _ok(response, "partner safety report")
    for submission in Submission.objects.filter(organisation=project):
        w.add("intake:partner_submission", submission.pk)


def _pages_for(who: str, w: World, samples: dict) -> list[str]:
    capabilities = ROLE_CAPABILITIES[Role(who)] if who != "anonymous" else set()
    urls = []
    for name, pattern, view in get_patterns():
        capability = view.lantern_capability
        if capability not in ("public", "signed_in") and capability not in capabilities:
            continue
        if who == "anonymous" and capability != "public":
            continue
        if "<uuid:pk>" not in pattern:
            urls.append(fill(pattern, ""))
            continue
        for pk in sorted(w.ids.get(name, set()) | {str(samples.get(name))}):
            if pk != "None":
                urls.append(fill(pattern, pk))
    if who != "anonymous" and (capabilities and "view_intel" in capabilities):
        urls += [
            "/search/?q=Payloadson&purpose=investigation",
            "/search/?q=Payloadine&purpose=investigation",
            "/search/?q=PE1+1AA&purpose=investigation",
            "/log/entities/?q=Payloadson",
            f"/log/entities/?add={next(iter(w.ids['intel:person']))}",
            f"/charts/?node={next(iter(w.ids['intel:person']))}",
            "/orders/?q=Z",
            "/orders/alerts/?status=dismissed",
            "/safeguarding/?state=all",
            "/safeguarding/?state=done",
            "/resolution/?q=Payload",
        ]
    if who == "supervisor":
        urls += ["/audit/", "/audit/?object_type=saved_chart", "/audit/?object_type=order_document"]
    return urls


@pytest.mark.django_db
def test_stored_xss_in_every_displayed_text_field_is_escaped_on_every_page(demo_world, client, users):
    w = World()
    person_pk, other_pk = Person.objects.values_list("pk", flat=True)[:2]
    w.add("intel:person", person_pk)
    w.add("intel:person", other_pk)
    _public_reports(client, w)
    sign_in(client, users["officer"])
    _intel_log(client, w, person_pk)
    sign_in(client, users["analyst"])
    _triage(client, w)
    _orders(client, w, person_pk)
    _safeguarding(client, w, person_pk)
    _bulk(client, w)
    _resolution_and_charts(client, w, person_pk, other_pk)
    sign_in(client, users["supervisor"])
    _risk_model(client, w)
    _partner(client, w, users["partner"])
    for event in Event.objects.filter(pk__in=list(w.ids.get("intel:event", ()))):
        w.add("governance:record", event.pk)

    samples = _sample_ids()
    problems, displayed, pages = [], set(), 0
    for who in ("supervisor", "analyst", "officer", "partner", "administrator", "anonymous"):
        client.logout()
        if who != "anonymous":
            sign_in(client, users[who])
        for url in _pages_for(who, w, samples):
            response = client.get(url)
            assert response.status_code < 500, f"{who} GET {url}: {response.status_code}"
            if "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            html = response.content.decode()
            problems += [f"{who} {url}: …{snippet}…" for snippet in unsafe_markup(html)]
            displayed |= {tag for tag in w.tags if shown_escaped(html, tag)}
    assert problems == [], "\n".join(problems[:20])
    # Coverage: the payloads were really displayed (escaped), not just filtered out on the way in.
    missing = {tag: where for tag, where in w.tags.items() if tag not in displayed}
    print(f"{len(w.tags)} fields filled, {len(displayed)} displayed escaped, {pages} pages scanned")
    print("not displayed on any page scanned:", missing)
    assert pages > 80
    assert len(displayed) >= len(w.tags) * 2 // 3, missing


def _reflected_urls(who: str) -> list[str]:
    samples = _sample_ids()
    capabilities = ROLE_CAPABILITIES[Role(who)] if who != "anonymous" else set()
    urls = []
    for name, pattern, view in get_patterns():
        capability = view.lantern_capability
        allowed = capability in ("public", "signed_in") or capability in capabilities
        if not allowed or (who == "anonymous" and capability != "public"):
            continue
        if name in ("web:health",):
            continue
        urls.append(fill(pattern, samples.get(name, "")))
    return urls


@pytest.mark.parametrize("who", ["supervisor", "partner", "anonymous"])
def test_reflected_xss_in_every_query_parameter_of_every_get_page(who, demo_world, client, users):
    from tests.governance.test_url_matrix import _partner_with_a_submission

    _partner_with_a_submission(users["partner"])
    if who != "anonymous":
        sign_in(client, users[who])
    problems, requests = [], 0
    for url in _reflected_urls(who):
        for payload in PAYLOADS:
            query = dict.fromkeys(QUERY_PARAMETERS, payload)
            response = client.get(url, query)
            requests += 1
            assert response.status_code < 500, f"{who} GET {url} with {payload!r}: {response.status_code}"
            if "html" in response.get("Content-Type", ""):
                problems += [f"{url} {payload!r}: …{s}…" for s in unsafe_markup(response.content.decode())]
            elif response.status_code == 200 and payload in (SCRIPT, IMG):
                # JSON and CSV are downloads, never rendered as a page: but they must say so.
                assert "html" not in response.get("Content-Type", "")
    assert problems == [], "\n".join(problems[:20])
    assert requests >= 4 * len(PAYLOADS)


def test_map_labels_carry_report_text_as_data_only(demo_world, client, users):
    """Map labels are text from reports and forms: they travel as JSON data and map.js shows them
    as text (tests/browser/test_map_labels.py checks the tooltip in Chromium); here, that the
    hostile text arrives intact and only inside the JSON, never as markup of the page itself."""
    w = World()
    person_pk = Person.objects.values_list("pk", flat=True).first()
    _public_reports(client, w)
    sign_in(client, users["analyst"])
    _orders(client, w, person_pk)
    report = IntelligenceReport.objects.filter(source_type="public").order_by("-recorded_at").first()
    pages = [f"/events/{report.pk}/", *(f"/orders/{pk}/" for pk in w.ids["orders:detail"])]
    pages += [f"/orders/alerts/{pk}/" for pk in w.ids["orders:alert"]]
    carried = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert unsafe_markup(response.content.decode()) == [], url
        carried += map_tooltip_markup(response.content.decode())
    assert carried, "the hostile text should reach the map labels (as data), or this test proves nothing"


def test_reflected_xss_in_search_shown_back_escaped(demo_world, client_for):
    client = client_for("analyst")
    for payload in PAYLOADS:
        response = client.get("/search/", {"q": payload, "purpose": "other", "purpose_other": payload})
        assert response.status_code == 200
        assert unsafe_markup(response.content.decode()) == []
    response = client.get("/search/", {"q": SCRIPT, "purpose": "investigation"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_reflected_xss_in_the_chart_node_error_is_escaped(demo_world, client_for):
    client = client_for("analyst")
    for payload in PAYLOADS:
        for url in ("/charts/", "/charts/data.json", "/charts/chart.csv"):
            response = client.get(url, {"node": payload})
            assert response.status_code in (200, 400)
            if "html" in response["Content-Type"]:
                assert unsafe_markup(response.content.decode()) == []
            else:
                assert "html" not in response["Content-Type"]


def test_the_sign_in_pages_do_not_reflect_next(db, client, users):
    for payload in [*PAYLOADS, 'x" onmouseover="alert(1)']:
        for url in ("/accounts/login/", "/accounts/two-factor/"):
            response = client.get(url, {"next": payload})
            if response.status_code == 200:
                assert unsafe_markup(response.content.decode()) == [], url
    client.force_login(users["analyst"])  # password only: the second step's page
    for payload in [*PAYLOADS, '/x" onmouseover="alert(1)', "javascript:alert(1)"]:
        response = client.get("/accounts/two-factor/", {"next": payload})
        assert response.status_code == 200
        assert unsafe_markup(response.content.decode()) == []


def test_a_verified_users_continue_link_never_carries_javascript(db, client, users):
    sign_in(client, users["analyst"])
    for payload in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "//evil.example"):
        response = client.get("/accounts/two-factor/", {"next": payload})
        html = response.content.decode()
        assert unsafe_markup(html) == []
        assert 'href="//evil' not in html


def test_payloads_in_a_date_never_run(demo_world, client_for):
    client = client_for("analyst")
    today = date.today().isoformat()
    response = client.get("/audit/", {"since": SCRIPT, "until": today})
    assert response.status_code in (200, 403)
