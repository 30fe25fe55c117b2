"""Background work (django-tasks, database backend): batch ingest of uploaded files.

A batch is a row per uploaded file (IngestItem) holding the file's bytes until it is processed. A
file's articles are stored EMBED_TOGETHER at a time, each group in one transaction together with the
item's ``progress`` (how many of the file's articles are in), so a worker killed mid-batch leaves
every group either fully imported and counted, or untouched: running the task again goes on from
``progress`` without importing anything twice. A group, not the whole file, holds the write lock:
on SQLite a zip of 500 articles held it for a minute, and every other writer (sign-in, paste, the
API) timed out. Two runners on one batch are safe, as each group is claimed under a row lock on
the item at its expected ``progress`` (SQLite serialises writers anyway).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django_tasks import task

from .forms import holds_many_articles
from .ingest.containers import read_input
from .ingest.readers import Failure
from .ingest.pipeline import EMBED_TOGETHER, IngestResult, ingest_items
from .models import BatchStatus, IngestBatch, IngestItem

log = logging.getLogger(__name__)

# Small, plain uploads are ingested in the request; anything bigger, or any container that may hold
# hundreds of articles, goes to the worker so the page answers at once and shows progress.
INLINE_MAX_BYTES = 2 * 1024 * 1024
# A pause between a container's groups on SQLite. Measured with a 500-article zip (45 s of work) and a
# second writer every 0.5 s: without it, waits up to 7.9 s; with 0.2 s, at most 1.5-1.7 s, the zip 10-25%
# slower (41-45 s against 49-52 s, two runs each way).
SQLITE_TURN_SECONDS = 0.2


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


def resume_batch(batch: IngestBatch) -> bool:
    """Re-queues an unfinished batch, e.g. after the worker was stopped mid-way; safe to repeat.

    False when there is nothing left to do.
    """
    if batch.items.filter(status=BatchStatus.QUEUED).exists() or batch.status != BatchStatus.DONE:
        transaction.on_commit(lambda: ingest_batch.enqueue(batch.pk))
        return True
    return False


def _next_queued(batch_id: int) -> int | None:
    return IngestItem.objects.filter(batch_id=batch_id, status=BatchStatus.QUEUED).values_list("pk", flat=True).first()


def _process_item(item_id: int) -> int:
    try:
        item = _queued(item_id).first()
        if item is None:  # another runner got there first
            return 0
        # Reading is pure and gives the same articles in the same order every time, which is what
        # lets a resumed run skip the ``progress`` it finds.
        members = list(read_input(bytes(item.payload or b""), item.filename, item.content_type))
        container = _is_container(item, members)
        if container:  # a long read must not look stalled, and the page can show how many there are
            IngestItem.objects.filter(pk=item_id).update(members=len(members), updated_at=timezone.now())
        done = item.progress
        while done is not None and done < len(members):
            done = _store_group(item_id, done, members, container)
            if container and done is not None and done < len(members):
                _let_other_writers_in()
        if done is None:  # finished or failed by another runner meanwhile
            return 0
        _finish(item_id, len(members), container)
        return 1
    except (OperationalError, InterfaceError):
        # The database itself (locked past its timeout, gone, full): the item stays queued with its
        # bytes, what is stored stays counted, and a resumed run goes on from there.
        raise
    except Exception:  # a bug in a reader must not stall the batch in an endless retry loop
        log.exception("ingesting batch item %s failed", item_id)
        _fail(item_id)
        return 1


def _is_container(item: IngestItem, members: list) -> bool:
    """A zip or CSV gets a row of its own that counts its articles; one that could not be read at
    all (a damaged zip) is a single failure, which goes on the file's own row."""
    unreadable = len(members) == 1 and isinstance(members[0], Failure) and members[0].filename == item.filename
    return holds_many_articles(item.filename, item.content_type) and not unreadable


def _fail(item_id: int) -> None:
    queued = IngestItem.objects.filter(pk=item_id, status=BatchStatus.QUEUED)
    row = queued.values("filename", "progress", "members").first()
    if row is None:
        return
    name, stored = row["filename"], row["progress"]
    if row["members"] and stored:
        error = f"{name}: {stored} of {row['members']} imported (listed below); the rest could not be"
        error += " (an internal error, logged)"
    else:
        error = f"{name}: could not be ingested (an internal error, logged)"
    queued.update(status=BatchStatus.FAILED, payload=None, error=error)


def _let_other_writers_in() -> None:
    # SQLite has one write lock, and a waiting writer polls for it: a worker that begins its next
    # group the instant it commits the last can starve a sign-in or a paste for many seconds.
    if connection.vendor == "sqlite":
        time.sleep(SQLITE_TURN_SECONDS)


def _queued(item_id: int):
    return IngestItem.objects.select_related("batch", "batch__created_by").filter(pk=item_id, status=BatchStatus.QUEUED)


def _store_group(item_id: int, start: int, members: list, container: bool) -> int | None:
    """Stores members[start:start + EMBED_TOGETHER] and counts them in, in one transaction; returns
    the progress to go on from (None when the item is no longer queued).

    A container's row (a zip, a CSV) stays the file's own, counting its articles, each of which gets
    a row; a plain file's one article goes on its row.
    """
    with transaction.atomic():
        item = _queued(item_id).select_for_update(of=("self",)).first()  # the item, not the joined rows
        if item is None:
            return None
        if item.progress != start:  # another runner stored this group: go on from where it is
            return item.progress
        group = members[start : start + EMBED_TOGETHER]
        results = ingest_items(group, outlet=item.batch.outlet_name or None, user=item.batch.created_by)
        record_results(item, results, on_item=not container)
        item.progress = start + len(group)  # a container's ``members`` was saved when it was read
        if not container:
            item.payload = None  # processed: the article keeps its own copy of the original
        item.save()
        return item.progress  # a plain file is done now: its one member is in


def _finish(item_id: int, total: int, container: bool) -> None:
    with transaction.atomic():
        item = _queued(item_id).select_for_update(of=("self",)).first()
        if item is None:
            return
        if total == 0:
            _apply(item, None)
        elif container:
            item.status = BatchStatus.DONE
        item.payload = None  # processed: each article keeps its own copy of the original
        item.save()


def record_results(item: IngestItem, results: list[IngestResult], *, on_item: bool = True) -> None:
    """The first result goes on the item (``on_item``); any others get rows of their own."""
    if on_item and results:
        _apply(item, results[0])
        results = results[1:]
    for result in results:
        extra = IngestItem(batch=item.batch, filename=result.file or item.filename)
        _apply(extra, result)
        extra.save()


def _apply(item: IngestItem, result: IngestResult | None) -> None:
    if result is None:
        item.status, item.error = BatchStatus.FAILED, f"{item.filename}: no articles found in the file."
        return
    item.filename = (result.file or item.filename)[:255]
    item.article = result.article
    item.duplicate_of = result.duplicate_of
    item.was_duplicate = result.duplicate_of is not None
    item.warnings = "\n".join(result.warnings)
    if result.error:
        item.status, item.error = BatchStatus.FAILED, _naming_file(result.error, item.filename)
    else:
        item.status, item.error = BatchStatus.DONE, ""


def _naming_file(error: str, filename: str) -> str:
    return error if filename in error else f"{filename}: {error}"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
