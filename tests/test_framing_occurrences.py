"""Occurrences are found in every article and kept current when articles or terms change."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from narratives.framing import occurrences, tasks
from narratives.models import Occurrence, OccurrenceMatch, SegmentKind

from .framing_factories import make_article, make_term

pytestmark = pytest.mark.django_db


def spans(term) -> list[tuple[int, str, str]]:
    return list(
        Occurrence.objects.filter(term=term).order_by("article_id", "start").values_list("article_id", "text", "match")
    )


def test_a_new_term_is_found_in_every_article_with_exact_offsets():
    a = make_article(["The CSTO sent peacekeeping forces to the city."])
    b = make_article(["Peace-keepers arrived; a peacekeeping mission began."], outlet="Outlet B")
    c = make_article(["Nothing about it here."])
    term = make_term("peacekeeping")
    assert spans(term) == [
        (a.pk, "peacekeeping", OccurrenceMatch.EXACT),
        (b.pk, "Peace-keepers", OccurrenceMatch.VARIANT),
        (b.pk, "peacekeeping", OccurrenceMatch.EXACT),
    ]
    for o in Occurrence.objects.filter(term=term).select_related("article"):
        assert o.article.clean_text[o.start : o.end] == o.text
    assert not Occurrence.objects.filter(article=c).exists()


def test_web_furniture_is_not_searched():
    article = make_article(
        ["Troops on patrol.", (SegmentKind.BOILERPLATE, "You may also like: peacekeeping explained")]
    )
    term = make_term("peacekeeping")
    assert spans(term) == []
    assert article.segments.count() == 2


def test_changing_a_terms_wording_replaces_its_occurrences():
    make_article(["terrorist gangs and bandits"])
    term = make_term("terrorist gangs")
    assert [t for _, t, _ in spans(term)] == ["terrorist gangs"]
    term.text = "bandits"
    term.save()
    assert [t for _, t, _ in spans(term)] == ["bandits"]


def test_saving_only_a_terms_notes_does_not_search_again(django_assert_max_num_queries):
    make_article(["terrorist gangs"])
    term = make_term("terrorist gangs")
    term.notes = "Tokayev's wording"
    with django_assert_max_num_queries(1):
        term.save(update_fields=["notes"])


def test_deleting_a_term_deletes_its_occurrences():
    make_article(["terrorist gangs"])
    term = make_term("terrorist gangs")
    term.delete()
    assert not Occurrence.objects.exists()


def test_a_new_article_is_searched_for_every_term_after_commit(django_capture_on_commit_callbacks):
    gangs, peace = make_term("terrorist gangs", "delegitimisation"), make_term("peacekeeping")
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(["Peacekeeping troops fought terrorist gangs."])
    assert sorted(Occurrence.objects.filter(article=article).values_list("term_id", "text")) == sorted(
        [(gangs.pk, "terrorist gangs"), (peace.pk, "Peacekeeping")]
    )


def test_one_commit_searches_an_article_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = make_article(["one"])
        article.title = "changed"
        article.save()
        article.segments.first().save()
    assert len(callbacks) == 1


def test_an_edited_article_is_searched_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(["terrorist gangs"])
    term = make_term("terrorist gangs")
    with django_capture_on_commit_callbacks(execute=True):
        article.clean_text = "bandits, not terrorist gangs"
        article.save()
    assert spans(term) == [(article.pk, "terrorist gangs", OccurrenceMatch.EXACT)]
    assert Occurrence.objects.get(term=term).start == len("bandits, not ")


def test_deleting_an_article_deletes_its_occurrences():
    article = make_article(["terrorist gangs"])
    make_term("terrorist gangs")
    article.delete()
    assert not Occurrence.objects.exists()


def test_refresh_all_rebuilds_every_term():
    make_article(["terrorist gangs and peacekeeping"])
    make_term("terrorist gangs")
    make_term("peacekeeping")
    Occurrence.objects.all().delete()
    assert occurrences.refresh_all() == 2


def test_the_prefilter_keeps_hyphenated_forms(django_assert_max_num_queries):
    make_article(["peace-keeping"])
    make_article(["unrelated"])
    term = make_term("peacekeeping")
    matcher = occurrences.matcher_for(term)
    assert occurrences.candidate_articles(matcher).count() == 1


def test_the_prefilter_keeps_open_spellings_of_a_compound():
    a = make_article(["The UN sent peace keeping troops."])
    make_article(["unrelated"])
    term = make_term("peacekeeping")
    assert spans(term) == [(a.pk, "peace keeping", OccurrenceMatch.VARIANT)]


def test_stored_occurrences_hold_plurals_and_abbreviations_but_not_shorter_words():
    a = make_article(["Several raids hit U.S.-backed groups; he broke his arm; the army left."])
    assert [t for _, t, _ in spans(make_term("raid"))] == ["raids"]
    assert [t for _, t, _ in spans(make_term("U.S.-backed"))] == ["U.S.-backed"]
    assert [t for _, t, _ in spans(make_term("army"))] == ["army"]
    assert Occurrence.objects.filter(article=a).count() == 3


@override_settings()
def test_a_large_corpus_is_searched_by_the_worker(monkeypatch, django_capture_on_commit_callbacks):
    make_article(["terrorist gangs"])
    monkeypatch.setattr(tasks, "INLINE_MAX_ARTICLES", 0)
    with django_capture_on_commit_callbacks(execute=True):
        term = make_term("terrorist gangs")
    assert not Occurrence.objects.exists()
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_term_occurrences")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [term.pk]
    assert tasks.refresh_term_occurrences.call(term.pk) == 1
