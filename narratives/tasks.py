"""Background work (django-tasks, database backend): batch ingest of uploaded files.

A batch is a row per uploaded file (IngestItem) holding the file's bytes until it is processed. Each
item is ingested and marked done in one transaction, so a worker killed mid-batch leaves every item
either fully imported and marked, or untouched and still queued: running the task again finishes the
batch without importing anything twice. Two runners on one batch are safe too, as each item is
claimed under a row lock (SQLite serialises writers anyway) and re-checked before ingesting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .forms import holds_many_articles
from .ingest.pipeline import IngestResult, ingest_file
from .models import BatchStatus, IngestBatch, IngestItem

log = logging.getLogger(__name__)

# Small, plain uploads are ingested in the request; anything bigger, or any container that may hold
# hundreds of articles, goes to the worker so the page answers at once and shows progress.
INLINE_MAX_BYTES = 2 * 1024 * 1024


def create_batch(files: Iterable[UploadedFile], *, outlet_name: str, user) -> IngestBatch:
    """Stores the uploaded files as queued items. Oversized files fail here, before their bytes are kept."""
    limit = settings.NARRATIVES_MAX_UPLOAD_BYTES
    with transaction.atomic():
        batch = IngestBatch.objects.create(created_by=user, outlet_name=outlet_name)
        for upload in files:
            item = IngestItem(batch=batch, filename=upload.name, content_type=upload.content_type or "")
            if upload.size > limit:
                item.status = BatchStatus.FAILED
                item.error = f"{upload.name}: is {_mb(upload.size)}, over the {_mb(limit)} limit per file"
            else:
                item.payload = upload.read()
            item.save()
    return batch


def runs_inline(files: list[UploadedFile]) -> bool:
    return (
        len(files) <= settings.NARRATIVES_INLINE_BATCH
        and sum(f.size for f in files) <= INLINE_MAX_BYTES
        and not any(holds_many_articles(f.name, f.content_type or "") for f in files)
    )


def start_batch(batch: IngestBatch, *, inline: bool) -> None:
    if inline:
        process_batch(batch.pk)
    else:
        # After commit, so the worker never picks up a batch it cannot see yet.
        transaction.on_commit(lambda: ingest_batch.enqueue(batch.pk))


@task()
def ingest_batch(batch_id: int) -> int:
    """The worker's entry point; returns how many items this run processed."""
    return process_batch(batch_id)


def process_batch(batch_id: int) -> int:
    IngestBatch.objects.filter(pk=batch_id).exclude(status=BatchStatus.DONE).update(status=BatchStatus.RUNNING)
    processed = 0
    while (item_id := _next_queued(batch_id)) is not None:
        processed += _process_item(item_id)
    IngestBatch.objects.filter(pk=batch_id).update(status=BatchStatus.DONE, finished_at=timezone.now())
    return processed


def resume_batch(batch: IngestBatch) -> None:
    """Re-queues an unfinished batch, e.g. after the worker was stopped mid-way; safe to repeat."""
    if batch.items.filter(status=BatchStatus.QUEUED).exists() or batch.status != BatchStatus.DONE:
        transaction.on_commit(lambda: ingest_batch.enqueue(batch.pk))


def _next_queued(batch_id: int) -> int | None:
    return IngestItem.objects.filter(batch_id=batch_id, status=BatchStatus.QUEUED).values_list("pk", flat=True).first()


def _process_item(item_id: int) -> int:
    try:
        with transaction.atomic():
            item = (
                IngestItem.objects.select_for_update(of=("self",))  # lock the item, not the joined rows
                .select_related("batch", "batch__created_by")
                .filter(pk=item_id, status=BatchStatus.QUEUED)
                .first()
            )
            if item is None:  # another runner got there first
                return 0
            results = ingest_file(
                bytes(item.payload or b""),
                item.filename,
                outlet=item.batch.outlet_name or None,
                content_type=item.content_type,
                user=item.batch.created_by,
            )
            record_results(item, results)
        return 1
    except Exception:  # a bug in a reader must not stall the batch in an endless retry loop
        log.exception("ingesting batch item %s failed", item_id)
        queued = IngestItem.objects.filter(pk=item_id, status=BatchStatus.QUEUED)
        name = queued.values_list("filename", flat=True).first()
        queued.update(
            status=BatchStatus.FAILED, payload=None, error=f"{name}: could not be ingested (an internal error, logged)"
        )
        return 1


def record_results(item: IngestItem, results: list[IngestResult]) -> None:
    """The first result goes on the item; a zip or CSV's further articles get rows of their own."""
    if not results:
        _apply(item, None)
        item.save()
        return
    container = item.filename
    _apply(item, results[0])
    item.save()
    for result in results[1:]:
        extra = IngestItem(batch=item.batch, filename=result.file or container)
        _apply(extra, result)
        extra.save()


def _apply(item: IngestItem, result: IngestResult | None) -> None:
    item.payload = None  # processed: the article keeps its own copy of the original
    if result is None:
        item.status, item.error = BatchStatus.FAILED, f"{item.filename}: no articles found in the file."
        return
    item.filename = (result.file or item.filename)[:255]
    item.article = result.article
    item.duplicate_of = result.duplicate_of
    item.warnings = "\n".join(result.warnings)
    if result.error:
        item.status, item.error = BatchStatus.FAILED, _naming_file(result.error, item.filename)
    else:
        item.status, item.error = BatchStatus.DONE, ""


def _naming_file(error: str, filename: str) -> str:
    return error if filename in error else f"{filename}: {error}"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
