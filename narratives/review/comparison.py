"""Analysts' decisions layered over the machine's matches between two articles.

The machine suggests (``matching.align.compare_articles``); analysts decide (``MatchDecision`` rows).
This module merges the two into one list of ``ReviewedMatch`` that the page, the API, the command and
the exports all read, so what is exported is exactly what is shown:

- a rejected pair is passed to the matcher as ``exclude`` and so never suggested again, but it stays
  listable (filter "rejected") from its decision row;
- a confirmed pair is kept even when the machine no longer suggests it at this sensitivity;
- a manual link (an analyst's exact selection) is shown on the whole sentences it touches, with the
  selection itself as its phrase.

The machine's side (and its memory of recent answers) is in ``machine``; the values handed around
are in ``matches``. Decisions are keyed by offsets, not by segment rows or vectors, so they survive
re-embedding and a new model. A match's id is derived from the same offsets, lower article id first, so it is the same
whichever way round the two articles are opened and does not change when a suggestion is decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import combinations

from django.db import models

from ..matching.align import DEFAULT_SENSITIVITY, match_id
from ..models import CLAIM_KINDS, Article, MatchDecision, ReviewState, Segment
from .machine import machine_matches
from .matches import Key, PhrasePair, Piece, Pieces, ReviewedMatch, Side, snap


class MatchFilter(models.TextChoices):
    ALL = "all", "All shared claims"
    STRONG = "strong", "Strong only"
    UNREVIEWED = "unreviewed", "Unreviewed"
    REJECTED = "rejected", "Rejected"


@dataclass(frozen=True)
class Decision:
    """A MatchDecision row turned to face the comparison's (a, b) orientation."""

    key: Key
    state: str
    decided_by: str | None
    decided_at: datetime | None


@dataclass
class ReviewedComparison:
    a: Article
    b: Article
    sensitivity: float
    matches: list[ReviewedMatch]  # every match, rejected ones included, in reading order of A
    segments_a: Pieces = field(default_factory=lambda: Pieces([]))
    segments_b: Pieces = field(default_factory=lambda: Pieces([]))

    def get(self, match_id: str) -> ReviewedMatch | None:
        return next((m for m in self.matches if m.id == match_id), None)

    def shown(self, match_filter: str = MatchFilter.ALL) -> list[ReviewedMatch]:
        return [m for m in self.matches if _passes(m, match_filter)]

    def only_in(self, side: str) -> list[Side]:
        """Claim sentences of one side that no current (not rejected) match touches: what the other leaves out."""
        article, segments = (self.a, self.segments_a) if side == "a" else (self.b, self.segments_b)
        matched = {
            piece
            for m in self.matches
            if m.review != ReviewState.REJECTED
            for piece in segments.touching(getattr(m, side).start, getattr(m, side).end)
        }
        return [Side.of(article, p.start, p.end) for p in segments if p.kind in CLAIM_KINDS and p not in matched]

    def counts(self) -> dict[str, int]:
        counts = {state.value: 0 for state in ReviewState}
        for m in self.matches:
            counts[m.review] += 1
        return counts

    def as_json(self, match_filter: str = MatchFilter.ALL) -> dict:
        """The CONTRACTS ``compare`` JSON, with the review keys the contract allows beside it."""
        return {
            "a": article_json(self.a),
            "b": article_json(self.b),
            "sensitivity": self.sensitivity,
            "matches": [m.as_json() for m in self.shown(match_filter)],
        }


class MissingArticles(LookupError):
    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"No article with id {', '.join(map(str, ids))}.")
        self.ids = ids


def articles_in_order(ids: list[int]) -> list[Article]:
    """The articles in the order asked for (that order puts A on the left), or MissingArticles naming the gaps."""
    found = Article.objects.select_related("outlet").in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise MissingArticles(missing)
    return [found[i] for i in ids]


def article_json(article: Article) -> dict:
    return {"id": article.pk, "title": article.title, "outlet": article.outlet.name}


def _passes(match: ReviewedMatch, match_filter: str) -> bool:
    if match_filter == MatchFilter.REJECTED:
        return match.review == ReviewState.REJECTED
    if match.review == ReviewState.REJECTED:
        return False
    if match_filter == MatchFilter.STRONG:
        return match.tier == "strong"
    if match_filter == MatchFilter.UNREVIEWED:
        return match.review == ReviewState.SUGGESTED
    return True


