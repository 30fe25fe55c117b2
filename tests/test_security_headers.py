"""Security headers and production settings.

In-process tests read the headers on every page the URL resolver knows (development settings: what
CSP, framing, referrer and sniffing say does not depend on DEBUG). The production half runs in a
subprocess with ``DJANGO_DEBUG=0`` and the production variables, because those settings are decided
when the settings module is imported: ``manage.py check --deploy`` must be clean, HSTS must be sent
behind a TLS proxy (``X-Forwarded-Proto: https``), plain HTTP must be redirected and cookies secure.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security import surface
from tests.security.world import world as world_fixture

world = world_fixture  # the shared World, by the name the tests ask for
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STRICT_REFERRER = {"no-referrer", "same-origin"}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def csp_problems(header: str | None) -> list[str]:
    """What is wrong with a Content-Security-Policy for a site that shows hostile HTML."""
    if not header:
        return ["no Content-Security-Policy header"]
    csp = parse_csp(header)
    problems = []
    script = csp.get("script-src", csp.get("default-src"))
    if script is None:
        problems.append("neither script-src nor default-src")
    else:
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "data:", "*", "http:", "https:", "blob:"):
            if bad in script:
                problems.append(f"script-src allows {bad}")
    style = csp.get("style-src", csp.get("default-src", []))
    if "'unsafe-inline'" in style:
        problems.append("style-src allows 'unsafe-inline'")
    expected = {"object-src": ["'none'"], "base-uri": ["'none'"], "frame-ancestors": ["'none'"]}
    for directive, value in expected.items():
        if csp.get(directive) != value:
            problems.append(f"{directive} is {csp.get(directive)}, expected {value}")
    if "'self'" not in csp.get("form-action", []) or len(csp.get("form-action", [])) != 1:
        problems.append(f"form-action is {csp.get('form-action')}, expected only 'self'")
    if csp.get("default-src") != ["'self'"]:
        problems.append(f"default-src is {csp.get('default-src')}, expected 'self'")
    return problems


def header_problems(response) -> list[str]:
    problems = csp_problems(response.headers.get("Content-Security-Policy"))
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in STRICT_REFERRER:
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append("no Cross-Origin-Opener-Policy: same-origin")
    return problems


def test_csp_check_itself_rejects_weak_policies():
    assert csp_problems("default-src 'self'; script-src 'self' 'unsafe-inline'")
    assert csp_problems("default-src *")
    assert csp_problems(None)
    assert not csp_problems(
        "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


def test_every_page_sends_the_security_headers(world, db):
    """Every URL the resolver knows, as staff (who may see them all), and as anonymous."""
    failures = {}
    checked = 0
    for route in surface.page_routes(include_admin=True):
        try:
            path = surface.fill(route, world)
        except surface.NoInstance:
            continue  # an empty third-party admin model
        for who in ("carol", None):
            response = world.client(who).get(path)
            if 300 <= response.status_code < 400:
                continue  # a redirect renders nothing: the page it leads to is checked itself
            checked += 1
            problems = header_problems(response)
            if problems:
                failures[f"{who or 'anonymous'} GET {path} → {response.status_code}"] = problems
    assert checked >= 2
    assert not failures, json.dumps(failures, indent=1)


def test_error_and_api_responses_send_the_security_headers(world, db, client):
    responses = {
        "404 page": world.client("carol").get("/no-such-page-here/"),
        "API 401": client.get("/api/articles"),
        "API schema": world.client("bob").get("/api/openapi.json"),
        "login": client.get("/accounts/login/"),
    }
    failures = {name: header_problems(r) for name, r in responses.items() if header_problems(r)}
    assert not failures, failures


def test_early_answers_send_the_security_headers(world, db, client):
    """Answers the middleware gives before any view runs: the sign-in redirect, the 503 page, a CSRF refusal."""
    from django.db import OperationalError, connection
    from django.test import Client

    def lost(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    signed_in = world.client("carol")
    with connection.execute_wrapper(lost):
        unavailable = signed_in.get("/articles/")
    responses = {
        "sign-in redirect": client.get("/articles/"),
        "503 page": unavailable,
        "CSRF refusal": Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"}),
    }
    assert [r.status_code for r in responses.values()] == [302, 503, 403]
    failures = {name: header_problems(r) for name, r in responses.items() if header_problems(r)}
    assert not failures, failures


def test_session_and_csrf_cookies_are_http_only_and_same_site(world, db, client):
    response = client.get("/accounts/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post("/accounts/login/", {"username": "alice", "password": world.password})
    assert response.status_code == 302, "alice could not sign in"
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# --- production settings, in a subprocess -----------------------------------------------------------

PROBE = r"""
import json, os, django
from django.core.management import call_command
django.setup()
call_command("migrate", verbosity=0, interactive=False)
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_user("probe", password="a long probe password 42")
c = Client(HTTP_HOST="narratives.example.org")
plain = c.get("/accounts/login/")
tls = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
login = c.post("/accounts/login/", {"username": "probe", "password": "a long probe password 42"},
               HTTP_X_FORWARDED_PROTO="https")
def cookie(resp, name):
    m = resp.cookies.get(name)
    return None if m is None else {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
print(json.dumps({
    "debug": settings.DEBUG,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "tls_status": tls.status_code,
    "hsts": tls.headers.get("Strict-Transport-Security"),
    "hsts_on_plain": plain.headers.get("Strict-Transport-Security"),
    "csp": tls.headers.get("Content-Security-Policy"),
    "csrf_cookie": cookie(tls, "csrftoken"),
    "login_status": login.status_code,
    "session_cookie": cookie(login, "sessionid"),
}))
"""


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "NARRATIVES_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="narratives.example.org",
        DJANGO_SETTINGS_MODULE="narratives.settings",
        NARRATIVES_VAR_DIR=str(tmp_path),
        # Its own throwaway SQLite file: the production checks do not depend on the database engine.
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    return env


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("production")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production):
    assert production["debug"] is False
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://narratives.example.org/")


def test_production_sends_hsts_behind_a_tls_proxy(production):
    assert production["tls_status"] == 200
    hsts = production["hsts"] or ""
    max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
    assert max_age >= 31536000, hsts
    assert "includeSubDomains" in hsts
    assert not production["hsts_on_plain"], "HSTS must only be sent over TLS"
    assert not csp_problems(production["csp"])


def test_production_cookies_are_secure(production):
    assert production["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["login_status"] == 302
    assert production["session_cookie"]["secure"] is True
    assert production["session_cookie"]["httponly"] is True
