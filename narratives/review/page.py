"""What the side-by-side page shows, built from a ReviewedComparison: both texts with their highlights
(per the rendering contract in docs/ARCHITECTURE.md), the numbered list of shared claims, and the
claims only one side makes. The template only lays this out, so the print view and the page agree.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from django.utils.safestring import SafeString

from ..framing.highlights import spans_for_article
from ..models import CLAIM_KINDS, Article, ReviewState
from ..textspans import Span, mark_up
from .comparison import MatchFilter, ReviewedComparison
from .matches import Pieces, ReviewedMatch, Side

COLOURS = 8  # compare.css defines .c0 … .c7; numbers and underline styles carry the link without colour
_ACTIONS = {
    ReviewState.SUGGESTED: (("confirm", "Confirm"), ("reject", "Reject")),
    ReviewState.CONFIRMED: (("reject", "Reject"), ("undo", "Undo")),
    ReviewState.REJECTED: (("confirm", "Confirm"), ("undo", "Undo")),
    ReviewState.MANUAL: (("undo", "Unlink"),),
}
_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Claim:
    """One shared claim as listed beside the texts: its number and colour are the same on both sides."""

    number: int
    match: ReviewedMatch

    @property
    def colour(self) -> int:
        return (self.number - 1) % COLOURS

    @property
    def explanation(self) -> str:
        return explain(self.number, self.match)

    @property
    def note(self) -> str:
        return review_note(self.match)

    @property
    def tier(self) -> str:
        return self.match.tier or "none"

    @property
    def why(self) -> str:
        """The list's one-line evidence: tier and score from the machine, or how the match came to be."""
        if self.match.tier:
            measured = f"{self.match.tier.upper()} · score {self.match.score:.2f}"
        elif self.match.review == ReviewState.MANUAL:
            measured = "BY HAND"
        else:
            measured = "UNSCORED"
        return " · ".join([measured, *self.match.reasons])

    @property
    def actions(self) -> tuple[tuple[str, str], ...]:
        """(action, label) of the review buttons this match offers; each action has its own form."""
        return _ACTIONS[self.match.review]


@dataclass(frozen=True)
class Paragraph:
    start: int
    html: SafeString
    kind: str  # the kind of all its segments (title, metadata, boilerplate…), "mixed", or "text" without segments


@dataclass(frozen=True)
class Pane:
    side: str  # "a" or "b"
    article: Article
    paragraphs: list[Paragraph]
    only: list[Side]  # claim sentences the other article has no match for


@dataclass(frozen=True)
class PairPage:
    comparison: ReviewedComparison
    match_filter: str
    claims: list[Claim]
    panes: tuple[Pane, Pane]

    @property
    def counts(self) -> dict[str, int]:
        return self.comparison.counts()


def pair_page(comparison: ReviewedComparison, match_filter: str = MatchFilter.ALL) -> PairPage:
    claims = [Claim(n, m) for n, m in enumerate(comparison.shown(match_filter), start=1)]
    panes = (
        _pane(comparison, "a", comparison.a, comparison.segments_a, claims),
        _pane(comparison, "b", comparison.b, comparison.segments_b, claims),
    )
    return PairPage(comparison, match_filter, claims, panes)


def explain(number: int, match: ReviewedMatch) -> str:
    """The hover text of a highlight: what the machine measured, why, and who decided what."""
    if match.tier:
        measured = f"{match.tier} match, score {match.score:.2f}"
    else:
        measured = "not scored by the machine"
    why = f"; why: {', '.join(match.reasons)}" if match.reasons else ""
    return f"Shared claim {number}: {measured}{why}. {review_note(match)}"