def decisions_between(a: Article, b: Article) -> list[Decision]:
    """Every decision on the pair, turned to face (a, b); rows whose offsets no longer fit the text are skipped."""
    low, high = (a, b) if a.pk < b.pk else (b, a)
    rows = MatchDecision.objects.filter(article_a=low, article_b=high).select_related("decided_by")
    found = []
    for row in rows:
        key = (row.a_start, row.a_end, row.b_start, row.b_end)
        if a.pk > b.pk:
            key = (row.b_start, row.b_end, row.a_start, row.a_end)
        if key[1] > len(a.clean_text) or key[3] > len(b.clean_text):
            continue
        who = row.decided_by.get_username() if row.decided_by else None
        found.append(Decision(key, row.state, who, row.decided_at))
    return found


def article_segments(article: Article) -> Pieces:
    return Pieces([Piece(*row) for row in Segment.objects.filter(article=article).values_list("kind", "start", "end")])


def reviewed_comparison(a: Article, b: Article, sensitivity: float | None = None) -> ReviewedComparison:
    """The machine's matches for (a, b) with every analyst decision on the pair applied."""
    if a.pk == b.pk:
        raise ValueError("an article cannot be compared with itself")
    decisions = decisions_between(a, b)
    rejected = frozenset(d.key for d in decisions if d.state == ReviewState.REJECTED)
    segments_a, segments_b = article_segments(a), article_segments(b)
    # Keyed by offsets, not ids: decisions know only offsets, and the pair of offsets is the identity.
    matches = {m.pair: m for m in machine_matches(a, b, sensitivity, rejected)}
    for decision in decisions:
        _apply(a, b, decision, matches, segments_a, segments_b)
    ordered = sorted(matches.values(), key=lambda m: (m.a.start, m.b.start, m.a.end, m.b.end))
    effective = DEFAULT_SENSITIVITY if sensitivity is None else sensitivity
    return ReviewedComparison(a, b, effective, ordered, segments_a, segments_b)


def pairwise(articles: list[Article], sensitivity: float | None) -> list[ReviewedComparison]:
    """Every pair of the articles compared, in ``combinations`` order (the grid relies on it)."""
    return [reviewed_comparison(a, b, sensitivity) for a, b in combinations(articles, 2)]


def _apply(
    a: Article,
    b: Article,
    decision: Decision,
    matches: dict[Key, ReviewedMatch],
    segments_a: Pieces,
    segments_b: Pieces,
) -> None:
    stamp = {"review": decision.state, "reviewed_by": decision.decided_by, "reviewed_at": decision.decided_at}
    if decision.state == ReviewState.MANUAL:
        _apply_manual(a, b, decision, matches, segments_a, segments_b, stamp)
        return
    if decision.key in matches:
        matches[decision.key] = replace(matches[decision.key], decision_key=decision.key, **stamp)
        return
    # Confirmed but no longer suggested at this sensitivity, or rejected (and so excluded from the
    # matcher): shown from the decision alone, honestly unscored rather than with a stale score.
    a0, a1, b0, b1 = decision.key
    matches[decision.key] = ReviewedMatch(
        match_id(a, b, decision.key), Side.of(a, a0, a1), Side.of(b, b0, b1), None, None, (), (),
        decision_key=decision.key, **stamp,
    )


def _apply_manual(a, b, decision, matches, segments_a, segments_b, stamp) -> None:
    a0, a1, b0, b1 = decision.key
    sa0, sa1 = snap(segments_a, a0, a1)
    sb0, sb1 = snap(segments_b, b0, b1)
    selection = PhrasePair(Side.of(a, a0, a1), Side.of(b, b0, b1), None)
    whole = (a0, a1, b0, b1) == (sa0, sa1, sb0, sb1)
    snapped = (sa0, sa1, sb0, sb1)
    if snapped in matches and matches[snapped].review == ReviewState.SUGGESTED:
        # The analyst linked what the machine also suggests: one entry, the analyst's word on it.
        found = matches[snapped]
        phrases = found.phrases if whole else (selection, *found.phrases)
        matches[snapped] = replace(found, phrases=phrases, decision_key=decision.key, **stamp)
        return
    # Keyed by the selection: two hand links within one sentence pair stay two entries.
    matches[decision.key] = ReviewedMatch(
        match_id(a, b, decision.key),
        Side.of(a, sa0, sa1),
        Side.of(b, sb0, sb1),
        None,
        None,
        () if whole else (selection,),
        (),
        decision_key=decision.key,
        **stamp,
    )
