"""Acceptance on the two seed articles, ingested by the real pipeline: tag in one, find in the other."""

from __future__ import annotations

import pytest

from narratives.framing import snapshots, stats
from narratives.ingest.pipeline import ingest_paths
from narratives.models import Annotation, Occurrence


HTMX = {"HX-Request": "true"}


@pytest.fixture
def seeds(db, seed_paths, monkeypatch, django_capture_on_commit_callbacks):
    """The 000 seed as "Outlet 000", the 004 seed as "Outlet 004"; no embedding (matching is not tested here)."""
    monkeypatch.setattr("narratives.matching.index.embed_article", lambda article: 0)
    articles = []
    with django_capture_on_commit_callbacks(execute=True):
        for path in seed_paths[:2]:
            [result] = ingest_paths([path], outlet=f"Outlet {path.name[:3]}")
            assert result.article is not None, result.error
            articles.append(result.article)
    return articles


def tag(client, article, phrase: str, category: str):
    start = article.clean_text.index(phrase)
    data = {"start": start, "end": start + len(phrase), "text": phrase, "term": phrase, "new_category": category}
    response = client.post(f"/framing/articles/{article.pk}/tags", data, headers=HTMX)
    assert response.status_code == 200 and "✓ Tagged" in response.content.decode()


def test_terms_tagged_in_one_seed_are_found_in_the_other(alice, alice_client, seeds):
    first, second = seeds
    tag(alice_client, first, "peacekeeping", "euphemism")
    tag(alice_client, first, "terrorist gangs", "delegitimisation")
    assert Annotation.objects.filter(article=first, author=alice).count() == 2
    found = {(o.term.text, o.text) for o in Occurrence.objects.filter(article=second).select_related("term")}
    assert found == {("peacekeeping", "peacekeeping"), ("terrorist gangs", "terrorist gangs")}
    for o in Occurrence.objects.select_related("article"):
        assert o.article.clean_text[o.start : o.end] == o.text
    page = alice_client.get(f"/articles/{second.pk}/").content.decode()
    assert page.count('class="occurrence exact cat-') == 2


def test_anti_terrorist_operation_is_counted_only_for_the_outlet_that_uses_it(alice_client, seeds):
    response = alice_client.post(
        "/api/terms",
        {"text": "anti-terrorist operation", "category": "securitisation"},
        content_type="application/json",
    )
    assert response.status_code == 201
    rows = {(r["term"], r["outlet"]): r["count"] for r in alice_client.get("/api/stats/terms-by-outlet").json()}
    assert rows == {("anti-terrorist operation", "Outlet 000"): 1, ("anti-terrorist operation", "Outlet 004"): 0}
    table = stats.terms_by_outlet()
    assert [c.count for c in table.rows[0].cells] == [1, 0]


def test_the_seeds_scare_quotes_are_offered_as_candidates(alice_client, seeds):
    texts = {c["text"] for c in snapshots.outlet_wording().data["scare_quotes"]}
    assert {
        "pacification",
        "peacekeeping forces",
        "anti-terrorist operation",
        "terrorist gangs",
        "critical red",
    } <= texts
    assert "“pacification”" in alice_client.get("/framing/").content.decode()


def test_web_furniture_in_the_seeds_is_not_counted(alice_client, seeds):
    second = seeds[1]
    assert "Powered by WordPress" in second.clean_text  # the footer, which ingest marks as boilerplate
    alice_client.post("/api/terms", {"text": "WordPress", "category": "furniture"}, content_type="application/json")
    alice_client.post(
        "/api/terms",
        {"text": "foreign-backed", "category": "foreign-interference frame"},
        content_type="application/json",
    )
    assert not Occurrence.objects.filter(term__text="WordPress").exists()
    # The headline's "foreign-backed" and the body's "had foreign backing" (an inflected form) both count.
    assert sorted(Occurrence.objects.filter(term__text="foreign-backed").values_list("text", flat=True)) == [
        "foreign backing",
        "foreign backing",
        "foreign-backed",
    ]
