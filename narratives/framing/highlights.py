"""Framing spans (analysts' tags and found occurrences) for the reading and compare pages.

Each span explains itself on hover (``title``) and carries a category class (``cat-<id>``) whose
colour comes from the stylesheet at /framing/categories.css, so no inline style is ever needed.
Tags come first in the list: where a tag and an occurrence cover the same words, ``mark_up`` puts
the tag outside, and a click anywhere on it finds the tag with ``closest('.tag')``.
"""

from __future__ import annotations

from ..models import Annotation, Article, Occurrence, OccurrenceMatch
from ..textspans import Span
from .annotations import for_article, is_current


def spans_for_article(article: Article) -> list[Span]:
    """Tags and occurrences of framing terms in ``article`` as Spans for ``textspans.mark_up``."""
    text = article.clean_text
    tags = [tag_span(a) for a in for_article(article) if is_current(a, text)]
    occurrences = article.occurrences.select_related("term__category")
    return tags + [occurrence_span(o) for o in occurrences]


def tag_span(annotation: Annotation) -> Span:
    term = annotation.term
    author = annotation.author.get_username() if annotation.author else "someone"
    title = f"Tagged by {author}: {term.text} ({term.category.name})"
    if annotation.note:
        title += f" — {annotation.note}"
    attrs = (
        ("class", f"tag cat-{term.category_id}"),
        ("data-annotation", str(annotation.pk)),
        ("data-term", str(term.pk)),
        ("title", title),
        ("tabindex", "0"),  # reachable by keyboard: Enter opens it, like a click (framing.js)
    )
    return Span(annotation.start, annotation.end, "mark", attrs)


def occurrence_span(occurrence: Occurrence) -> Span:
    term = occurrence.term
    how = "found" if occurrence.match == OccurrenceMatch.EXACT else "variant found"
    attrs = (
        ("class", f"occurrence {occurrence.match} cat-{term.category_id}"),
        ("data-term", str(term.pk)),
        ("title", f"Framing term: {term.text} ({term.category.name}) · {how}"),
    )
    return Span(occurrence.start, occurrence.end, "span", attrs)
