"""The pipeline's promises: fields stored as given, outlets by name, language and word counts, the
matching index filled after each article, results as the command prints them, and reingest."""

from __future__ import annotations

from datetime import date

import pytest

from narratives.ingest import pipeline
from narratives.models import (
    Annotation,
    Article,
    FramingCategory,
    FramingTerm,
    Occurrence,
    Outlet,
    Segment,
    SegmentEmbedding,
    SegmentKind,
)
from tests.ingest_factories import STORY, assert_offsets_exact

pytestmark = pytest.mark.django_db


def test_pasted_text_is_stored_with_the_given_fields_and_its_utf8_bytes(alice):
    text = "Harbour reopens\n\nThe harbour at Veltria reopened on Tuesday, officials said.\u00a0"
    result = pipeline.ingest_text(
        text,
        outlet="Veltria Daily",
        byline="Mira Holt",
        url="https://veltria.example/a",
        published=date(2022, 1, 11),
        language="en",
        user=alice,
    )
    article = Article.objects.get(pk=result.article.pk)
    assert bytes(article.original) == text.encode("utf-8")
    assert article.original_filename == "pasted text" and article.original_content_type.startswith("text/plain")
    assert (article.title, article.byline, article.url) == ("Harbour reopens", "Mira Holt", "https://veltria.example/a")
    assert article.published == date(2022, 1, 11) and article.language == "en"
    assert article.uploaded_by == alice
    assert article.clean_text == "Harbour reopens\n\nThe harbour at Veltria reopened on Tuesday, officials said."


def test_given_values_win_over_what_the_text_says():
    result = pipeline.ingest_text(STORY, outlet="W", byline="Desk Editor", published=date(2022, 1, 10))
    assert result.article.byline == "Desk Editor" and result.article.published == date(2022, 1, 10)


def test_outlet_is_found_by_name_in_any_capitalisation():
    existing = Outlet.objects.create(name="Veltria Daily")
    result = pipeline.ingest_text(STORY, outlet="  veltria   DAILY ")
    assert result.article.outlet == existing
    assert Outlet.objects.count() == 1


def test_no_outlet_files_the_article_under_unknown_outlet_with_a_warning():
    [result] = pipeline.ingest_file(STORY.encode(), "story.txt")
    assert result.article.outlet.name == "Unknown outlet"
    assert any("Unknown outlet" in w for w in result.warnings)


@pytest.mark.parametrize(
    "text, language",
    [
        ("The ministry said that the situation in the country was stable and that it was under control. " * 3, "en"),
        ("Министерство заявило, что ситуация в стране стабильна и что она под контролем, и это не так. " * 3, "ru"),
        ("Le ministère a dit que la situation dans le pays est stable et que tout est sous contrôle. " * 3, "fr"),
        ("Das Ministerium sagte, dass die Lage in dem Land stabil und nicht außer Kontrolle ist, auch für. " * 3, "de"),
        ("El ministerio dijo que la situación en el país es estable y que todo está bajo control para los. " * 3, "es"),
        ("Xq zvv plorp wug. Jint kravo spelm quiv. " * 5, ""),
    ],
)
def test_language_is_guessed_from_common_words_or_left_blank(text, language):
    assert pipeline.ingest_text(text, outlet="W").article.language == language


def test_word_count_leaves_out_web_furniture():
    text = "Harbour reopens\n\nShips came in.\n\nLeave a Reply\n\nShare this article"
    result = pipeline.ingest_text(text, outlet="W")
    assert result.article.word_count == 5


def test_a_url_that_is_not_a_web_address_is_dropped_with_a_warning():
    result = pipeline.ingest_text(STORY, outlet="W", url="javascript:alert(1)")
    assert result.article.url == "" and any("not a web address" in w for w in result.warnings)


def test_claim_segments_are_indexed_for_matching_after_ingest():
    result = pipeline.ingest_text(STORY, outlet="W")
    claims = Segment.objects.claims().filter(article=result.article)
    assert claims.count() > 0
    assert SegmentEmbedding.objects.filter(segment__in=claims).count() == claims.count()
    furniture = Segment.objects.filter(article=result.article, kind=SegmentKind.BOILERPLATE)
    assert not SegmentEmbedding.objects.filter(segment__in=furniture).exists()


def test_article_is_kept_with_a_warning_when_indexing_fails(settings, tmp_path):
    settings.NARRATIVES_MODEL_DIR = tmp_path  # no model there: the embedding backend cannot load
    result = pipeline.ingest_text(STORY, outlet="W")
    assert Article.objects.filter(pk=result.article.pk).exists() and result.error is None
    assert any("not yet indexed for matching" in w for w in result.warnings)
    assert_offsets_exact(result.article)


