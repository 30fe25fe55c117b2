"""Who may do what: every URL (from the resolver) and API operation (from the OpenAPI schema) × method ×
anonymous / viewer / analyst / staff, against one rule written once (``expected``).

The rule, from docs/ARCHITECTURE.md "Roles":
- anonymous: pages send to sign-in, the admin to its own sign-in, the API answers 401;
- viewer: reads what anyone signed in reads; every write is refused (403, or 405 where the method is
  not offered at all); pages that exist only to change things (upload, delete...) may refuse the read too;
- analyst: reads and writes everything but the admin (the admin sends non-staff to its sign-in);
- staff: everything.
A 400, 404, 409 or 422 counts as "the view judged the request on its merits": permission was granted.
Every request runs in a rolled-back savepoint, so a DELETE allowed for the analyst does not change what
the staff request sees next.
"""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings

from tests.security import surface
from tests.security.bodies import request_body
from tests.security.world import ROLE_OF_USER, world as world_fixture

world = world_fixture  # the shared World, by the name the tests ask for
pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "analyst", "staff")
PAGE_METHODS = ("GET", "POST")
# Sign-in and sign-out are for everyone; Django's admin has its own.
PUBLIC_NAMES = {"login", "logout", "admin:login", "admin:logout"}
# Signing out sends you to sign-in: that redirect is the success.
SIGN_OUT = {"logout", "admin:logout"}
# Admin pages a model's ModelAdmin deliberately refuses even to staff (read-only models).
ADMIN_ACTIONS = re.compile(r"_(add|change|delete)$")
# Pages whose only purpose is to change the corpus: a viewer may be refused the form as well.
EDITOR_WORDS = re.compile(r"upload|import|delete|confirm|reject|undo|link|tag|annotat|create|edit|resume|accept|new")


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if location.startswith(settings.LOGIN_URL):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin-login"
        return "ok"
    if status >= 500:
        return "error"
    return {401: "unauthorized", 403: "forbidden", 405: "not-allowed"}.get(status, "ok")


def expected_for_page(role: str, route: surface.Route, method: str) -> set[str]:
    writes = method != "GET"
    if route.name in SIGN_OUT:
        return {"ok", "not-allowed", "login", "admin-login"}
    if route.name in PUBLIC_NAMES:
        return {"ok", "not-allowed"}
    if route.is_admin:
        if role != "staff":
            return {"admin-login"}
        return {"ok", "not-allowed", "forbidden"} if ADMIN_ACTIONS.search(route.name or "") else {"ok", "not-allowed"}
    if role == "anonymous":
        return {"login"}
    if role == "viewer":
        if writes:
            return {"forbidden", "not-allowed"}
        editor_page = EDITOR_WORDS.search(f"{route.name} {route.pattern}") is not None
        return {"ok", "not-allowed", "forbidden"} if editor_page else {"ok", "not-allowed"}
    return {"ok", "not-allowed"}


def expected_for_api(role: str, op: surface.Operation) -> set[str]:
    if role == "anonymous":
        return {"unauthorized"}
    if role == "viewer" and op.is_write:
        return {"forbidden"}
    return {"ok"}


def fill_or_skip(route, world) -> str:
    try:
        return surface.fill(route, world)
    except surface.NoInstance as missing:
        # Only third-party admin models may be empty (django-tasks' results); ours are all in the world.
        assert route.is_admin and not (route.name or "").startswith("admin:narratives_"), str(missing)
        pytest.skip(str(missing))


def _request(client, path: str, method: str, world):
    with world.isolated():
        return client.get(path) if method == "GET" else client.generic(method, path)


# Django's own admin for its own models (users, groups, django-tasks' results) is Django's to test;
# the matrix keeps the admin's index, sign-in and every page of our models.
PAGE_ROUTES = [
    r for r in surface.page_routes(include_admin=True)
    if not r.is_admin or r.name in {"admin:index", "admin:login", "admin:logout", "admin:app_list"}
    or (r.name or "").startswith("admin:narratives_")
]  # fmt: skip


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_page_permissions_follow_the_rule(route, world, db):
    """The matrix row of one route, and CSRF: wherever a POST is accepted, it needs the token."""
    path = fill_or_skip(route, world)
    clients = {role: world.client(ROLE_OF_USER.get(role)) for role in ROLES}
    wrong = {}
    seen: dict[tuple[str, str], str] = {}
    for method in PAGE_METHODS:
        for role in ROLES:
            got = outcome(_request(clients[role], path, method, world))
            seen[(role, method)] = got
            if got not in expected_for_page(role, route, method):
                wrong[f"{role} {method} {path}"] = f"got {got}, expected one of {sorted(expected_for_page(role, route, method))}"
    # A read the analyst gets must read the same for the viewer unless the page is an editor's.
    if seen[("analyst", "GET")] == "ok" and seen[("viewer", "GET")] not in {"ok", "forbidden"}:
        wrong[f"viewer GET {path}"] = f"analyst reads it but viewer gets {seen[('viewer', 'GET')]}"
    editor = "staff" if route.is_admin else "analyst"
    if seen[(editor, "POST")] != "not-allowed" and route.name not in {"login", "admin:login"}:
        guarded = world.client(ROLE_OF_USER[editor], enforce_csrf=True)
        response = _request(guarded, path, "POST", world)
        if response.status_code != 403 or b"CSRF" not in response.content:
            wrong[f"{editor} POST {path} without CSRF token"] = f"answered {response.status_code}"
    assert not wrong, json.dumps(wrong, indent=1)


def test_matrix_covers_the_pages_we_know_of():
    """Guards the discovery itself: if the resolver walk broke, the matrix would pass on nothing."""
    names = {r.name for r in PAGE_ROUTES}
    assert {"login", "logout", "admin:index"} <= names
    assert len(PAGE_ROUTES) >= 10


