"""Keeping occurrences current whoever changes the corpus or the lexicon: pages, API, admin, ingest, imports.

Connected by importing this module in ``NarrativesConfig.ready()``. Article work runs after the transaction commits, so an
ingest that saves the article and then its segments in one transaction is searched once, complete
with the boilerplate segments the search skips.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from ..models import Article, FramingTerm, Outlet, Segment
from . import annotations, occurrences, suggestions, tasks, versions
from .matcher import fold


class RefreshArticle:
    """An on-commit callback that knows its article, so one commit queues it only once per article."""

    def __init__(self, article_id: int) -> None:
        self.article_id = article_id
        self.ran = False

    def pending_for(self, article_id: int) -> bool:
        return not self.ran and self.article_id == article_id

    def __call__(self) -> None:
        self.ran = True
        article = Article.objects.filter(pk=self.article_id).first()
        if article is None:
            return
        annotations.realign(article)
        occurrences.refresh_article(article.pk)


def queue_article_refresh(article_id: int) -> None:
    # Outside a transaction on_commit runs at once; inside, skip it if this commit will already run it.
    # ``run_on_commit`` drops its entries on rollback, so a rolled-back save leaves nothing behind.
    if connection.in_atomic_block and any(
        isinstance(entry[1], RefreshArticle) and entry[1].pending_for(article_id) for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(RefreshArticle(article_id))


@receiver(post_save, sender=Article, dispatch_uid="framing.article_saved")
def article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        versions.bump(versions.ARTICLES)
        queue_article_refresh(instance.pk)


@receiver(post_delete, sender=Article, dispatch_uid="framing.article_deleted")
def article_deleted(sender, instance: Article, **kwargs) -> None:
    versions.bump(versions.ARTICLES, versions.OCCURRENCES)  # its occurrences went with it


@receiver(post_save, sender=Outlet, dispatch_uid="framing.outlet_saved")
def outlet_saved(sender, instance: Outlet, raw: bool = False, **kwargs) -> None:
    if not raw:
        versions.bump(versions.ARTICLES)  # statistics show outlets by name


# Not post_delete: it would make Django load every segment of a deleted article one by one, and a
# re-ingest that replaces segments saves the article too.
@receiver(post_save, sender=Segment, dispatch_uid="framing.segment_saved")
def segment_saved(sender, instance: Segment, raw: bool = False, **kwargs) -> None:
    if not raw:
        versions.bump(versions.ARTICLES)
        queue_article_refresh(instance.article_id)


@receiver(pre_save, sender=FramingTerm, dispatch_uid="framing.term_saving")
def term_saving(sender, instance: FramingTerm, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Notes the wording the term had, so ``term_saved`` can tell a rewording from a save of notes."""
    if raw or instance.pk is None or (update_fields is not None and "text" not in update_fields):
        return
    instance._wording_before = FramingTerm.objects.filter(pk=instance.pk).values_list("text", flat=True).first()


def reworded(instance: FramingTerm) -> bool:
    """Whether this save changed the term's wording, beyond case, spacing, quote and hyphen style."""
    before = instance.__dict__.pop("_wording_before", None)
    return before is not None and fold(before) != fold(instance.text)


@receiver(post_save, sender=FramingTerm, dispatch_uid="framing.term_saved")
def term_saved(sender, instance: FramingTerm, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and "text" not in update_fields):
        return
    if reworded(instance):
        # Before the refresh, which must not count variants accepted for the old wording.
        suggestions.forget_variants(instance)
    tasks.schedule_term_refresh(instance)
    tasks.schedule_suggestions(instance)


@receiver(post_delete, sender=FramingTerm, dispatch_uid="framing.term_deleted")
def term_deleted(sender, instance: FramingTerm, **kwargs) -> None:
    versions.bump(versions.OCCURRENCES)
