"""The values the review layer hands around: spans of clean text, phrase pairs, reviewed matches, and
an article's segments as light rows with fast lookup. No database or matcher access here."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from ..matching.align import Match
from ..models import Article, ReviewState

Key = tuple[int, int, int, int]  # (a_start, a_end, b_start, b_end), in the comparison's orientation


@dataclass(frozen=True)
class Side:
    """A span of one article's clean text; ``text == article.clean_text[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, article: Article, start: int, end: int) -> "Side":
        return cls(start, end, article.clean_text[start:end])

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class Piece(NamedTuple):
    """A segment as the review layer needs it: kind and offsets (a light row, not a model instance)."""

    kind: str
    start: int
    end: int


class Pieces:
    """An article's segments in reading order, with fast lookup of those a span touches."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.all = sorted(pieces, key=lambda p: p.start)
        self._ends = [p.end for p in self.all]

    def __iter__(self):
        return iter(self.all)

    def touching(self, start: int, end: int) -> list[Piece]:
        # Segments do not overlap, so their ends rise with their starts: bisect for the first one
        # ending after ``start`` and walk on while they begin before ``end``.
        found = []
        for piece in self.all[bisect_right(self._ends, start) :]:
            if piece.start >= end:
                break
            found.append(piece)
        return found


@dataclass(frozen=True)
class PhrasePair:
    a: Side
    b: Side
    score: float | None  # None for an analyst's own selection: nothing was scored

    def as_json(self) -> dict:
        return {"a": self.a.as_json(), "b": self.b.as_json(), "score": self.score}


@dataclass(frozen=True)
class ReviewedMatch:
    id: str
    a: Side
    b: Side
    score: float | None  # None when the machine did not score this pair (manual, rejected, no longer suggested)
    tier: str | None  # "strong" | "possible" from the machine, None when unscored
    phrases: tuple[PhrasePair, ...]
    reasons: tuple[str, ...]
    review: str
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    decision_key: Key | None = None  # the row to delete on undo/unlink; not always (a, b): see manual links
    suggested: bool = False  # the machine suggests it at this sensitivity

    @property
    def pair(self) -> Key:
        """The offsets shown on both sides: what a confirm or reject is recorded against."""
        return (self.a.start, self.a.end, self.b.start, self.b.end)

    @property
    def decided(self) -> bool:
        return self.review != ReviewState.SUGGESTED

    def as_json(self) -> dict:
        # The machine's fields exactly as the matcher writes them (the compare command and the API
        # promise the same JSON), then the review layered on top.
        return {
            **Match.as_json(self),  # type: ignore[arg-type]  # same fields, read only
            "review": self.review,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
        }


def snap(segments: Pieces, start: int, end: int) -> tuple[int, int]:
    """Widen a selection to the whole segments it touches, so a hand-made link reads like a machine match
    (sentence to sentence) and counts in "only in A/B"; text outside every segment keeps the selection."""
    touched = segments.touching(start, end)
    if not touched:
        return start, end
    return min(start, *(s.start for s in touched)), max(end, *(s.end for s in touched))
