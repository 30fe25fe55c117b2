"""Analysts' tags: spans of an article marked as a framing term, with exact offsets and an author.

The offsets are evidence, so the server checks them against the text itself: a tag is saved only
when ``article.clean_text[start:end]`` is exactly the text the analyst selected.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ..models import Annotation, Article, FramingTerm

MAX_TAG_LENGTH = 500


def span_text(article: Article, start: int, end: int) -> str:
    """The text at [start, end), refusing spans that are empty, reversed, too long or outside the text."""
    if not (0 <= start < end <= len(article.clean_text)):
        raise ValidationError(f"The span {start}–{end} is outside this article's text (0–{len(article.clean_text)}).")
    if end - start > MAX_TAG_LENGTH:
        raise ValidationError(f"A tag covers at most {MAX_TAG_LENGTH} characters; select a shorter phrase.")
    return article.clean_text[start:end]


def validate_span(article: Article, start: int, end: int, text: str) -> None:
    actual = span_text(article, start, end)
    if actual != text:
        raise ValidationError(
            f"The text at {start}–{end} is “{actual}”, not “{text}”: the page may be out of date; reload it and select again."
        )
    if not actual.strip():
        raise ValidationError("Select some words, not only spaces.")


def tag_span(
    *, article: Article, start: int, end: int, text: str, term: FramingTerm, author: AbstractBaseUser, note: str = ""
) -> Annotation:
    validate_span(article, start, end, text)
    if Annotation.objects.filter(article=article, term=term, start=start, end=end).exists():
        raise ValidationError(f"This span is already tagged as “{term.text}”.")
    return Annotation.objects.create(
        article=article, term=term, start=start, end=end, text=text, note=note, author=author
    )


def update_annotation(annotation: Annotation, *, term: FramingTerm, note: str) -> Annotation:
    annotation.term = term
    annotation.note = note
    annotation.save(update_fields=["term", "note", "updated_at"])
    return annotation


def can_change(user: AbstractBaseUser | AnonymousUser, annotation: Annotation) -> bool:
    """A tag is its author's decision: only they (or staff) change or remove it."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or annotation.author_id == user.pk)


def for_article(article: Article) -> QuerySet[Annotation]:
    return article.annotations.select_related("term__category", "author")


def realign(article: Article) -> int:
    """After an article's text changed, moves each tag to where its text now is; returns how many moved.

    The nearest copy of the tagged text to its old place wins. A tag whose text is gone stays where
    it was and is no longer drawn (``highlights`` checks the text); exports flag it.
    """
    text = article.clean_text
    moved = 0
    for annotation in article.annotations.all():
        if text[annotation.start : annotation.end] == annotation.text:
            continue
        place = nearest(text, annotation.text, annotation.start)
        if place is None:
            continue
        annotation.start, annotation.end = place, place + len(annotation.text)
        annotation.save(update_fields=["start", "end", "updated_at"])
        moved += 1
    return moved


def nearest(text: str, needle: str, around: int) -> int | None:
    best: int | None = None
    at = text.find(needle)
    while at != -1:
        if best is None or abs(at - around) < abs(best - around):
            best = at
        at = text.find(needle, at + 1)
    return best


def is_current(annotation: Annotation, article_text: str) -> bool:
    return article_text[annotation.start : annotation.end] == annotation.text
