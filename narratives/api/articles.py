"""Articles over JSON: create (text, HTML or one file), list with filters, read with segments, delete."""

# No ``from __future__ import annotations`` here: Ninja reads the parameter annotations at import.
import json
from datetime import date
from typing import Annotated, TypeVar

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ValidationError, model_validator

from ..forms import holds_many_articles, normalise_outlet_name
from ..ingest.pipeline import IngestResult, ingest_file, ingest_html, ingest_text
from ..models import Article
from .auth import require_editor
from .errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from .inputs import MAX_INTEGER, ArticleText, Text

router = Router(tags=["articles"])
S = TypeVar("S", bound=Schema)


class SegmentOut(Schema):
    id: int
    kind: str
    start: int
    end: int
    text: str


class ArticleSummaryOut(Schema):
    id: int
    title: str
    outlet: str = Field(..., alias="outlet.name")
    published: date | None
    language: str
    url: str
    byline: str
    word_count: int


class ArticleOut(ArticleSummaryOut):
    text: str
    near_duplicate_of: int | None = Field(None, alias="near_duplicate_of_id")
    segments: list[SegmentOut]

    @staticmethod
    def resolve_segments(article: Article) -> list:
        return list(article.segments.all())


class CreatedArticleOut(ArticleOut):
    warnings: list[str] = Field(
        default_factory=list, description="What ingest noticed and did: a date left empty, a URL dropped, a reprint."
    )


OutletName = Annotated[
    Text, Field(min_length=1, max_length=200, description="The outlet's name; a new name creates the outlet.")
]


class ArticleIn(Schema):
    outlet: OutletName
    title: ArticleText = Field("", max_length=500, description="Optional when the text starts with its headline.")
    text: ArticleText | None = None
    html: ArticleText | None = None
    url: ArticleText = Field("", max_length=2000)
    published: date | None = None

    @model_validator(mode="after")
    def text_or_html(self) -> "ArticleIn":
        if bool(self.text and self.text.strip()) == bool(self.html and self.html.strip()):
            raise ValueError("send either 'text' or 'html' (one of them, not empty)")
        return self


class UploadIn(Schema):
    """The multipart form's fields besides the file."""

    outlet: OutletName


class DuplicateOut(Schema):
    detail: str
    duplicate_of: int


class ArticleFilters(Schema):
    outlet: Text | None = Field(None, description="outlet name or slug")
    q: Text | None = Field(None, description="words in the title, byline or text")
    language: Text | None = None
    published_from: date | None = None
    published_to: date | None = None

    @model_validator(mode="after")
    def dates_in_order(self) -> "ArticleFilters":
        # The corpus page says so too; an empty 200 would read as "no articles in that range".
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise ValueError("published_to is before published_from")
        return self

    def apply(self, articles: QuerySet[Article]) -> QuerySet[Article]:
        if self.outlet:
            # Names compare ignoring case everywhere else (ingest, the admin): here too.
            articles = articles.filter(Q(outlet__name__iexact=self.outlet) | Q(outlet__slug=self.outlet))
        if self.language:
            articles = articles.filter(language=self.language)
        return articles.search(self.q or "").published_between(self.published_from, self.published_to)


class ArticlePages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_INTEGER)


class BadInput(Exception):
    """Raised while reading a create request; answered with 400 and its message."""


# Ninja documents a JSON body only; this operation also takes a multipart file, so the request body
# is read by hand below and described here for the schema.
CREATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArticleIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": ".txt .md .html .docx .pdf"},
                        "outlet": {"type": "string"},
                    },
                    "required": ["file", "outlet"],
                }
            },
        },
    }
}


@router.post(
    "/articles",
    response={201: CreatedArticleOut, 400: ErrorOut, 409: DuplicateOut, **WRITE_ERRORS},
    openapi_extra=CREATE_BODY,
    summary="Add an article from text, HTML or one file",
)
def create_article(request: HttpRequest):
    require_editor(request)
    try:
        if request.content_type == "multipart/form-data":
            result = _ingest_upload(request)
        else:
            result = _ingest_json(request)
    except BadInput as exc:
        return Status(400, {"detail": str(exc)})
    if result.duplicate_of is not None:
        existing = result.duplicate_of
        detail = f"Already in the corpus as article {existing.pk}: “{existing.title}”."
        return Status(409, {"duplicate_of": existing.pk, "detail": detail})
    if result.error or result.article is None:
        return Status(400, {"detail": result.error or "Nothing could be imported."})
    article = _with_segments(result.article.pk)
    article.warnings = result.warnings  # not stored: said once, when the article comes in
    return Status(201, article)


def _ingest_json(request: HttpRequest) -> IngestResult:
    try:
        data = json.loads(request.body or b"null")
    except json.JSONDecodeError as exc:
        raise BadInput(f"The body is not valid JSON: {exc.msg} at character {exc.pos}.") from exc
    except UnicodeDecodeError as exc:  # json.loads decodes bytes itself, and says so differently
        raise BadInput(f"The body is not valid JSON: it is not UTF-8 text (byte {exc.start}).") from exc
    if not isinstance(data, dict):
        raise BadInput("body: send a JSON object with 'outlet' and 'text' or 'html'.")
    payload = _validated(ArticleIn, data)
    outlet = normalise_outlet_name(payload.outlet)
    if not outlet:
        raise BadInput("outlet: name the outlet that published the article.")
    options = {
        "outlet": outlet,
        "title": payload.title.strip(),
        "url": payload.url.strip(),
        "published": payload.published,
    }
    if payload.text is not None and payload.text.strip():
        return ingest_text(payload.text, user=request.auth, **options)
    return ingest_html(payload.html, user=request.auth, **options)


def _ingest_upload(request: HttpRequest) -> IngestResult:
    upload = request.FILES.get("file")
    outlet = normalise_outlet_name(request.POST.get("outlet", ""))
    if upload is None:
        raise BadInput("file: attach the article as a multipart field named 'file'.")
    if not outlet:
        raise BadInput("outlet: name the outlet that published the article.")
    outlet = _validated(UploadIn, {"outlet": outlet}).outlet
    if holds_many_articles(upload.name, upload.content_type or ""):
        # One request, one article: a zip or CSV answers with many, which the upload page and
        # `manage.py import_articles` report file by file.
        raise BadInput(
            f"{upload.name}: send one article per request; import zip, CSV and JSONL files with import_articles."
        )
    results = ingest_file(
        upload.read(), upload.name, outlet=outlet, content_type=upload.content_type or "", user=request.auth
    )
    if not results:  # a single-article reader always answers, but an empty list must not be a 500
        raise BadInput(f"{upload.name}: no article found in the file.")
    return results[0]


def _validated(schema: type[S], data: dict) -> S:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise BadInput(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def _with_segments(article_id: int) -> Article:
    return get_object_or_404(Article.objects.select_related("outlet").prefetch_related("segments"), pk=article_id)


@router.get("/articles", response={200: list[ArticleSummaryOut], **READ_ERRORS}, summary="List articles, newest first")
@paginate(ArticlePages)
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]):
    return filters.apply(Article.objects.listing())


@router.get(
    "/articles/{article_id}",
    response={200: ArticleOut, 404: ErrorOut, **READ_ERRORS},
    summary="One article with its segments",
)
def get_article(request: HttpRequest, article_id: int):
    return _with_segments(article_id)


@router.delete(
    "/articles/{article_id}", response={204: None, 404: ErrorOut, **WRITE_ERRORS}, summary="Delete an article"
)
def delete_article(request: HttpRequest, article_id: int):
    require_editor(request)
    get_object_or_404(Article, pk=article_id).delete()
    return Status(204, None)
