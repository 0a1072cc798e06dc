"""The load test's simulated users (locust, library mode): one class per scenario.

Every staff user signs in once with a password (the server runs with LANTERN_REQUIRE_2FA=false)
and then loops over its pages with a short think time. Requests go to gunicorn over plain HTTP
on loopback with ``X-Forwarded-Proto: https``, as nginx sends them in production (TLS ends at
nginx), so production's secure cookies and HTTPS-only checks apply unchanged.
"""

from __future__ import annotations

import itertools
import random
import re
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from load_world import PASSWORD, USERS

# Filled by load.py before the runner starts: ids and query strings drawn from the load database.
SAMPLE: dict[str, list[str]] = {}
HEADERS = {"X-Forwarded-Proto": "https"}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_roles = itertools.cycle(["analyst", "officer", "supervisor"])


class _BehindTLSProxy(DefaultCookiePolicy):
    """Send the Secure session and CSRF cookies over the loopback hop, as nginx's upstream would."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class _Base(FastHttpUser):
    abstract = True
    wait_time = between(1, 5)  # a person reading a page before the next click (load.py --think)

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(_BehindTLSProxy())

    def _headers(self, path: str) -> dict[str, str]:
        # Django checks the Referer of an HTTPS POST against the host.
        return {**HEADERS, "Referer": f"https://{self.host.split('://', 1)[1]}{path}"}

    def get(self, path: str, name: str) -> None:
        # No redirects: a page that sends the user to sign in again must count as a failure,
        # not as a quick answer.
        with self.client.get(
            path, name=name, headers=HEADERS, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    def csrf_post(self, path: str, data: dict, name: str) -> None:
        page = self.client.get(path, name=f"{name} (GET)", headers=HEADERS)
        token = _CSRF.search(page.text or "")
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            path,
            data=data,
            name=name,
            headers=self._headers(path),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect, got {response.status_code}")


class _Staff(_Base):
    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.role = next(_roles)
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign in (GET)", headers=HEADERS)
        token = _CSRF.search(page.text or "")
        if token is None:  # the sign-in page itself failed (counted as such); try again next page
            return
        data = {"username": USERS[self.role], "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        with self.client.post(
            "/accounts/login/",
            data=data,
            name="sign in",
            headers=self._headers("/accounts/login/"),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in failed: {response.status_code}")


class Baseline(_Base):
    """A page that does no work: the server's floor under this load."""

    @task
    def health(self) -> None:
        self.get("/healthz", "healthz")


class PublicForm(_Base):
    """A member of the public opens the report form and sends a valid report."""

    @task(2)
    def form(self) -> None:
        self.get("/report/", "public form GET")

    @task(1)
    def send(self) -> None:
        report = {
            "what_happened": "Lots of different men calling at the flat above the shop at all hours.",
            "when_date": "2026-10-03",
            "when_time": "22:15",
            "address": f"Flat above {random.randint(1, 300)} Lincoln Road",
            "postcode": random.choice(SAMPLE["postcodes"]),
            "vehicles": random.choice(SAMPLE["plates"]),
            "phones": random.choice(SAMPLE["phones"]),
            "contact": "anonymous",
        }
        self.csrf_post("/report/", report, "public form POST")


class Search(_Staff):
    """Searches by name, plate, phone number and postcode, as an analyst types them."""

    def on_start(self) -> None:
        super().on_start()  # the purpose is asked once a session
        self.client.get("/search/?purpose=investigation", name="search purpose", headers=HEADERS)

    @task
    def name(self) -> None:
        self._search(random.choice(SAMPLE["names"]), "search name")

    @task
    def plate(self) -> None:
        self._search(random.choice(SAMPLE["plates"]), "search plate")

    @task
    def phone(self) -> None:
        self._search(random.choice(SAMPLE["phones"]), "search phone")

    @task
    def postcode(self) -> None:
        self._search(random.choice(SAMPLE["postcodes"]), "search postcode")

    def _search(self, query: str, name: str) -> None:
        self.get(f"/search/?{urlencode({'q': query})}", name)


class EntityPages(_Staff):
    """Person, vehicle and address pages of random existing entities."""

    @task(2)
    def person(self) -> None:
        self.get(f"/people/{random.choice(SAMPLE['persons'])}/", "person page")

    @task
    def vehicle(self) -> None:
        self.get(f"/vehicles/{random.choice(SAMPLE['vehicles'])}/", "vehicle page")

    @task
    def location(self) -> None:
        self.get(f"/locations/{random.choice(SAMPLE['locations'])}/", "address page")


class Queues(_Staff):
    """The queues staff work from: reports to triage, breach alerts, safeguarding tasks."""

    @task
    def triage(self) -> None:
        if self.role != "officer":  # officers do not triage
            self.get("/triage/", "triage queue")

    @task
    def alerts(self) -> None:
        self.get("/orders/alerts/", "alert queue")

    @task
    def safeguarding_tasks(self) -> None:
        self.get("/safeguarding/", "tasks")


class Dashboard(_Staff):
    """The home page: queues, whole-store counts and the area picture of the last twelve months."""

    @task
    def dashboard(self) -> None:
        self.get("/", "dashboard")


# Run in this order; the dashboard last, since a page that outlives gunicorn's timeout restarts
# the worker serving it.
SCENARIOS = {
    "baseline": Baseline,
    "public form": PublicForm,
    "search": Search,
    "entity pages": EntityPages,
    "queues": Queues,
    "dashboard": Dashboard,
}
