"""Version tokens that tell a stored result (FramingSnapshot) whether it is still current.

Reading "has the corpus changed?" from the articles themselves means scanning the article table,
which costs more than the statistics page may take. Instead every change bumps a token: articles
(saved, deleted, re-segmented, their outlet renamed) bump ``ARTICLES``; every occurrence refresh
bumps ``OCCURRENCES``. A token is a random string, so two processes bumping at once cannot collide
into an old value. Code that bulk-creates articles (which sends no signals) must call ``bump``.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from ..models import FramingSnapshot

ARTICLES = "version:articles"
OCCURRENCES = "version:occurrences"


def bump(*keys: str) -> None:
    for key in keys:
        FramingSnapshot.objects.update_or_create(
            key=key, defaults={"signature": uuid.uuid4().hex, "computed_at": timezone.now()}
        )


def current(*keys: str) -> str:
    """One string naming the state of everything in ``keys`` (one query)."""
    tokens = dict(FramingSnapshot.objects.filter(key__in=keys).values_list("key", "signature"))
    return ":".join(tokens.get(key, "0") for key in keys)
