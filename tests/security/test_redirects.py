"""Open redirects: after sign-in (both steps) and sign-out, the browser is only ever sent to this site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import current_code

EVIL = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example/",
    "http://testserver.evil.example/",
    "/%2F%2Fevil.example",
    "\t//evil.example",
    "/\t/evil.example",
]


def _on_this_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        location.startswith("/")
        and not location.startswith("//")
        and not location.startswith("/\\")
        and "\\" not in location.split("?")[0]
        and parts.scheme == ""
        and parts.netloc == ""
        and not any(ch in location for ch in "\t\r\n")
    )


def _follow_to_the_end(client, response, limit: int = 6):
    """Follow our own redirects (never an external one) and return every Location seen."""
    seen = []
    while response.status_code in (301, 302, 303, 307, 308) and limit:
        location = response["Location"]
        seen.append(location)
        if not _on_this_site(location):
            break
        response = client.get(location)
        limit -= 1
    return seen, response


@pytest.mark.parametrize("target", EVIL)
def test_the_password_step_never_sends_the_browser_away(target, db, client, make_user):
    user = make_user("analyst", "redirect-analyst")
    response = client.post(
        f"/accounts/login/?next={target}",
        {"username": user.username, "password": user.plain_password, "next": target},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    seen, _ = _follow_to_the_end(client, response)
    assert all(_on_this_site(location) for location in seen), seen


@pytest.mark.parametrize("target", EVIL)
def test_the_one_time_code_step_never_sends_the_browser_away(target, db, client, make_user):
    user = make_user("officer", "redirect-officer")
    response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password})
    assert response.status_code == 302
    page = client.get(f"/accounts/two-factor/?next={target}")
    assert page.status_code == 200
    assert f'value="{target}"' not in page.content.decode() or _on_this_site(target)
    response = client.post(
        f"/accounts/two-factor/?next={target}", {"token": current_code(user), "next": target}
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert _on_this_site(response["Location"]), response["Location"]
    seen, final = _follow_to_the_end(client, response)
    assert all(_on_this_site(location) for location in seen), seen
    assert final.status_code in (200, 404)  # a local path that does not exist is still this site


@pytest.mark.parametrize("target", EVIL)
def test_a_signed_in_user_visiting_the_sign_in_page_is_not_sent_away(target, db, client, make_user):
    from tests.conftest import sign_in

    user = make_user("analyst", "redirect-signed-in")
    sign_in(client, user)
    response = client.get("/accounts/login/", {"next": target})
    assert response.status_code == 302
    assert _on_this_site(response["Location"]), response["Location"]
    page = client.get("/accounts/two-factor/", {"next": target})  # already verified: a Continue link
    html = page.content.decode()
    assert 'href="/"' in html or not _on_this_site(target)
    assert 'href="javascript:' not in html and 'href="//' not in html and 'href="http' not in html


@pytest.mark.parametrize("target", EVIL)
def test_sign_out_never_sends_the_browser_away(target, db, client, make_user):
    from tests.conftest import sign_in

    sign_in(client, make_user("analyst", "redirect-sign-out"))
    response = client.post("/accounts/logout/", {"next": target})
    if response.status_code == 302:
        assert _on_this_site(response["Location"]), response["Location"]
    else:
        assert response.status_code == 200


def test_a_page_asked_for_before_sign_in_is_where_the_user_lands(db, client, make_user):
    """The safe case still works: a local next is honoured through both steps."""
    user = make_user("analyst", "redirect-local")
    response = client.post(
        "/accounts/login/?next=/orders/",
        {"username": user.username, "password": user.plain_password, "next": "/orders/"},
    )
    seen, _ = _follow_to_the_end(client, response)
    assert any(location.startswith("/accounts/two-factor/") for location in seen), seen
    two_factor = next(location for location in seen if location.startswith("/accounts/two-factor/"))
    response = client.post(two_factor, {"token": current_code(user), "next": "/orders/"})
    assert response["Location"] == "/orders/"
