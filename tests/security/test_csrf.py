"""CSRF: every POST without a token is refused (403), and every post form the pages render carries one.

The partner API under /api/ authenticates by a bearer token, never by a cookie, so CSRF does not
apply to it; instead it must refuse any request (a signed-in browser's included) without a token.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lantern.governance.roles import ROLE_CAPABILITIES, Role
from tests.conftest import sign_in
from tests.governance.test_url_matrix import _partner_with_a_submission, _sample_ids
from tests.security.conftest import fill, get_patterns

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
DJANGO_POST_URLS = ["/accounts/login/", "/accounts/logout/", "/accounts/two-factor/", "/accounts/security/"]


def _every_url(samples) -> list[str]:
    return [fill(pattern, samples.get(name, "")) for name, pattern, _ in get_patterns()] + DJANGO_POST_URLS


def _csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        sign_in(client, user)
    return client


def _is_csrf_refusal(response) -> bool:
    return response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.parametrize("who", ["anonymous", "supervisor", "analyst", "partner"])
def test_every_post_without_a_token_is_refused(who, demo_world, users):
    _partner_with_a_submission(users["partner"])
    samples = _sample_ids()
    client = _csrf_client(None if who == "anonymous" else users[who])
    refused = []
    for url in _every_url(samples):
        response = client.post(url, {"action": "withdraw", "reason": "x", "title": "x"})
        assert _is_csrf_refusal(response), f"{who} POST {url} without a token: {response.status_code}"
        refused.append(url)
    assert len(refused) >= 60


def test_views_that_accept_post_are_refused_without_a_token_and_accepted_with_one(demo_world, users):
    """The 403 above is the CSRF check's: with a token each POST view answers (anything but 403/405)."""
    _partner_with_a_submission(users["partner"])
    samples = _sample_ids()
    accepting = []
    for url in _every_url(samples):
        client = _csrf_client(users["supervisor"])
        client.get("/report/")  # a page with a form: the CSRF cookie
        token = client.cookies.get("csrftoken")
        with_token = client.post(url, {"csrfmiddlewaretoken": token.value if token else ""})
        if with_token.status_code in (403, 405):
            continue
        accepting.append(url)
        without = _csrf_client(users["supervisor"]).post(url, {})
        assert _is_csrf_refusal(without), url
    print(f"{len(accepting)} URLs accept POST: {accepting}")
    assert len(accepting) >= 15


def _pages(who: str, samples) -> list[str]:
    capabilities = ROLE_CAPABILITIES[Role(who)] if who != "anonymous" else set()
    urls = []
    for name, pattern, view in get_patterns():
        capability = view.lantern_capability
        if who == "anonymous" and capability != "public":
            continue
        if capability not in ("public", "signed_in") and capability not in capabilities:
            continue
        urls.append(fill(pattern, samples.get(name, "")))
    if who == "anonymous":
        urls.append("/accounts/login/")
    else:
        urls.append("/accounts/security/")
    return urls


@pytest.mark.parametrize("who", ["anonymous", *[role.value for role in Role]])
def test_every_rendered_post_form_carries_a_csrf_token(who, demo_world, client, users):
    _partner_with_a_submission(users["partner"])
    if who != "anonymous":
        sign_in(client, users[who])
    samples = _sample_ids()
    forms, missing = 0, []
    for url in _pages(who, samples):
        response = client.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        for attributes, body in FORM.findall(response.content.decode()):
            if not re.search(r"method\s*=\s*[\"']?post", attributes, re.I):
                continue
            forms += 1
            if 'name="csrfmiddlewaretoken"' not in body:
                missing.append(f"{url}: <form{attributes}>")
    assert missing == [], "\n".join(missing)
    print(f"{who}: {forms} post forms checked")
    assert forms >= 1


def test_the_partner_api_needs_its_token_not_a_cookie(db, client, users):
    from lantern.intake.services.partners import member_add, organisation_ensure

    project = organisation_ensure(code="csrf-project", name="CSRF project")
    member_add(user=users["partner"], organisation=project)
    body = '{"incident_type": "threats", "occurred_at": "2026-01-01T22:00:00+00:00", "account": "x",'
    body += ' "share_with_police": false, "warn_others": false}'
    for who in ("anonymous", "partner", "supervisor"):
        api = Client(enforce_csrf_checks=True)
        if who != "anonymous":
            sign_in(api, users[who])
        for method, path in (
            ("post", "/api/safety-reports"),
            ("post", "/api/reports"),
            ("get", "/api/submissions"),
            ("get", "/api/alerts"),
            ("post", "/api/safety-reports/REF-1/withdraw-consent"),
        ):
            if method == "post":
                response = api.post(path, body, content_type="application/json")
            else:
                response = api.get(path)
            assert response.status_code == 401, f"{who} {method} {path}: {response.status_code}"
