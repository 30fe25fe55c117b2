"""The framing API: terms, occurrences, counts by outlet, annotations CRUD; viewers read only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from narratives.models import Annotation, ApiToken, FramingCategory, FramingTerm

from .framing_factories import make_article, make_tag, make_term


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.for_user(user).key}")


def post(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def patch(client: Client, path: str, body: dict):
    return client.patch(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def corpus(db):
    a = make_article(["Troops launched an “anti-terrorist operation” against terrorist gangs."], outlet="State TV")
    b = make_article(["Protesters said terrorist gangs was a slur."], outlet="Wire")
    return a, b


def test_creating_a_term_makes_its_category_and_finds_it(alice, corpus):
    response = post(api(alice), "/api/terms", {"text": "terrorist gangs", "category": "delegitimisation"})
    assert response.status_code == 201
    body = response.json()
    assert (body["text"], body["category"], body["created_by"], body["occurrences"]) == (
        "terrorist gangs",
        "delegitimisation",
        "alice",
        2,
    )
    assert FramingCategory.objects.filter(name="delegitimisation").exists()


def test_a_term_already_in_its_category_is_a_conflict(alice, corpus):
    term = make_term("terrorist gangs", "delegitimisation")
    response = post(api(alice), "/api/terms", {"text": "Terrorist Gangs", "category": "Delegitimisation"})
    assert response.status_code == 409 and response.json()["id"] == term.pk


def test_a_term_without_words_is_refused(alice, corpus):
    assert post(api(alice), "/api/terms", {"text": "“”", "category": "x"}).status_code == 400


def test_text_the_database_cannot_store_is_refused_as_invalid(alice, corpus):
    for body in ({"text": "terrorist\x00gangs", "category": "x"}, {"text": "bandits", "category": "x\ud800"}):
        response = post(api(alice), "/api/terms", body)
        assert response.status_code == 422, response.content
    assert api(alice).get("/api/terms?category=x%00").status_code == 422
    assert not FramingTerm.objects.exists() and not FramingCategory.objects.exists()


def test_an_id_no_database_can_hold_is_refused_as_invalid(bob, corpus):
    response = api(bob).get(f"/api/annotations?article={2**70}")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "article"


def test_listing_terms_counts_a_term_without_occurrences_in_the_same_query(bob, corpus, django_assert_num_queries):
    make_term("bandits")
    make_term("terrorist gangs")
    client = api(bob)
    client.get("/api/terms")  # the token's user is looked up once per request either way
    with django_assert_num_queries(2):  # the token, then the terms with their counts
        terms = client.get("/api/terms").json()
    assert [(t["text"], t["occurrences"]) for t in terms] == [("bandits", 0), ("terrorist gangs", 2)]


def test_viewers_read_terms_but_cannot_create_them(bob, corpus):
    make_term("terrorist gangs")
    assert api(bob).get("/api/terms").json()[0]["text"] == "terrorist gangs"
    response = post(api(bob), "/api/terms", {"text": "bandits", "category": "x"})
    assert response.status_code == 403 and "Analysts only" in response.json()["detail"]
    assert api(bob).delete(f"/api/terms/{FramingTerm.objects.get().pk}").status_code == 403


def test_occurrences_follow_the_contract(bob, corpus):
    a, b = corpus
    term = make_term("terrorist gangs")
    body = api(bob).get(f"/api/terms/{term.pk}/occurrences").json()
    assert [(o["article"], o["outlet"], o["text"]) for o in body] == [
        (a.pk, "State TV", "terrorist gangs"),
        (b.pk, "Wire", "terrorist gangs"),
    ]
    for o, article in zip(body, (a, b)):
        assert article.text[o["start"] : o["end"]] == o["text"]
    assert len(api(bob).get(f"/api/terms/{term.pk}/occurrences?outlet=wire").json()) == 1
    assert api(bob).get("/api/terms/999/occurrences").status_code == 404


def test_terms_by_outlet_has_every_pair_with_its_rate(bob, corpus):
    make_term("anti-terrorist operation", "securitisation")
    rows = api(bob).get("/api/stats/terms-by-outlet").json()
    by_outlet = {r["outlet"]: r for r in rows}
    assert by_outlet["State TV"]["count"] == 1 and by_outlet["Wire"]["count"] == 0
    words = corpus[0].word_count
    assert by_outlet["State TV"]["per_10k_words"] == round(10_000 / words, 2)
    assert set(rows[0]) == {"term", "category", "outlet", "count", "words", "per_10k_words"}


def test_annotations_are_created_with_validated_offsets(alice, corpus):
    a, _ = corpus
    start = a.text.index("terrorist gangs")
    body = {
        "article": a.pk,
        "start": start,
        "end": start + 15,
        "text": "terrorist gangs",
        "term_text": "terrorist gangs",
        "category": "delegitimisation",
        "note": "Tokayev",
    }
    response = post(api(alice), "/api/annotations", body)
    assert response.status_code == 201
    created = response.json()
    assert (created["author"], created["term_text"], created["note"], created["outlet"]) == (
        "alice",
        "terrorist gangs",
        "Tokayev",
        "State TV",
    )
    wrong = post(api(alice), "/api/annotations", {**body, "text": "terrorist gang"})
    assert wrong.status_code == 400 and "reload it" in wrong.json()["detail"]


def test_annotations_need_a_term(alice, corpus):
    a, _ = corpus
    body = {"article": a.pk, "start": 0, "end": 6, "text": a.text[:6]}
    assert "term_text" in post(api(alice), "/api/annotations", body).json()["detail"]
    assert post(api(alice), "/api/annotations", {**body, "term": 999}).status_code == 400


def test_annotations_are_listed_filtered_read_changed_and_deleted(alice, carol, corpus):
    a, b = corpus
    term = make_term("terrorist gangs")
    mine = make_tag(a, "terrorist gangs", term, alice)
    make_tag(b, "terrorist gangs", term, carol)
    client = api(alice)
    assert [t["id"] for t in client.get(f"/api/annotations?article={a.pk}").json()] == [mine.pk]
    assert len(client.get("/api/annotations?author=carol").json()) == 1
    other = make_term("bandits", "delegitimisation")
    changed = patch(client, f"/api/annotations/{mine.pk}", {"term": other.pk, "note": "renamed"})
    assert (changed.json()["term_text"], changed.json()["note"]) == ("bandits", "renamed")
    assert client.get(f"/api/annotations/{mine.pk}").json()["text"] == "terrorist gangs"
    assert client.delete(f"/api/annotations/{mine.pk}").status_code == 204
    assert not Annotation.objects.filter(pk=mine.pk).exists()


def test_only_the_author_or_staff_change_a_tag_through_the_api(alice, bob, carol, corpus):
    tag = make_tag(corpus[0], "terrorist gangs", make_term("terrorist gangs"), carol)
    assert api(alice).delete(f"/api/annotations/{tag.pk}").status_code == 403
    assert api(bob).delete(f"/api/annotations/{tag.pk}").status_code == 403
    assert patch(api(bob), f"/api/annotations/{tag.pk}", {"note": "x"}).status_code == 403
    assert api(carol).delete(f"/api/annotations/{tag.pk}").status_code == 204


def test_the_api_needs_credentials(db):
    assert Client().get("/api/terms").status_code == 401


def test_the_schema_lists_the_framing_paths(bob):
    paths = api(bob).get("/api/openapi.json").json()["paths"]
    assert {"/api/terms", "/api/terms/{term_id}/occurrences", "/api/stats/terms-by-outlet", "/api/annotations"} <= set(
        paths
    )
