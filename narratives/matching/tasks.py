"""Background work of matching (django-tasks, database backend; run by ``manage.py db_worker``).

Changing NARRATIVES_EMBEDDING_MODEL (or its weights, or the backend) makes every stored vector stale:
``reembed_corpus`` stores current vectors for every article that lacks them. ``prepare_model``
enqueues it after preparing a new model; comparisons do not wait for it, since ``vectors_for`` embeds
an article's missing vectors on the spot.
"""

from __future__ import annotations

import logging

from django_tasks import task

from narratives.models import Article

from .index import articles_needing_vectors, embed_article

log = logging.getLogger(__name__)


@task()
def reembed_corpus() -> int:
    """Embed every article with a claim segment lacking a current vector; returns how many vectors were written."""
    written = 0
    for article_id in list(articles_needing_vectors().values_list("pk", flat=True)):
        written += reembed_article.call(article_id)
    log.info("re-embedding stored %d vectors", written)
    return written


@task()
def reembed_article(article_id: int) -> int:
    """Current vectors for one article (0 when it is gone or already current)."""
    article = Article.objects.filter(pk=article_id).first()
    return embed_article(article) if article is not None else 0
