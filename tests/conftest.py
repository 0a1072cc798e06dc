"""Shared fixtures: a user per role, and the small demo world filed into the test database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from lantern.governance.roles import Role

# No timing thresholds in tests (2 noisy cores): no per-example deadline. CI replays a fixed set of
# examples so a submission's result does not depend on luck; locally every run explores anew.
hypothesis_settings.register_profile("lantern", deadline=None, print_blob=True)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("lantern"), derandomize=True
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "lantern")

# The test run keeps its own var/ (secret key, lake, truth) apart from a developer's demo.
os.environ.setdefault("LANTERN_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests sign users in many times; the production hasher's deliberate slowness is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    from lantern.governance.services import user_create_or_reset

    def _make(role: str, username: str | None = None):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user, password, _ = user_create_or_reset(username=username or f"test-{role}", role=role)
        user.plain_password = password
        # enrolled in two-factor sign-in, as every staff account is after its first sign-in
        user.totp_device, _ = TOTPDevice.objects.get_or_create(
            user=user, defaults={"name": "test", "confirmed": True}
        )
        return user

    return _make


def sign_in(client, user) -> None:
    """Sign ``user`` in with both factors (tests of the sign-in itself use the pages instead)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def current_code(user) -> str:
    """The six digits the user's authenticator app would show now."""
    from lantern.governance.two_factor import current_code as code

    return code(user)


@pytest.fixture
def users(make_user) -> dict[str, object]:
    return {role.value: make_user(role.value) for role in Role}


@pytest.fixture
def client_for(client, users):
    """A test client signed in as the named role."""

    def _client(role: str):
        sign_in(client, users[role])
        return client

    return _client


def _load_demo_world():
    from lantern.demo.load import WorldLoader
    from lantern.demo.world import build_world
    from lantern.demo.world_places import default_gazetteer_path
    from lantern.demo.world_vocab import BEHAVIOURS
    from lantern.intel.importers import import_postcodes
    from lantern.intel.services import Actor, behaviour_vocabulary_load

    actor = Actor(via="tests")
    import_postcodes(Path(default_gazetteer_path()), via="tests")
    behaviour_vocabulary_load(BEHAVIOURS, version="demo-1", actor=actor)
    world = build_world(seed=1, scale="small")
    WorldLoader(world, actor=actor).load()
    return world


@pytest.fixture(scope="session")
def demo_world_records():
    """The small demo world as records (built once; cheap to keep)."""
    from lantern.demo.world import build_world

    return build_world(seed=1, scale="small")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """File the small demo world once, right after the test database is created."""
    with django_db_blocker.unblock():
        _load_demo_world()


@pytest.fixture
def demo_world(db, demo_world_records):
    """The small demo world in the test database (filed again if a transactional test flushed it)."""
    from lantern.intel.models import Person

    if not Person.objects.exists():
        _load_demo_world()
    return demo_world_records


def pytest_collection_modifyitems(config, items):
    """Run tests that flush the database (live server, transactional) after the rest."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None
            or "transactional_db" in getattr(item, "fixturenames", ())
            or "live_server" in getattr(item, "fixturenames", ())
        )
    )
