"""Semantic variants are suggested, never applied until an analyst accepts them."""

from __future__ import annotations

import pytest

from narratives.framing import suggestions
from narratives.models import Occurrence, OccurrenceMatch, SuggestionState, TermSuggestion

from .framing_factories import make_article, make_term

HTMX = {"HX-Request": "true"}


@pytest.fixture
def term(db):
    make_article(["Kazakh forces began an anti-terrorist operation in Almaty."], outlet="State TV")
    make_article(
        ["The counter-terrorist operation continued, and another counter-terrorist operation began."], outlet="Wire"
    )
    make_article(
        ["Terrorist gangs were blamed. A military operation followed; security operations began."], outlet="Wire"
    )
    return make_term("anti-terrorist operation", "securitisation")


def suggest(term) -> int:
    return suggestions.suggest_variants(term, scorer=suggestions.lexical_similarity)


def test_a_semantic_variant_is_suggested_not_counted(term):
    assert suggest(term) == 2
    # Not the windows around it ("counter-terrorist operation continued"), nor single shared words.
    assert set(TermSuggestion.objects.values_list("text", flat=True)) == {"counter-terrorist operation"}
    assert list(Occurrence.objects.filter(term=term).values_list("text", flat=True)) == ["anti-terrorist operation"]


def test_suggestions_carry_exact_offsets(term):
    suggest(term)
    for s in TermSuggestion.objects.select_related("article"):
        assert s.article.clean_text[s.start : s.end] == s.text


def test_accepting_a_wording_counts_all_its_places_as_variants(alice, term):
    suggest(term)
    first = TermSuggestion.objects.filter(text="counter-terrorist operation").first()
    assert suggestions.decide(first, accept=True, user=alice) == 2
    variants = Occurrence.objects.filter(term=term, match=OccurrenceMatch.VARIANT)
    assert list(variants.values_list("text", flat=True)) == ["counter-terrorist operation"] * 2
    assert TermSuggestion.objects.get(pk=first.pk).decided_by == alice


def test_a_rejected_wording_is_not_suggested_again(alice, term):
    suggest(term)
    first = TermSuggestion.objects.filter(text="counter-terrorist operation").first()
    suggestions.decide(first, accept=False, user=alice)
    TermSuggestion.objects.filter(state=SuggestionState.PENDING).delete()
    suggest(term)
    assert not TermSuggestion.objects.filter(text="counter-terrorist operation", state=SuggestionState.PENDING).exists()
    assert not Occurrence.objects.filter(term=term, match=OccurrenceMatch.VARIANT).exists()


def test_the_term_page_lists_pending_suggestions_and_decides_them(alice_client, term):
    suggest(term)
    html = alice_client.get(f"/framing/terms/{term.pk}/").content.decode()
    assert "“counter-terrorist operation”" in html
    pending = TermSuggestion.objects.filter(text="counter-terrorist operation").first()
    response = alice_client.post(f"/framing/suggestions/{pending.pk}/accept", headers=HTMX)
    assert response.content.decode().lstrip().startswith('<section id="suggestions"')
    assert "framing:changed" in response.headers["HX-Trigger"]
    assert Occurrence.objects.filter(term=term, text="counter-terrorist operation").count() == 2


def test_viewers_cannot_decide(bob_client, term):
    suggest(term)
    pending = TermSuggestion.objects.first()
    assert bob_client.post(f"/framing/suggestions/{pending.pk}/accept").status_code == 403
    assert TermSuggestion.objects.get(pk=pending.pk).state == SuggestionState.PENDING


def test_looking_for_variants_from_the_page(alice_client, term, monkeypatch):
    monkeypatch.setattr(
        suggestions, "default_scorer", lambda: (suggestions.lexical_similarity, suggestions.LEXICAL_THRESHOLD)
    )
    response = alice_client.post(f"/framing/terms/{term.pk}/suggest", follow=True)
    assert "new suggested variants" in response.content.decode()


def test_the_embedding_scorer_is_used_when_a_model_is_there(monkeypatch):
    import numpy as np

    class Backend:
        def encode(self, texts):
            vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
            return vectors[: len(texts)]

    monkeypatch.setattr("narratives.matching.embed.get_backend", lambda: Backend())
    scores = suggestions.embedding_similarity("a", ["b", "c"])
    assert scores == pytest.approx([0.8, 0.0])
