"""Stored segment vectors: only claims are embedded, once per model revision, and stale ones are redone."""

from __future__ import annotations

import numpy as np
import pytest

from narratives.matching import index
from narratives.matching.tasks import reembed_corpus
from narratives.models import SegmentEmbedding, SegmentKind
from tests.matching_support import make_article, prepared_model_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _article():
    return make_article(
        "Wire",
        "Troops sent to guard the airport",
        [
            "Troops from three allied states landed at the airport. They will guard government buildings.",
            (SegmentKind.CAPTION, "Soldiers at the airport on Thursday"),
            (SegmentKind.METADATA, "By A Reporter"),
            (SegmentKind.HEADING, "What happens next"),
            (SegmentKind.BOILERPLATE, "Leave a Reply"),
        ],
    )


def test_only_titles_and_sentences_are_embedded(prepared_model):
    article = _article()
    assert index.embed_article(article) == 3
    kinds = set(SegmentEmbedding.objects.filter(segment__article=article).values_list("segment__kind", flat=True))
    assert kinds == {SegmentKind.TITLE, SegmentKind.SENTENCE}


def test_embedding_again_writes_nothing(prepared_model):
    article = _article()
    index.embed_article(article)
    assert index.embed_article(article) == 0
    assert SegmentEmbedding.objects.filter(segment__article=article).count() == 3


def test_stored_vectors_are_the_backends_vectors_with_model_and_revision(prepared_model):
    article = _article()
    index.embed_article(article)
    segments, matrix = index.vectors_for(article)
    assert [s.kind for s in segments] == [SegmentKind.TITLE, SegmentKind.SENTENCE, SegmentKind.SENTENCE]
    assert np.allclose(matrix, prepared_model.encode([s.text for s in segments]), atol=1e-6)
    row = SegmentEmbedding.objects.filter(segment=segments[0]).get()
    assert (row.model_name, row.model_revision, row.dim) == (prepared_model.model_name, prepared_model.revision, 384)
    assert len(bytes(row.vector)) == 384 * 4


def test_vectors_for_embeds_what_is_missing(prepared_model):
    article = _article()
    segments, matrix = index.vectors_for(article)
    assert matrix.shape == (3, 384) and SegmentEmbedding.objects.filter(segment__article=article).count() == 3


def test_a_vector_from_another_revision_is_stale_and_replaced(prepared_model):
    article = _article()
    index.embed_article(article)
    SegmentEmbedding.objects.filter(segment__article=article).update(model_revision="older-weights")
    assert list(index.articles_needing_vectors()) == [article]
    assert reembed_corpus.call() == 3
    assert set(SegmentEmbedding.objects.values_list("model_revision", flat=True)) == {prepared_model.revision}
    assert not index.articles_needing_vectors().exists()


def test_decode_rejects_a_vector_of_the_wrong_size():
    with pytest.raises(ValueError):
        index.decode(np.zeros(10, dtype="<f4").tobytes(), 384)
