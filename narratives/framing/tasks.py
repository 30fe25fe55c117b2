"""Background work for framing (django-tasks, database backend), and the choice of inline or background.

A small corpus is searched in the request, so the analyst sees a new term's occurrences at once; past
``INLINE_MAX_ARTICLES`` the worker does it and the page says so.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django_tasks import task

from ..models import Article, FramingTerm
from . import occurrences

log = logging.getLogger(__name__)

# Finding one term takes about 0.1 s per thousand articles here (bench_framing); a request should
# answer within a second.
INLINE_MAX_ARTICLES: int = getattr(settings, "NARRATIVES_FRAMING_INLINE_ARTICLES", 5000)


def runs_inline() -> bool:
    return Article.objects.count() <= INLINE_MAX_ARTICLES


def schedule_term_refresh(term: FramingTerm) -> bool:
    """Finds the term's occurrences now (True) or queues it for the worker (False)."""
    if runs_inline():
        occurrences.refresh_term(term)
        return True
    term_id = term.pk
    transaction.on_commit(lambda: refresh_term_occurrences.enqueue(term_id))
    return False


def schedule_suggestions(term: FramingTerm) -> None:
    """Semantic variants may need the embedding model: always the worker's job, never a request's."""
    term_id = term.pk
    transaction.on_commit(lambda: suggest_term_variants.enqueue(term_id))


@task()
def refresh_term_occurrences(term_id: int) -> int:
    term = FramingTerm.objects.filter(pk=term_id).prefetch_related(occurrences.DECISIONS).first()
    return occurrences.refresh_term(term) if term else 0


@task()
def refresh_article_occurrences(article_id: int) -> int:
    return occurrences.refresh_article(article_id)


@task()
def suggest_term_variants(term_id: int) -> int:
    from .suggestions import suggest_variants

    term = FramingTerm.objects.filter(pk=term_id).first()
    return suggest_variants(term) if term else 0


@task()
def refresh_snapshots() -> None:
    from .snapshots import recompute_all

    recompute_all()
