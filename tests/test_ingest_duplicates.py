"""Duplicates: the same article twice is reported with the article it duplicates and nothing is
doubled; near-duplicates and cross-outlet reprints are stored and flagged."""

from __future__ import annotations

import pytest

from narratives.ingest import pipeline
from narratives.models import Article, Segment

pytestmark = pytest.mark.django_db

STORY = (
    "Harbour reopens after the storm\n\n"
    "The harbour at Veltria reopened on Tuesday after a three-day closure, the port authority said. "
    "Dr. Anja Weiss, who heads the authority, said 3.5 million tonnes of cargo had been delayed by the storm. "
    "Ships queued outside the harbour for hours while the quays were inspected one by one. "
    "The first container ship docked shortly before noon and unloaded grain for the northern provinces. "
    "Officials expect normal traffic by Friday if the weather holds, the authority said in a statement."
)
OTHER_STORY = (
    "Miners strike in the north\n\n"
    "Workers at three copper mines near Kestrel stopped work on Monday over unpaid wages, their union said. "
    "The union's leader, Pavel Orlov, said 2,000 miners had not been paid for two months by the operator. "
    "Managers at the mines declined to comment when reached by telephone on Monday afternoon in Kestrel. "
    "The regional governor called for talks and promised to visit the mines before the end of the week. "
    "Copper prices on the regional exchange rose slightly after news of the strike reached the traders."
)


def test_the_same_text_twice_creates_nothing_and_names_the_first_article():
    first = pipeline.ingest_text(STORY, outlet="Veltria Daily")
    rows = Article.objects.count(), Segment.objects.count()
    again = pipeline.ingest_text(STORY, outlet="Veltria Daily")
    assert again.article is None and again.error is None
    assert again.duplicate_of == first.article
    assert (Article.objects.count(), Segment.objects.count()) == rows
    assert again.as_json()["duplicate_of"] == first.article.pk and again.as_json()["id"] is None


def test_case_spacing_and_web_furniture_do_not_hide_a_duplicate():
    first = pipeline.ingest_text(STORY, outlet="Veltria Daily")
    variant = STORY.upper().replace(". ", ".  \n") + "\n\nLeave a Reply\n\nShare this article"
    again = pipeline.ingest_file(variant.encode(), "copy.txt", outlet="veltria daily")[0]
    assert again.duplicate_of == first.article


def test_the_same_text_from_another_outlet_is_stored_as_a_flagged_reprint():
    first = pipeline.ingest_text(STORY, outlet="Veltria Daily")
    reprint = pipeline.ingest_text(STORY, outlet="Fringe Mirror")
    assert reprint.article is not None and reprint.duplicate_of is None
    assert reprint.article.near_duplicate_of == first.article
    assert any("same wording as article" in w and "a reprint?" in w for w in reprint.warnings)


def test_a_lightly_edited_copy_is_stored_and_flagged_as_near_duplicate():
    first = pipeline.ingest_text(STORY, outlet="Veltria Daily")
    edited = STORY.replace("shortly before noon", "just after noon")
    result = pipeline.ingest_text(edited, outlet="Veltria Daily")
    assert result.article.near_duplicate_of == first.article
    [warning] = [w for w in result.warnings if "near-duplicate" in w]
    assert f"article {first.article.pk}" in warning and "shared wording" in warning


def test_a_different_story_of_the_same_length_is_not_flagged():
    pipeline.ingest_text(STORY, outlet="Veltria Daily")
    result = pipeline.ingest_text(OTHER_STORY, outlet="Veltria Daily")
    assert result.article.near_duplicate_of is None
    assert not any("duplicate" in w for w in result.warnings)


def test_a_heavily_rewritten_story_is_not_flagged():
    pipeline.ingest_text(STORY, outlet="Veltria Daily")
    sentences = STORY.split(". ")
    rewritten = ". ".join(sentences[:2]) + ". " + OTHER_STORY.split("\n\n")[1]
    result = pipeline.ingest_text(rewritten, outlet="Veltria Daily")
    assert result.article.near_duplicate_of is None


def test_a_duplicate_inside_one_zip_is_reported_for_the_second_member():
    from tests.ingest_factories import make_zip

    data = make_zip({"a.txt": STORY.encode(), "b.txt": STORY.encode()})
    results = pipeline.ingest_file(data, "twice.zip", outlet="W")
    assert results[0].article is not None
    assert results[1].duplicate_of == results[0].article