API_OPERATIONS, SCHEMA_ERROR = surface.api_operations_or_error()


def test_openapi_schema_builds():
    assert SCHEMA_ERROR is None, f"the API schema cannot be built: {SCHEMA_ERROR!r}"


@pytest.mark.parametrize("op", API_OPERATIONS, ids=str)
def test_api_permissions_follow_the_rule(op, world, db):
    wrong = {}
    for role in ROLES:
        client = world.client(None)
        headers = world.bearer(ROLE_OF_USER[role]) if role != "anonymous" else {}
        path = surface.fill_operation(op, world)
        body = request_body(op, world)
        with world.isolated():
            if body is None:
                response = client.generic(op.method, path, **headers)
            elif body.multipart:
                response = client.post(path, body.data, **headers)
            else:
                response = client.generic(op.method, path, json.dumps(body.data), "application/json", **headers)
        got = outcome(response)
        if got not in expected_for_api(role, op):
            wrong[f"{role} {op.method} {path}"] = (
                f"got {response.status_code} {got}, expected {sorted(expected_for_api(role, op))}; "
                f"body sent {body and body.data!r}; answer {response.content[:300]!r}"
            )
    assert not wrong, json.dumps(wrong, indent=1)


def test_api_schema_lists_the_contract_endpoints():
    ops = {str(op) for op in API_OPERATIONS}
    missing = {
        "POST /api/articles",
        "GET /api/articles",
        "GET /api/articles/{id}",
        "DELETE /api/articles/{id}",
        "GET /api/compare",
        "POST /api/terms",
        "GET /api/terms",
        "GET /api/terms/{id}/occurrences",
        "GET /api/stats/terms-by-outlet",
    }
    # Path parameter names may differ ({article_id}); compare on the shape.
    shapes = {re.sub(r"\{\w+\}", "{}", o) for o in ops}
    assert not {re.sub(r"\{\w+\}", "{}", m) for m in missing} - shapes, sorted(ops)


# --- CSRF: every state-changing browser request needs the token ---------------------------------------


def test_post_with_csrf_token_is_accepted(world, db):
    """The control for the test above: the same client with the token gets past the check."""
    client = world.client("alice", enforce_csrf=True)
    client.get("/articles/")
    token = client.cookies["csrftoken"].value
    with world.isolated():
        response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_htmx_header_token_is_accepted(world, db):
    client = world.client("alice", enforce_csrf=True)
    client.get("/articles/")
    token = client.cookies["csrftoken"].value
    with world.isolated():
        response = client.post("/accounts/logout/", HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert response.status_code == 302


@pytest.mark.parametrize("op", [op for op in API_OPERATIONS if op.is_write], ids=str)
def test_api_write_with_session_but_without_csrf_is_refused(op, world, db):
    """A session cookie is ambient authority: without the CSRF token a cross-site form could use it."""
    client = world.client("alice", enforce_csrf=True)
    body = request_body(op, world)
    path = surface.fill_operation(op, world)
    with world.isolated():
        if body is not None and body.multipart:
            response = client.post(path, body.data)
        else:
            payload = json.dumps(body.data) if body is not None else ""
            response = client.generic(op.method, path, payload, "application/json")
    assert response.status_code == 403, f"{op} with a session and no CSRF token answered {response.status_code}"


def test_bearer_token_of_another_user_is_not_accepted_when_wrong(world, db):
    client = world.client(None)
    response = client.get("/api/articles", HTTP_AUTHORIZATION="Bearer " + world.tokens["alice"][:-1] + "x")
    assert response.status_code == 401
    response = client.get("/api/articles", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 401


# --- ownership: a tag is its author's (docs: "only they, or staff, change or remove it") -----------------


def test_another_analyst_cannot_change_or_remove_a_tag(world, db):
    tag = world.objects["annotation"]  # alice's
    dave = world.client("dave")
    page_edit = dave.post(f"/framing/tags/{tag.pk}/edit", {"term": "something else", "note": "overwritten"})
    page_delete = dave.post(f"/framing/tags/{tag.pk}/delete")
    api_patch = world.client(None).patch(
        f"/api/annotations/{tag.pk}", '{"note": "overwritten"}', "application/json", **world.bearer("dave")
    )
    api_delete = world.client(None).delete(f"/api/annotations/{tag.pk}", **world.bearer("dave"))
    assert [page_edit.status_code, page_delete.status_code, api_patch.status_code, api_delete.status_code] == [403] * 4
    tag.refresh_from_db()
    assert tag.note == "" and tag.author == world.users["alice"]


def test_the_author_and_staff_can_change_a_tag(world, db):
    tag = world.objects["annotation"]
    with world.isolated():
        mine = world.client(None).patch(
            f"/api/annotations/{tag.pk}", '{"note": "mine"}', "application/json", **world.bearer("alice")
        )
    with world.isolated():
        staff = world.client(None).delete(f"/api/annotations/{tag.pk}", **world.bearer("carol"))
    assert (mine.status_code, staff.status_code) == (200, 204)


def test_zz_matrix_size_is_recorded():
    """Runs last: writes the size of the matrix this module checked into docs/RELIABILITY.md."""
    from tests.security.figures import record

    record("roles", {
        "page_routes": len(PAGE_ROUTES),
        "api_operations": len(API_OPERATIONS),
        "roles": list(ROLES),
        "page_cells": len(PAGE_ROUTES) * len(ROLES) * len(PAGE_METHODS),
        "api_cells": len(API_OPERATIONS) * len(ROLES),
        "csrf_checks": "every route whose POST is accepted, plus every API write with a session",
    })
