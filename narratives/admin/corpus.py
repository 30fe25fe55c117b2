"""Corpus management in the admin: outlets, articles (segments read-only), bulk actions, import."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ..forms import UploadFilesForm, max_upload_mb
from ..ingest.dedupe import hash_under_outlet
from ..ingest.pipeline import ingest_file, reingest
from ..csvsafe import csv_safe
from ..models import Article, BatchStatus, IngestBatch, IngestItem, Outlet, Segment

EXPORT_FIELDS = (
    "id",
    "title",
    "outlet",
    "byline",
    "url",
    "published",
    "language",
    "word_count",
    "original_filename",
    "created_at",
    "text",
)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "language", "homepage", "article_count")
    search_fields = ("name", "country", "notes")
    list_filter = ("country", "language")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Outlet]:
        return super().get_queryset(request).with_article_counts()

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_count


class SegmentInline(admin.TabularInline):
    """Segments are derived from the text: shown for inspection, changed only by re-ingesting."""

    model = Segment
    fields = ("order", "paragraph", "kind", "start", "end", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ArticleAdminForm(forms.ModelForm):
    """Refuses to move an article to an outlet that already holds the same words (a duplicate there)."""

    class Meta:
        model = Article
        fields = "__all__"

    def clean_outlet(self) -> Outlet:
        outlet = self.cleaned_data["outlet"]
        article = self.instance
        if article.pk and outlet.pk != article.outlet_id:
            digest = hash_under_outlet(article, outlet.pk)
            twin = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).first()
            if twin is not None:
                raise forms.ValidationError(
                    f"{outlet.name} already has this text as article {twin.pk} (“{twin.title}”): "
                    "moving this one there would make a duplicate. Delete one of the two instead."
                )
            self.new_content_hash = digest
        return outlet


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_list_template = "admin/narratives/article/change_list.html"
    list_display = ("title", "outlet", "published", "language", "word_count", "uploaded_by", "created_at")
    list_select_related = ("outlet", "uploaded_by")
    list_filter = ("outlet", "language", ("published", admin.DateFieldListFilter), "uploaded_by")
    search_fields = ("title", "byline", "url", "outlet__name")
    date_hierarchy = "published"
    autocomplete_fields = ("outlet",)
    raw_id_fields = ("near_duplicate_of", "uploaded_by")
    # The clean text and its offsets are the ground every highlight stands on: never edited by hand.
    readonly_fields = (
        "reading_page",
        "original_download",
        "original_content_type",
        "content_hash",
        "word_count",
        "clean_text",
        "created_at",
        "updated_at",
    )
    fields = (
        "reading_page",
        "title",
        "outlet",
        "byline",
        "published",
        "url",
        "language",
        "near_duplicate_of",
        "uploaded_by",
        "original_download",
        "original_content_type",
        "content_hash",
        "word_count",
        "created_at",
        "updated_at",
        "clean_text",
    )
    inlines = [SegmentInline]
    actions = ["reingest_selected", "export_jsonl", "export_csv"]

    def save_model(self, request: HttpRequest, obj: Article, form: ArticleAdminForm, change: bool) -> None:
        # The hash names the outlet: moved, the article must be found as a duplicate in its new outlet.
        obj.content_hash = getattr(form, "new_content_hash", obj.content_hash)
        super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        # Lists never show the bytes or the text; the change page loads the text when it shows it.
        return super().get_queryset(request).defer("original", "clean_text")

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        # A bare model form would store an article with no original and no segments; articles come
        # in through ingest only, so "Add" opens the import page.
        return redirect("admin:narratives_article_import")

    @admin.display(description="reading page")
    def reading_page(self, article: Article) -> str:
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), "Open the reading page")

    @admin.display(description="original")
    def original_download(self, article: Article) -> str:
        url = reverse("article_original", args=[article.pk])
        return format_html('<a href="{}">{}</a>', url, article.original_filename or "download")

    @admin.action(description="Re-ingest selected articles from their originals", permissions=["change"])
    def reingest_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done, failed = 0, []
        for article in queryset.defer(None).select_related("outlet"):
            result = reingest(article)
            if result.error:
                failed.append(f"{article.title}: {result.error}")
            else:
                done += 1
        if done:
            self.message_user(request, f"Re-ingested {done} article{'s' if done != 1 else ''}.", messages.SUCCESS)
        for line in failed:
            self.message_user(request, f"Not re-ingested: {line}", messages.ERROR)

    @admin.action(description="Export selected as JSONL (with segments)", permissions=["view"])
    def export_jsonl(self, request: HttpRequest, queryset: QuerySet[Article]) -> HttpResponse:
        lines = (json.dumps(export_row(a, segments=True), ensure_ascii=False) + "\n" for a in _exported(queryset))
        return _download("".join(lines), "application/x-ndjson", "jsonl")

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Article]) -> HttpResponse:
        response = _download("", "text/csv; charset=utf-8", "csv")
        writer = csv.DictWriter(response, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows({k: csv_safe(v) for k, v in export_row(a).items()} for a in _exported(queryset))
        return response

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_view)
        return [path("import/", import_view, name="narratives_article_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Files in, one result line per article out; the same ingest the upload page and API use."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadFilesForm(request.POST or None, request.FILES or None)
        results = []
        if request.method == "POST" and form.is_valid():
            outlet = form.cleaned_data["outlet"] or None
            for upload in form.cleaned_data["files"]:
                results += ingest_file(
                    upload.read(), upload.name, outlet=outlet, content_type=upload.content_type or "", user=request.user
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import articles",
            "form": form,
            "results": results,
            "max_upload_mb": max_upload_mb(),
        }
        return TemplateResponse(request, "admin/narratives/article/import.html", context)


def _exported(queryset: QuerySet[Article]) -> Iterator[Article]:
    # defer(None): the changelist's queryset leaves out the text, which an export needs.
    return (
        queryset.defer(None)
        .select_related("outlet")
        .prefetch_related("segments")
        .order_by("id")
        .iterator(chunk_size=200)
    )


def export_row(article: Article, segments: bool = False) -> dict:
    """One article as exported; the columns are a superset of what the CSV/JSONL importer reads."""
    row = {
        "id": article.pk,
        "title": article.title,
        "outlet": article.outlet.name,
        "byline": article.byline,
        "url": article.url,
        "published": article.published.isoformat() if article.published else "",
        "language": article.language,
        "word_count": article.word_count,
        "original_filename": article.original_filename,
        "created_at": article.created_at.isoformat(),
        "text": article.clean_text,
    }
    if segments:
        row["segments"] = [
            {"id": s.pk, "kind": s.kind, "paragraph": s.paragraph, "start": s.start, "end": s.end, "text": s.text}
            for s in article.segments.all()
        ]
    return row


def _download(body: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="articles-{stamp}.{extension}"'
    return response


class IngestItemInline(admin.TabularInline):
    model = IngestItem
    fields = ("filename", "status", "article", "duplicate_of", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(IngestBatch)
class IngestBatchAdmin(admin.ModelAdmin):
    """Upload batches, read-only: where a corpus manager finds which files failed and why."""

    list_display = ("id", "created_at", "created_by", "outlet_name", "status", "progress")
    list_filter = ("status", "created_by")
    list_select_related = ("created_by",)
    readonly_fields = ("created_by", "outlet_name", "status", "created_at", "finished_at")
    inlines = [IngestItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[IngestBatch]:
        queued = Q(items__status=BatchStatus.QUEUED)
        return super().get_queryset(request).annotate(n_items=Count("items"), n_finished=Count("items", filter=~queued))

    @admin.display(description="processed")
    def progress(self, batch: IngestBatch) -> str:
        return f"{batch.n_finished} of {batch.n_items}"
