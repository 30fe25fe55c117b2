"""Duplicates and near-duplicates.

An exact duplicate is the same outlet publishing the same words (ignoring case, spacing and web
furniture): nothing is created and the analyst is pointed at the article already there. The same
words from *another* outlet are not refused: a verbatim reprint is itself a finding for people who
trace content laundering, so it is stored and flagged as a near-duplicate of the earlier article.

Near-duplicates are found by the Jaccard overlap of five-word shingles, only against articles of
similar length (a cheap filter on word_count, which the overlap threshold makes safe).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from narratives.models import Article, Segment, SegmentKind

SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.8
MIN_SHINGLES = 10  # below this, overlap says more about chance than about copying
CANDIDATE_LIMIT = 200  # newest articles of similar length; keeps each check to one or two queries
# Jaccard >= t needs the smaller shingle set to hold at least t of the larger one; word counts track
# shingle counts, so articles outside this length ratio cannot reach the threshold.
LENGTH_RATIO = NEAR_DUPLICATE_JACCARD * 0.95
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NearDuplicate:
    article: Article
    similarity: float


def comparable_text(texts: Iterable[str]) -> str:
    return " ".join(" ".join(texts).casefold().split())


def content_hash(outlet_id: int, text: str) -> str:
    """SHA-256 of the outlet and its normalised article text (the furniture-free segments)."""
    return hashlib.sha256(f"{outlet_id}\n{comparable_text([text])}".encode()).hexdigest()


def hash_under_outlet(article: Article, outlet_id: int) -> str:
    """The article's content hash were it filed under ``outlet_id``, from its stored segments.

    The same words as ingest hashes (``Built.comparable``: every segment but boilerplate, in order), so
    moving an article to another outlet keeps "same outlet, same words" a duplicate.
    """
    texts = article.segments.exclude(kind=SegmentKind.BOILERPLATE).order_by("order").values_list("text", flat=True)
    return content_hash(outlet_id, " ".join(texts))


def shingles(text: str) -> set[int]:
    words = WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {hash(" ".join(words))} if words else set()
    return {hash(" ".join(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def find_near_duplicate(text: str, word_count: int, exclude_id: int | None = None) -> NearDuplicate | None:
    """The most similar earlier article at or above the threshold (oldest first on a tie)."""
    mine = shingles(text)
    if len(mine) < MIN_SHINGLES:
        return None
    low, high = math.floor(word_count * LENGTH_RATIO), math.ceil(word_count / LENGTH_RATIO)
    candidates = (
        Article.objects.filter(word_count__range=(low, high))
        .exclude(pk=exclude_id)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)[:CANDIDATE_LIMIT]
    )
    best: tuple[float, int] | None = None
    for article_id, candidate_text in _texts_of(list(candidates)).items():
        score = jaccard(mine, shingles(candidate_text))
        if score >= NEAR_DUPLICATE_JACCARD and (best is None or (score, -article_id) > (best[0], -best[1])):
            best = (score, article_id)
    if best is None:
        return None
    return NearDuplicate(Article.objects.select_related("outlet").get(pk=best[1]), best[0])


def _texts_of(article_ids: list[int]) -> dict[int, str]:
    """Each article's text without furniture, the same text its own check was made on."""
    parts: dict[int, list[str]] = defaultdict(list)
    rows = (
        Segment.objects.filter(article_id__in=article_ids)
        .exclude(kind=SegmentKind.BOILERPLATE)
        .order_by("article_id", "order")
        .values_list("article_id", "text")
    )
    for article_id, text in rows:
        parts[article_id].append(text)
    return {article_id: " ".join(texts) for article_id, texts in parts.items()}