def test_as_json_has_exactly_the_contract_keys():
    result = pipeline.ingest_text(STORY, outlet="Veltria Daily")
    row = result.as_json()
    assert list(row) == ["file", "id", "title", "outlet", "segments", "boilerplate", "duplicate_of", "error"]
    assert row["id"] == result.article.pk and row["outlet"] == "Veltria Daily"
    assert row["segments"] == result.article.segments.count()
    assert row["boilerplate"] == result.article.segments.filter(kind=SegmentKind.BOILERPLATE).count() == 1
    failed = pipeline.ingest_file(b"", "empty.txt")[0].as_json()
    assert failed == {
        "file": "empty.txt", "id": None, "title": None, "outlet": None, "segments": 0, "boilerplate": 0,
        "duplicate_of": None, "error": "empty.txt: has no text",
    }  # fmt: skip


# --- reingest ----------------------------------------------------------------------------------------


def test_reingest_rebuilds_segments_in_place_and_keeps_analyst_fields():
    article = pipeline.ingest_text(STORY, outlet="W").article
    Article.objects.filter(pk=article.pk).update(title="Harbour reopens (corrected)", byline="Corrected Name")
    Segment.objects.filter(article=article).delete()
    article.refresh_from_db()
    result = pipeline.reingest(article)
    assert result.error is None and result.article.pk == article.pk
    article.refresh_from_db()
    assert article.title == "Harbour reopens (corrected)" and article.byline == "Corrected Name"
    assert article.segments.filter(kind=SegmentKind.METADATA).exists()
    assert_offsets_exact(article)


def _segments(article: Article) -> list[tuple]:
    return list(article.segments.order_by("order").values_list("kind", "start", "end", "text"))


def test_reingest_of_an_article_without_a_headline_does_not_promote_its_opening_sentence():
    text = "The harbour at Veltria reopened on Tuesday after a three-day closure.\n\nShips came in at dawn."
    article = pipeline.ingest_text(text, outlet="W").article
    before = _segments(article)
    assert SegmentKind.TITLE not in [kind for kind, *_ in before]
    assert pipeline.reingest(article).error is None
    assert _segments(article) == before


def test_reingest_after_the_title_was_corrected_keeps_the_headline_the_text_was_built_with():
    text = "The curfew in the harbour district was lifted on Tuesday.\n\nShops opened again at noon."
    article = pipeline.ingest_text(text, outlet="W", title="Curfew lifted in harbur district").article
    text_before, before = article.clean_text, _segments(article)
    assert text_before.startswith("Curfew lifted in harbur district\n\n")
    Article.objects.filter(pk=article.pk).update(title="Curfew lifted in harbour district")
    article.refresh_from_db()
    assert pipeline.reingest(article).error is None
    article.refresh_from_db()
    assert article.clean_text == text_before and _segments(article) == before
    assert article.title == "Curfew lifted in harbour district"


def test_reingest_of_a_csv_row_reads_the_row_again():
    data = b'title,outlet,text\nHarbour reopens,Veltria Daily,"The harbour reopened on Tuesday. Ships came in."\n'
    article = pipeline.ingest_file(data, "rows.csv")[0].article
    before = list(article.segments.values_list("kind", "start", "end", "text"))
    result = pipeline.reingest(article)
    assert result.error is None
    assert list(article.segments.values_list("kind", "start", "end", "text")) == before


def _tag(article: Article) -> None:
    term = FramingTerm.objects.create(text="harbour", category=FramingCategory.objects.create(name="Places"))
    Annotation.objects.create(article=article, term=term, start=0, end=7, text=article.clean_text[:7])


def test_reingest_refuses_to_move_text_under_analysts_tags():
    article = pipeline.ingest_text(STORY, outlet="W").article
    stale = "Old  text " + article.clean_text  # as an older pipeline might have left it
    Article.objects.filter(pk=article.pk).update(clean_text=stale)
    article.refresh_from_db()
    _tag(article)
    result = pipeline.reingest(article)
    assert "analysts' work points into the old one (1 tag)" in result.error
    article.refresh_from_db()
    assert article.clean_text == stale


def test_reingest_with_a_changed_text_drops_machine_occurrences():
    article = pipeline.ingest_text(STORY, outlet="W").article
    Article.objects.filter(pk=article.pk).update(clean_text="Old  text " + article.clean_text)
    article.refresh_from_db()
    term = FramingTerm.objects.create(text="harbour", category=FramingCategory.objects.create(name="Places"))
    Occurrence.objects.create(term=term, article=article, start=0, end=3, text="Old")
    result = pipeline.reingest(article)
    assert result.error is None
    article.refresh_from_db()
    assert article.clean_text.startswith("Harbour reopens after the storm")
    assert not Occurrence.objects.filter(article=article).exists()
    assert_offsets_exact(article)
