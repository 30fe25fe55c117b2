"""Acceptance: the two real seed articles (../shared/seeds) import with correct titles, their header
lines as metadata, their web furniture as boilerplate, clean spaces and quotes, and their claims as
sentences. The texts are read from the seeds folder, never copied here."""

from __future__ import annotations

import re
from datetime import date

import pytest

from narratives.ingest import pipeline
from narratives.models import Article, Outlet, SegmentKind
from tests.conftest import SEEDS
from tests.ingest_factories import assert_offsets_exact, texts_of_kind

pytestmark = pytest.mark.django_db

MOSCOW_TITLE = "The riots in Kazakhstan are inspired from abroad, according to Moscow"
LEBEDEV_TITLE = "Lebedev: Those involved in violent unrest were foreign-backed"


@pytest.fixture(scope="module")
def seeds(django_db_setup, django_db_blocker) -> dict[str, Article]:
    """The seeds imported once for the module (embedding them is the slow part), removed afterwards."""
    with django_db_blocker.unblock():
        results = pipeline.ingest_paths(sorted(SEEDS.glob("*.txt")), outlet="Seed Outlet")
        assert all(r.error is None for r in results), [r.error for r in results]
        articles = {r.article.title: r.article for r in results}
        assert set(articles) == {MOSCOW_TITLE, LEBEDEV_TITLE}
        yield articles
        Article.objects.filter(outlet__name="Seed Outlet").delete()
        Outlet.objects.filter(name="Seed Outlet").delete()


def test_seed_titles_are_the_headlines(seeds):
    for title, article in seeds.items():
        assert texts_of_kind(article, SegmentKind.TITLE) == [title]
        assert article.clean_text.startswith(title + "\n\n")


def test_seed_header_lines_are_metadata_and_fill_date_and_byline(seeds):
    lebedev = seeds[LEBEDEV_TITLE]
    assert texts_of_kind(lebedev, SegmentKind.METADATA) == ["January 9 2022", "Net Source: Agencies", "By Al Mayadeen"]
    assert lebedev.published == date(2022, 1, 9) and lebedev.byline == "Al Mayadeen"


def test_seed_web_furniture_is_boilerplate(seeds):
    assert texts_of_kind(seeds[MOSCOW_TITLE], SegmentKind.BOILERPLATE) == ["You may also like", "Immediate Access Pro"]
    lebedev_furniture = texts_of_kind(seeds[LEBEDEV_TITLE], SegmentKind.BOILERPLATE)
    assert lebedev_furniture[0] == "Here’s what you need to know"
    assert lebedev_furniture[1:4] == [
        "Source",
        "You can skip to the end and leave a response. Pinging is currently not allowed.",
        "Leave a Reply",
    ]
    assert lebedev_furniture[4].startswith("Powered by WordPress | Designed by")


def test_seed_caption_and_subheading(seeds):
    lebedev = seeds[LEBEDEV_TITLE]
    [caption] = texts_of_kind(lebedev, SegmentKind.CAPTION)
    assert caption.startswith("Sergei Lebedev, the chairman") and caption.endswith("(CIS)")
    assert texts_of_kind(lebedev, SegmentKind.HEADING) == ["‘Foreign-trained terrorists’"]


def test_seed_text_has_plain_spaces_and_mended_quote_spacing(seeds):
    for article in seeds.values():
        assert "\u00a0" not in article.clean_text
        assert "  " not in article.clean_text
        assert_offsets_exact(article)
    moscow = seeds[MOSCOW_TITLE].clean_text
    assert "“pacification.” Of the protests." in moscow and "pacification. ”" not in moscow
    assert "the rallies ahead of time and had foreign backing" in seeds[LEBEDEV_TITLE].clean_text


# Key phrases of the claims an analyst compares across the two outlets (see ../shared/DOMAIN.md).
@pytest.mark.parametrize(
    "title, phrase",
    [
        (MOSCOW_TITLE, "prices of liquefied gas"),
        (MOSCOW_TITLE, "externally inspired attempt"),
        (MOSCOW_TITLE, "article 4 of the CSTO"),
        (MOSCOW_TITLE, "“terrorist gangs” had staged riots"),
        (MOSCOW_TITLE, "requested help from the CSTO"),
        (LEBEDEV_TITLE, "had foreign backing"),
        (LEBEDEV_TITLE, "a hike in fuel prices"),
        (LEBEDEV_TITLE, "requested help from the Collective Security Treaty Organization"),
        (LEBEDEV_TITLE, "“critical red”"),
        (LEBEDEV_TITLE, "receiving training abroad"),
    ],
)
def test_seed_claims_are_whole_sentence_segments(seeds, title, phrase):
    holding = [s for s in texts_of_kind(seeds[title], SegmentKind.SENTENCE) if phrase in s]
    assert holding, f"{phrase!r} is in no sentence segment"
    for sentence in holding:  # a whole sentence: starts like one, ends like one (before an "(I)" signature)
        assert sentence[0].isupper() or sentence[0] == "“", sentence
        assert re.sub(r"\s*\(\w{1,5}\)$", "", sentence).rstrip("”’").endswith((".", "!", "?")), sentence


def test_seed_furniture_is_not_counted_as_words(seeds):
    for article in seeds.values():
        furniture = " ".join(texts_of_kind(article, SegmentKind.BOILERPLATE))
        assert article.word_count < len(article.clean_text.split()) - len(furniture.split()) + 1


def test_importing_the_seeds_again_doubles_nothing(seeds, seed_paths):
    again = pipeline.ingest_paths(seed_paths, outlet="Seed Outlet")
    assert {r.duplicate_of.title for r in again} == {MOSCOW_TITLE, LEBEDEV_TITLE}
    assert Article.objects.count() == 2
