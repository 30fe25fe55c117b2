"""Who may use the corpus, upload and admin pages: every URL here × anonymous / viewer / analyst / staff.

Anonymous users are sent to sign-in; viewers read but are refused (403) anything that changes the
corpus, including the pages that exist only to do so; analysts and staff may do everything here. A
400 for an empty form counts as "allowed": the view judged the request on its merits.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from narratives.models import IngestBatch
from tests.conftest import client_for
from tests.matching_support import make_article

READ, EDIT = "read", "edit"
# name, method, who may: READ = anyone signed in, EDIT = analysts and staff.
PAGES = [
    ("article_list", "GET", READ),
    ("article_detail", "GET", READ),
    ("article_original", "GET", READ),
    ("compare_selection", "GET", READ),
    ("outlet_list", "GET", READ),
    ("outlet_detail", "GET", READ),
    ("upload", "GET", EDIT),
    ("upload_batch", "GET", EDIT),
    ("upload_paste", "POST", EDIT),
    ("upload_files", "POST", EDIT),
    ("upload_batch_resume", "POST", EDIT),
    ("article_delete", "POST", EDIT),
]
ROLES = ("anonymous", "viewer", "analyst", "staff")


USER_OF_ROLE = {"viewer": "bob", "analyst": "alice", "staff": "carol"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Hashing the named users' passwords properly costs ~0.5 s each; these tests only force_login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clients(alice, bob, carol) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        **{role: client_for(user) for role, user in zip(USER_OF_ROLE, (bob, alice, carol), strict=True)},
    }


@pytest.fixture
def url_for(alice):
    article = make_article("Meridian Press Agency", "Protests spread", ["Protests spread on Monday."])
    batch = IngestBatch.objects.create(created_by=alice)
    args = {
        "article_detail": [article.pk],
        "article_original": [article.pk],
        "article_delete": [article.pk],
        "outlet_detail": [article.outlet.slug],
        "upload_batch": [batch.pk],
        "upload_batch_resume": [batch.pk],
    }
    return lambda name: reverse(name, args=args.get(name, []))


def expected(role: str, who_may: str) -> str:
    if role == "anonymous":
        return "login"
    if who_may == EDIT and role == "viewer":
        return "forbidden"
    return "allowed"


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    assert response.status_code in (200, 302, 400), response.status_code
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_page_permissions(clients, url_for, role):
    client = clients[role]
    seen, wanted = {}, {}
    for name, method, who_may in PAGES:
        url = url_for(name)
        seen[name] = outcome(client.get(url) if method == "GET" else client.post(url))
        wanted[name] = expected(role, who_may)
    assert seen == wanted


@pytest.mark.parametrize("role", ("viewer", "analyst"))
def test_pages_refuse_the_other_method(clients, url_for, role):
    client = clients[role]
    statuses = {}
    for name, method, _ in PAGES:
        url = url_for(name)
        statuses[name] = (client.post(url) if method == "GET" else client.get(url)).status_code
    assert {name: status in (403, 405) for name, status in statuses.items()} == {name: True for name, _, _ in PAGES}


@pytest.mark.parametrize("role", ("viewer", "analyst"))
def test_htmx_partials_are_checked_like_full_pages(clients, url_for, role):
    response = clients[role].get(url_for("upload_batch"), HTTP_HX_REQUEST="true")
    assert response.status_code == (403 if role == "viewer" else 200)


def test_viewer_cannot_delete_an_article(clients, url_for):
    response = clients["viewer"].post(url_for("article_delete"), {"confirm": "on"})
    assert response.status_code == 403
    assert clients["viewer"].get(url_for("article_detail")).status_code == 200


ADMIN_PAGES = [
    "admin:narratives_article_changelist",
    "admin:narratives_article_import",
    "admin:narratives_outlet_changelist",
    "admin:narratives_ingestbatch_changelist",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_reach_the_corpus_admin(clients, role):
    outcomes = {}
    for name in ADMIN_PAGES:
        response = clients[role].get(reverse(name))
        outcomes[name] = (
            "admin-login"
            if response.status_code == 302 and response["Location"].startswith("/admin/login/")
            else response.status_code
        )
    assert outcomes == {name: 200 if role == "staff" else "admin-login" for name in ADMIN_PAGES}


def test_navigation_hides_upload_from_viewers(clients):
    assert b'href="/upload/"' not in clients["viewer"].get(reverse("article_list")).content
    assert b'href="/upload/"' in clients["analyst"].get(reverse("article_list")).content
