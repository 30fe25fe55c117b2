"""schemathesis against /api/openapi.json: generated requests to every operation, as an analyst with a token.

Checks: no 5xx, every status code and content type is one the schema documents, and every documented
body matches its schema. Schemathesis's coverage phase sends the edge cases (missing and wrong-typed
parameters, huge ids, NUL characters, odd content types) whatever the number of examples; the fuzzing
examples per operation are few (``EXAMPLES``) so CI stays fast; raise it locally
(``NARRATIVES_SCHEMATHESIS_EXAMPLES=200``) for a deeper run. The app is called in-process through WSGI,
so the test database and the shared World are what it sees.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

try:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )
except ImportError:  # pragma: no cover - the lead adds schemathesis to the test extras
    pytest.fail("schemathesis is not installed: pip install schemathesis==4.32.5", pytrace=False)

from tests.security.world import world as world_fixture

world = world_fixture  # the shared World, by the name the tests ask for
pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("NARRATIVES_SCHEMATHESIS_EXAMPLES", "25"))
# Every operation documents 401, 422 and 503 (narratives/api/errors.py), so the status check is on too.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load_schema():
    # Served by the app itself through WSGI: the schema is what a client downloads, not a copy.
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


schema = _load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Called through WSGI, each request would close the database connection when it finishes (as in
    production); on PostgreSQL that ends the test's transaction. Django's test client disconnects the
    same two signals for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, world, db):
    case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens['alice']}"}, checks=CHECKS)


def test_schema_is_served_and_names_bearer_auth(world, db, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, response.content[:500]
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    schemes = spec.get("components", {}).get("securitySchemes", {})
    assert any(s.get("scheme") == "bearer" for s in schemes.values()), schemes


def test_zz_schema_run_is_recorded():
    from tests.security import surface
    from tests.security.figures import record

    operations = surface.api_operations()
    record("schemathesis", {
        "operations": len(operations),
        "max_examples_per_operation": EXAMPLES,
        "checks": [check.__name__ for check in CHECKS],
    })
    assert operations
