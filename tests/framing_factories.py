"""Factories for the framing tests: outlets, articles with exact segments, categories, terms and tags.

Articles are built here rather than ingested so each test states exactly which paragraph is web
furniture; the acceptance tests on the seeds use the real ingest pipeline.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date

from narratives.ingest.build import paragraph_segments
from narratives.models import Annotation, Article, FramingCategory, FramingTerm, Outlet, Segment, SegmentKind

_counter = itertools.count(1)


def make_outlet(name: str = "Outlet A") -> Outlet:
    return Outlet.objects.get_or_create(name=name)[0]


def make_article(
    paragraphs: list[str | tuple[str, str]],
    *,
    outlet: str = "Outlet A",
    title: str = "",
    published: date | None = None,
) -> Article:
    """Clean text = paragraphs joined by blank lines; each paragraph one segment, a sentence unless
    given as ``(kind, text)``. The title, if any, is the first paragraph."""
    pieces = [(SegmentKind.TITLE, title)] if title else []
    pieces += [p if isinstance(p, tuple) else (SegmentKind.SENTENCE, p) for p in paragraphs]
    text = "\n\n".join(body for _, body in pieces)
    article = Article.objects.create(
        outlet=make_outlet(outlet),
        title=title or pieces[0][1][:60],
        published=published,
        original=text.encode(),
        clean_text=text,
        content_hash=hashlib.sha256(f"{next(_counter)}:{text}".encode()).hexdigest(),
        word_count=len(text.split()),
    )
    Segment.objects.bulk_create(paragraph_segments(article, pieces))
    return article


def make_category(name: str = "euphemism", colour: str = "#2980b9") -> FramingCategory:
    return FramingCategory.objects.get_or_create(name=name, defaults={"colour": colour})[0]


def make_term(text: str, category: str = "euphemism") -> FramingTerm:
    return FramingTerm.objects.create(text=text, category=make_category(category))


def make_tag(article: Article, phrase: str, term: FramingTerm, author, occurrence: int = 0) -> Annotation:
    """Tags the ``occurrence``-th copy of ``phrase`` in the article's text."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.clean_text.index(phrase, start + 1)
    return Annotation.objects.create(
        article=article, term=term, start=start, end=start + len(phrase), text=phrase, author=author
    )
