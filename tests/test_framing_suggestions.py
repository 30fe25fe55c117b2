"""Semantic variants are suggested, never applied until an analyst accepts them."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from narratives.framing import occurrences, suggestions, tasks
from narratives.framing.matcher import fold
from narratives.models import Occurrence, OccurrenceMatch, SuggestionState, TermSuggestion, WordingDecision

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


def pending_texts(term) -> list[str]:
    return [s.text for s in suggestions.pending_for(term)]


def variants(term) -> list[tuple[int, str]]:
    found = Occurrence.objects.filter(term=term, match=OccurrenceMatch.VARIANT).order_by("article_id", "start")
    return list(found.values_list("article_id", "text"))


def decide_wording(term, text: str, user, *, accept: bool) -> int | None:
    return suggestions.decide(term.suggestions.filter(text=text).first(), accept=accept, user=user)


@pytest.fixture
def sweep(db):
    """A term and one article with a semantic variant of it."""
    make_article(["Police began a counter-terrorist sweep of the district."], outlet="Wire")
    return make_term("anti-terrorist sweep", "securitisation")


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


def test_the_page_says_or_more_when_a_wordings_places_reach_the_stored_cap(alice_client, term, monkeypatch):
    monkeypatch.setattr(suggestions, "MAX_SPANS_PER_TEXT", 2)
    suggest(term)
    html = alice_client.get(f"/framing/terms/{term.pk}/").content.decode()
    assert "“counter-terrorist operation”" in html and '<td class="num">2 or more</td>' in html


def test_the_embedding_scorer_is_used_when_a_model_is_there(monkeypatch):
    import numpy as np

    class Backend:
        def encode(self, texts):
            vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
            return vectors[: len(texts)]

    monkeypatch.setattr("narratives.matching.embed.get_backend", lambda: Backend())
    scores = suggestions.embedding_similarity("a", ["b", "c"])
    assert scores == pytest.approx([0.8, 0.0])


def test_an_accepted_wording_keeps_counting_after_the_article_it_was_seen_in_is_deleted(
    alice, alice_client, term, django_capture_on_commit_callbacks
):
    suggest(term)
    elsewhere = make_article(["A counter-terrorist operation was announced."], outlet="State TV")
    decide_wording(term, "counter-terrorist operation", alice, accept=True)
    seen_in = TermSuggestion.objects.filter(text="counter-terrorist operation").first().article
    seen_in.delete()
    # Saving the term's edit form refreshes its occurrences, as does every new article.
    alice_client.post(f"/framing/terms/{term.pk}/edit", {"text": term.text, "category": term.category_id})
    with django_capture_on_commit_callbacks(execute=True):
        later = make_article(["The counter-terrorist operation resumed."], outlet="Wire")
    assert variants(term) == [(elsewhere.pk, "counter-terrorist operation"), (later.pk, "counter-terrorist operation")]


def test_a_rejected_wording_stays_rejected_after_the_article_it_was_seen_in_is_deleted(alice, sweep):
    suggest(sweep)
    decide_wording(sweep, "counter-terrorist sweep", alice, accept=False)
    sweep.suggestions.get().article.delete()
    make_article(["Another counter-terrorist sweep followed."])
    suggest(sweep)
    assert "counter-terrorist sweep" not in pending_texts(sweep)


def test_fold_takes_every_hyphen_alike():
    spellings = ["counter-terrorist", "counter\u2011terrorist", "counter\u2010terrorist", "counter\u00adterrorist"]
    assert {fold(s) for s in spellings} == {"counter-terrorist"}
    assert fold("counterterrorist") != fold("counter-terrorist")


def test_a_rejected_wording_is_not_offered_again_with_another_hyphen(alice, sweep):
    suggest(sweep)
    decide_wording(sweep, "counter-terrorist sweep", alice, accept=False)
    make_article(["A counter\u2011terrorist sweep was announced."])
    assert suggest(sweep) == 0
    assert pending_texts(sweep) == []


def test_a_span_left_pending_in_another_spelling_of_a_rejected_wording_is_not_listed(alice, sweep):
    suggest(sweep)
    decide_wording(sweep, "counter-terrorist sweep", alice, accept=False)
    # As suggested before hyphens were folded alike (or by a run that overlapped the decision).
    nb_hyphen = make_article(["A counter\u2011terrorist sweep was announced."])
    TermSuggestion.objects.create(
        term=sweep, article=nb_hyphen, start=2, end=25, text="counter\u2011terrorist sweep", score=0.9
    )
    assert pending_texts(sweep) == []


def test_a_rejected_wording_never_counts_through_the_forms_of_an_accepted_one(alice, sweep):
    make_article(["Two counter-terrorist sweeps were announced."])
    suggest(sweep)
    decide_wording(sweep, "counter-terrorist sweep", alice, accept=False)
    decide_wording(sweep, "counter-terrorist sweeps", alice, accept=True)
    # "counter-terrorist sweeps" finds its singular too, but the analyst said no to that wording.
    assert [text for _, text in variants(sweep)] == ["counter-terrorist sweeps"]


def test_rewording_a_term_drops_its_suggestions_and_decisions(alice, alice_client, sweep):
    make_article(["The terrorist sweep ended at dawn."])
    suggest(sweep)
    decide_wording(sweep, "counter-terrorist sweep", alice, accept=True)
    assert sweep.suggestions.filter(state=SuggestionState.PENDING).exists()
    edit = f"/framing/terms/{sweep.pk}/edit"
    alice_client.post(edit, {"text": "Anti-terrorist  sweep", "category": sweep.category_id, "notes": "kept"})
    assert WordingDecision.objects.filter(term=sweep).exists(), "a change of case or spacing is the same wording"
    alice_client.post(edit, {"text": "curfew", "category": sweep.category_id})
    assert not TermSuggestion.objects.filter(term=sweep).exists()
    assert not WordingDecision.objects.filter(term=sweep).exists()
    assert variants(sweep) == []
    assert "counter-terrorist sweep" not in alice_client.get(f"/framing/terms/{sweep.pk}/").content.decode()


def test_the_accept_message_counts_the_places_the_term_now_has(alice_client, term):
    suggest(term)
    make_article(["Yesterday's counter-terrorist operations ended."])  # found on accepting, never suggested
    pending = TermSuggestion.objects.filter(text="counter-terrorist operation").first()
    response = alice_client.post(f"/framing/suggestions/{pending.pk}/accept", follow=True)
    assert "as a variant of “anti-terrorist operation” (3 places)" in response.content.decode()
    assert len(variants(term)) == 3


def test_the_accept_message_says_when_the_worker_finds_the_places(alice_client, term, monkeypatch):
    suggest(term)
    monkeypatch.setattr(tasks, "INLINE_MAX_ARTICLES", 0)
    pending = TermSuggestion.objects.filter(text="counter-terrorist operation").first()
    response = alice_client.post(f"/framing/suggestions/{pending.pk}/accept", follow=True)
    assert "(its places are being found)" in response.content.decode()


def test_existing_decisions_are_carried_over_to_their_wordings_the_latest_winning(alice, term):
    suggest(term)
    accepted, rejected = TermSuggestion.objects.filter(text="counter-terrorist operation").order_by("start")
    TermSuggestion.objects.filter(pk=rejected.pk).update(
        text="Counter\u2011terrorist operation", state=SuggestionState.REJECTED, decided_at=timezone.now()
    )
    TermSuggestion.objects.filter(pk=accepted.pk).update(
        state=SuggestionState.ACCEPTED, decided_by=alice, decided_at=timezone.now() + timedelta(minutes=1)
    )
    migration = importlib.import_module("narratives.migrations.0005_carry_over_wording_decisions")
    migration.carry_over(apps, None)
    migration.carry_over(apps, None)  # run again (after going back to 0004): what is there stands
    [decision] = WordingDecision.objects.filter(term=term)
    assert (decision.wording, decision.state, decision.decided_by) == (
        "counter-terrorist operation",
        SuggestionState.ACCEPTED,
        alice,
    )
    rejected.article.delete()  # the decision no longer needs its spans
    assert [f.text for f in occurrences.matcher_for(term).find("a counter-terrorist operation")] == [
        "counter-terrorist operation"
    ]
