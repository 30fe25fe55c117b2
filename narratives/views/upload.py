"""The upload page: paste one text, or send several files whose results fill in as they finish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from ..diskfull import full_disk_refusal
from ..forms import PasteForm, UploadFilesForm, max_upload_mb, outlet_names
from ..ingest.pipeline import ingest_text
from ..models import BatchStatus, IngestBatch, IngestItem
from ..permissions import analyst_required
from ..tasks import create_batch, resume_batch, runs_inline, start_batch

TEMPLATE = "narratives/upload.html"
# A queued batch that has not finished after this long probably lost its worker; offer to resume.
STALLED_AFTER = timedelta(minutes=1)
_HEAVY_FIELDS = (
    "payload",
    "article__clean_text",
    "article__original",
    "duplicate_of__clean_text",
    "duplicate_of__original",
)


def _render(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    context.setdefault("paste_form", PasteForm())
    context.setdefault("files_form", UploadFilesForm())
    context.update(outlet_names=outlet_names(), max_upload_mb=max_upload_mb())
    return render(request, TEMPLATE, context, status=status)


def _refuses_full_disk(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A full disk (the upload's temporary file, or the database) re-renders the page with 507 and says so."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (OSError, DatabaseError) as exc:
            message = full_disk_refusal(request, exc)
            if message is None:
                raise
            messages.error(request, message)
            return _render(request, status=507)

    return guarded


@require_GET
@login_required
@analyst_required
def upload(request: HttpRequest) -> HttpResponse:
    return _render(request)


@require_POST
@login_required
@analyst_required
@_refuses_full_disk
def upload_paste(request: HttpRequest) -> HttpResponse:
    form = PasteForm(request.POST)
    if not form.is_valid():
        return _render(request, status=400, paste_form=form)
    data = form.cleaned_data
    result = ingest_text(
        data["text"],
        outlet=data["outlet"],
        title=data["title"],
        url=data["url"],
        published=data["published"],
        user=request.user,
    )
    if result.article is not None and not result.error:
        messages.success(request, f"Imported “{result.article.title}”.")
        for warning in result.warnings:  # e.g. a near-duplicate of another outlet's article
            messages.warning(request, warning)
        return redirect(result.article)
    return _render(request, status=200 if result.duplicate_of else 400, paste_form=form, paste_result=result)


# Reading the multipart body streams large files to disk, and the CSRF check is what reads it first. So
# the check runs inside the full-disk guard: exempt from the site-wide middleware, then protected by the
# same check as a decorator, the pattern Django documents for changing upload handling per view.
@csrf_exempt
@require_POST
@login_required
@analyst_required
@_refuses_full_disk
@csrf_protect
def upload_files(request: HttpRequest) -> HttpResponse:
    # A plain POST and a redirect: the batch page then polls for progress, so no htmx is needed here.
    form = UploadFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, status=400, files_form=form)
    files = form.cleaned_data["files"]
    batch = create_batch(files, outlet_name=form.cleaned_data["outlet"], user=request.user)
    start_batch(batch, inline=runs_inline(files))
    return redirect("upload_batch", batch.pk)


@require_GET
@login_required
@analyst_required
@vary_on_headers("HX-Request")
def upload_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(IngestBatch, pk=batch_id)
    if request.htmx:
        return render(request, f"{TEMPLATE}#batch", batch_context(batch))
    return _render(request, **batch_context(batch))


@require_POST
@login_required
@analyst_required
def upload_batch_resume(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(IngestBatch, pk=batch_id)
    if resume_batch(batch):
        messages.info(request, "Resumed: the remaining files are queued again.")
    else:
        messages.info(request, "Nothing to resume: every file of this batch has been processed.")
    return redirect("upload_batch", batch.pk)


def batch_context(batch: IngestBatch) -> dict:
    items = list(batch.items.select_related("article", "duplicate_of").defer(*_HEAVY_FIELDS))
    finished, total = progress_of(items)
    done = finished == total and batch.status == BatchStatus.DONE
    last_moved = max((item.updated_at for item in items), default=batch.created_at)
    return {
        "batch": batch,
        "items": items,
        "finished": finished,
        "total": total,
        "done": done,
        # Only when nothing has moved for a while: a long zip is busy, not stalled.
        "stalled": not done and timezone.now() - last_moved > STALLED_AFTER,
    }


def progress_of(items: list[IngestItem]) -> tuple[int, int]:
    """(results in, results expected): a read zip or CSV counts its articles, not itself."""
    finished = remaining = 0
    for item in items:
        if item.members is None:  # a plain file, or a container not read yet
            finished += item.status != BatchStatus.QUEUED
            remaining += item.status == BatchStatus.QUEUED
        elif item.status == BatchStatus.QUEUED:  # its stored articles are rows of their own
            remaining += item.members - item.progress
        else:
            finished += item.members == 0 or bool(item.error)
    return finished, finished + remaining


urlpatterns = [
    path("upload/", upload, name="upload"),
    path("upload/paste", upload_paste, name="upload_paste"),
    path("upload/files", upload_files, name="upload_files"),
    path("upload/batches/<int:batch_id>/", upload_batch, name="upload_batch"),
    path("upload/batches/<int:batch_id>/resume", upload_batch_resume, name="upload_batch_resume"),
]
