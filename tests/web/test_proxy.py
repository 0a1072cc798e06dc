"""Behind nginx the client's address comes from X-Real-IP, and only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import path

from lantern.governance.access import public


@public
def _address(request):
    return HttpResponse(request.META["REMOTE_ADDR"], content_type="text/plain")


urlpatterns = [path("address/", _address)]
pytestmark = pytest.mark.urls("tests.web.test_proxy")


def _seen(client, **headers) -> str:
    return client.get("/address/", headers=headers).content.decode()


def test_the_proxys_real_ip_is_the_client_address(client, settings):
    settings.LANTERN_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert _seen(client, X_Real_IP="203.0.113.9") == "203.0.113.9"
    assert _seen(client, X_Real_IP="2001:db8::7") == "2001:db8::7"


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    settings.LANTERN_TRUSTED_PROXIES = []  # the embedded default: nobody's header is believed
    assert _seen(client, X_Real_IP="203.0.113.9") == "127.0.0.1"


def test_from_an_untrusted_address_the_header_is_ignored(client, settings):
    settings.LANTERN_TRUSTED_PROXIES = ["10.0.0.5"]
    assert _seen(client, X_Real_IP="203.0.113.9") == "127.0.0.1"


def test_a_header_that_is_not_an_address_is_ignored(client, settings):
    settings.LANTERN_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _seen(client, X_Real_IP="203.0.113.9, 10.0.0.1") == "127.0.0.1"
