"""``GET /api/compare?a=ID&b=ID``: the CONTRACTS compare JSON, the same matches the page highlights."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from ..review.comparison import MissingArticles, articles_in_order, reviewed_comparison
from .errors import READ_ERRORS, ErrorOut
from .inputs import ObjectId

router = Router(tags=["compare"])


class SpanOut(Schema):
    start: int
    end: int
    text: str = Field(..., description="article.text[start:end]")


class PhraseOut(Schema):
    a: SpanOut
    b: SpanOut
    score: float | None = Field(..., description="null for an analyst's own selection in a manual link")


class MatchOut(Schema):
    id: str
    a: SpanOut
    b: SpanOut
    score: float | None = Field(..., description="null when the machine did not score the pair (manual link, or confirmed but no longer suggested)")
    tier: str | None = Field(..., description="strong or possible; null when unscored")
    phrases: list[PhraseOut]
    reasons: list[str]
    review: str = Field(..., description="suggested, confirmed or manual (rejected matches are left out)")
    reviewed_by: str | None
    reviewed_at: datetime | None


class ArticleRefOut(Schema):
    id: int
    title: str
    outlet: str


class CompareOut(Schema):
    a: ArticleRefOut
    b: ArticleRefOut
    sensitivity: float
    matches: list[MatchOut]


@router.get(
    "/compare", response={200: CompareOut, 400: ErrorOut, 404: ErrorOut, **READ_ERRORS}, summary="Compare two articles"
)
def compare(request: HttpRequest, a: ObjectId, b: ObjectId, sensitivity: float | None = None):
    """Shared claims of articles ``a`` and ``b`` with their review state; rejected matches are left out."""
    if a == b:
        raise HttpError(400, "Compare two different articles.")
    if sensitivity is not None and not 0.0 <= sensitivity <= 1.0:
        raise HttpError(400, "sensitivity is between 0 and 1.")
    try:
        first, second = articles_in_order([a, b])
    except MissingArticles as missing:
        raise HttpError(404, str(missing))
    return reviewed_comparison(first, second, sensitivity).as_json()
