"""Framing over JSON: terms, their occurrences, counts by outlet, and analysts' tags (annotations).

Everyone signed in reads; analysts and staff write (``require_editor``). Every span obeys the
contract ``article.text[start:end] == text``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ..framing import annotations, stats
from ..framing.lexicon import category_named, find_term, get_or_create_term, normalise_term_text
from ..models import Annotation, Article, FramingTerm, Occurrence
from .auth import require_editor
from .errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from .inputs import ObjectId, Text

router = Router(tags=["framing"])


class TermIn(Schema):
    text: Text = Field(..., min_length=1, max_length=300)
    category: Text = Field(..., min_length=1, max_length=100, description="The category's name; a new name creates it.")
    notes: Text = ""


class TermOut(Schema):
    id: int
    text: str
    category: str = Field(..., alias="category.name")
    notes: str
    created_by: str | None
    created_at: datetime
    occurrences: int

    @staticmethod
    def resolve_created_by(term: FramingTerm) -> str | None:
        return term.created_by.get_username() if term.created_by else None

    @staticmethod
    def resolve_occurrences(term: FramingTerm) -> int:
        counted = getattr(term, "occurrence_count", None)  # annotated by _terms(); 0 is an answer too
        return term.occurrences.count() if counted is None else counted


class OccurrenceOut(Schema):
    article: int = Field(..., alias="article_id")
    outlet: str = Field(..., alias="article.outlet.name")
    start: int
    end: int
    text: str
    match: str


class TermOutletOut(Schema):
    term: str
    category: str
    outlet: str
    count: int
    words: int = Field(..., description="words in the outlet's articles: the rate's denominator")
    per_10k_words: float


class AnnotationIn(Schema):
    article: ObjectId
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=1)
    text: Text = Field(..., min_length=1, description="Must equal the article's text at [start, end).")
    term: ObjectId | None = Field(None, description="An existing term's id; or give term_text and category.")
    term_text: Text | None = None
    category: Text | None = None
    note: Text = ""


class AnnotationPatch(Schema):
    term: ObjectId | None = None
    note: Text | None = None


class AnnotationOut(Schema):
    id: int
    article: int = Field(..., alias="article_id")
    outlet: str = Field(..., alias="article.outlet.name")
    start: int
    end: int
    text: str
    term: int = Field(..., alias="term_id")
    term_text: str = Field(..., alias="term.text")
    category: str = Field(..., alias="term.category.name")
    note: str
    author: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_author(annotation: Annotation) -> str | None:
        return annotation.author.get_username() if annotation.author else None


class AnnotationFilters(Schema):
    article: ObjectId | None = None
    term: ObjectId | None = None
    author: Text | None = Field(None, description="username")


class DuplicateTermOut(Schema):
    detail: str
    id: int


def _terms() -> QuerySet[FramingTerm]:
    return FramingTerm.objects.select_related("category", "created_by").annotate(occurrence_count=Count("occurrences"))


def _annotations() -> QuerySet[Annotation]:
    return Annotation.objects.select_related("article__outlet", "term__category", "author")


def _bad(exc: ValidationError) -> HttpError:
    return HttpError(400, " ".join(exc.messages))


@router.post("/terms", response={201: TermOut, 400: ErrorOut, 409: DuplicateTermOut, **WRITE_ERRORS})
def create_term(request: HttpRequest, payload: TermIn):
    """Adds a term; its occurrences are found at once (or by the worker for a large corpus)."""
    require_editor(request)
    try:
        text = normalise_term_text(payload.text)
        category = category_named(payload.category, user=request.auth)
    except ValidationError as exc:
        raise _bad(exc) from exc
    existing = find_term(text, category)
    if existing:
        return Status(409, {"detail": f"“{existing.text}” is already a term in {category.name}.", "id": existing.pk})
    term, _ = get_or_create_term(text, category, user=request.auth, notes=payload.notes)
    return Status(201, _terms().get(pk=term.pk))


# Lists are read here, in the view, not later while Ninja serialises them: a database failure then
# reaches the middleware's 503 instead of surfacing inside a pydantic error as a 500.


@router.get("/terms", response={200: list[TermOut], **READ_ERRORS})
def list_terms(request: HttpRequest, category: Text | None = None):
    terms = _terms().order_by("text")
    return list(terms.filter(category__name__iexact=category) if category else terms)


@router.get("/terms/{term_id}", response={200: TermOut, 404: ErrorOut, **READ_ERRORS})
def get_term(request: HttpRequest, term_id: int):
    return get_object_or_404(_terms(), pk=term_id)


@router.delete("/terms/{term_id}", response={204: None, 404: ErrorOut, **WRITE_ERRORS})
def delete_term(request: HttpRequest, term_id: int):
    """Deletes the term with its occurrences and its tags."""
    require_editor(request)
    get_object_or_404(FramingTerm, pk=term_id).delete()
    return Status(204, None)


@router.get("/terms/{term_id}/occurrences", response={200: list[OccurrenceOut], 404: ErrorOut, **READ_ERRORS})
def term_occurrences(request: HttpRequest, term_id: int, outlet: Text | None = None):
    term = get_object_or_404(FramingTerm, pk=term_id)
    occurrences = Occurrence.objects.filter(term=term).select_related("article__outlet").order_by("article_id", "start")
    if outlet:
        occurrences = occurrences.filter(Q(article__outlet__name__iexact=outlet) | Q(article__outlet__slug=outlet))
    return list(occurrences)


@router.get("/stats/terms-by-outlet", response={200: list[TermOutletOut], **READ_ERRORS})
def terms_by_outlet(request: HttpRequest):
    """Every term × every outlet with articles, zeros included; rate per 10,000 words of the outlet's articles."""
    return stats.table_records(stats.terms_by_outlet())


