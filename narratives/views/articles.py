"""The corpus list, the reading page, the original download, compare selection and deletion."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from ..forms import (
    CANDIDATES_PER_OUTLET,
    ArticleFilterForm,
    CompareSelectionForm,
    DeleteArticleForm,
    compare_candidates,
)
from ..framing.highlights import spans_for_article
from ..models import Article, Segment, SegmentKind
from ..permissions import analyst_required
from ..textspans import Span, mark_up

PAGE_SIZE = 25

# Originals are served as downloads only. Types a browser would render or run (HTML, SVG, XML…)
# are sent as opaque bytes, so an uploaded page can never execute in our origin.
SAFE_ORIGINAL_TYPES = {
    "text/plain",
    "text/markdown",
    "text/csv",
    "application/pdf",
    "application/zip",
    "application/json",
    "application/x-ndjson",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@require_GET
@login_required
@vary_on_headers("HX-Request")
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    page = Paginator(form.apply(Article.objects.listing()), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "narratives/article_list.html#results" if request.htmx else "narratives/article_list.html"
    return render(request, template, {"form": form, "page": page})


@require_GET
@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    # The original bytes (up to 20 MB) are only needed by the download view.
    heavy = ("original", "near_duplicate_of__original", "near_duplicate_of__clean_text")
    related = Article.objects.select_related("outlet", "uploaded_by", "near_duplicate_of").defer(*heavy)
    article = get_object_or_404(related, pk=article_id)
    return render(request, "narratives/article_detail.html", reading_context(article))


def reading_context(article: Article, **extra) -> dict:
    blocks = paragraph_blocks(article, list(article.segments.all()), spans_for_article(article))
    title_in_text = bool(blocks) and blocks[0].is_title and blocks[0].text == article.title
    return {
        "article": article,
        "blocks": blocks,
        "title_in_text": title_in_text,
        "external_url": article.url if article.url.startswith(("https://", "http://")) else "",
        "near_duplicates": article.near_duplicates.select_related("outlet").only("id", "title", "outlet__name"),
        **_candidates(article),
        "delete_form": extra.pop("delete_form", None) or DeleteArticleForm(),
        **extra,
    }


def _candidates(article: Article) -> dict:
    shown, more = compare_candidates(article)
    return {"candidates": shown, "more_candidates": more, "candidates_per_outlet": CANDIDATES_PER_OUTLET}


@dataclass(frozen=True)
class Block:
    """One paragraph of the rendering contract: ``html``'s text content is ``clean_text[start:end]``."""

    start: int
    end: int
    text: str
    kinds: frozenset[str]
    html: SafeString

    @property
    def is_title(self) -> bool:
        return self.kinds == {SegmentKind.TITLE}

    @property
    def css_class(self) -> str:
        # A paragraph made only of furniture or header lines is styled as a whole (dimmed, small).
        if len(self.kinds) == 1:
            return f"para para-{next(iter(self.kinds))}"
        return "para"


def paragraph_blocks(article: Article, segments: list[Segment], extra_spans: list[Span]) -> list[Block]:
    """Paragraphs from the segments, each with its segments (and any highlights) nested inside.

    Text between segments of one paragraph (spaces) stays inside the block, so offsets counted from
    ``data-start`` are exact; the breaks between paragraphs are the only text left out.
    """
    text = article.clean_text
    if not segments:
        return [_block(text, 0, len(text), frozenset(), extra_spans)] if text.strip() else []
    blocks = []
    for _, group in groupby(segments, key=lambda s: s.paragraph):
        members = list(group)
        spans = [_segment_span(s) for s in members] + extra_spans
        start, end = min(s.start for s in members), max(s.end for s in members)
        blocks.append(_block(text, start, end, frozenset(s.kind for s in members), spans))
    return blocks


def _block(text: str, start: int, end: int, kinds: frozenset[str], spans: list[Span]) -> Block:
    return Block(start, end, text[start:end], kinds, mark_up(text, spans, start, end))


def _segment_span(segment: Segment) -> Span:
    attrs = (("class", f"seg kind-{segment.kind}"), ("data-kind", segment.kind), ("data-segment", str(segment.pk)))
    return Span(segment.start, segment.end, "span", attrs)


@require_GET
@login_required
def article_original(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.only("original", "original_filename", "original_content_type"), pk=article_id
    )
    response = HttpResponse(bytes(article.original), content_type=download_type(article.original_content_type))
    response["Content-Disposition"] = content_disposition_header(
        True, article.original_filename or f"article-{article.pk}"
    )
    return response


def download_type(content_type: str) -> str:
    base = content_type.split(";")[0].strip().lower()
    return base if base in SAFE_ORIGINAL_TYPES else "application/octet-stream"


@require_GET
@login_required
def compare_selection(request: HttpRequest) -> HttpResponse:
    """Turns the checkboxes (``?articles=1&articles=2``) into the compare page's ``?articles=1,2``."""
    form = CompareSelectionForm(request.GET)
    if form.is_valid():
        return redirect(form.compare_url())
    messages.error(request, " ".join(form.errors.get("articles", ["Pick articles to compare."])))
    return HttpResponseRedirect(_back_to(request))


def _back_to(request: HttpRequest) -> str:
    back = request.GET.get("back", "")
    # Only our own pages: a crafted link must not bounce the analyst to another site.
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return reverse("article_list")


@require_POST
@login_required
@analyst_required
def article_delete(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet").defer("original"), pk=article_id)
    form = DeleteArticleForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "narratives/article_detail.html",
            reading_context(article, delete_form=form, delete_open=True),
            status=400,
        )
    title = article.title
    article.delete()
    messages.success(request, f"Deleted “{title}”.")
    return redirect("article_list")


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    # http://127.0.0.1:8000/ is where `make run` sends the analyst, and where sign-in returns them.
    return redirect("article_list")


urlpatterns = [
    path("", home, name="home"),
    path("articles/", article_list, name="article_list"),
    path("articles/compare", compare_selection, name="compare_selection"),
    path("articles/<int:article_id>/", article_detail, name="article_detail"),
    path("articles/<int:article_id>/original", article_original, name="article_original"),
    path("articles/<int:article_id>/delete", article_delete, name="article_delete"),
]
