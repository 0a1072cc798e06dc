"""Staff sign in with a password and a one-time code; repeated failures lock the door; a user can end
every other session; after sign-in nobody is sent to another site."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.governance.models import AuditEntry
from tests.conftest import current_code, sign_in


def _password_only(client: Client, user) -> Client:
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": user.plain_password}
        ).status_code
        == 302
    )
    return client


def test_a_password_alone_does_not_open_any_staff_page(demo_world, make_user, client):
    officer = make_user("officer", "pc-2fa")
    _password_only(client, officer)
    for url in ("/", "/search/", "/risk/priorities/", "/orders/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/two-factor/" in response["Location"] or "/login/" in response["Location"], url


def test_the_code_from_the_app_opens_the_page_asked_for(demo_world, make_user, client):
    officer = make_user("officer", "pc-2fa-code")
    _password_only(client, officer)
    asked = client.get("/risk/priorities/")["Location"]
    assert asked == "/accounts/two-factor/?next=%2Frisk%2Fpriorities%2F"
    wrong = client.post(asked, {"token": "12345x", "next": "/risk/priorities/"})
    assert "That code did not match" in wrong.content.decode()
    # each wrong code makes the next try wait longer (django-otp's throttle)
    assert (
        "Too many wrong codes: wait" in client.post(asked, {"token": current_code(officer)}).content.decode()
    )
    TOTPDevice.objects.get(user=officer).throttle_reset()  # ...as time would
    right = client.post(asked, {"token": current_code(officer), "next": "/risk/priorities/"})
    assert right.status_code == 302 and right["Location"] == "/risk/priorities/"
    assert client.get("/risk/priorities/").status_code == 200
    summaries = set(AuditEntry.objects.filter(object_id=str(officer.pk)).values_list("summary", flat=True))
    assert {"second factor: wrong code", "second factor verified"} <= summaries


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_no_redirect_to_another_site_after_sign_in(demo_world, make_user, client, target):
    officer = make_user("officer", "pc-2fa-redirect")
    _password_only(client, officer)
    response = client.post("/accounts/two-factor/", {"token": current_code(officer), "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    login = Client().post(
        f"/accounts/login/?next={target}", {"username": officer.username, "password": officer.plain_password}
    )
    assert login["Location"].startswith("/")


def test_a_first_sign_in_enrols_an_authenticator(demo_world, make_user, client):
    analyst = make_user("analyst", "an-enrol")
    TOTPDevice.objects.filter(user=analyst).delete()
    _password_only(client, analyst)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Set up your authenticator app" in page and "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=analyst)
    assert not device.confirmed
    from django_otp.oath import totp

    client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed and client.get("/").status_code == 200


def test_partners_sign_in_with_a_password(demo_world, make_user, client):
    from lantern.intake.services.partners import member_add, organisation_ensure

    partner = make_user("partner", "partner-2fa")
    member_add(user=partner, organisation=organisation_ensure(code="2fa-project", name="2FA project"))
    _password_only(client, partner)
    assert client.get("/partner/").status_code == 200


def test_repeated_failures_lock_the_account_out(demo_world, make_user, client, settings):
    officer = make_user("officer", "pc-locked")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": officer.username, "password": "wrong password!"})
    locked = client.post(
        "/accounts/login/", {"username": officer.username, "password": officer.plain_password}
    )
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_everywhere_ends_the_other_sessions(demo_world, make_user):
    officer = make_user("officer", "pc-everywhere")
    laptop, lost_phone = Client(), Client()
    sign_in(laptop, officer)
    sign_in(lost_phone, officer)
    assert lost_phone.get("/").status_code == 200
    page = laptop.post("/accounts/security/", {"action": "sign_out_everywhere"}, follow=True).content.decode()
    assert "Signed out of 1 other session(s)" in page
    assert lost_phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_demo_code_prints_a_demo_accounts_code_and_nothing_else(demo_world, make_user, settings):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    officer = make_user("officer", "demo-officer")
    out = StringIO()
    call_command("demo_code", "demo-officer", stdout=out)
    assert out.getvalue().strip() == current_code(officer)
    with pytest.raises(CommandError):
        call_command("demo_code", "pc-someone-real")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_code", "demo-officer")