@router.get("/annotations", response={200: list[AnnotationOut], **READ_ERRORS})
def list_annotations(request: HttpRequest, filters: Query[AnnotationFilters]):
    found = _annotations()
    if filters.article:
        found = found.filter(article_id=filters.article)
    if filters.term:
        found = found.filter(term_id=filters.term)
    if filters.author:
        found = found.filter(author__username=filters.author)
    return list(found)


@router.post("/annotations", response={201: AnnotationOut, 400: ErrorOut, 404: ErrorOut, **WRITE_ERRORS})
def create_annotation(request: HttpRequest, payload: AnnotationIn):
    require_editor(request)
    article = get_object_or_404(Article, pk=payload.article)
    try:
        term = _term_for(payload.term, payload.term_text, payload.category, request)
        annotation = annotations.tag_span(
            article=article,
            start=payload.start,
            end=payload.end,
            text=payload.text,
            term=term,
            author=request.auth,
            note=payload.note,
        )
    except ValidationError as exc:
        raise _bad(exc) from exc
    return Status(201, _annotations().get(pk=annotation.pk))


def _term_for(term_id: int | None, text: str | None, category: str | None, request: HttpRequest) -> FramingTerm:
    if term_id is not None:
        term = FramingTerm.objects.filter(pk=term_id).first()
        if term is None:
            raise ValidationError(f"There is no term {term_id}.")
        return term
    if not (text and category):
        raise ValidationError("Give 'term' (an id), or 'term_text' and 'category'.")
    return get_or_create_term(text, category_named(category, user=request.auth), user=request.auth)[0]


@router.get("/annotations/{annotation_id}", response={200: AnnotationOut, 404: ErrorOut, **READ_ERRORS})
def get_annotation(request: HttpRequest, annotation_id: int):
    return get_object_or_404(_annotations(), pk=annotation_id)


def _changeable(request: HttpRequest, annotation_id: int) -> Annotation:
    require_editor(request)
    annotation = get_object_or_404(_annotations(), pk=annotation_id)
    if not annotations.can_change(request.auth, annotation):
        raise HttpError(403, "Only the analyst who made this tag (or an admin) can change it.")
    return annotation


@router.patch(
    "/annotations/{annotation_id}", response={200: AnnotationOut, 400: ErrorOut, 404: ErrorOut, **WRITE_ERRORS}
)
def update_annotation(request: HttpRequest, annotation_id: int, payload: AnnotationPatch):
    annotation = _changeable(request, annotation_id)
    try:
        term = _term_for(payload.term, None, None, request) if payload.term is not None else annotation.term
    except ValidationError as exc:
        raise _bad(exc) from exc
    note = annotation.note if payload.note is None else payload.note
    annotations.update_annotation(annotation, term=term, note=note)
    return _annotations().get(pk=annotation.pk)


@router.delete("/annotations/{annotation_id}", response={204: None, 404: ErrorOut, **WRITE_ERRORS})
def delete_annotation(request: HttpRequest, annotation_id: int):
    _changeable(request, annotation_id).delete()
    return Status(204, None)