def review_note(match: ReviewedMatch) -> str:
    if match.review == ReviewState.SUGGESTED:
        return "Suggested by the machine, not yet reviewed."
    when = f" on {match.reviewed_at:%Y-%m-%d %H:%M} UTC" if match.reviewed_at else ""
    who = match.reviewed_by or "a deleted user"
    verb = {ReviewState.CONFIRMED: "Confirmed", ReviewState.REJECTED: "Rejected", ReviewState.MANUAL: "Linked by hand"}
    note = f"{verb[match.review]} by {who}{when}."
    if match.review == ReviewState.CONFIRMED and not match.suggested:
        note += " The machine does not suggest it at this sensitivity."
    return note


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """One block per line of clean text (ingest separates paragraphs with newlines); blank lines drop out."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def _pane(comparison: ReviewedComparison, side: str, article: Article, segments: Pieces, claims: list[Claim]) -> Pane:
    only = comparison.only_in(side)
    spans = [
        *_highlights(side, segments, claims),
        *_phrases(side, claims),
        *_only_spans(side, only),
        *_kind_spans(segments),
        *spans_for_article(article),
    ]
    text = article.clean_text
    bounds = paragraph_bounds(text)
    paragraphs = [
        Paragraph(start, _marked(text, start, end, tuple(mine)), _paragraph_kind(segments, start, end))
        for (start, end), mine in zip(bounds, _per_paragraph(spans, bounds))
    ]
    return Pane(side, article, paragraphs, only)


def forget_rendered() -> None:
    """Drop the remembered paragraphs (a benchmark's cold start)."""
    _marked.cache_clear()


@lru_cache(maxsize=4096)
def _marked(text: str, start: int, end: int, spans: tuple[Span, ...]) -> SafeString:
    """mark_up, remembered: a paragraph whose text and spans are unchanged since the last request (most of
    them, after a confirm or a reload) is not rebuilt. The key is the whole input, so nothing goes stale."""
    return mark_up(text, list(spans), start, end)


def _per_paragraph(spans: list[Span], bounds: list[tuple[int, int]]) -> list[list[Span]]:
    """Each paragraph's spans, so mark_up sifts a handful per paragraph instead of the whole article's."""
    starts = [start for start, _ in bounds]
    found: list[list[Span]] = [[] for _ in bounds]
    for span in spans:
        first = max(0, bisect_right(starts, span.start) - 1)
        for i in range(first, len(bounds)):
            if bounds[i][0] >= span.end:
                break
            if bounds[i][1] > span.start:
                found[i].append(span)
    return found


def _paragraph_kind(segments: Pieces, start: int, end: int) -> str:
    kinds = {s.kind for s in segments.touching(start, end) if s.start >= start}
    if not kinds:
        return "text"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _highlights(side: str, segments: Pieces, claims: list[Claim]) -> list[Span]:
    """One element per highlighted sentence carrying every match it is in, so ``data-match`` lists them all."""
    units: dict[tuple[int, int], list[Claim]] = {}
    for claim in claims:
        for unit in _units(segments, getattr(claim.match, side)):
            units.setdefault(unit, []).append(claim)
    return [_highlight(start, end, found) for (start, end), found in units.items()]


def _units(segments: Pieces, span: Side) -> list[tuple[int, int]]:
    """The sentences a match covers (a hand-made link may span several); a span outside every segment stands alone."""
    inside = [(max(s.start, span.start), min(s.end, span.end)) for s in segments.touching(span.start, span.end)]
    return inside or [(span.start, span.end)]


def _highlight(start: int, end: int, claims: list[Claim]) -> Span:
    # The analyst's decisions outrank suggestions, then the higher score: that match sets tier and review.
    primary = min(claims, key=lambda c: (not c.match.decided, -(c.match.score or 0.0), c.number))
    attrs = (
        ("class", f"hl c{primary.colour}"),
        ("data-match", " ".join(c.match.id for c in claims)),
        ("data-tier", primary.match.tier or "none"),
        ("data-review", primary.match.review),
        ("data-n", " ".join(str(c.number) for c in claims)),
        ("tabindex", "0"),
        ("title", "\n".join(c.explanation for c in claims)),
    )
    return Span(start, end, "mark", attrs)


def _phrases(side: str, claims: list[Claim]) -> list[Span]:
    spans = []
    for claim in claims:
        for phrase in claim.match.phrases:
            piece = getattr(phrase, side)
            kind = "phrase" if phrase.score is not None else "phrase selected"
            spans.append(Span(piece.start, piece.end, "em", (("class", kind), ("data-phrase", claim.match.id))))
    return spans


def _only_spans(side: str, only: list[Side]) -> list[Span]:
    title = "Only in this article: the other article has no matching claim."
    return [
        Span(s.start, s.end, "span", (("class", "only"), ("id", f"only-{side}-{s.start}"), ("title", title)))
        for s in only
    ]


def _kind_spans(segments: Pieces) -> list[Span]:
    """Web furniture, captions and metadata stay readable but muted: they are never matched."""
    return [Span(s.start, s.end, "span", (("class", f"kind-{s.kind}"),)) for s in segments if s.kind not in CLAIM_KINDS]
