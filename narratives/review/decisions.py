"""Analysts' decisions on matches: confirm, reject, link by hand, and undo (which also unlinks).

Every decision is one MatchDecision row keyed by offsets with the lower article id as side A, so a
pair has one verdict whichever way round it was opened, and deciding again replaces the verdict
(and its author and time) instead of piling up contradictory rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from ..models import Article, MatchDecision, ReviewState
from .comparison import ReviewedComparison
from .matches import Key, ReviewedMatch


class DecisionError(ValueError):
    """A decision that cannot be taken; the message is written for the analyst."""


@dataclass(frozen=True)
class Selection:
    """What the browser says was selected: offsets computed by the rendering contract, and the text seen."""

    start: int
    end: int
    text: str


def confirm(comparison: ReviewedComparison, match: ReviewedMatch, user: AbstractBaseUser) -> MatchDecision:
    _refuse_manual(match, "confirm")
    return _store(comparison.a, comparison.b, match.pair, ReviewState.CONFIRMED, user)


def reject(comparison: ReviewedComparison, match: ReviewedMatch, user: AbstractBaseUser) -> MatchDecision:
    _refuse_manual(match, "reject")
    return _store(comparison.a, comparison.b, match.pair, ReviewState.REJECTED, user)


def undo(comparison: ReviewedComparison, match: ReviewedMatch) -> None:
    """Forget the decision on a match: a confirmed or rejected one is a suggestion again, a manual link goes."""
    if match.decision_key is None:
        raise DecisionError("This match has no decision to undo: it is still a suggestion.")
    low, high, key = _normalised(comparison.a, comparison.b, match.decision_key)
    MatchDecision.objects.filter(
        article_a=low, a_start=key[0], a_end=key[1], article_b=high, b_start=key[2], b_end=key[3]
    ).delete()


def link(
    comparison: ReviewedComparison, a_selection: Selection, b_selection: Selection, user: AbstractBaseUser
) -> MatchDecision:
    """Link two selections by hand. The exact selections are stored (they are what the analyst chose and
    what an export cites); the page shows them on their whole sentences (see comparison.snap)."""
    a0, a1 = checked_span(comparison.a, a_selection)
    b0, b1 = checked_span(comparison.b, b_selection)
    return _store(comparison.a, comparison.b, (a0, a1, b0, b1), ReviewState.MANUAL, user)


def checked_span(article: Article, selection: Selection) -> tuple[int, int]:
    """Validate browser offsets against the clean text and trim the whitespace a selection drags along."""
    text = article.clean_text
    if not 0 <= selection.start < selection.end <= len(text):
        raise DecisionError(f"The selection in “{article.title}” is outside its text.")
    # Between paragraphs the page holds markup whitespace where the text has newlines, so only the
    # characters that are not whitespace must agree; any other difference means stale offsets.
    if _squash(text[selection.start : selection.end]) != _squash(selection.text):
        raise DecisionError(f"The selection in “{article.title}” does not match its text: reload the page and select again.")
    chosen = text[selection.start : selection.end]
    start = selection.start + (len(chosen) - len(chosen.lstrip()))
    end = selection.end - (len(chosen) - len(chosen.rstrip()))
    if start >= end:
        raise DecisionError(f"The selection in “{article.title}” holds no text.")
    return start, end


def _squash(text: str) -> str:
    return "".join(text.split())


def _refuse_manual(match: ReviewedMatch, verb: str) -> None:
    if match.review == ReviewState.MANUAL:
        raise DecisionError(f"A manual link is already an analyst's decision: unlink it rather than {verb} it.")


def _normalised(a: Article, b: Article, key: Key) -> tuple[Article, Article, Key]:
    if a.pk < b.pk:
        return a, b, key
    return b, a, (key[2], key[3], key[0], key[1])


def _store(a: Article, b: Article, key: Key, state: str, user: AbstractBaseUser) -> MatchDecision:
    low, high, (a0, a1, b0, b1) = _normalised(a, b, key)
    decision, _ = MatchDecision.objects.update_or_create(
        article_a=low,
        a_start=a0,
        a_end=a1,
        article_b=high,
        b_start=b0,
        b_end=b1,
        defaults={"state": state, "decided_by": user},
    )
    return decision
