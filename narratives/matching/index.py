"""Segment vectors in the database: computed once at ingest, read back for every comparison.

A vector is current when it was made by the configured model name *and* revision (weights plus
backend). Anything else is stale: ``vectors_for`` re-embeds it on the spot, and the
``tasks.reembed_corpus`` task does the whole corpus in the background after the model changes.
"""

from __future__ import annotations

import numpy as np
from django.db.models import QuerySet

from narratives.models import Article, Segment, SegmentEmbedding

from .embed import Backend, get_backend

VECTOR_DTYPE = np.dtype("<f4")  # little-endian float32, as SegmentEmbedding.vector documents


def embed_article(article: Article) -> int:
    """Store vectors for the article's claim segments (titles, sentences) that lack a current one.

    Idempotent; returns how many vectors this call wrote (0 when all were already current).
    """
    return embed_articles([article])


def embed_articles(articles: list[Article]) -> int:
    """As embed_article for several articles, their sentences encoded in one call.

    The backend sorts what it encodes by length before batching, so one call over many articles
    pads far less than a call per article; this is what keeps import close to the raw encoder speed.
    """
    backend = get_backend()
    segments = list(Segment.objects.claims().filter(article__in=[a.pk for a in articles]).order_by("article_id", "order"))
    current = _current_vectors(segments, backend)
    missing = [s for s in segments if s.pk not in current]
    _store(missing, backend)
    return len(missing)


def vectors_for(article: Article) -> tuple[list[Segment], np.ndarray]:
    """The article's claim segments in reading order and a (n, dim) matrix of their vectors."""
    backend = get_backend()
    segments = list(Segment.objects.claims().filter(article=article).order_by("order"))
    current = _current_vectors(segments, backend)
    missing = [s for s in segments if s.pk not in current]
    current.update(_store(missing, backend))
    matrix = np.zeros((len(segments), backend.dim), dtype=np.float32)
    for row, segment in enumerate(segments):
        matrix[row] = current[segment.pk]
    return segments, matrix


def articles_needing_vectors(backend: Backend | None = None) -> QuerySet[Article]:
    """Articles with a claim segment that has no current vector for the configured model."""
    backend = backend or get_backend()
    current = SegmentEmbedding.objects.filter(model_name=backend.model_name, model_revision=backend.revision)
    lacking = Segment.objects.claims().exclude(pk__in=current.values("segment_id"))
    return Article.objects.filter(pk__in=lacking.values("article_id"))


def _current_vectors(segments: list[Segment], backend: Backend) -> dict[int, np.ndarray]:
    rows = SegmentEmbedding.objects.filter(
        segment__in=[s.pk for s in segments], model_name=backend.model_name, model_revision=backend.revision
    ).values_list("segment_id", "vector", "dim")
    return {seg_id: decode(vector, dim) for seg_id, vector, dim in rows if dim == backend.dim}


def _store(segments: list[Segment], backend: Backend) -> dict[int, np.ndarray]:
    if not segments:
        return {}
    vectors = backend.encode([s.text for s in segments])
    rows = [
        SegmentEmbedding(
            segment=segment,
            model_name=backend.model_name,
            model_revision=backend.revision,
            dim=backend.dim,
            vector=encode(vector),
        )  # fmt: skip
        for segment, vector in zip(segments, vectors)
    ]
    # One row per (segment, model): a stale row from an older revision is overwritten in place.
    SegmentEmbedding.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["segment", "model_name"],
        update_fields=["model_revision", "dim", "vector"],
    )  # fmt: skip
    return {segment.pk: vector for segment, vector in zip(segments, vectors)}


def encode(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=VECTOR_DTYPE).tobytes()


def decode(blob: bytes | memoryview, dim: int) -> np.ndarray:
    vector = np.frombuffer(bytes(blob), dtype=VECTOR_DTYPE)
    if vector.size != dim:
        raise ValueError(f"stored vector has {vector.size} values, expected {dim}")
    return vector.astype(np.float32)
