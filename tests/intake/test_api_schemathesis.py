"""schemathesis generates requests from /api/schema and sends them through Django: no server errors.

It runs over the WSGI application against the real test database, with a real partner token.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from lantern.config.wsgi import application

# Fetching the schema touches no database, so it can be loaded when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    from lantern.intake.services.partners import organisation_ensure, token_issue

    project = organisation_ensure(code="fuzz-project", name="Fuzz project")
    return token_issue(organisation=project, name="fuzz")[1]


@schema.parametrize()
@settings(max_examples=30, suppress_health_check=list(HealthCheck), deadline=None)
def test_no_operation_answers_with_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
