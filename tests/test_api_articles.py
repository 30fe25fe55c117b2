"""The articles API: bearer-token auth, create (JSON or a file), list, read, delete; answers match the schema."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from narratives.models import ApiToken, Article
from tests.matching_support import make_article

CURFEW = "Valmora lifts curfew in Seren\n\nThe curfew in Seren was lifted on Saturday, a week after the protests began."
PAGE = """<html><head><title>Troops arrive</title></head><body><article><h1>Regional pact sends troops</h1>
<p>The pact said on Wednesday it had sent about 2,500 troops to Valmora after the president asked for help.</p>
<p>Critics said the deployment was a pretext for using foreign soldiers against the protesters.</p>
</article></body></html>"""


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.for_user(user).key}")


@pytest.fixture
def alice_api(alice) -> Client:
    return bearer(alice)


@pytest.fixture
def bob_api(bob) -> Client:
    return bearer(bob)


@pytest.fixture(scope="module")
def spec(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return Client().get("/api/openapi.json").json()


def assert_matches_schema(spec: dict, path: str, method: str, response) -> dict:
    """The response body validates against what the OpenAPI schema promises for its status code."""
    operation = spec["paths"][path][method]
    body = response.json()
    promised = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    OAS31Validator({**spec, **promised}).validate(body)  # $refs resolve against the whole document
    return body


def post_json(client: Client, payload) -> object:
    return client.post("/api/articles", json.dumps(payload), content_type="application/json")


def test_openapi_schema_is_valid(spec):
    validate_spec(spec)
    assert {"post", "get"} <= set(spec["paths"]["/api/articles"])
    assert {"get", "delete"} <= set(spec["paths"]["/api/articles/{article_id}"])


# --- create ------------------------------------------------------------------------------------


def test_create_from_text_returns_the_article_with_exact_segments(alice_api, spec):
    response = post_json(alice_api, {"outlet": "The Seren Ledger", "text": CURFEW, "published": "2025-03-08"})
    assert response.status_code == 201
    body = assert_matches_schema(spec, "/api/articles", "post", response)
    assert body["title"] == "Valmora lifts curfew in Seren"
    assert (body["outlet"], body["published"]) == ("The Seren Ledger", "2025-03-08")
    assert body["segments"] and all(body["text"][s["start"] : s["end"]] == s["text"] for s in body["segments"])
    assert Article.objects.get(pk=body["id"]).uploaded_by.username == "alice"


def test_create_from_html_keeps_the_main_text(alice_api, spec):
    response = post_json(
        alice_api, {"outlet": "Meridian Press Agency", "html": PAGE, "url": "https://meridianpress.example/t"}
    )
    assert response.status_code == 201, response.content
    body = assert_matches_schema(spec, "/api/articles", "post", response)
    assert "2,500 troops" in body["text"] and "<p>" not in body["text"]
    assert body["url"] == "https://meridianpress.example/t"


def test_create_says_what_ingest_noticed_in_warnings(alice_api, spec):
    response = post_json(alice_api, {"outlet": "The Seren Ledger", "text": CURFEW, "url": "seren-ledger/curfew"})
    assert response.status_code == 201
    body = assert_matches_schema(spec, "/api/articles", "post", response)
    assert body["url"] == "" and any("seren-ledger/curfew" in w for w in body["warnings"]), body["warnings"]
    clean = post_json(alice_api, {"outlet": "The Seren Ledger", "text": "Ships came in at dawn on Monday."})
    assert clean.json()["warnings"] == []


def test_create_from_an_uploaded_file(alice_api, spec):
    upload = SimpleUploadedFile("curfew.txt", CURFEW.encode(), content_type="text/plain")
    response = alice_api.post("/api/articles", {"file": upload, "outlet": "The Seren Ledger"})
    assert response.status_code == 201
    body = assert_matches_schema(spec, "/api/articles", "post", response)
    assert Article.objects.get(pk=body["id"]).original_filename == "curfew.txt"


def test_the_same_text_twice_is_409_naming_the_first(alice_api, spec):
    first = post_json(alice_api, {"outlet": "The Seren Ledger", "text": CURFEW}).json()
    response = post_json(alice_api, {"outlet": "The Seren Ledger", "text": CURFEW})
    assert response.status_code == 409
    body = assert_matches_schema(spec, "/api/articles", "post", response)
    assert body["duplicate_of"] == first["id"] and "Valmora lifts curfew" in body["detail"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"text": CURFEW}, "outlet"),
        ({"outlet": "   ", "text": CURFEW}, "outlet"),
        ({"outlet": "X"}, "send either 'text' or 'html'"),
        ({"outlet": "X", "text": CURFEW, "html": PAGE}, "send either 'text' or 'html'"),
        ({"outlet": "X", "text": CURFEW, "published": "last Tuesday"}, "published"),
        ({"outlet": "X", "text": "   "}, "send either 'text' or 'html'"),
        ([1, 2], "body"),
    ],
)
def test_bad_json_input_is_400_with_a_message(alice_api, spec, payload, says):
    response = post_json(alice_api, payload)
    assert response.status_code == 400
    assert says in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]
    assert not Article.objects.exists()


def test_a_body_that_is_not_json_is_400(alice_api, spec):
    response = alice_api.post("/api/articles", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]


def test_an_unreadable_file_is_400_naming_it(alice_api, spec):
    upload = SimpleUploadedFile("garbage.pdf", b"%PDF-1.4 this is not really a pdf", content_type="application/pdf")
    response = alice_api.post("/api/articles", {"file": upload, "outlet": "X"})
    assert response.status_code == 400
    assert "garbage.pdf" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]


def test_a_zip_is_refused_as_more_than_one_article(alice_api, spec):
    upload = SimpleUploadedFile("bundle.zip", b"PK\x05\x06" + b"\0" * 18, content_type="application/zip")
    response = alice_api.post("/api/articles", {"file": upload, "outlet": "X"})
    assert response.status_code == 400
    assert "one article per request" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]


def test_multipart_without_a_file_is_400(alice_api, spec):
    response = alice_api.post("/api/articles", {"outlet": "X"})
    assert response.status_code == 400
    assert "file" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]


def test_a_body_that_is_not_utf8_is_400(alice_api, spec):
    response = alice_api.post("/api/articles", b'{"outlet": "\xbb"}', content_type="application/json")
    assert response.status_code == 400
    assert "UTF-8" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]


def test_multipart_without_a_boundary_is_400(alice_api, spec):
    response = alice_api.post("/api/articles", b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "multipart" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]


def test_a_body_over_the_size_limit_is_413(alice_api, spec, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = post_json(alice_api, {"outlet": "X", "text": CURFEW * 20_000})
    assert response.status_code == 413
    assert "1 MB" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]
    assert not Article.objects.exists()


def test_an_outlet_the_database_cannot_store_is_400(alice_api, spec):
    upload = SimpleUploadedFile("curfew.txt", CURFEW.encode(), content_type="text/plain")
    answers = [
        post_json(alice_api, {"outlet": "Seren\x00Ledger", "text": CURFEW}),
        post_json(alice_api, {"outlet": "Seren \ud800", "text": CURFEW}),  # a lone surrogate: not UTF-8
        alice_api.post("/api/articles", {"file": upload, "outlet": "Seren\x00Ledger"}),
    ]
    for response in answers:
        assert response.status_code == 400, response.content
        assert "outlet" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]
    assert not Article.objects.exists()


# --- auth --------------------------------------------------------------------------------------


def test_viewer_may_not_create(bob_api, spec):
    response = post_json(bob_api, {"outlet": "X", "text": CURFEW})
    assert response.status_code == 403
    assert "Analysts only" in assert_matches_schema(spec, "/api/articles", "post", response)["detail"]
    assert not Article.objects.exists()


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}])
def test_no_or_wrong_token_is_401(db, headers):
    client = Client(**headers)
    assert client.get("/api/articles").status_code == 401
    assert client.post("/api/articles", "{}", content_type="application/json").status_code == 401


def test_token_of_an_inactive_user_is_refused(alice):
    client = bearer(alice)
    alice.is_active = False
    alice.save()
    assert client.get("/api/articles").status_code == 401


def api_token(username: str) -> str:
    out = StringIO()
    call_command("api_token", username, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()[-1]


def test_api_token_command_prints_a_working_token_alone_on_the_last_line(alice):
    token = api_token("alice")
    assert token == ApiToken.objects.get(user=alice).key and " " not in token
    assert api_token("alice") == token  # created once, then reused
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/articles").status_code == 200


def test_api_token_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        api_token("nobody")


def test_a_signed_in_session_works_too(bob_client):
    assert bob_client.get("/api/articles").status_code == 200


# --- read --------------------------------------------------------------------------------------


def test_list_filters_and_paginates(bob_api, spec):
    ledger = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard in the harbour."])
    Article.objects.filter(pk=ledger.pk).update(language="en", published="2025-03-04")
    for n in range(3):
        make_article("Meridian Press Agency", f"Wire report {n}", [f"Report number {n} on the fuel protests."])
    response = bob_api.get("/api/articles", {"limit": 2})
    body = assert_matches_schema(spec, "/api/articles", "get", response)
    assert body["count"] == 4 and len(body["items"]) == 2
    assert bob_api.get("/api/articles", {"limit": 2, "offset": 2}).json()["items"][1]["id"] not in {
        i["id"] for i in body["items"]
    }
    for query in ({"outlet": "The Seren Ledger"}, {"outlet": "the-seren-ledger"}, {"q": "harbour"}, {"language": "en"},
                  {"published_from": "2025-03-01", "published_to": "2025-03-31"}):  # fmt: skip
        found = bob_api.get("/api/articles", query).json()
        assert [item["id"] for item in found["items"]] == [ledger.pk], query


def test_list_reads_the_outlet_name_ignoring_case_and_the_query_as_the_page_does(bob_api, spec):
    make_article("The Seren Ledger", "Harbour row", ["The minister’s office said no."])
    listed = bob_api.get("/api/articles", {"outlet": "the seren ledger", "q": "minister's office"}).json()
    assert [a["title"] for a in listed["items"]] == ["Harbour row"]


def test_list_refuses_a_date_range_that_ends_before_it_starts(bob_api, spec):
    response = bob_api.get("/api/articles", {"published_from": "2025-03-09", "published_to": "2025-03-01"})
    assert response.status_code == 422 and "published_to is before published_from" in response.content.decode()


def test_read_one_article_with_its_segments(bob_api, spec):
    article = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard. Troops arrived."])
    response = bob_api.get(f"/api/articles/{article.pk}")
    body = assert_matches_schema(spec, "/api/articles/{article_id}", "get", response)
    assert set(body) >= {"id", "title", "outlet", "published", "language", "text", "segments"}
    assert [s["kind"] for s in body["segments"]] == ["title", "sentence", "sentence"]
    assert all(body["text"][s["start"] : s["end"]] == s["text"] for s in body["segments"])


def test_a_missing_article_is_404(bob_api, spec):
    response = bob_api.get("/api/articles/999999")
    assert response.status_code == 404
    assert_matches_schema(spec, "/api/articles/{article_id}", "get", response)


# --- delete ------------------------------------------------------------------------------------


def test_analyst_deletes_an_article(alice_api):
    article = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    response = alice_api.delete(f"/api/articles/{article.pk}")
    assert response.status_code == 204
    assert not Article.objects.filter(pk=article.pk).exists()
    assert alice_api.delete(f"/api/articles/{article.pk}").status_code == 404


def test_viewer_may_not_delete(bob_api, spec):
    article = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    response = bob_api.delete(f"/api/articles/{article.pk}")
    assert response.status_code == 403
    assert_matches_schema(spec, "/api/articles/{article_id}", "delete", response)
    assert Article.objects.filter(pk=article.pk).exists()
