"""Occurrences: where each framing term (or a variant of its form) appears, recomputed from the texts.

Rows are never edited, only replaced: a term's rows when the term changes, an article's rows when
the article changes. Web furniture (boilerplate segments) is skipped: a related-stories box repeats
other articles' headlines and would count the same wording twice for the outlet.

Finding one term over a large corpus asks the database first for the articles that contain the
term's stem (hyphens removed, so "peace-keeping" is not missed), and runs the regular expression
only on those.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Replace

from ..models import Article, FramingTerm, Occurrence, OccurrenceMatch, Segment, SegmentKind, SuggestionState
from . import versions
from .matcher import HYPHENS, TermMatcher

log = logging.getLogger(__name__)

CHUNK = 500


def matcher_for(term: FramingTerm) -> TermMatcher:
    """The term's own wording plus the semantic variants analysts accepted for it, less those they rejected.

    Reads the term's WordingDecisions, never the suggested spans: a decision holds for the wording
    after the article it was made on is gone. Reads ``term.wording_decisions.all()`` so a caller
    that prefetched them (``DECISIONS``) pays no query per term.
    """
    decisions = [d for d in term.wording_decisions.all() if d.text.strip()]
    accepted = {d.text for d in decisions if d.state == SuggestionState.ACCEPTED} - {term.text}
    rejected = {d.text for d in decisions if d.state == SuggestionState.REJECTED}
    return TermMatcher(term.text, tuple(sorted(accepted)), tuple(sorted(rejected)))


# What to prefetch on terms before calling ``matcher_for`` on many of them.
DECISIONS = "wording_decisions"


def candidate_articles(matcher: TermMatcher) -> QuerySet:
    """Articles whose text (hyphens removed, case ignored) contains a stem of every match."""
    articles = Article.objects.all()
    if matcher.needles is None:
        return articles
    folded = F("clean_text")
    for hyphen in HYPHENS:
        folded = Replace(folded, Value(hyphen), Value(""), output_field=TextField())
    condition = Q()
    for needle in matcher.needles:
        condition |= Q(folded_text__icontains=needle)
    return articles.alias(folded_text=folded).filter(condition)


def refresh_term(term: FramingTerm) -> int:
    """Replaces all occurrences of ``term``; returns how many there are now."""
    matcher = matcher_for(term)
    texts = candidate_articles(matcher).values_list("id", "clean_text").order_by().iterator(chunk_size=CHUNK)
    found = list(_occurrences(term, matcher, texts))
    with transaction.atomic():
        Occurrence.objects.filter(term=term).delete()
        insert(found)
        versions.bump(versions.OCCURRENCES)
    log.info("term %s (%r): %d occurrences", term.pk, term.text, len(found))
    return len(found)


def refresh_article(article_id: int) -> int:
    """Replaces the occurrences of every term in one article; returns how many there are now."""
    row = Article.objects.filter(pk=article_id).values_list("id", "clean_text").first()
    if row is None:  # deleted in the meantime: its occurrences went with it
        return 0
    found: list[Row] = []
    for term in FramingTerm.objects.prefetch_related(DECISIONS):
        found.extend(_occurrences(term, matcher_for(term), [row]))
    with transaction.atomic():
        Occurrence.objects.filter(article_id=article_id).delete()
        insert(found)
        versions.bump(versions.OCCURRENCES)
    return len(found)


def refresh_all() -> int:
    total = 0
    for term in FramingTerm.objects.prefetch_related(DECISIONS):
        total += refresh_term(term)
    return total


# (term id, article id, start, end, text, match): an occurrence as inserted.
Row = tuple[int, int, int, int, str, str]
_COLUMNS = ("term", "article", "start", "end", "text", "match")


def insert(rows: list[Row]) -> None:
    """Inserts occurrence rows with one prepared statement.

    ``bulk_create`` builds and inspects a model instance per row, which was most of the time of
    refreshing a common term (tens of thousands of rows); the rows here are plain values.
    """
    meta = Occurrence._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in _COLUMNS)
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def _occurrences(term: FramingTerm, matcher: TermMatcher, texts: Iterable[tuple[int, str]]) -> Iterator[Row]:
    batch: list[tuple[int, str]] = []
    for row in texts:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield from _in_batch(term, matcher, batch)
            batch = []
    yield from _in_batch(term, matcher, batch)


def _in_batch(term: FramingTerm, matcher: TermMatcher, rows: list[tuple[int, str]]) -> Iterator[Row]:
    hits = {article_id: list(matcher.find(text)) for article_id, text in rows}
    hits = {article_id: found for article_id, found in hits.items() if found}
    furniture = boilerplate_ranges(hits.keys())
    for article_id, found in hits.items():
        ranges = furniture.get(article_id, [])
        for f in found:
            if inside_any(ranges, f.start, f.end):
                continue
            match = OccurrenceMatch.EXACT if f.exact else OccurrenceMatch.VARIANT
            yield (term.pk, article_id, f.start, f.end, f.text[:500], str(match))


def boilerplate_ranges(article_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    ids = list(article_ids)
    ranges: dict[int, list[tuple[int, int]]] = {}
    for i in range(0, len(ids), CHUNK):
        rows = (
            Segment.objects.filter(article_id__in=ids[i : i + CHUNK], kind=SegmentKind.BOILERPLATE)
            .order_by("article_id", "start")
            .values_list("article_id", "start", "end")
        )
        for article_id, start, end in rows:
            ranges.setdefault(article_id, []).append((start, end))
    return ranges


def inside_any(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of the sorted, non-overlapping ``ranges``."""
    i = bisect.bisect_right(ranges, (start, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]
